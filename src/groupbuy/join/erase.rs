//! Group buys' part of "delete all my data" (`bot::slice::Erase`):
//! - a household line the person joined in a buy still open is removed, as "leave" would,
//!   and the tally redrawn: nobody may be left to pay for or receive it;
//! - the open buys they lead are cancelled, and the households told (a buy without its
//!   leader cannot reach the supplier);
//! - deliveries they carry as a volunteer go back to waiting for another volunteer;
//! - everything else stays for the leaders' and the report's counts under the anonymous
//!   id, with the nickname cleared.

use rust_i18n::t;
use sqlx::SqliteConnection;

use crate::bot::slice::{Erasing, Erasure};
use crate::groupbuy::model::BuyStatus;
use crate::groupbuy::{store, tally};
use crate::jobs::BoxFuture;
use crate::{App, Result};

/// `Slice::erase` of the group buy slice.
pub fn erase<'c>(conn: &'c mut SqliteConnection, _app: &'c App, who: Erasing) -> BoxFuture<'c, Result<Vec<Erasure>>> {
    Box::pin(erase_buys(conn, who))
}

async fn erase_buys(conn: &mut SqliteConnection, who: Erasing) -> Result<Vec<Erasure>> {
    let now = who.now;
    let lines: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT j.id, j.buy_id FROM group_buy_joins j JOIN group_buys b ON b.id = j.buy_id
         WHERE j.user_id = ? AND b.status = 'open'",
    )
    .bind(who.user_id)
    .fetch_all(&mut *conn)
    .await?;
    for (join_id, buy) in lines {
        let gone: Option<(i64,)> = sqlx::query_as("DELETE FROM group_buy_joins WHERE id = ? RETURNING units")
            .bind(join_id)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some((units,)) = gone {
            sqlx::query("UPDATE group_buys SET taken = taken - ?, households = households - 1 WHERE id = ?")
                .bind(units)
                .bind(buy)
                .execute(&mut *conn)
                .await?;
        }
        tally::arm_now(conn, now, buy).await?;
    }
    let led: Vec<(i64,)> = sqlx::query_as("SELECT id FROM group_buys WHERE leader_id = ? AND status = 'open'")
        .bind(who.user_id)
        .fetch_all(&mut *conn)
        .await?;
    for (buy,) in led {
        if !store::finish(conn, now, buy, BuyStatus::Cancelled).await? {
            continue;
        }
        let Some(current) = store::buy(&mut *conn, buy).await? else { continue };
        crate::groupbuy::tell_joiners(conn, now, buy, |lang| {
            t!("groupbuy.join.leader_gone", locale = lang.code(), id = buy, title = current.title.as_str()).into_owned()
        })
        .await?;
        tally::arm_now(conn, now, buy).await?;
    }
    sqlx::query("UPDATE group_buy_joins SET delivery = 'waiting', volunteer_id = NULL WHERE volunteer_id = ? AND delivery = 'out'")
        .bind(who.user_id)
        .execute(&mut *conn)
        .await?;
    for sql in [
        "UPDATE group_buy_joins SET user_id = ?2, nickname = NULL WHERE user_id = ?1",
        "UPDATE group_buy_joins SET volunteer_id = ?2 WHERE volunteer_id = ?1",
        "UPDATE group_buys SET leader_id = ?2 WHERE leader_id = ?1",
    ] {
        sqlx::query(sql).bind(who.user_id).bind(who.anonymous_id).execute(&mut *conn).await?;
    }
    Ok(Vec::new())
}
