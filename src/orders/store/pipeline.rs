//! After an order is placed: officials accept, pack, reject; volunteers claim a
//! building's packed orders and deliver them; residents confirm receipt. Every change is
//! a conditional update on the current status, so a double tap or a race changes
//! nothing twice; each returns whom to tell.

use sqlx::{FromRow, SqliteConnection, SqlitePool};

use chrono::{DateTime, Utc};

use crate::clock::millis;
use crate::i18n::Lang;
use crate::orders::model::Status;
use crate::Result;

// Names as the reader reads them.
fn building_name(lang: Lang) -> String {
    lang.sql_pick("b.name", "b.name_en")
}
fn item_name(lang: Lang) -> String {
    lang.sql_pick("i.name", "i.name_en")
}
fn unit_name(lang: Lang) -> String {
    lang.sql_pick("i.unit", "i.unit_en")
}

/// (status, building, orders) of a community's open orders, building names in `lang`.
pub async fn pipeline(pool: &SqlitePool, lang: Lang, community_id: i64) -> Result<Vec<(Status, String, i64)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT o.status, {}, count(*) FROM orders o JOIN buildings b ON b.id = o.building_id
         WHERE o.community_id = ? AND o.status IN ('placed', 'accepted', 'packed', 'out_for_delivery', 'delivered')
         GROUP BY o.status, b.id ORDER BY b.position, b.id",
        building_name(lang)
    ))
    .bind(community_id)
    .fetch_all(pool)
    .await?)
}

/// Moves every order of the community from one status to the next (accept all placed,
/// pack all accepted). Returns (order, resident) of those moved.
pub async fn advance_all(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    community_id: i64,
    from: Status,
    to: Status,
) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "UPDATE orders SET status = ?, updated_at = ? WHERE community_id = ? AND status = ? RETURNING id, resident_id",
    )
    .bind(to)
    .bind(millis(now))
    .bind(community_id)
    .bind(from)
    .fetch_all(&mut *conn)
    .await?)
}

/// Rejects a placed or accepted order with a reason; its stock returns. Returns the resident.
pub async fn reject(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    order_id: i64,
    community_id: i64,
    reason: &str,
) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE orders SET status = 'rejected', reason = ?, updated_at = ?
         WHERE id = ? AND community_id = ? AND status IN ('placed', 'accepted') RETURNING resident_id",
    )
    .bind(reason)
    .bind(millis(now))
    .bind(order_id)
    .bind(community_id)
    .fetch_optional(&mut *conn)
    .await?;
    if row.is_some() {
        super::restock(conn, order_id).await?;
    }
    Ok(row.map(|(r,)| r))
}

/// What the supermarket packs: accepted orders' quantities per building and item.
pub async fn pick_list(pool: &SqlitePool, lang: Lang, community_id: i64) -> Result<Vec<(String, String, String, i64)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {}, {}, {}, sum(l.quantity) FROM orders o
         JOIN order_lines l ON l.order_id = o.id JOIN catalog_items i ON i.id = l.item_id
         JOIN buildings b ON b.id = o.building_id
         WHERE o.community_id = ? AND o.status = 'accepted'
         GROUP BY b.id, i.id ORDER BY b.position, b.id, i.category_id, i.id",
        building_name(lang),
        item_name(lang),
        unit_name(lang)
    ))
    .bind(community_id)
    .fetch_all(pool)
    .await?)
}

/// One building's pick list: (item, unit, quantity) of its accepted orders.
pub async fn pick_list_for(
    pool: &SqlitePool,
    lang: Lang,
    community_id: i64,
    building_id: i64,
) -> Result<Vec<(String, String, i64)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {}, {}, sum(l.quantity) FROM orders o
         JOIN order_lines l ON l.order_id = o.id JOIN catalog_items i ON i.id = l.item_id
         WHERE o.community_id = ? AND o.building_id = ? AND o.status = 'accepted'
         GROUP BY i.id ORDER BY i.category_id, i.id",
        item_name(lang),
        unit_name(lang)
    ))
    .bind(community_id)
    .bind(building_id)
    .fetch_all(pool)
    .await?)
}

/// Buildings with accepted orders: (id, name, orders).
pub async fn buildings_to_pick(pool: &SqlitePool, lang: Lang, community_id: i64) -> Result<Vec<(i64, String, i64)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT b.id, {}, count(*) FROM orders o JOIN buildings b ON b.id = o.building_id
         WHERE o.community_id = ? AND o.status = 'accepted' GROUP BY b.id ORDER BY b.position, b.id",
        building_name(lang)
    ))
    .bind(community_id)
    .fetch_all(pool)
    .await?)
}

/// Packed orders waiting for a volunteer, per building: (building id, name, orders).
pub async fn delivery_board(pool: &SqlitePool, lang: Lang, community_id: i64) -> Result<Vec<(i64, String, i64)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT b.id, {}, count(*) FROM orders o JOIN buildings b ON b.id = o.building_id
         WHERE o.community_id = ? AND o.status = 'packed' GROUP BY b.id ORDER BY b.position, b.id",
        building_name(lang)
    ))
    .bind(community_id)
    .fetch_all(pool)
    .await?)
}

/// A volunteer takes every packed order of one building; the first tap wins, a second
/// volunteer gets nothing. Returns (order, resident) taken.
pub async fn claim_building(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    community_id: i64,
    building_id: i64,
    volunteer: i64,
) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "UPDATE orders SET status = 'out_for_delivery', volunteer_id = ?, updated_at = ?
         WHERE community_id = ? AND building_id = ? AND status = 'packed' RETURNING id, resident_id",
    )
    .bind(volunteer)
    .bind(millis(now))
    .bind(community_id)
    .bind(building_id)
    .fetch_all(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct Delivery {
    pub id: i64,
    pub building: String,
    pub unit_room: String,
    pub phone: Option<String>,
    pub note: String,
    pub items: String,
}

/// The orders a volunteer is carrying, with the address and phone — shown to that
/// volunteer only.
pub async fn my_deliveries(pool: &SqlitePool, lang: Lang, volunteer: i64) -> Result<Vec<Delivery>> {
    Ok(sqlx::query_as(&format!(
        "SELECT o.id, {} AS building, r.unit_room, r.phone, o.note, {} AS items
         FROM orders o JOIN buildings b ON b.id = o.building_id JOIN residents r ON r.user_id = o.resident_id
         WHERE o.volunteer_id = ? AND o.status = 'out_for_delivery' ORDER BY b.position, r.unit_room",
        building_name(lang),
        super::items_of_order(lang)
    ))
    .bind(volunteer)
    .fetch_all(pool)
    .await?)
}

/// "Left at the door", by the volunteer carrying it. Returns the resident.
pub async fn delivered(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    order_id: i64,
    volunteer: i64,
) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE orders SET status = 'delivered', updated_at = ?1, delivered_at = ?1 WHERE id = ?2 AND volunteer_id = ?3 AND status = 'out_for_delivery'
         RETURNING resident_id",
    )
    .bind(millis(now))
    .bind(order_id)
    .bind(volunteer)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(r,)| r))
}

/// The resident confirms; false when it is not theirs or not delivered.
pub async fn received(conn: &mut SqliteConnection, now: DateTime<Utc>, order_id: i64, resident: i64) -> Result<bool> {
    let n = sqlx::query("UPDATE orders SET status = 'received', updated_at = ? WHERE id = ? AND resident_id = ? AND status = 'delivered'")
        .bind(millis(now))
        .bind(order_id)
        .bind(resident)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Orders delivered before `before` count as received (stamped `now`).
pub async fn auto_receive(conn: &mut SqliteConnection, now: DateTime<Utc>, before: DateTime<Utc>) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE orders SET status = 'received', updated_at = ?1 WHERE status = 'delivered' AND updated_at < ?2",
    )
    .bind(millis(now))
    .bind(millis(before))
    .execute(&mut *conn)
    .await?
    .rows_affected())
}
