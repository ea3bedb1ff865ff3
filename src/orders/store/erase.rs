//! Ordering's part of "delete all my data" (`bot::slice::Erase`). Open orders are
//! cancelled, not left to wait: the resident is gone, so nobody could receive them or be
//! phoned about them, and their goods and stock are needed by others now. So each of the
//! person's orders still placed, accepted, packed or out for delivery becomes `cancelled`
//! with its stock back on the shelf (`restock`, as a resident's own cancel); the
//! community's officials are told which ones to unpack or call back, and a volunteer
//! carrying one that it need not be delivered. Orders the person carries as a volunteer
//! go back to `packed` for another volunteer. Every order stays, under the anonymous id
//! and without its note, so the officials' figures stay true. The cart and any
//! "ordering for" link go.

use sqlx::SqliteConnection;

use crate::bot::slice::{Erasing, Erasure};
use crate::i18n::Lang;
use crate::jobs::BoxFuture;
use crate::orders::mine::status_name;
use crate::orders::model::Status;
use crate::outbox::{self, OutMessage};
use crate::{App, Result};

/// `Slice::erase` of the orders slice.
pub fn erase<'c>(conn: &'c mut SqliteConnection, _app: &'c App, who: Erasing) -> BoxFuture<'c, Result<Vec<Erasure>>> {
    Box::pin(erase_orders(conn, who))
}

#[derive(sqlx::FromRow)]
struct Open {
    id: i64,
    community_id: i64,
    status: Status,
    building: String,
    building_en: String,
    /// The volunteer carrying it, if it is out for delivery.
    volunteer_id: Option<i64>,
}

async fn erase_orders(conn: &mut SqliteConnection, who: Erasing) -> Result<Vec<Erasure>> {
    let now = crate::clock::millis(who.now);
    let open: Vec<Open> = sqlx::query_as(
        "SELECT o.id, o.community_id, o.status, b.name AS building, COALESCE(b.name_en, b.name) AS building_en,
                CASE WHEN o.status = 'out_for_delivery' THEN o.volunteer_id END AS volunteer_id
         FROM orders o JOIN buildings b ON b.id = o.building_id
         WHERE o.resident_id = ? AND o.status IN ('placed', 'accepted', 'packed', 'out_for_delivery') ORDER BY o.id",
    )
    .bind(who.user_id)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE orders SET status = 'cancelled', updated_at = ?1
         WHERE resident_id = ?2 AND status IN ('placed', 'accepted', 'packed', 'out_for_delivery')",
    )
    .bind(now)
    .bind(who.user_id)
    .execute(&mut *conn)
    .await?;
    let ids: Vec<i64> = open.iter().map(|o| o.id).collect();
    super::restock_all(conn, &ids).await?;
    // A volunteer on the way with one of them need not go on (their own language).
    let carriers: Vec<i64> = open.iter().filter_map(|o| o.volunteer_id).collect();
    for (volunteer, lang) in crate::people::read::languages(conn, &carriers).await? {
        for order in open.iter().filter(|o| o.volunteer_id == Some(volunteer)) {
            let text = rust_i18n::t!("people.erase.delivery_cancelled", locale = lang.code(), id = order.id);
            outbox::enqueue(conn, who.now, volunteer, OutMessage::text(text), outbox::Options::default()).await?;
        }
    }
    let carried: Vec<(i64, i64)> = sqlx::query_as(
        "UPDATE orders SET status = 'packed', volunteer_id = NULL, updated_at = ?1
         WHERE volunteer_id = ?2 AND status = 'out_for_delivery' RETURNING id, community_id",
    )
    .bind(now)
    .bind(who.user_id)
    .fetch_all(&mut *conn)
    .await?;
    for sql in [
        "UPDATE orders SET resident_id = ?2, note = '' WHERE resident_id = ?1",
        "UPDATE orders SET placed_by = ?2 WHERE placed_by = ?1",
        "UPDATE orders SET volunteer_id = ?2 WHERE volunteer_id = ?1",
    ] {
        sqlx::query(sql).bind(who.user_id).bind(who.anonymous_id).execute(&mut *conn).await?;
    }
    for sql in [
        "DELETE FROM cart_lines WHERE user_id = ?1",
        "DELETE FROM order_proxies WHERE helper_id = ?1 OR resident_id = ?1",
    ] {
        sqlx::query(sql).bind(who.user_id).execute(&mut *conn).await?;
    }
    let cancelled = open.into_iter().map(|o| Erasure {
        community_id: o.community_id,
        counted_as: "people.erase.count_orders",
        line: Box::new(move |lang: Lang| {
            let building = lang.pick(&o.building, &o.building_en);
            rust_i18n::t!(
                "people.erase.order_cancelled",
                locale = lang.code(),
                id = o.id,
                building = building,
                status = status_name(lang, o.status)
            )
            .into_owned()
        }),
    });
    let returned = carried.into_iter().map(|(id, community_id)| Erasure {
        community_id,
        counted_as: "people.erase.count_deliveries",
        line: Box::new(move |lang: Lang| {
            rust_i18n::t!("people.erase.delivery_returned", locale = lang.code(), id = id).into_owned()
        }),
    });
    Ok(cancelled.chain(returned).collect())
}
