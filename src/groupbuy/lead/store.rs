//! The leader's queries: their buys a page at a time, and every household of a buy with
//! its lines in one statement (the slips are built from it, never a query per household).

use sqlx::{FromRow, SqliteConnection};

use crate::groupbuy::store::Buy;
use crate::i18n::Lang;
use crate::Result;

/// The columns of `groupbuy::store::Buy`.
const BUY_COLUMNS: &str = "id, community_id, leader_id, title, household_cap, total_cap, min_kind, min_count, deadline,
     delivery, pickup_place, pickup_at, status, taken, households, tally_at, arrived_at, join_url";

/// Whose buys `/buys` shows: those this person leads, and every buy of `community` when
/// they are an official of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whose {
    pub leader: i64,
    pub community: Option<i64>,
}

/// One page of the buys, newest first, and how many there are in all.
pub async fn buys_page(conn: &mut SqliteConnection, whose: Whose, page: i64, per: i64) -> Result<(Vec<Buy>, i64)> {
    let (total,): (i64,) = sqlx::query_as("SELECT count(*) FROM group_buys WHERE leader_id = ? OR community_id = ?")
        .bind(whose.leader)
        .bind(whose.community)
        .fetch_one(&mut *conn)
        .await?;
    let buys = sqlx::query_as(&format!(
        "SELECT {BUY_COLUMNS} FROM group_buys WHERE leader_id = ? OR community_id = ?
         ORDER BY id DESC LIMIT ? OFFSET ?"
    ))
    .bind(whose.leader)
    .bind(whose.community)
    .bind(per)
    .bind(page * per)
    .fetch_all(&mut *conn)
    .await?;
    Ok((buys, total))
}

/// One line of one household: who and where, and one item with its quantity.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct SlipRow {
    pub join_id: i64,
    pub building_id: i64,
    pub building_position: i64,
    pub building: String,
    pub unit_room: String,
    /// The nickname the household chose for the group, else the account's display name.
    pub name: String,
    pub phone: Option<String>,
    pub item_id: i64,
    pub quantity: i64,
}

/// Every line of every household of the buy, building names in `lang`, in building order
/// (the rooms are sorted by `model::address_key`, which SQL cannot do).
pub async fn slip_rows(conn: &mut SqliteConnection, lang: Lang, buy: i64) -> Result<Vec<SlipRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT j.id AS join_id, j.building_id, b.position AS building_position, {} AS building, j.unit_room,
                coalesce(nullif(trim(j.nickname), ''), u.display_name, '') AS name,
                nullif(trim(r.phone), '') AS phone, l.item_id, l.quantity
         FROM group_buy_joins j
         JOIN buildings b ON b.id = j.building_id
         JOIN group_buy_lines l ON l.join_id = j.id
         JOIN group_buy_items i ON i.id = l.item_id
         LEFT JOIN users u ON u.id = j.user_id
         LEFT JOIN residents r ON r.user_id = j.user_id
         WHERE j.buy_id = ?
         ORDER BY b.position, b.name, j.id, i.position, i.id",
        lang.sql_pick("b.name", "b.name_en")
    ))
    .bind(buy)
    .fetch_all(conn)
    .await?)
}
