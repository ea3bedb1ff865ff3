//! SQL of `/leaders`: which volunteers an official allowed to lead group buys
//! (`group_buy_leaders`). Allowing twice or stopping twice changes nothing and says so,
//! so a double tap or a stale button never flips the choice back.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::clock::millis;
use crate::Result;

/// Allows `user` to lead in `community`; false when they already could.
pub async fn allow(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    user: i64,
    community: i64,
    allowed_by: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO group_buy_leaders (user_id, community_id, allowed_by, allowed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, community_id) DO NOTHING",
    )
    .bind(user)
    .bind(community)
    .bind(allowed_by)
    .bind(millis(now))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Stops `user` leading in `community`; false when they could not anyway.
pub async fn stop(conn: &mut SqliteConnection, user: i64, community: i64) -> Result<bool> {
    let n = sqlx::query("DELETE FROM group_buy_leaders WHERE user_id = ? AND community_id = ?")
        .bind(user)
        .bind(community)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// The people allowed to lead in `community`.
pub async fn leaders_in(conn: &mut SqliteConnection, community: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT user_id FROM group_buy_leaders WHERE community_id = ?")
        .bind(community)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
