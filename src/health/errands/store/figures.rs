//! What the lead's views read of errands: open errands per household (`/isolated`) and a
//! day's figures (the officials' daily line and the daily report). "Overdue" is defined
//! in `model` (urgent unclaimed after 30 minutes, others not done after 24 hours).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::SqliteConnection;

use crate::clock::millis;
use crate::health::errands::model::{ERRAND_OVERDUE, URGENT_OVERDUE};
use crate::Result;

/// Per household of the community with errands under way (open or claimed):
/// (building_id, household key, how many).
pub async fn open_by_household(conn: &mut SqliteConnection, community_id: i64) -> Result<Vec<(i64, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT building_id, household, count(*) FROM errands
         WHERE community_id = ? AND status IN ('open', 'claimed')
         GROUP BY building_id, household ORDER BY building_id, household",
    )
    .bind(community_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A community's errands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayFigures {
    /// Under way now (open or claimed), asked for on or before that day.
    pub open: i64,
    /// Marked done by a volunteer during that day (confirmed by the resident or not).
    pub done: i64,
    /// Of `open`, those overdue at `now` (`model`: urgent unclaimed > 30 min, others > 24 h).
    pub overdue: i64,
}

pub async fn day_figures(
    conn: &mut SqliteConnection,
    community_id: i64,
    day: NaiveDate,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<DayFigures> {
    let (start, end) = crate::clock::day_bounds(day, tz);
    let (open, done, overdue): (i64, i64, i64) = sqlx::query_as(
        "SELECT
             coalesce(sum(status IN ('open', 'claimed') AND created_at < ?3), 0),
             coalesce(sum(done_at >= ?2 AND done_at < ?3), 0),
             coalesce(sum(status IN ('open', 'claimed') AND created_at < ?3 AND (
                 (urgent AND status = 'open' AND created_at < ?4) OR (NOT urgent AND created_at < ?5))), 0)
         FROM errands WHERE community_id = ?1",
    )
    .bind(community_id)
    .bind(millis(start))
    .bind(millis(end))
    .bind(millis(now - URGENT_OVERDUE))
    .bind(millis(now - ERRAND_OVERDUE))
    .fetch_one(&mut *conn)
    .await?;
    Ok(DayFigures { open, done, overdue })
}
