//! SQL of ordering. Confirmation is one `BEGIN IMMEDIATE` transaction: every line is
//! checked against the item, the household's per-order and per-day limits, and the stock
//! is taken with a conditional update — so two residents racing for the last unit
//! cannot both get it, and a double tap finds an empty cart.

use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::clock::millis;
use crate::orders::model::Status;
use crate::Result;

mod catalog;
pub mod erase;
mod pipeline;
pub use catalog::*;
pub use pipeline::*;

#[derive(Debug, Clone, FromRow)]
pub struct Item {
    pub id: i64,
    pub community_id: i64,
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
    "id, community_id, name, name_en, unit, unit_en, price_fen, stock, limit_per_order, limit_per_day, active";

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

/// Why ordering is paused for this building, if it is.
pub async fn frozen(pool: &SqlitePool, community_id: i64, building_id: i64) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT reason FROM order_freezes WHERE community_id = ? AND (building_id IS NULL OR building_id = ?)
         ORDER BY id DESC LIMIT 1",
    )
    .bind(community_id)
    .bind(building_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(r,)| r))
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

/// Lifts every freeze of the community (and its buildings); returns how many.
pub async fn unfreeze(conn: &mut SqliteConnection, community_id: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM order_freezes WHERE community_id = ?")
        .bind(community_id)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Sets a cart line (0 removes it).
pub async fn set_cart(conn: &mut SqliteConnection, user: i64, item_id: i64, quantity: i64) -> Result<()> {
    if quantity <= 0 {
        sqlx::query("DELETE FROM cart_lines WHERE user_id = ? AND item_id = ?")
            .bind(user)
            .bind(item_id)
            .execute(&mut *conn)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO cart_lines (user_id, item_id, quantity) VALUES (?, ?, ?)
             ON CONFLICT (user_id, item_id) DO UPDATE SET quantity = excluded.quantity",
        )
        .bind(user)
        .bind(item_id)
        .bind(quantity)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct CartLine {
    pub item_id: i64,
    pub name: String,
    pub name_en: String,
    pub unit: String,
    pub unit_en: String,
    pub price_fen: i64,
    pub quantity: i64,
}

pub async fn cart(pool: &SqlitePool, user: i64) -> Result<Vec<CartLine>> {
    Ok(sqlx::query_as(
        "SELECT i.id AS item_id, i.name, i.name_en, i.unit, i.unit_en, i.price_fen, c.quantity
         FROM cart_lines c JOIN catalog_items i ON i.id = c.item_id WHERE c.user_id = ? ORDER BY i.category_id, i.id",
    )
    .bind(user)
    .fetch_all(pool)
    .await?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shortage {
    EmptyCart,
    /// The item ran out (or has fewer left than asked).
    OutOfStock {
        name: String,
        left: i64,
    },
    OverOrderLimit {
        name: String,
        limit: i64,
    },
    /// Today's orders and this one together pass the per-day limit.
    OverDayLimit {
        name: String,
        limit: i64,
        already: i64,
    },
    Unavailable {
        name: String,
    },
}

pub struct Placement<'a> {
    pub resident: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub placed_by: i64,
    pub note: &'a str,
    /// The community's local date, for per-day limits.
    pub day: &'a str,
    pub now: chrono::DateTime<chrono::Utc>,
}

#[derive(FromRow)]
struct ToPlace {
    id: i64,
    name: String,
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
        "SELECT i.id, i.name, i.price_fen, i.limit_per_order, i.limit_per_day, i.active, i.community_id, c.quantity
         FROM cart_lines c JOIN catalog_items i ON i.id = c.item_id WHERE c.user_id = ? ORDER BY i.id",
    )
    .bind(p.placed_by)
    .fetch_all(&mut *tx)
    .await?;
    if lines.is_empty() {
        return Ok(Err(Shortage::EmptyCart));
    }
    let mut total = 0;
    for ToPlace {
        id,
        name,
        price_fen: price,
        limit_per_order: per_order,
        limit_per_day: per_day,
        active,
        community_id: community,
        quantity,
    } in &lines
    {
        if !active || *community != p.community_id {
            return Ok(Err(Shortage::Unavailable { name: name.clone() }));
        }
        if quantity > per_order {
            return Ok(Err(Shortage::OverOrderLimit { name: name.clone(), limit: *per_order }));
        }
        let (already,): (i64,) = sqlx::query_as(
            "SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.resident_id = ? AND o.day = ? AND l.item_id = ? AND o.status NOT IN ('cancelled', 'rejected')",
        )
        .bind(p.resident)
        .bind(p.day)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if already + quantity > *per_day {
            return Ok(Err(Shortage::OverDayLimit { name: name.clone(), limit: *per_day, already }));
        }
        let taken = sqlx::query("UPDATE catalog_items SET stock = stock - ?1 WHERE id = ?2 AND stock >= ?1")
            .bind(quantity)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if taken != 1 {
            let (left,): (i64,) =
                sqlx::query_as("SELECT stock FROM catalog_items WHERE id = ?").bind(id).fetch_one(&mut *tx).await?;
            return Ok(Err(Shortage::OutOfStock { name: name.clone(), left }));
        }
        total += price * quantity;
    }
    let now = millis(p.now);
    let (order_id,): (i64,) = sqlx::query_as(
        "INSERT INTO orders (resident_id, community_id, building_id, placed_by, status, note, total_fen, day, placed_at, updated_at)
         VALUES (?, ?, ?, ?, 'placed', ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(p.resident)
    .bind(p.community_id)
    .bind(p.building_id)
    .bind(p.placed_by)
    .bind(p.note)
    .bind(total)
    .bind(p.day)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for ToPlace { id, price_fen: price, quantity, .. } in &lines {
        sqlx::query("INSERT INTO order_lines (order_id, item_id, quantity, price_fen) VALUES (?, ?, ?, ?)")
            .bind(order_id)
            .bind(id)
            .bind(quantity)
            .bind(price)
            .execute(&mut *tx)
            .await?;
    }
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

/// A resident's orders, newest first.
pub async fn my_orders(pool: &SqlitePool, resident: i64, limit: i64) -> Result<Vec<OrderRow>> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.status, o.total_fen, o.placed_at,
                (SELECT group_concat(i.name || '×' || l.quantity, '、') FROM order_lines l
                 JOIN catalog_items i ON i.id = l.item_id WHERE l.order_id = o.id) AS items
         FROM orders o WHERE o.resident_id = ? ORDER BY o.id DESC LIMIT ?",
    )
    .bind(resident)
    .bind(limit)
    .fetch_all(pool)
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
    sqlx::query(
        "UPDATE catalog_items SET stock = stock + (SELECT quantity FROM order_lines l WHERE l.order_id = ?1 AND l.item_id = catalog_items.id)
         WHERE id IN (SELECT item_id FROM order_lines WHERE order_id = ?1)",
    )
    .bind(order_id)
    .execute(conn)
    .await?;
    Ok(())
}
