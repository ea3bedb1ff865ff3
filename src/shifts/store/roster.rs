//! What officials read and change about shifts: who is on a shift, coverage, no-shows.
//! The checkpoints and shift templates themselves are `setup`.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::clock::{from_millis, millis};
use crate::i18n::Lang;
use crate::shifts::store::{named, BoardShift};
use crate::Result;

/// Someone on a shift, as the officials' roster shows them.
#[derive(Debug, Clone, FromRow)]
pub struct Claimant {
    pub user_id: i64,
    pub name: String,
    pub senior: bool,
    pub checked_in: bool,
    pub checked_out: bool,
    /// The check-out was made by the bot, two hours after the end.
    pub auto_closed: bool,
    pub no_show: bool,
}

/// Names on a shift (officials' roster), with their attendance.
pub async fn claimants(pool: &SqlitePool, shift_id: i64) -> Result<Vec<Claimant>> {
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.display_name AS name, m.senior, m.checked_in_at IS NOT NULL AS checked_in,
                m.checked_out_at IS NOT NULL AS checked_out, m.auto_closed, m.no_show
         FROM shift_claims m JOIN users u ON u.id = m.user_id WHERE m.shift_id = ? ORDER BY m.claimed_at",
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

/// What a message about one shift names: its checkpoint, community and times.
#[derive(Debug, Clone, Default, FromRow)]
pub struct ShiftInfo {
    pub checkpoint: String,
    pub checkpoint_en: String,
    pub community_id: i64,
    pub start_at: i64,
    pub end_at: i64,
}

impl ShiftInfo {
    pub fn checkpoint(&self, lang: Lang) -> &str {
        named(lang, &self.checkpoint, &self.checkpoint_en)
    }

    pub fn start(&self) -> DateTime<Utc> {
        from_millis(self.start_at)
    }

    pub fn end(&self) -> DateTime<Utc> {
        from_millis(self.end_at)
    }
}

/// Checkpoint name, community and times of a shift.
pub async fn describe(conn: &mut SqliteConnection, shift_id: i64) -> Result<Option<ShiftInfo>> {
    Ok(sqlx::query_as(
        "SELECT c.name AS checkpoint, COALESCE(c.name_en, c.name) AS checkpoint_en, s.community_id, s.start_at, s.end_at
         FROM shifts s JOIN checkpoints c ON c.id = s.checkpoint_id WHERE s.id = ?",
    )
    .bind(shift_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A no-show in the nightly report: who, where (both names), when.
#[derive(Debug, Clone, FromRow)]
pub struct NoShow {
    pub name: String,
    pub checkpoint: String,
    pub checkpoint_en: String,
    pub start_at: i64,
}

/// Today's no-shows of a community (for the nightly report).
pub async fn no_shows_between(
    conn: &mut SqliteConnection,
    community_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<NoShow>> {
    Ok(sqlx::query_as(
        "SELECT u.display_name AS name, c.name AS checkpoint, COALESCE(c.name_en, c.name) AS checkpoint_en, s.start_at
         FROM shift_claims m JOIN shifts s ON s.id = m.shift_id
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
        "SELECT s.id, c.name AS checkpoint, COALESCE(c.name_en, c.name) AS checkpoint_en, s.start_at, s.end_at,
                s.capacity, s.min_senior, s.taken, s.seniors_taken, 0 AS mine, NULL AS offered_by,
                (SELECT count(*) FROM shift_claims n WHERE n.shift_id = s.id AND n.no_show = 1) AS no_shows
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

pub use crate::clock::day_bounds;
