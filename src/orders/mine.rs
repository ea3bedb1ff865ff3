//! `/myorders` and cancelling (residents).

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, confirm_cancel};
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::clock::from_millis;
use crate::i18n::Lang;
use crate::orders::buttons::Cb;
use crate::orders::model::{yuan, Status};
use crate::orders::store;
use crate::App;

pub fn status_name(lang: Lang, s: Status) -> String {
    let l = lang.code();
    match s {
        Status::Placed => t!("orders.status.placed", locale = l),
        Status::Accepted => t!("orders.status.accepted", locale = l),
        Status::Packed => t!("orders.status.packed", locale = l),
        Status::OutForDelivery => t!("orders.status.out_for_delivery", locale = l),
        Status::Delivered => t!("orders.status.delivered", locale = l),
        Status::Received => t!("orders.status.received", locale = l),
        Status::Cancelled => t!("orders.status.cancelled", locale = l),
        Status::Rejected => t!("orders.status.rejected", locale = l),
    }
    .into_owned()
}

pub async fn my_orders(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let orders = store::my_orders(&app.pool, ctx.lang, ctx.user_id, 10).await?;
    if orders.is_empty() {
        // Someone who has not registered is told the step that lets them order at all.
        let key = if ctx.roles.resident.is_some() { "orders.none" } else { "orders.not_registered" };
        return say(bot, ctx, t!(key, locale = l)).await;
    }
    let tz = app.settings.timezone;
    let mut text = t!("orders.mine_header", locale = l).into_owned();
    let mut rows = Vec::new();
    for o in &orders {
        let when = from_millis(o.placed_at).with_timezone(&tz).format("%m-%d %H:%M");
        text.push_str(&format!(
            "\n#{} {when} {} · {}\n   {}",
            o.id,
            status_name(ctx.lang, o.status()),
            yuan(o.total_fen),
            o.items
        ));
        if o.status().resident_may_cancel() {
            rows.push(vec![button(t!("orders.cancel_button", locale = l, id = o.id), Cb::CancelOrder(o.id))]);
        }
    }
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

/// "Cancel order #17?" with what it holds; the order is only cancelled by the confirm.
pub async fn ask_cancel(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let order = store::my_order(&app.pool, ctx.lang, ctx.user_id, id).await?;
    let Some(order) = order.filter(|o| o.status().resident_may_cancel()) else {
        return refuse(bot, q, t!("orders.cannot_cancel", locale = l)).await;
    };
    ack(bot, q).await?;
    let text = t!("orders.cancel_confirm", locale = l, id = id, items = order.items, total = yuan(order.total_fen));
    say_with(bot, ctx, text, confirm_cancel(ctx.lang, Cb::ConfirmCancelOrder(id))).await
}

pub async fn cancel(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let cancelled = store::cancel(&mut work, now, id, ctx.user_id).await?;
    work.commit().await?;
    if !cancelled {
        // A second tap on the confirm finds it cancelled already: say so, not "accepted".
        let order = store::my_order(&app.pool, ctx.lang, ctx.user_id, id).await?;
        let key = match order.map(|o| o.status()) {
            Some(Status::Cancelled) => "orders.already_cancelled",
            _ => "orders.cannot_cancel",
        };
        return refuse(bot, q, t!(key, locale = l, id = id)).await;
    }
    ack(bot, q).await?;
    say(bot, ctx, t!("orders.cancelled", locale = l, id = id)).await
}
