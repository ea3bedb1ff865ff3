//! What officials read and change: who is on a shift, coverage, no-shows, and the
//! checkpoints and shift templates themselves.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::clock::millis;
use crate::shifts::store::BoardShift;
use crate::Result;

/// Names on a shift (officials' roster), with whether each checked in.
pub async fn claimants(pool: &SqlitePool, shift_id: i64) -> Result<Vec<(i64, String, bool, bool, bool)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.display_name, m.senior, m.checked_in_at IS NOT NULL, m.no_show FROM shift_claims m
         JOIN users u ON u.id = m.user_id WHERE m.shift_id = ? ORDER BY m.claimed_at",
    )
    .bind(shift_id)
    .fetch_all(pool)
    .await?)
}

pub async fn shift_community(pool: &SqlitePool, shift_id: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT community_id FROM shifts WHERE id = ?").bind(shift_id).fetch_optional(pool).await?;
    Ok(row.map(|(c,)| c))
}

/// Claims of a shift nobody checked in to, `grace` after its start: marks them no-shows
/// and returns (user id, name) of each.
pub async fn mark_no_shows(conn: &mut SqliteConnection, shift_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "UPDATE shift_claims SET no_show = 1 WHERE shift_id = ? AND checked_in_at IS NULL AND no_show = 0
         RETURNING user_id, (SELECT display_name FROM users WHERE id = user_id)",
    )
    .bind(shift_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Checkpoint name, community and times of a shift.
pub async fn describe(conn: &mut SqliteConnection, shift_id: i64) -> Result<Option<(String, i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT c.name, s.community_id, s.start_at, s.end_at FROM shifts s JOIN checkpoints c ON c.id = s.checkpoint_id
         WHERE s.id = ?",
    )
    .bind(shift_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Today's no-shows of a community (for the nightly report).
pub async fn no_shows_between(
    conn: &mut SqliteConnection,
    community_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT u.display_name, c.name, s.start_at FROM shift_claims m JOIN shifts s ON s.id = m.shift_id
         JOIN checkpoints c ON c.id = s.checkpoint_id JOIN users u ON u.id = m.user_id
         WHERE s.community_id = ? AND m.no_show = 1 AND s.start_at >= ? AND s.start_at < ? ORDER BY s.start_at",
    )
    .bind(community_id)
    .bind(millis(from))
    .bind(millis(to))
    .fetch_all(&mut *conn)
    .await?)
}

/// Shifts of a community starting in `[from, to)` with their coverage (roster, report).
pub async fn coverage_between(
    conn: &mut SqliteConnection,
    community_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<BoardShift>> {
    Ok(sqlx::query_as(
        "SELECT s.id, c.name AS checkpoint, s.start_at, s.end_at, s.capacity, s.min_senior, s.taken, s.seniors_taken,
                0 AS mine, NULL AS offered_by
         FROM shifts s JOIN checkpoints c ON c.id = s.checkpoint_id
         WHERE s.community_id = ? AND s.start_at >= ? AND s.start_at < ? ORDER BY c.id, s.start_at",
    )
    .bind(community_id)
    .bind(millis(from))
    .bind(millis(to))
    .fetch_all(&mut *conn)
    .await?)
}

/// Approved volunteers of a community not already on the shift (to assign).
pub async fn assignable(conn: &mut SqliteConnection, community_id: i64, shift_id: i64) -> Result<Vec<(i64, String)>> {
    let on: Vec<(i64,)> = sqlx::query_as("SELECT user_id FROM shift_claims WHERE shift_id = ?")
        .bind(shift_id)
        .fetch_all(&mut *conn)
        .await?;
    let on: Vec<i64> = on.into_iter().map(|(u,)| u).collect();
    crate::people::read::approved_volunteers(conn, community_id, &on).await
}

/// Local midnight-to-midnight of `day` in `tz`, as UTC instants.
pub fn day_bounds(day: NaiveDate, tz: chrono_tz::Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |d: NaiveDate| {
        use chrono::TimeZone;
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| d.and_time(chrono::NaiveTime::MIN).and_utc())
    };
    (start(day), start(day.succ_opt().unwrap_or(day)).max(start(day) + Duration::hours(1)))
}

/// A community's checkpoints with their templates: (id, name, [(template id, start, end,
/// capacity, min_senior)]), in a stable order (the numbers officials type).
pub async fn checkpoints(
    pool: &SqlitePool,
    community_id: i64,
) -> Result<Vec<(i64, String, Vec<(i64, i64, i64, i64, i64)>)>> {
    let points: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM checkpoints WHERE community_id = ? ORDER BY id")
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
        .map(|(id, name)| {
            let mine = templates.iter().filter(|t| t.0 == id).map(|t| (t.1, t.2, t.3, t.4, t.5)).collect();
            (id, name, mine)
        })
        .collect())
}

pub async fn add_checkpoint(conn: &mut SqliteConnection, community_id: i64, name: &str) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO checkpoints (community_id, name) VALUES (?, ?) ON CONFLICT (community_id, name) DO NOTHING",
    )
    .bind(community_id)
    .bind(name)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
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
