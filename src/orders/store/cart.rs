//! The cart: one line per item, changed only by what the person saw (a tap on an old cart
//! message whose line has changed since does nothing), and the allowance that says how
//! many more of an item a household may add.

use sqlx::{FromRow, SqliteConnection, SqlitePool};

use super::Item;
use crate::orders::model::Allowance;
use crate::Result;

/// The address an order goes to and the local day, for per-household limits.
#[derive(Debug, Clone, Copy)]
pub struct Household<'a> {
    pub building_id: i64,
    /// `people::model::household_key` of the unit/room.
    pub key: &'a str,
    /// The community's local date.
    pub day: &'a str,
}

/// How much of the item this address ordered that day (cancelled and rejected orders do
/// not count).
pub async fn ordered_today(conn: &mut SqliteConnection, household: &Household<'_>, item_id: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.building_id = ? AND o.household = ? AND o.day = ? AND l.item_id = ?
           AND o.status NOT IN ('cancelled', 'rejected')",
    )
    .bind(household.building_id)
    .bind(household.key)
    .bind(household.day)
    .bind(item_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

/// What `user` may still add of `item` for that household.
pub async fn allowance(
    conn: &mut SqliteConnection,
    item: &Item,
    user: i64,
    household: &Household<'_>,
) -> Result<Allowance> {
    let in_cart: Option<(i64,)> = sqlx::query_as("SELECT quantity FROM cart_lines WHERE user_id = ? AND item_id = ?")
        .bind(user)
        .bind(item.id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(Allowance {
        limit_per_order: item.limit_per_order,
        limit_per_day: item.limit_per_day,
        stock: item.stock,
        in_cart: in_cart.map_or(0, |(q,)| q),
        ordered_today: ordered_today(conn, household, item.id).await?,
    })
}

/// Adds to the line (a new line when there is none). Returns the line's new quantity.
pub async fn add_to_cart(conn: &mut SqliteConnection, user: i64, item_id: i64, quantity: i64) -> Result<i64> {
    let (total,): (i64,) = sqlx::query_as(
        "INSERT INTO cart_lines (user_id, item_id, quantity) VALUES (?, ?, ?)
         ON CONFLICT (user_id, item_id) DO UPDATE SET quantity = quantity + excluded.quantity
         RETURNING quantity",
    )
    .bind(user)
    .bind(item_id)
    .bind(quantity)
    .fetch_one(&mut *conn)
    .await?;
    Ok(total)
}

/// Moves a line from `from` (what the person saw; 0: no line) to `to` (0 removes it), only
/// if it still holds `from`. False when the cart changed since.
pub async fn step_cart(conn: &mut SqliteConnection, user: i64, item_id: i64, from: i64, to: i64) -> Result<bool> {
    let changed = match (from, to) {
        (0, 0) => return Ok(true),
        (0, _) => {
            sqlx::query("INSERT INTO cart_lines (user_id, item_id, quantity) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .bind(user)
                .bind(item_id)
                .bind(to)
        }
        (_, 0) => sqlx::query("DELETE FROM cart_lines WHERE user_id = ? AND item_id = ? AND quantity = ?")
            .bind(user)
            .bind(item_id)
            .bind(from),
        _ => sqlx::query("UPDATE cart_lines SET quantity = ? WHERE user_id = ? AND item_id = ? AND quantity = ?")
            .bind(to)
            .bind(user)
            .bind(item_id)
            .bind(from),
    }
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
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
