//! The volunteers' side of a door buy: the board of buildings still waiting, taking one
//! building (one conditional UPDATE: the first tap wins), the carrier's households with
//! their addresses and phones, "left at the door" and the household's "received".

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection, SqliteExecutor};

use super::ITEMS_OF_JOIN;
use crate::clock::millis;
use crate::i18n::Lang;
use crate::Result;

/// Buys of `g` whose goods a volunteer may carry now.
const CARRIABLE: &str = "g.status = 'closed' AND g.delivery = 'door' AND g.arrived_at IS NOT NULL";

/// One button of the board: a building's waiting households of one buy.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Waiting {
    pub buy: i64,
    pub building_id: i64,
    pub building: String,
    pub households: i64,
}

/// The buildings with waiting households of the community's arrived door buys, oldest
/// buy first, buildings in their order; names in `lang`. No address: the board is for
/// every volunteer of the community.
pub async fn board<'e>(db: impl SqliteExecutor<'e>, lang: Lang, community: i64) -> Result<Vec<Waiting>> {
    Ok(sqlx::query_as(&format!(
        "SELECT j.buy_id AS buy, b.id AS building_id, {} AS building, count(*) AS households
         FROM group_buys g JOIN group_buy_joins j ON j.buy_id = g.id JOIN buildings b ON b.id = j.building_id
         WHERE g.community_id = ? AND {CARRIABLE} AND j.delivery = 'waiting'
         GROUP BY j.buy_id, b.id ORDER BY j.buy_id, b.position, b.id",
        lang.sql_pick("b.name", "b.name_en")
    ))
    .bind(community)
    .fetch_all(db)
    .await?)
}

/// The volunteer takes every waiting household of one building of a door buy of their
/// community. Returns the accounts of the households taken: none when another volunteer
/// was first (or the button is forged).
pub async fn take_building(
    conn: &mut SqliteConnection,
    community: i64,
    buy: i64,
    building: i64,
    volunteer: i64,
) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(&format!(
        "UPDATE group_buy_joins SET delivery = 'out', volunteer_id = ?
         WHERE buy_id = ? AND building_id = ? AND delivery = 'waiting'
           AND buy_id IN (SELECT g.id FROM group_buys g WHERE g.id = ? AND g.community_id = ? AND {CARRIABLE})
         RETURNING user_id"
    ))
    .bind(volunteer)
    .bind(buy)
    .bind(building)
    .bind(buy)
    .bind(community)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(u,)| u).collect())
}

/// A household the volunteer is carrying to, with what only the carrier may see.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Carried {
    pub join_id: i64,
    pub buy: i64,
    pub position: i64,
    pub building_id: i64,
    pub building: String,
    pub unit_room: String,
    pub phone: Option<String>,
    pub items: String,
}

/// The households the volunteer took and has not left at the door yet, in slip order.
pub async fn carrying<'e>(
    db: impl SqliteExecutor<'e>,
    lang: Lang,
    volunteer: i64,
    separator: &str,
) -> Result<Vec<Carried>> {
    let mut rows: Vec<Carried> = sqlx::query_as(&format!(
        "SELECT j.id AS join_id, j.buy_id AS buy, b.position, b.id AS building_id, {} AS building, j.unit_room,
                r.phone, {ITEMS_OF_JOIN} AS items
         FROM group_buy_joins j JOIN buildings b ON b.id = j.building_id
         LEFT JOIN residents r ON r.user_id = j.user_id
         WHERE j.volunteer_id = ? AND j.delivery = 'out'",
        lang.sql_pick("b.name", "b.name_en")
    ))
    .bind(separator)
    .bind(volunteer)
    .fetch_all(db)
    .await?;
    rows.sort_by_cached_key(|r| (r.buy, r.position, r.building_id, crate::groupbuy::model::address_key(&r.unit_room)));
    Ok(rows)
}

/// "Left at the door", by the volunteer carrying it. Returns (buy, the household's account).
pub async fn left_at_door(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    join: i64,
    volunteer: i64,
) -> Result<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "UPDATE group_buy_joins SET delivery = 'delivered', delivered_at = ?
         WHERE id = ? AND volunteer_id = ? AND delivery = 'out' RETURNING buy_id, user_id",
    )
    .bind(millis(now))
    .bind(join)
    .bind(volunteer)
    .fetch_optional(conn)
    .await?)
}

/// The household says it has the goods: the account that joined, or any account
/// registered at that address. Returns the buy; `None` when it is not theirs or not (or
/// no longer) left at the door.
pub async fn received(conn: &mut SqliteConnection, join: i64, user: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE group_buy_joins SET delivery = 'received'
         WHERE id = ? AND delivery = 'delivered'
           AND (user_id = ? OR EXISTS (SELECT 1 FROM residents r WHERE r.user_id = ?
                AND r.building_id = group_buy_joins.building_id AND r.household = group_buy_joins.household))
         RETURNING buy_id",
    )
    .bind(join)
    .bind(user)
    .bind(user)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(b,)| b))
}
