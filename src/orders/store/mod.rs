//! SQL of ordering. Confirmation is one `BEGIN IMMEDIATE` transaction: every line is
//! checked against the item, the household's per-order and per-day limits, and the stock
//! is taken with a conditional update — so two residents racing for the last unit
//! cannot both get it, and a double tap finds an empty cart.

use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::clock::millis;
use crate::i18n::Lang;
use crate::orders::model::Status;
use crate::Result;

mod cart;
mod catalog;
pub mod erase;
mod pipeline;
pub use cart::*;
pub use catalog::*;
pub use pipeline::*;

#[derive(Debug, Clone, FromRow)]
pub struct Item {
    pub id: i64,
    pub community_id: i64,
    pub category_id: i64,
    pub name: String,
    pub name_en: String,
    pub unit: String,
    pub unit_en: String,
    pub price_fen: i64,
    pub stock: i64,
    pub limit_per_order: i64,
    pub limit_per_day: i64,
    pub active: bool,
}

const ITEM_COLUMNS: &str =
    "id, community_id, category_id, name, name_en, unit, unit_en, price_fen, stock, limit_per_order, limit_per_day, active";

pub async fn categories(pool: &SqlitePool, community_id: i64) -> Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.name, c.name_en FROM catalog_categories c WHERE c.community_id = ?
         AND EXISTS (SELECT 1 FROM catalog_items i WHERE i.category_id = c.id AND i.active = 1)
         ORDER BY c.position, c.id",
    )
    .bind(community_id)
    .fetch_all(pool)
    .await?)
}

pub async fn items(pool: &SqlitePool, community_id: i64, category_id: i64) -> Result<Vec<Item>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ITEM_COLUMNS} FROM catalog_items WHERE community_id = ? AND category_id = ? AND active = 1 ORDER BY id"
    ))
    .bind(community_id)
    .bind(category_id)
    .fetch_all(pool)
    .await?)
}

pub async fn item(pool: &SqlitePool, id: i64) -> Result<Option<Item>> {
    Ok(sqlx::query_as(&format!("SELECT {ITEM_COLUMNS} FROM catalog_items WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// A pause of ordering: why, and whether it covers the whole community.
#[derive(Debug, Clone, FromRow)]
pub struct Freeze {
    pub reason: String,
    pub whole_community: bool,
}

/// Why ordering is paused for this building, if it is (the latest pause covering it).
pub async fn frozen(pool: &SqlitePool, community_id: i64, building_id: i64) -> Result<Option<Freeze>> {
    Ok(sqlx::query_as(
        "SELECT reason, building_id IS NULL AS whole_community FROM order_freezes
         WHERE community_id = ? AND (building_id IS NULL OR building_id = ?) ORDER BY id DESC LIMIT 1",
    )
    .bind(community_id)
    .bind(building_id)
    .fetch_optional(pool)
    .await?)
}

pub async fn freeze(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<chrono::Utc>,
    community_id: i64,
    building_id: Option<i64>,
    reason: &str,
    by: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO order_freezes (community_id, building_id, reason, frozen_by, frozen_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(community_id)
    .bind(building_id)
    .bind(reason)
    .bind(by)
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Lifts the community's pauses — all of them, or one building's. Returns how many were
/// lifted and the residents who may order again (none still covered by another pause).
pub async fn unfreeze(
    conn: &mut SqliteConnection,
    community_id: i64,
    building_id: Option<i64>,
) -> Result<(usize, Vec<i64>)> {
    let lifted: Vec<(Option<i64>,)> = sqlx::query_as(
        "DELETE FROM order_freezes WHERE community_id = ?1 AND (?2 IS NULL OR building_id = ?2) RETURNING building_id",
    )
    .bind(community_id)
    .bind(building_id)
    .fetch_all(&mut *conn)
    .await?;
    let whole = lifted.iter().any(|(b,)| b.is_none());
    let buildings: Vec<i64> = lifted.iter().filter_map(|(b,)| *b).collect();
    let residents: Vec<(i64,)> = sqlx::query_as(
        "SELECT r.user_id FROM residents r WHERE r.community_id = ?1
           AND (?2 OR r.building_id IN (SELECT value FROM json_each(?3)))
           AND NOT EXISTS (SELECT 1 FROM order_freezes f WHERE f.community_id = ?1
                           AND (f.building_id IS NULL OR f.building_id = r.building_id))",
    )
    .bind(community_id)
    .bind(whole)
    .bind(serde_json::to_string(&buildings)?)
    .fetch_all(&mut *conn)
    .await?;
    Ok((lifted.len(), residents.into_iter().map(|(r,)| r).collect()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shortage {
    EmptyCart,
    /// One line does not fit: the item's names and why.
    Line {
        name: String,
        name_en: String,
        why: Short,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Short {
    /// The item ran out (or has fewer left than asked).
    OutOfStock {
        left: i64,
    },
    OverOrderLimit {
        limit: i64,
    },
    /// Today's orders of the household and this one together pass the per-day limit.
    OverDayLimit {
        limit: i64,
        already: i64,
    },
    Unavailable,
}

pub struct Placement<'a> {
    pub resident: i64,
    pub community_id: i64,
    pub placed_by: i64,
    pub note: &'a str,
    /// Where it goes and the community's local date (per-household, per-day limits).
    pub household: Household<'a>,
    pub now: chrono::DateTime<chrono::Utc>,
}

#[derive(FromRow)]
struct ToPlace {
    id: i64,
    name: String,
    name_en: String,
    price_fen: i64,
    limit_per_order: i64,
    limit_per_day: i64,
    active: bool,
    community_id: i64,
    quantity: i64,
}

/// Turns the cart of `placed_by` into an order for `resident`, on the caller's
/// transaction. On a shortage some stock may already have been taken: the caller must roll
/// back (drop its `Work`), which it does, since nothing is placed.
pub async fn place(
    conn: &mut SqliteConnection,
    p: &Placement<'_>,
) -> Result<std::result::Result<(i64, i64), Shortage>> {
    let tx = conn;
    let lines: Vec<ToPlace> = sqlx::query_as(
        "SELECT i.id, i.name, i.name_en, i.price_fen, i.limit_per_order, i.limit_per_day, i.active, i.community_id,
                c.quantity
         FROM cart_lines c JOIN catalog_items i ON i.id = c.item_id WHERE c.user_id = ? ORDER BY i.id",
    )
    .bind(p.placed_by)
    .fetch_all(&mut *tx)
    .await?;
    if lines.is_empty() {
        return Ok(Err(Shortage::EmptyCart));
    }
    let mut total = 0;
    for line in &lines {
        let short = |why| Ok(Err(Shortage::Line { name: line.name.clone(), name_en: line.name_en.clone(), why }));
        if !line.active || line.community_id != p.community_id {
            return short(Short::Unavailable);
        }
        if line.quantity > line.limit_per_order {
            return short(Short::OverOrderLimit { limit: line.limit_per_order });
        }
        let already = ordered_today(tx, &p.household, line.id).await?;
        if already + line.quantity > line.limit_per_day {
            return short(Short::OverDayLimit { limit: line.limit_per_day, already });
        }
        let taken = sqlx::query("UPDATE catalog_items SET stock = stock - ?1 WHERE id = ?2 AND stock >= ?1")
            .bind(line.quantity)
            .bind(line.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if taken != 1 {
            let (left,): (i64,) = sqlx::query_as("SELECT stock FROM catalog_items WHERE id = ?")
                .bind(line.id)
                .fetch_one(&mut *tx)
                .await?;
            return short(Short::OutOfStock { left });
        }
        total += line.price_fen * line.quantity;
    }
    let now = millis(p.now);
    let (order_id,): (i64,) = sqlx::query_as(
        "INSERT INTO orders (resident_id, community_id, building_id, household, placed_by, status, note, total_fen,
                             day, placed_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'placed', ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(p.resident)
    .bind(p.community_id)
    .bind(p.household.building_id)
    .bind(p.household.key)
    .bind(p.placed_by)
    .bind(p.note)
    .bind(total)
    .bind(p.household.day)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO order_lines (order_id, item_id, quantity, price_fen)
         SELECT ?1, c.item_id, c.quantity, i.price_fen FROM cart_lines c JOIN catalog_items i ON i.id = c.item_id
         WHERE c.user_id = ?2",
    )
    .bind(order_id)
    .bind(p.placed_by)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM cart_lines WHERE user_id = ?").bind(p.placed_by).execute(&mut *tx).await?;
    Ok(Ok((order_id, total)))
}

#[derive(Debug, Clone, FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub status: Status,
    pub total_fen: i64,
    pub placed_at: i64,
    pub items: String,
}

impl OrderRow {
    pub fn status(&self) -> Status {
        self.status
    }
}

/// "西红柿×2、大米×1" (or "Tomatoes×2, Rice×1") of order `o`, as a SQL expression.
pub(crate) fn items_of_order(lang: Lang) -> String {
    let separator = if lang == Lang::En { ", " } else { "、" };
    format!(
        "(SELECT group_concat({} || '×' || l.quantity, '{separator}') FROM order_lines l
          JOIN catalog_items i ON i.id = l.item_id WHERE l.order_id = o.id)",
        lang.sql_pick("i.name", "i.name_en")
    )
}

/// A resident's orders, newest first, with item names in their language.
pub async fn my_orders(pool: &SqlitePool, lang: Lang, resident: i64, limit: i64) -> Result<Vec<OrderRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT o.id, o.status, o.total_fen, o.placed_at, {} AS items
         FROM orders o WHERE o.resident_id = ? ORDER BY o.id DESC LIMIT ?",
        items_of_order(lang)
    ))
    .bind(resident)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// One of the resident's orders (none when it is someone else's).
pub async fn my_order(pool: &SqlitePool, lang: Lang, resident: i64, id: i64) -> Result<Option<OrderRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT o.id, o.status, o.total_fen, o.placed_at, {} AS items FROM orders o WHERE o.id = ? AND o.resident_id = ?",
        items_of_order(lang)
    ))
    .bind(id)
    .bind(resident)
    .fetch_optional(pool)
    .await?)
}

/// The resident cancels before acceptance; the stock goes back. False when it is not
/// theirs or no longer `placed`.
pub async fn cancel(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<chrono::Utc>,
    order_id: i64,
    resident: i64,
) -> Result<bool> {
    let tx = conn;
    let n = sqlx::query(
        "UPDATE orders SET status = 'cancelled', updated_at = ? WHERE id = ? AND resident_id = ? AND status = 'placed'",
    )
    .bind(millis(now))
    .bind(order_id)
    .bind(resident)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Ok(false);
    }
    restock(tx, order_id).await?;
    Ok(true)
}

/// Puts an order's quantities back on the shelf (it was cancelled or rejected).
pub(crate) async fn restock(conn: &mut SqliteConnection, order_id: i64) -> Result<()> {
    restock_all(conn, &[order_id]).await
}

/// Puts the quantities of several orders back on the shelf, in one statement.
pub(crate) async fn restock_all(conn: &mut SqliteConnection, order_ids: &[i64]) -> Result<()> {
    sqlx::query(
        "UPDATE catalog_items SET stock = stock + (SELECT sum(l.quantity) FROM order_lines l
             WHERE l.order_id IN (SELECT value FROM json_each(?1)) AND l.item_id = catalog_items.id)
         WHERE id IN (SELECT item_id FROM order_lines WHERE order_id IN (SELECT value FROM json_each(?1)))",
    )
    .bind(serde_json::to_string(order_ids)?)
    .execute(conn)
    .await?;
    Ok(())
}
