//! A resident's side: `/isolation` says whether their household is isolated (and until
//! when), or offers to declare it; an official confirms or declines the declaration.
//!
//! ```text
//! resident → /isolation
//! bot      → 您家（3号楼 2单元301）目前没有隔离记录。 [申报居家隔离]
//! resident → (taps, then kind, start, end, confirm: see `mark`)
//! official → 王芳申报：3号楼 2单元301 · 居家隔离 · … [确认] [不属实]
//! official → (taps 确认) → the household is told; the message shows who decided
//! ```

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::health::isolation::buttons::Cb;
use crate::health::isolation::model::Status;
use crate::health::isolation::store;
use crate::health::isolation::tell::tell_household;
use crate::health::isolation::view;
use crate::App;

/// `/isolation`.
pub async fn status(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let Some(r) = ctx.roles.resident.as_ref() else {
        return say(bot, ctx, t!("isolation.not_registered", locale = l)).await;
    };
    let today = app.today();
    let mut conn = app.pool.acquire().await?;
    let open = store::open_of(&mut conn, ctx.user_id).await?;
    drop(conn);
    let rules = &app.settings.health;
    match open {
        Some(iso) if iso.status == Status::Declared => {
            say(bot, ctx, t!("isolation.status.declared", locale = l, isolation = view::of(lang, &iso))).await
        }
        Some(iso) if iso.is_current(today) => {
            let text = t!(
                "isolation.status.isolated",
                locale = l,
                isolation = view::of(lang, &iso),
                left = view::days_left(lang, iso.ends_on, today),
                morning = rules.morning_at.as_str(),
                afternoon = rules.afternoon_at.as_str()
            );
            say(bot, ctx, text).await
        }
        // Active but starting later, or past its end before the nightly job closed it.
        Some(iso) => say(bot, ctx, t!("isolation.status.not_now", locale = l, isolation = view::of(lang, &iso))).await,
        None => {
            let address = format!("{} {}", r.building_label(lang), r.unit_room);
            let kb =
                InlineKeyboardMarkup::new(vec![vec![button(t!("isolation.declare_button", locale = l), Cb::Declare)]]);
            say_with(bot, ctx, t!("isolation.status.none", locale = l, address = address), kb).await
        }
    }
}

/// An official's [确认] or [不属实] under a declaration.
pub async fn decide(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64, accept: bool) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    // No Telegram call while the write transaction is open: each refusal ends it first.
    let Some(iso) = store::get(&mut work, id).await? else {
        drop(work);
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    if !ctx.roles.is_official_of(iso.community_id) {
        drop(work);
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    }
    let to = if accept { Status::Active } else { Status::Declined };
    if !store::decide(&mut work, now, id, Status::Declared, to, ctx.user_id).await? {
        drop(work);
        // Decided already (by this tap before, or another official): say so, change nothing.
        return refuse(bot, q, t!("isolation.already_decided", locale = l)).await;
    }
    let key = if accept { "isolation.told.accepted" } else { "isolation.told.declined" };
    tell_household(&mut work, app, now, &iso, key).await?;
    work.commit().await?;
    let key = if accept { "isolation.decided_accepted" } else { "isolation.decided_declined" };
    let text = t!(key, locale = l, isolation = view::of(lang, &iso), name = ctx.display_name.as_str());
    replace_with(bot, ctx, q, text, InlineKeyboardMarkup::default()).await?;
    crate::bot::reply::ack(bot, q).await
}
