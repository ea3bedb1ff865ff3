//! The deadline: at or above the minimum the buy closes and goes ahead, below it the buy
//! is called off. Everyone who joined is told in their language, the leader gets the
//! supplier order and the delivery slips (`lead::slips`), and the groups' tally shows the
//! outcome without its join button — all in the job's one transaction.

use chrono::{DateTime, Utc};
use rust_i18n::t;
use sqlx::SqliteConnection;

use crate::groupbuy::model::{BuyStatus, Delivery, MinKind};
use crate::groupbuy::store::{self, Buy};
use crate::groupbuy::tally;
use crate::i18n::Lang;
use crate::jobs::{BoxFuture, JobCtx, NewJob};
use crate::orders::model::yuan;
use crate::outbox::{self, OutMessage};
use crate::Result;

pub const JOB: &str = "groupbuy.deadline";

pub async fn schedule(conn: &mut SqliteConnection, now: DateTime<Utc>, buy: i64, at: DateTime<Utc>) -> Result<()> {
    let job =
        NewJob { unique_key: Some(format!("{JOB}:{buy}")), ..NewJob::once(JOB, at, serde_json::json!({ "buy": buy })) };
    crate::jobs::schedule(conn, now, &job).await?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct Payload {
    buy: i64,
}

pub fn run(conn: &mut SqliteConnection, ctx: JobCtx, payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let p: Payload = crate::jobs::payload(JOB, payload)?;
        let Some(buy) = store::buy(&mut *conn, p.buy).await? else { return Ok(()) };
        if buy.status != BuyStatus::Open {
            return Ok(());
        }
        let outcome =
            if buy.minimum().reached(buy.households, buy.taken) { BuyStatus::Closed } else { BuyStatus::CalledOff };
        if !store::finish(conn, ctx.now, buy.id, outcome).await? {
            return Ok(());
        }
        let Some(buy) = store::buy(&mut *conn, p.buy).await? else { return Ok(()) };
        tell_joiners(conn, &ctx, &buy).await?;
        tell_leader(conn, &ctx, &buy).await?;
        tally::arm_now(conn, ctx.now, buy.id).await
    })
}

/// Each household that joined, through the account that joined or last changed it:
/// called off, the same words for all (one statement); closed, what each household gets.
async fn tell_joiners(conn: &mut SqliteConnection, ctx: &JobCtx, buy: &Buy) -> Result<()> {
    if buy.status != BuyStatus::Closed {
        crate::groupbuy::tell_joiners(conn, ctx.now, buy.id, |lang| {
            t!(
                "groupbuy.called_off.joiner",
                locale = lang.code(),
                id = buy.id,
                title = buy.title.as_str(),
                min = minimum_text(lang, buy),
                households = crate::groupbuy::households(lang, buy.households),
                units = crate::groupbuy::units(lang, buy.taken)
            )
            .into_owned()
        })
        .await?;
        return Ok(());
    }
    let joiners = store::joiners(conn, buy.id).await?;
    let people: Vec<i64> = joiners.iter().map(|(user, _)| *user).collect();
    let langs: std::collections::HashMap<i64, Lang> =
        crate::people::read::languages(conn, &people).await?.into_iter().collect();
    let items = store::items(&mut *conn, buy.id).await?;
    // Every household's lines at once: (join, item, quantity).
    let all_lines: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT l.join_id, l.item_id, l.quantity FROM group_buy_lines l JOIN group_buy_joins j ON j.id = l.join_id
         WHERE j.buy_id = ? ORDER BY l.join_id, l.item_id",
    )
    .bind(buy.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut lines_of: std::collections::HashMap<i64, Vec<(i64, i64)>> = std::collections::HashMap::new();
    for (join, item, q) in all_lines {
        lines_of.entry(join).or_default().push((item, q));
    }
    // Each household's own items and amount: one message each.
    for (user, join_id) in joiners {
        let lang = langs.get(&user).copied().unwrap_or_default();
        let lines = lines_of.get(&join_id).map(Vec::as_slice).unwrap_or_default();
        let (what, fen) = describe(lang, &items, lines);
        let text = t!(
            "groupbuy.closed.joiner",
            locale = lang.code(),
            id = buy.id,
            title = buy.title.as_str(),
            what = what,
            total = yuan(fen),
            delivery = delivery_text(ctx, lang, buy)
        );
        outbox::enqueue(conn, ctx.now, user, OutMessage::text(text), outbox::Options::default()).await?;
    }
    Ok(())
}

async fn tell_leader(conn: &mut SqliteConnection, ctx: &JobCtx, buy: &Buy) -> Result<()> {
    let lang = crate::people::read::lang_of(conn, buy.leader_id).await?;
    let l = lang.code();
    let text = match buy.status {
        BuyStatus::Closed => t!(
            "groupbuy.closed.leader",
            locale = l,
            id = buy.id,
            title = buy.title.as_str(),
            households = crate::groupbuy::households(lang, buy.households),
            units = crate::groupbuy::units(lang, buy.taken)
        ),
        _ => t!(
            "groupbuy.called_off.leader",
            locale = l,
            id = buy.id,
            title = buy.title.as_str(),
            min = minimum_text(lang, buy),
            households = crate::groupbuy::households(lang, buy.households),
            units = crate::groupbuy::units(lang, buy.taken)
        ),
    };
    outbox::enqueue(conn, ctx.now, buy.leader_id, OutMessage::text(text), outbox::Options::default()).await?;
    if buy.status == BuyStatus::Closed {
        crate::groupbuy::lead::slips::send(conn, &ctx.app, ctx.now, buy, lang, false).await?;
    }
    Ok(())
}

/// "蔬菜套餐×2、鸡蛋×1" and what it costs, in fen.
pub fn describe(lang: Lang, items: &[store::Item], lines: &[(i64, i64)]) -> (String, i64) {
    let mut parts = Vec::new();
    let mut fen = 0;
    for item in items {
        if let Some((_, q)) = lines.iter().find(|(id, q)| *id == item.id && *q > 0) {
            parts.push(format!("{}×{q}", item.name));
            fen += item.price_fen * q;
        }
    }
    (parts.join(&t!("orders.list_separator", locale = lang.code())), fen)
}

pub fn minimum_text(lang: Lang, buy: &Buy) -> String {
    match buy.min_kind {
        MinKind::Households => crate::groupbuy::households(lang, buy.min_count),
        MinKind::Units => crate::groupbuy::units(lang, buy.min_count),
    }
}

/// How the goods come: to the door, or where and when to pick them up.
pub fn delivery_text(ctx: &JobCtx, lang: Lang, buy: &Buy) -> String {
    let l = lang.code();
    match (buy.delivery, &buy.pickup_place, buy.pickup_at) {
        (Delivery::Pickup, Some(place), Some(at)) => t!(
            "groupbuy.delivery.pickup",
            locale = l,
            place = place.as_str(),
            at = crate::i18n::dates::at(lang, crate::clock::from_millis(at), ctx.now, ctx.app.settings.timezone)
        ),
        _ => t!("groupbuy.delivery.door", locale = l),
    }
    .into_owned()
}
