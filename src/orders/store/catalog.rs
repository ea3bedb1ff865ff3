//! Officials' catalog changes and ordering on behalf of a resident.

use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::clock::millis;
use crate::i18n::Lang;
use crate::Result;

/// One line of `/catalog`, names as the reader reads them.
#[derive(Debug, Clone, FromRow)]
pub struct CatalogRow {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub unit: String,
    pub price_fen: i64,
    pub stock: i64,
    pub limit_per_order: i64,
    pub limit_per_day: i64,
    pub active: bool,
}

pub async fn catalog(pool: &SqlitePool, lang: Lang, community_id: i64) -> Result<Vec<CatalogRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT i.id, c.key, {} AS name, {} AS unit, i.price_fen, i.stock, i.limit_per_order, i.limit_per_day,
                i.active
         FROM catalog_items i JOIN catalog_categories c ON c.id = i.category_id WHERE i.community_id = ?
         ORDER BY c.position, i.id",
        lang.sql_pick("i.name", "i.name_en"),
        lang.sql_pick("i.unit", "i.unit_en")
    ))
    .bind(community_id)
    .fetch_all(pool)
    .await?)
}

pub struct NewItem<'a> {
    pub community_id: i64,
    pub category_key: &'a str,
    pub name: &'a str,
    pub unit: &'a str,
    pub price_fen: i64,
    pub stock: i64,
    pub limit_per_order: i64,
    pub limit_per_day: i64,
}

/// Adds an item (its English name and unit stay empty — shown as the Chinese ones —
/// until given); `None` when the category does not exist or the name is taken.
pub async fn add_item(conn: &mut SqliteConnection, item: &NewItem<'_>) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO catalog_items (community_id, category_id, name, name_en, unit, unit_en, price_fen, stock,
                                    limit_per_order, limit_per_day)
         SELECT ?1, id, ?3, '', ?4, '', ?5, ?6, ?7, ?8 FROM catalog_categories WHERE community_id = ?1 AND key = ?2
         ON CONFLICT (community_id, name) DO NOTHING RETURNING id",
    )
    .bind(item.community_id)
    .bind(item.category_key)
    .bind(item.name)
    .bind(item.unit)
    .bind(item.price_fen)
    .bind(item.stock)
    .bind(item.limit_per_order)
    .bind(item.limit_per_day)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// The community's category keys, for "no such category" answers.
pub async fn category_keys(pool: &SqlitePool, community_id: i64) -> Result<Vec<String>> {
    let keys: Vec<(String,)> =
        sqlx::query_as("SELECT key FROM catalog_categories WHERE community_id = ? ORDER BY position, id")
            .bind(community_id)
            .fetch_all(pool)
            .await?;
    Ok(keys.into_iter().map(|(k,)| k).collect())
}

/// Gives an item of the community its English name (and unit); false when no such item.
pub async fn name_in_english(
    conn: &mut SqliteConnection,
    community_id: i64,
    item_id: i64,
    name: &str,
    unit: Option<&str>,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE catalog_items SET name_en = ?, unit_en = coalesce(?, unit_en) WHERE id = ? AND community_id = ?",
    )
    .bind(name)
    .bind(unit)
    .bind(item_id)
    .bind(community_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub enum Change {
    Stock(i64),
    Price(i64),
    Active(bool),
}

/// Changes one item of `community_id`; false when no such item there.
pub async fn change_item(conn: &mut SqliteConnection, community_id: i64, item_id: i64, change: Change) -> Result<bool> {
    let q = match change {
        Change::Stock(v) => {
            sqlx::query("UPDATE catalog_items SET stock = ?1 WHERE id = ?2 AND community_id = ?3").bind(v)
        }
        Change::Price(v) => {
            sqlx::query("UPDATE catalog_items SET price_fen = ?1 WHERE id = ?2 AND community_id = ?3").bind(v)
        }
        Change::Active(v) => {
            sqlx::query("UPDATE catalog_items SET active = ?1 WHERE id = ?2 AND community_id = ?3").bind(v)
        }
    };
    Ok(q.bind(item_id).bind(community_id).execute(&mut *conn).await?.rows_affected() == 1)
}

pub async fn set_proxy(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<chrono::Utc>,
    helper: i64,
    resident: Option<i64>,
) -> Result<()> {
    match resident {
        Some(r) => {
            sqlx::query(
                "INSERT INTO order_proxies (helper_id, resident_id, set_at) VALUES (?, ?, ?)
                 ON CONFLICT (helper_id) DO UPDATE SET resident_id = excluded.resident_id, set_at = excluded.set_at",
            )
            .bind(helper)
            .bind(r)
            .bind(millis(now))
            .execute(conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM order_proxies WHERE helper_id = ?").bind(helper).execute(conn).await?;
        }
    }
    Ok(())
}

pub async fn proxy_for(pool: &SqlitePool, helper: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT resident_id FROM order_proxies WHERE helper_id = ?")
        .bind(helper)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|(r,)| r))
}
