//! SQL for the community an official acts on (`people::scope`): the communities they run
//! with the one they chose marked, and remembering a choice.

use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::clock::millis;
use crate::Result;

use super::Named;

/// One community this person runs; `chosen_at` (unix ms) is set on the one they chose.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Office {
    #[sqlx(flatten)]
    pub community: Named,
    pub chosen_at: Option<i64>,
}

/// The communities this person runs (every community for an administrator), in id order,
/// with their remembered choice marked — one query, as it runs before every official
/// command.
pub async fn offices(pool: &SqlitePool, user_id: i64, admin: bool) -> Result<Vec<Office>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.name, c.name_en, s.chosen_at
         FROM communities c
         LEFT JOIN official_scopes s ON s.user_id = ?1 AND s.community_id = c.id
         WHERE ?2 OR c.id IN (SELECT community_id FROM memberships
                              WHERE user_id = ?1 AND role = 'official' AND status = 'approved')
         ORDER BY c.id",
    )
    .bind(user_id)
    .bind(admin)
    .fetch_all(pool)
    .await?)
}

/// Remembers the community this person acts on until they choose another.
pub async fn choose_scope(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    user_id: i64,
    community_id: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO official_scopes (user_id, community_id, chosen_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET community_id = excluded.community_id, chosen_at = excluded.chosen_at",
    )
    .bind(user_id)
    .bind(community_id)
    .bind(millis(now))
    .execute(conn)
    .await?;
    Ok(())
}
