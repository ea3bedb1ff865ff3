//! `/myorders` and cancelling (residents); `/freeze` and `/unfreeze` (officials).

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::clock::from_millis;
use crate::i18n::Lang;
use crate::orders::buttons::Cb;
use crate::orders::model::{yuan, Status};
use crate::orders::store;
use crate::people::scope::Scope;
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
    let orders = store::my_orders(&app.pool, ctx.user_id, 10).await?;
    if orders.is_empty() {
        return say(bot, ctx, t!("orders.none", locale = l)).await;
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

pub async fn cancel(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let cancelled = store::cancel(&mut work, now, id, ctx.user_id).await?;
    work.commit().await?;
    if !cancelled {
        return refuse(bot, q, t!("orders.cannot_cancel", locale = l)).await;
    }
    ack(bot, q).await?;
    say(bot, ctx, t!("orders.cancelled", locale = l, id = id)).await
}

/// `/freeze [building] reason` (officials): pause ordering for the community or a building.
pub async fn freeze(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    if args.is_empty() {
        return say(bot, ctx, scope.titled(ctx.lang, t!("orders.freeze_usage", locale = l))).await;
    }
    let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    // "3号楼" is looked up in the scope's community only (several have a 3号楼).
    let building = crate::people::read::find_building(&app.pool, scope.community_id, first).await?;
    let (building_id, reason) = match &building {
        Some(b) if !rest.trim().is_empty() => (Some(b.id), rest.trim()),
        _ => (None, args),
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    store::freeze(&mut work, now, scope.community_id, building_id, reason, ctx.user_id).await?;
    work.commit().await?;
    let place =
        building.filter(|_| building_id.is_some()).map(|b| b.name).unwrap_or_else(|| scope.label(ctx.lang).to_owned());
    say(bot, ctx, scope.titled(ctx.lang, t!("orders.frozen_done", locale = l, place = place, reason = reason))).await
}

pub async fn unfreeze(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    store::unfreeze(&mut work, scope.community_id).await?;
    work.commit().await?;
    say(bot, ctx, scope.titled(ctx.lang, t!("orders.unfrozen", locale = l, place = scope.label(ctx.lang)))).await
}
