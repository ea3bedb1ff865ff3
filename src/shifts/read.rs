//! What other slices may know about shifts: who is on duty now (the errands slice pages
//! them for urgent medical help).

use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

use crate::clock::millis;
use crate::i18n::Lang;
use crate::Result;

/// Volunteers checked in at a checkpoint of the community and not checked out, on a shift
/// that has not ended more than two hours ago (the automatic check-out's delay), reachable,
/// with their language.
pub async fn on_duty(conn: &mut SqliteConnection, community_id: i64, now: DateTime<Utc>) -> Result<Vec<(i64, Lang)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT u.id, u.lang FROM shift_claims m JOIN shifts s ON s.id = m.shift_id
             JOIN users u ON u.id = m.user_id
         WHERE s.community_id = ? AND m.checked_in_at IS NOT NULL AND m.checked_out_at IS NULL
           AND s.start_at <= ?2 + 3600000 AND s.end_at > ?3 AND u.unreachable = 0
         ORDER BY u.id",
    )
    .bind(community_id)
    .bind(millis(now))
    .bind(millis(now - Duration::hours(2)))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, l)| (id, Lang::from_code(&l).unwrap_or_default())).collect())
}
