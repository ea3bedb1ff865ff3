//! The checkpoints and shift templates officials keep current in chat: the list, adding a
//! checkpoint (with an optional English name), its location and radius, adding and
//! changing templates.

use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::i18n::Lang;
use crate::shifts::store::named;
use crate::Result;

/// A checkpoint as officials manage it.
#[derive(Debug, Clone, FromRow)]
pub struct Checkpoint {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    /// The English name, or the name when it has none.
    pub name_en: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub radius_m: i64,
    /// (template id, start minute, end minute, capacity, min_senior)
    #[sqlx(skip)]
    pub templates: Vec<(i64, i64, i64, i64, i64)>,
}

impl Checkpoint {
    pub fn name(&self, lang: Lang) -> &str {
        named(lang, &self.name, &self.name_en)
    }
}

const CHECKPOINT: &str =
    "SELECT id, community_id, name, COALESCE(name_en, name) AS name_en, latitude, longitude, radius_m FROM checkpoints";

/// A community's checkpoints with their templates, in a stable order (the numbers
/// officials type).
pub async fn checkpoints(pool: &SqlitePool, community_id: i64) -> Result<Vec<Checkpoint>> {
    let points: Vec<Checkpoint> = sqlx::query_as(&format!("{CHECKPOINT} WHERE community_id = ? ORDER BY id"))
        .bind(community_id)
        .fetch_all(pool)
        .await?;
    let templates: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT t.checkpoint_id, t.id, t.start_minute, t.end_minute, t.capacity, t.min_senior FROM shift_templates t
         JOIN checkpoints c ON c.id = t.checkpoint_id WHERE c.community_id = ? ORDER BY t.start_minute",
    )
    .bind(community_id)
    .fetch_all(pool)
    .await?;
    Ok(points
        .into_iter()
        .map(|mut c| {
            c.templates = templates.iter().filter(|t| t.0 == c.id).map(|t| (t.1, t.2, t.3, t.4, t.5)).collect();
            c
        })
        .collect())
}

/// One checkpoint (without its templates); button data is checked against its community.
pub async fn checkpoint(pool: &SqlitePool, id: i64) -> Result<Option<Checkpoint>> {
    Ok(sqlx::query_as(&format!("{CHECKPOINT} WHERE id = ?")).bind(id).fetch_optional(pool).await?)
}

pub async fn add_checkpoint(
    conn: &mut SqliteConnection,
    community_id: i64,
    name: &str,
    name_en: Option<&str>,
) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO checkpoints (community_id, name, name_en) VALUES (?, ?, ?)
         ON CONFLICT (community_id, name) DO NOTHING",
    )
    .bind(community_id)
    .bind(name)
    .bind(name_en)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Where check-in by location counts: the checkpoint's coordinates and, if given, radius.
pub async fn set_location(
    conn: &mut SqliteConnection,
    checkpoint_id: i64,
    latitude: f64,
    longitude: f64,
    radius_m: Option<i64>,
) -> Result<()> {
    sqlx::query("UPDATE checkpoints SET latitude = ?, longitude = ?, radius_m = COALESCE(?, radius_m) WHERE id = ?")
        .bind(latitude)
        .bind(longitude)
        .bind(radius_m)
        .bind(checkpoint_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn add_template(
    conn: &mut SqliteConnection,
    checkpoint_id: i64,
    start: i64,
    end: i64,
    capacity: i64,
    min_senior: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO shift_templates (checkpoint_id, start_minute, end_minute, capacity, min_senior) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (checkpoint_id, start_minute) DO NOTHING",
    )
    .bind(checkpoint_id)
    .bind(start)
    .bind(end)
    .bind(capacity)
    .bind(min_senior)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn template_community(pool: &SqlitePool, template_id: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT c.community_id FROM shift_templates t JOIN checkpoints c ON c.id = t.checkpoint_id WHERE t.id = ?",
    )
    .bind(template_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(c,)| c))
}

/// Changes a template and its shifts that have not started; a shift keeps at least the
/// places already taken. Returns how many future shifts could not shrink that far.
pub async fn edit_template(
    conn: &mut SqliteConnection,
    template_id: i64,
    capacity: i64,
    min_senior: i64,
    now_ms: i64,
) -> Result<u64> {
    let tx = conn;
    sqlx::query("UPDATE shift_templates SET capacity = ?, min_senior = ? WHERE id = ?")
        .bind(capacity)
        .bind(min_senior)
        .bind(template_id)
        .execute(&mut *tx)
        .await?;
    let kept = sqlx::query("UPDATE shifts SET capacity = taken WHERE template_id = ? AND start_at > ? AND taken > ?")
        .bind(template_id)
        .bind(now_ms)
        .bind(capacity)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query(
        "UPDATE shifts SET capacity = ?1, min_senior = ?2 WHERE template_id = ?3 AND start_at > ?4 AND taken <= ?1",
    )
    .bind(capacity)
    .bind(min_senior)
    .bind(template_id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE shifts SET min_senior = ? WHERE template_id = ? AND start_at > ?")
        .bind(min_senior)
        .bind(template_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    Ok(kept)
}
