//! SQL for group chats linked to a community or building, and the language each speaks.

use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqliteExecutor, SqlitePool};

use crate::clock::millis;
use crate::i18n::Lang;
use crate::Result;

use super::Named;

/// Binds a group chat to a community, or to one of its buildings. A group linked for the
/// first time speaks `lang` (the deployment's language); a rebound one keeps its own.
#[allow(clippy::too_many_arguments)]
pub async fn link_chat(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    chat_id: i64,
    community_id: i64,
    building_id: Option<i64>,
    title: &str,
    linked_by: i64,
    lang: Lang,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO linked_chats (chat_id, community_id, building_id, title, linked_by, linked_at, lang)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (chat_id) DO UPDATE SET community_id = excluded.community_id,
             building_id = excluded.building_id, title = excluded.title,
             linked_by = excluded.linked_by, linked_at = excluded.linked_at",
    )
    .bind(chat_id)
    .bind(community_id)
    .bind(building_id)
    .bind(title)
    .bind(linked_by)
    .bind(millis(now))
    .bind(lang.code())
    .execute(conn)
    .await?;
    Ok(())
}

/// (community, building) a chat is linked to; on the pool, or inside a transaction that
/// is about to change the link.
pub async fn chat_link<'e>(db: impl SqliteExecutor<'e>, chat_id: i64) -> Result<Option<(i64, Option<i64>)>> {
    Ok(sqlx::query_as("SELECT community_id, building_id FROM linked_chats WHERE chat_id = ?")
        .bind(chat_id)
        .fetch_optional(db)
        .await?)
}

#[derive(sqlx::FromRow)]
struct LinkedRow {
    #[sqlx(flatten)]
    community: Named,
    building_id: Option<i64>,
    building: Option<String>,
    building_en: Option<String>,
}

/// The community (and building) a chat is linked to, with their names.
pub async fn linked_place<'e>(db: impl SqliteExecutor<'e>, chat_id: i64) -> Result<Option<(Named, Option<Named>)>> {
    let row: Option<LinkedRow> = sqlx::query_as(
        "SELECT c.id, c.name, c.name_en, b.id AS building_id, b.name AS building,
                COALESCE(b.name_en, b.name) AS building_en
         FROM linked_chats l JOIN communities c ON c.id = l.community_id
         LEFT JOIN buildings b ON b.id = l.building_id WHERE l.chat_id = ?",
    )
    .bind(chat_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let building = match (r.building_id, r.building, r.building_en) {
            (Some(id), Some(name), Some(name_en)) => Some(Named { id, name, name_en }),
            _ => None,
        };
        (r.community, building)
    }))
}

/// The language a linked group speaks; `None` for a group that is not linked.
pub async fn chat_lang(pool: &SqlitePool, chat_id: i64) -> Result<Option<Lang>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT lang FROM linked_chats WHERE chat_id = ?").bind(chat_id).fetch_optional(pool).await?;
    Ok(row.map(|(l,)| Lang::from_code(&l).unwrap_or_default()))
}

/// Of these chats, the linked groups that speak `lang` (one query for a whole notice).
pub async fn groups_speaking(conn: &mut SqliteConnection, chat_ids: &[i64], lang: Lang) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT chat_id FROM linked_chats WHERE chat_id IN (SELECT value FROM json_each(?)) AND lang = ?
         ORDER BY chat_id",
    )
    .bind(serde_json::to_string(chat_ids)?)
    .bind(lang.code())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Sets a linked group's language (nothing for a group that is not linked).
pub async fn set_chat_lang(conn: &mut SqliteConnection, chat_id: i64, lang: Lang) -> Result<()> {
    sqlx::query("UPDATE linked_chats SET lang = ? WHERE chat_id = ?")
        .bind(lang.code())
        .bind(chat_id)
        .execute(conn)
        .await?;
    Ok(())
}
