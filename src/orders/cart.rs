//! The cart and checkout: the cart message is edited in place on every tap, and a tap acts
//! only on the line as that message showed it; then the note, the summary and the order.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, cancel_button, confirm_cancel};
use crate::bot::reply::{ack, refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::orders::buttons::Cb;
use crate::orders::flow::{can_order, household, household_of, target, NOTE_MAX};
use crate::orders::model::{check_quantity, yuan};
use crate::orders::shop::{own_item, quantity_error};
use crate::orders::store::{self, Placement, Short, Shortage};
use crate::orders::Flow;
use crate::App;

/// The cart's text and buttons, or `None` when it is empty.
async fn render(app: &App, ctx: &Ctx) -> crate::Result<Option<(String, InlineKeyboardMarkup)>> {
    let l = ctx.lang.code();
    let lines = store::cart(&app.pool, ctx.user_id).await?;
    if lines.is_empty() {
        return Ok(None);
    }
    let mut text = t!("orders.cart_header", locale = l).into_owned();
    let mut rows = Vec::new();
    let mut total = 0;
    for line in &lines {
        let name = ctx.lang.pick(&line.name, &line.name_en);
        let sum = line.price_fen * line.quantity;
        total += sum;
        text.push_str(&format!("\n· {name} ×{} = {}", line.quantity, yuan(sum)));
        let q = u16::try_from(line.quantity).unwrap_or(u16::MAX);
        let step = |to: u16| Cb::CartSet { item_id: line.item_id, from: q, to };
        rows.push(vec![
            button(format!("− {name}"), step(q.saturating_sub(1))),
            button("+", step(q.saturating_add(1))),
            button(t!("orders.remove", locale = l), step(0)),
        ]);
    }
    text.push_str(&format!("\n{}", t!("orders.total", locale = l, total = yuan(total))));
    rows.push(vec![button(t!("orders.checkout", locale = l), Cb::Checkout)]);
    Ok(Some((text, InlineKeyboardMarkup::new(rows))))
}

/// The cart as a new message (after `/order` → 🛒, or a refused order).
pub async fn show(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>) -> HandlerResult {
    if let Some(q) = q {
        ack(bot, q).await?;
    }
    match render(app, ctx).await? {
        Some((text, kb)) => say_with(bot, ctx, text, kb).await,
        None => say(bot, ctx, t!("orders.cart_empty", locale = ctx.lang.code())).await,
    }
}

/// The tapped cart message, redrawn in place.
async fn redraw(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery) -> HandlerResult {
    let (text, kb) = render(app, ctx).await?.unwrap_or_else(|| {
        (
            t!("orders.cart_empty", locale = ctx.lang.code()).into_owned(),
            InlineKeyboardMarkup::new(Vec::<Vec<_>>::new()),
        )
    });
    replace_with(bot, ctx, q, text, kb).await
}

/// −, + or remove on a cart line showing `from`.
pub async fn step(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    item_id: i64,
    from: i64,
    to: i64,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = can_order(bot, app, ctx).await? else { return ack(bot, q).await };
    let item = own_item(app, &resident, item_id).await?;
    let parts = household_of(app, &resident);
    let mut work = Work::begin(app, ctx).await?;
    if to > from {
        let Some(item) = &item else {
            drop(work);
            return refuse(bot, q, t!("common.stale_button", locale = l)).await;
        };
        let allowance = store::allowance(&mut work, item, ctx.user_id, &household(&resident, &parts)).await?;
        if allowance.in_cart == from {
            if let Err(e) = check_quantity(to - from, &allowance) {
                drop(work);
                return refuse(bot, q, quantity_error(ctx.lang, e, ctx.lang.pick(&item.name, &item.name_en))).await;
            }
        }
    }
    let changed = store::step_cart(&mut work, ctx.user_id, item_id, from, to).await?;
    work.commit().await?;
    if changed {
        ack(bot, q).await?;
    } else {
        // An older cart message: show the cart as it is now instead of acting on it.
        bot.answer_callback_query(q.id.clone()).text(t!("orders.cart_changed", locale = l)).await?;
    }
    redraw(bot, app, ctx, q).await
}

pub async fn ask_note(bot: &Bot, ctx: &Ctx) -> HandlerResult {
    let kb = InlineKeyboardMarkup::new(vec![
        vec![button(t!("orders.no_note", locale = ctx.lang.code()), Cb::NoNote)],
        vec![cancel_button(ctx.lang)],
    ]);
    say_with(bot, ctx, t!("orders.ask_note", locale = ctx.lang.code(), max = NOTE_MAX), kb).await
}

pub async fn checkout(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery) -> HandlerResult {
    if can_order(bot, app, ctx).await?.is_none() {
        return ack(bot, q).await;
    }
    if store::cart(&app.pool, ctx.user_id).await?.is_empty() {
        return refuse(bot, q, t!("orders.cart_empty", locale = ctx.lang.code())).await;
    }
    ack(bot, q).await?;
    Work::save_state(app, ctx, &State::of(&Flow::Note)).await?;
    ask_note(bot, ctx).await
}

pub async fn summary(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>, note: String) -> HandlerResult {
    let l = ctx.lang.code();
    if let Some(q) = q {
        ack(bot, q).await?;
    }
    let lines = store::cart(&app.pool, ctx.user_id).await?;
    let total: i64 = lines.iter().map(|x| x.price_fen * x.quantity).sum();
    let items: Vec<String> =
        lines.iter().map(|x| format!("{}×{}", ctx.lang.pick(&x.name, &x.name_en), x.quantity)).collect();
    Work::save_state(app, ctx, &State::of(&Flow::Confirm { note: note.clone() })).await?;
    let note_text = if note.is_empty() { t!("orders.no_note_given", locale = l).into_owned() } else { note };
    let separator = t!("orders.item_separator", locale = l);
    let text = t!("orders.summary", locale = l, items = items.join(&separator), total = yuan(total), note = note_text);
    say_with(bot, ctx, text, confirm_cancel(ctx.lang, Cb::Confirm)).await
}

/// Places the order. The order, the end of the dialogue, the end of "ordering for" and the
/// resident's notification commit together, or none of them does.
pub async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, note: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = can_order(bot, app, ctx).await? else { return ack(bot, q).await };
    let (resident_id, _) = target(app, ctx).await?;
    let parts = household_of(app, &resident);
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let placement = Placement {
        resident: resident_id,
        community_id: resident.community_id,
        placed_by: ctx.user_id,
        note,
        household: household(&resident, &parts),
        now,
    };
    let (id, total) = match store::place(&mut work, &placement).await? {
        Ok(placed) => placed,
        Err(shortage) => {
            // Nothing is placed (stock taken for earlier lines goes back with the rollback);
            // the cart is kept: the resident changes the line and confirms again.
            drop(work);
            Work::save_state(app, ctx, &State::Idle).await?;
            return refuse_shortage(bot, app, ctx, q, shortage).await;
        }
    };
    work.set_state(ctx, &State::Idle).await?;
    let on_behalf = resident_id != ctx.user_id;
    if on_behalf {
        // Placed for someone else: tell them (if they ever use the bot), and stop helping.
        store::set_proxy(&mut work, now, ctx.user_id, None).await?;
        let lang = crate::people::read::lang_of(&mut work, resident_id).await?;
        let text = t!(
            "orders.placed_for_you",
            locale = lang.code(),
            id = id,
            total = yuan(total),
            name = ctx.display_name.as_str()
        );
        work.notify(resident_id, crate::outbox::OutMessage::text(text), Default::default()).await?;
    }
    work.commit().await?;
    ack(bot, q).await?;
    if on_behalf {
        return say(bot, ctx, t!("orders.placed_on_behalf", locale = l, id = id, total = yuan(total))).await;
    }
    say(bot, ctx, t!("orders.placed", locale = l, id = id, total = yuan(total))).await
}

async fn refuse_shortage(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shortage: Shortage) -> HandlerResult {
    let l = ctx.lang.code();
    let Shortage::Line { name, name_en, why } = shortage else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let name = ctx.lang.pick(&name, &name_en);
    let reason = match why {
        Short::OutOfStock { left } => t!("orders.short.out_of_stock", locale = l, name = name, left = left),
        Short::OverOrderLimit { limit } => t!("orders.short.order_limit", locale = l, name = name, limit = limit),
        Short::OverDayLimit { limit, already } => {
            t!("orders.short.day_limit", locale = l, name = name, limit = limit, already = already)
        }
        Short::Unavailable => t!("orders.short.unavailable", locale = l, name = name),
    };
    ack(bot, q).await?;
    say(bot, ctx, reason).await?;
    show(bot, app, ctx, None).await
}
