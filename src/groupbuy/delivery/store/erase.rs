//! The delivery slice's part of "delete all my data" (`bot::slice::Erase`): a volunteer
//! who erases while carrying group-buy goods leaves households nobody would bring them
//! to, so those still on the way go back on the board (`waiting`, no volunteer) for
//! another volunteer, and the community's officials are told which building of which buy.
//! Households already left at the door keep their record under the anonymous id.
//! (The households' own joins are the join slice's.)

use sqlx::SqliteConnection;

use crate::bot::slice::{Erasing, Erasure};
use crate::i18n::Lang;
use crate::jobs::BoxFuture;
use crate::{App, Result};

/// `Slice::erase` of the delivery slice.
pub fn erase<'c>(conn: &'c mut SqliteConnection, _app: &'c App, who: Erasing) -> BoxFuture<'c, Result<Vec<Erasure>>> {
    Box::pin(erase_carrier(conn, who))
}

async fn erase_carrier(conn: &mut SqliteConnection, who: Erasing) -> Result<Vec<Erasure>> {
    // (buy, community, building, building in English, households) still on the way.
    let carried: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT j.buy_id, g.community_id, b.name, coalesce(nullif(trim(b.name_en), ''), b.name), count(*)
         FROM group_buy_joins j JOIN group_buys g ON g.id = j.buy_id JOIN buildings b ON b.id = j.building_id
         WHERE j.volunteer_id = ? AND j.delivery = 'out' GROUP BY j.buy_id, b.id ORDER BY j.buy_id, b.position, b.id",
    )
    .bind(who.user_id)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("UPDATE group_buy_joins SET delivery = 'waiting', volunteer_id = NULL WHERE volunteer_id = ? AND delivery = 'out'")
        .bind(who.user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE group_buy_joins SET volunteer_id = ? WHERE volunteer_id = ?")
        .bind(who.anonymous_id)
        .bind(who.user_id)
        .execute(&mut *conn)
        .await?;
    Ok(carried
        .into_iter()
        .map(|(buy, community_id, building, building_en, count)| Erasure {
            community_id,
            counted_as: "groupbuy_delivery.erase.count",
            line: Box::new(move |lang: Lang| {
                rust_i18n::t!(
                    "groupbuy_delivery.erase.returned",
                    locale = lang.code(),
                    id = buy,
                    building = lang.pick(&building, &building_en),
                    count = count
                )
                .into_owned()
            }),
        })
        .collect())
}
