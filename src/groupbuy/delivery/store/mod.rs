//! SQL of a closed buy's delivery and payment. Every change is one conditional UPDATE on
//! the state its button showed (`arrived_at IS NULL`, `delivery = 'waiting'`, `paid IS
//! NULL`, …), so a double tap, or the leader and an official tapping together, acts once;
//! the caller tells the person whose tap found nothing to do. `door` holds the
//! volunteers' side.

pub mod door;

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection, SqliteExecutor};

use crate::clock::millis;
use crate::groupbuy::delivery::model::{Figures, Payment, Stage};
use crate::i18n::Lang;
use crate::Result;

/// "蔬菜套餐×2、鸡蛋×1" of the join `j`, items in the buy's order; `?` is the separator.
pub(crate) const ITEMS_OF_JOIN: &str = "coalesce((SELECT group_concat(i.name || '×' || l.quantity, ?)
     FROM group_buy_lines l JOIN group_buy_items i ON i.id = l.item_id WHERE l.join_id = j.id), '')";

/// What the join `j` owes, in fen.
const DUE_OF_JOIN: &str = "coalesce((SELECT sum(l.quantity * i.price_fen)
     FROM group_buy_lines l JOIN group_buy_items i ON i.id = l.item_id WHERE l.join_id = j.id), 0)";

/// The goods are here: `arrived_at` is set once, on a closed buy. False when it was
/// already set (a double tap, another official) or the buy is not closed.
pub async fn arrive(conn: &mut SqliteConnection, now: DateTime<Utc>, buy: i64) -> Result<bool> {
    let n =
        sqlx::query("UPDATE group_buys SET arrived_at = ? WHERE id = ? AND status = 'closed' AND arrived_at IS NULL")
            .bind(millis(now))
            .bind(buy)
            .execute(conn)
            .await?
            .rows_affected();
    Ok(n == 1)
}

/// The accounts that joined (or last changed a household's line): whom the arrival is told.
pub async fn joined_accounts(conn: &mut SqliteConnection, buy: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT DISTINCT user_id FROM group_buy_joins WHERE buy_id = ? ORDER BY user_id")
            .bind(buy)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The buy's figures in one statement.
pub async fn figures<'e>(db: impl SqliteExecutor<'e>, buy: i64) -> Result<Figures> {
    Ok(sqlx::query_as(&format!(
        "WITH h AS (SELECT j.delivery, j.paid, {DUE_OF_JOIN} AS fen FROM group_buy_joins j WHERE j.buy_id = ?)
         SELECT count(*) AS households,
                coalesce(sum(delivery = 'waiting'), 0) AS waiting,
                coalesce(sum(delivery = 'out'), 0) AS out,
                coalesce(sum(delivery = 'delivered'), 0) AS delivered,
                coalesce(sum(delivery = 'received'), 0) AS received,
                coalesce(sum(delivery = 'picked_up'), 0) AS picked_up,
                coalesce(sum(paid IS NOT NULL), 0) AS paid,
                coalesce(sum(paid = 'cash'), 0) AS cash,
                coalesce(sum(paid = 'transfer'), 0) AS transfer,
                coalesce(sum(CASE WHEN paid IS NOT NULL THEN fen END), 0) AS paid_fen,
                coalesce(sum(fen), 0) AS due_fen
         FROM h"
    ))
    .bind(buy)
    .fetch_one(db)
    .await?)
}

/// One household of a buy, as its leader sees it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct HouseholdLine {
    pub join_id: i64,
    pub position: i64,
    pub building_id: i64,
    pub building: String,
    pub unit_room: String,
    pub items: String,
    pub due_fen: i64,
    pub stage: Stage,
    pub paid: Option<Payment>,
}

/// Every household of the buy, building names in `lang`, items joined by `separator`, in
/// slip order (building, then unit and room as people read them).
pub async fn households<'e>(
    db: impl SqliteExecutor<'e>,
    lang: Lang,
    buy: i64,
    separator: &str,
) -> Result<Vec<HouseholdLine>> {
    let mut rows: Vec<HouseholdLine> = sqlx::query_as(&format!(
        "SELECT j.id AS join_id, b.position, b.id AS building_id, {} AS building, j.unit_room,
                {ITEMS_OF_JOIN} AS items, {DUE_OF_JOIN} AS due_fen, j.delivery AS stage, j.paid
         FROM group_buy_joins j JOIN buildings b ON b.id = j.building_id
         WHERE j.buy_id = ?",
        lang.sql_pick("b.name", "b.name_en")
    ))
    .bind(separator)
    .bind(buy)
    .fetch_all(db)
    .await?;
    crate::groupbuy::delivery::model::slip_order(&mut rows, |r| (r.position, r.building_id, r.unit_room.as_str()));
    Ok(rows)
}

/// The buy a household's join belongs to.
pub async fn buy_of<'e>(db: impl SqliteExecutor<'e>, join: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT buy_id FROM group_buy_joins WHERE id = ?").bind(join).fetch_optional(db).await?;
    Ok(row.map(|(b,)| b))
}

/// Ticks a household of an arrived pick-up buy as picked up (`picked`), or takes the tick
/// back. False when it was already so.
pub async fn set_picked_up(conn: &mut SqliteConnection, now: DateTime<Utc>, join: i64, picked: bool) -> Result<bool> {
    let query = if picked {
        sqlx::query(
            "UPDATE group_buy_joins SET delivery = 'picked_up', delivered_at = ?
             WHERE id = ? AND delivery = 'waiting' AND buy_id IN
                 (SELECT id FROM group_buys WHERE status = 'closed' AND delivery = 'pickup' AND arrived_at IS NOT NULL)",
        )
        .bind(millis(now))
    } else {
        sqlx::query(
            "UPDATE group_buy_joins SET delivery = 'waiting', delivered_at = NULL WHERE id = ? AND delivery = 'picked_up'",
        )
    };
    Ok(query.bind(join).execute(conn).await?.rows_affected() == 1)
}

/// Records how a household paid (`Some`), or takes it back (`None`). False when it was
/// already recorded (or already not).
pub async fn set_paid(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    join: i64,
    how: Option<Payment>,
) -> Result<bool> {
    let query = match how {
        Some(how) => sqlx::query(
            "UPDATE group_buy_joins SET paid = ?, paid_at = ? WHERE id = ? AND paid IS NULL AND buy_id IN
                 (SELECT id FROM group_buys WHERE status = 'closed')",
        )
        .bind(how)
        .bind(millis(now)),
        None => sqlx::query("UPDATE group_buy_joins SET paid = NULL, paid_at = NULL WHERE id = ? AND paid IS NOT NULL"),
    };
    Ok(query.bind(join).execute(conn).await?.rows_affected() == 1)
}
