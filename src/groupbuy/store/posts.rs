//! The group side of a buy: its posts, the tally's lines and totals, the groups a leader
//! may post in, and a household's buys on their way.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use super::Household;
use crate::clock::millis;
use crate::groupbuy::model::Delivery;
use crate::i18n::Lang;
use crate::Result;

/// One line of the tally as a group may see it: building (in the reader's language), the
/// unit parsed from the address (never the room), the nickname only if chosen.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct TallyRow {
    pub building: String,
    pub unit_room: String,
    pub units: i64,
    pub nickname: Option<String>,
    /// "item:quantity,…" for a buy of several items.
    pub lines: String,
}

/// The first `limit` lines of the tally, in joining order.
pub async fn tally_rows(conn: &mut SqliteConnection, lang: Lang, buy: i64, limit: i64) -> Result<Vec<TallyRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} AS building, j.unit_room, j.units, j.nickname,
                (SELECT group_concat(l.item_id || ':' || l.quantity) FROM group_buy_lines l WHERE l.join_id = j.id) AS lines
         FROM group_buy_joins j JOIN buildings b ON b.id = j.building_id
         WHERE j.buy_id = ? ORDER BY j.id LIMIT ?",
        lang.sql_pick("b.name", "b.name_en")
    ))
    .bind(buy)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Units per item, in the items' order: (item, units).
pub async fn item_totals(conn: &mut SqliteConnection, buy: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT i.id, coalesce(sum(l.quantity), 0) FROM group_buy_items i
         LEFT JOIN group_buy_lines l ON l.item_id = i.id
         WHERE i.buy_id = ? GROUP BY i.id ORDER BY i.position, i.id",
    )
    .bind(buy)
    .fetch_all(conn)
    .await?)
}

/// The offer in one group, and the language that group speaks.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Post {
    pub chat_id: i64,
    pub lang: String,
    pub post_outbox_id: i64,
    pub edit_outbox_id: Option<i64>,
}

pub async fn add_post(conn: &mut SqliteConnection, buy: i64, chat_id: i64, post_outbox_id: i64) -> Result<()> {
    sqlx::query("INSERT OR REPLACE INTO group_buy_posts (buy_id, chat_id, post_outbox_id) VALUES (?, ?, ?)")
        .bind(buy)
        .bind(chat_id)
        .bind(post_outbox_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The groups a buy was posted in, each with its language (the default for a group
/// unlinked since).
pub async fn posts(conn: &mut SqliteConnection, buy: i64, default_lang: Lang) -> Result<Vec<Post>> {
    Ok(sqlx::query_as(
        "SELECT p.chat_id, coalesce(l.lang, ?) AS lang, p.post_outbox_id, p.edit_outbox_id
         FROM group_buy_posts p LEFT JOIN linked_chats l ON l.chat_id = p.chat_id
         WHERE p.buy_id = ? ORDER BY p.chat_id",
    )
    .bind(default_lang.code())
    .bind(buy)
    .fetch_all(conn)
    .await?)
}

pub async fn set_edit(conn: &mut SqliteConnection, buy: i64, chat_id: i64, edit_outbox_id: i64) -> Result<()> {
    sqlx::query("UPDATE group_buy_posts SET edit_outbox_id = ? WHERE buy_id = ? AND chat_id = ?")
        .bind(edit_outbox_id)
        .bind(buy)
        .bind(chat_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_tally_at(conn: &mut SqliteConnection, now: DateTime<Utc>, buy: i64) -> Result<()> {
    sqlx::query("UPDATE group_buys SET tally_at = ? WHERE id = ?").bind(millis(now)).bind(buy).execute(conn).await?;
    Ok(())
}

/// The linked groups of a community, with the building each is for (`None`: the whole
/// community), title and language: where a leader may announce a buy.
pub async fn groups_of(conn: &mut SqliteConnection, community: i64) -> Result<Vec<(i64, Option<i64>, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT chat_id, building_id, title, lang FROM linked_chats WHERE community_id = ? ORDER BY building_id, chat_id",
    )
    .bind(community)
    .fetch_all(conn)
    .await?)
}

/// A household's buys that went ahead and are still on their way (or just arrived), newest
/// first: (buy, title, delivery kind, goods arrived, the line's delivery step).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct OnItsWay {
    pub buy_id: i64,
    pub title: String,
    pub kind: Delivery,
    pub arrived: bool,
    pub step: String,
}

pub async fn on_its_way(conn: &mut SqliteConnection, household: &Household, limit: i64) -> Result<Vec<OnItsWay>> {
    Ok(sqlx::query_as(
        "SELECT b.id AS buy_id, b.title, b.delivery AS kind, b.arrived_at IS NOT NULL AS arrived, j.delivery AS step
         FROM group_buy_joins j JOIN group_buys b ON b.id = j.buy_id
         WHERE j.building_id = ? AND j.household = ? AND b.status = 'closed'
           AND j.delivery NOT IN ('received', 'picked_up')
         ORDER BY b.id DESC LIMIT ?",
    )
    .bind(household.building_id)
    .bind(&household.key)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}
