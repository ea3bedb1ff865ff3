//! Notice templates: a sent notice kept as the start of the next one.

use sqlx::{SqliteConnection, SqlitePool};

use crate::clock::millis;
use crate::Result;

pub async fn save_template(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<chrono::Utc>,
    community_id: Option<i64>,
    author_id: i64,
    body: &str,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO notice_templates (community_id, author_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(community_id)
    .bind(author_id)
    .bind(body)
    .bind(millis(now))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Templates this person may use: their communities' (all, for an administrator).
pub async fn templates(pool: &SqlitePool, communities: &[i64], admin: bool) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, body FROM notice_templates
         WHERE ?1 OR community_id IN (SELECT value FROM json_each(?2)) ORDER BY id DESC LIMIT 10",
    )
    .bind(admin)
    .bind(serde_json::to_string(communities)?)
    .fetch_all(pool)
    .await?)
}

pub async fn template(pool: &SqlitePool, id: i64) -> Result<Option<(Option<i64>, String)>> {
    Ok(sqlx::query_as("SELECT community_id, body FROM notice_templates WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await?)
}
