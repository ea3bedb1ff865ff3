//! The join dialogue, and `/groupbuys`. The draft quantities live in the dialogue state
//! (so a restart keeps them); only "join" / "save" writes the household's line, in one
//! `Work` with the tally's job. A household is an address: a second account at the same
//! address sees and changes the same line.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::callback::Common;
use crate::bot::keyboard::{button, cancel_button, confirm_cancel};
use crate::bot::reply::{ack, refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::groupbuy::join::buttons::Cb;
use crate::groupbuy::join::Flow;
use crate::groupbuy::model::{unit_of, BuyStatus, Delivery, Refusal};
use crate::groupbuy::store::{self, Buy, Household, Item, Joined, Mine};
use crate::groupbuy::{deadline, tally};
use crate::orders::model::yuan;
use crate::App;

fn stale(ctx: &Ctx) -> String {
    t!("common.stale_button", locale = ctx.lang.code()).into_owned()
}

pub(super) fn household(ctx: &Ctx) -> Option<Household> {
    ctx.roles.resident.as_ref().map(|r| Household {
        building_id: r.building_id,
        key: crate::people::model::household_key(&r.unit_room),
        unit_room: r.unit_room.clone(),
    })
}

/// Why this person cannot join this buy (as a message), or `None`.
async fn cannot_join(app: &App, ctx: &Ctx, buy: &Buy) -> crate::Result<Option<String>> {
    let l = ctx.lang.code();
    let Some(resident) = &ctx.roles.resident else {
        return Ok(Some(t!("groupbuy.join.register_first", locale = l).into_owned()));
    };
    if resident.community_id != buy.community_id
        || !store::building_may_join(&app.pool, buy.id, resident.building_id).await?
    {
        return Ok(Some(t!("groupbuy.join.not_for_you", locale = l, id = buy.id).into_owned()));
    }
    if !buy.is_open_at(app.now()) {
        let key = match buy.status {
            BuyStatus::Closed => "groupbuy.join.closed",
            BuyStatus::CalledOff => "groupbuy.join.called_off",
            BuyStatus::Cancelled => "groupbuy.join.cancelled",
            BuyStatus::Open => "groupbuy.join.past_deadline",
        };
        return Ok(Some(t!(key, locale = l, id = buy.id).into_owned()));
    }
    Ok(None)
}

/// Opens the join dialogue on `buy_id` with the household's current line (from the
/// group's button, or `/groupbuys`).
pub async fn open(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>, buy_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(buy) = store::buy(&app.pool, buy_id).await? else {
        return say(bot, ctx, t!("groupbuy.join.no_such", locale = l)).await;
    };
    if let Some(why) = cannot_join(app, ctx, &buy).await? {
        if let Some(q) = q {
            ack(bot, q).await?;
        }
        return say(bot, ctx, why).await;
    }
    let Some(home) = household(ctx) else { return Ok(()) };
    let mut conn = app.pool.acquire().await?;
    let mine = store::household_join(&mut conn, buy.id, &home).await?;
    let items = store::items(&mut *conn, buy.id).await?;
    drop(conn);
    let qty = items
        .iter()
        .map(|i| {
            let q = mine.as_ref().and_then(|m| m.lines.iter().find(|(id, _)| *id == i.id)).map_or(0, |(_, q)| *q);
            (i.id, u16::try_from(q).unwrap_or(u16::MAX))
        })
        .collect();
    let flow = Flow::Joining { buy: buy.id, qty, show_name: mine.as_ref().is_some_and(|m| m.nickname.is_some()) };
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    let (text, kb) = view(app, ctx, &buy, &items, mine.as_ref(), &flow, None);
    match q {
        Some(q) => {
            ack(bot, q).await?;
            replace_with(bot, ctx, q, text, kb).await
        }
        None => say_with(bot, ctx, text, kb).await,
    }
}

/// The dialogue's message: the offer, the draft, the buttons. `lead`: what just happened.
fn view(
    app: &App,
    ctx: &Ctx,
    buy: &Buy,
    items: &[Item],
    mine: Option<&Mine>,
    flow: &Flow,
    lead: Option<String>,
) -> (String, InlineKeyboardMarkup) {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let Flow::Joining { qty, show_name, .. } = flow else { return (String::new(), InlineKeyboardMarkup::default()) };
    let now = app.now();
    let tz = app.settings.timezone;
    let mut text = lead.map(|s| s + "\n\n").unwrap_or_default();
    text.push_str(&t!("groupbuy.join.title", locale = l, id = buy.id, title = buy.title.as_str()));
    text.push('\n');
    text.push_str(&t!(
        "groupbuy.join.deadline",
        locale = l,
        at = crate::i18n::dates::at(lang, buy.deadline(), now, tz),
        delivery = delivery(app, ctx, buy)
    ));
    if let Some(r) = &ctx.roles.resident {
        let building = r.building_label(lang);
        let shown = match unit_of(&r.unit_room) {
            Some(unit) => format!("{building} {}", t!("groupbuy.tally.unit", locale = l, unit = unit)),
            None => building.to_owned(),
        };
        text.push('\n');
        text.push_str(&t!(
            "groupbuy.join.address",
            locale = l,
            building = building,
            unit_room = r.unit_room.as_str(),
            shown = shown
        ));
    }
    text.push_str("\n────────");
    let mut units = 0;
    let mut fen = 0;
    let mut rows = Vec::new();
    for item in items {
        let q = qty.iter().find(|(id, _)| *id == item.id).map_or(0, |(_, q)| *q);
        units += i64::from(q);
        fen += item.price_fen * i64::from(q);
        text.push('\n');
        text.push_str(&t!(
            "groupbuy.join.item",
            locale = l,
            name = item.name.as_str(),
            price = yuan(item.price_fen),
            unit = item.unit.as_str(),
            qty = q
        ));
        rows.push(vec![
            button("➖", Cb::SetQty { buy: buy.id, item: item.id, to: q.saturating_sub(1) }),
            button(format!("{} ×{q}", item.name), Common::Noop),
            button("➕", Cb::SetQty { buy: buy.id, item: item.id, to: q.saturating_add(1) }),
        ]);
    }
    let held = mine.map_or(0, |m| m.units);
    text.push('\n');
    text.push_str(&t!("groupbuy.join.sum", locale = l, units = crate::groupbuy::units(lang, units), total = yuan(fen)));
    text.push('\n');
    text.push_str(&match buy.total_cap {
        Some(_) => {
            t!("groupbuy.join.caps_total", locale = l, per = buy.household_cap, most = buy.caps().most(held, buy.taken))
        }
        None => t!("groupbuy.join.caps", locale = l, per = buy.household_cap),
    });
    let name_key = if *show_name { "groupbuy.join.name_shown" } else { "groupbuy.join.name_hidden" };
    rows.push(vec![button(
        t!(name_key, locale = l, name = ctx.display_name.as_str()),
        Cb::ShowName { buy: buy.id, show: !show_name },
    )]);
    let save = if mine.is_some() {
        t!("groupbuy.join.save_button", locale = l, units = units)
    } else {
        t!("groupbuy.join.join_button", locale = l, units = units)
    };
    rows.push(vec![button(save, Cb::SaveJoin(buy.id))]);
    if mine.is_some() {
        rows.push(vec![button(t!("groupbuy.join.leave_button", locale = l), Cb::LeaveBuy(buy.id))]);
    }
    rows.push(vec![cancel_button(lang)]);
    (text, InlineKeyboardMarkup::new(rows))
}

fn delivery(app: &App, ctx: &Ctx, buy: &Buy) -> String {
    let l = ctx.lang.code();
    match (&buy.pickup_place, buy.pickup_at) {
        (Some(place), Some(at)) if buy.delivery == Delivery::Pickup => t!(
            "groupbuy.delivery.pickup",
            locale = l,
            place = place.as_str(),
            at = crate::i18n::dates::at(ctx.lang, crate::clock::from_millis(at), app.now(), app.settings.timezone)
        ),
        _ => t!("groupbuy.delivery.door", locale = l),
    }
    .into_owned()
}

/// The dialogue's state for this buy, or `None` (a button from another step or buy).
fn joining(state: &State, buy: i64) -> Option<Flow> {
    state.flow::<Flow>().filter(|f| matches!(f, Flow::Joining { buy: b, .. } if *b == buy))
}

/// Re-reads what the view needs and shows it in place of the tapped message.
async fn redraw(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    buy: &Buy,
    flow: &Flow,
    lead: Option<String>,
) -> HandlerResult {
    let Some(home) = household(ctx) else { return Ok(()) };
    let mut conn = app.pool.acquire().await?;
    let mine = store::household_join(&mut conn, buy.id, &home).await?;
    let items = store::items(&mut *conn, buy.id).await?;
    drop(conn);
    let (text, kb) = view(app, ctx, buy, &items, mine.as_ref(), flow, lead);
    replace_with(bot, ctx, q, text, kb).await
}

/// ➖ / ➕: the draft's quantity of one item, within the caps (checked again on saving).
#[allow(clippy::too_many_arguments)]
pub async fn set_qty(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    state: &State,
    buy_id: i64,
    item: i64,
    to: u16,
) -> HandlerResult {
    let Some(Flow::Joining { buy, mut qty, show_name }) = joining(state, buy_id) else {
        return refuse(bot, q, stale(ctx)).await;
    };
    let Some(line) = qty.iter_mut().find(|(id, _)| *id == item) else { return refuse(bot, q, stale(ctx)).await };
    // A tap from an older copy of the message (not one step from what the draft holds).
    if line.1.abs_diff(to) != 1 {
        return refuse(bot, q, stale(ctx)).await;
    }
    line.1 = to;
    let Some(current) = store::buy(&app.pool, buy).await? else { return refuse(bot, q, stale(ctx)).await };
    let wanted: i64 = qty.iter().map(|(_, n)| i64::from(*n)).sum();
    if wanted > 0 {
        let held = match household(ctx) {
            Some(home) => {
                let mut conn = app.pool.acquire().await?;
                store::household_join(&mut conn, buy, &home).await?.map_or(0, |m| m.units)
            }
            None => 0,
        };
        if let Err(refusal) = current.caps().check(held, wanted, current.taken) {
            return refuse(bot, q, refusal_text(ctx, refusal)).await;
        }
    }
    let flow = Flow::Joining { buy, qty, show_name };
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    ack(bot, q).await?;
    redraw(bot, app, ctx, q, &current, &flow, None).await
}

fn refusal_text(ctx: &Ctx, refusal: Refusal) -> String {
    let l = ctx.lang.code();
    match refusal {
        Refusal::OverHouseholdCap { cap } => t!("groupbuy.join.over_household", locale = l, cap = cap),
        Refusal::OverTotal { left: 0 } => t!("groupbuy.join.full", locale = l),
        Refusal::OverTotal { left } => t!("groupbuy.join.over_total", locale = l, left = left),
        Refusal::Nothing => t!("groupbuy.join.nothing", locale = l),
    }
    .into_owned()
}

#[allow(clippy::too_many_arguments)]
pub async fn show_name(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    state: &State,
    buy_id: i64,
    show: bool,
) -> HandlerResult {
    let Some(Flow::Joining { buy, qty, show_name }) = joining(state, buy_id) else {
        return refuse(bot, q, stale(ctx)).await;
    };
    if show_name == show {
        return refuse(bot, q, stale(ctx)).await;
    }
    let Some(current) = store::buy(&app.pool, buy).await? else { return refuse(bot, q, stale(ctx)).await };
    let flow = Flow::Joining { buy, qty, show_name: show };
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    ack(bot, q).await?;
    redraw(bot, app, ctx, q, &current, &flow, None).await
}

/// Joins, or saves the change: caps checked and the totals moved in one transaction with
/// the tally's job and the end of the dialogue.
pub async fn save(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State, buy_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(Flow::Joining { buy, qty, show_name }) = joining(state, buy_id) else {
        return refuse(bot, q, stale(ctx)).await;
    };
    let Some(home) = household(ctx) else { return refuse(bot, q, stale(ctx)).await };
    let lines: Vec<(i64, i64)> = qty.iter().map(|(id, n)| (*id, i64::from(*n))).collect();
    let nickname = show_name.then(|| ctx.display_name.clone());
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let joined = store::join(&mut work, now, buy, ctx.user_id, &home, &lines, nickname.as_deref()).await?;
    let (number, key) = match joined {
        Joined::New { number } => (number, "groupbuy.join.joined"),
        Joined::Changed { number } => (number, "groupbuy.join.changed"),
        Joined::Refused(refusal) => {
            drop(work);
            return refuse(bot, q, refusal_text(ctx, refusal)).await;
        }
        Joined::NotOpen | Joined::Left => {
            work.set_state(ctx, &State::Idle).await?;
            work.commit().await?;
            return refuse(bot, q, t!("groupbuy.join.past_deadline", locale = l, id = buy)).await;
        }
    };
    let Some(current) = store::buy(&mut *work, buy).await? else { return Ok(()) };
    tally::arm(&mut work, now, &current).await?;
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let items = store::items(&app.pool, buy).await?;
    let (what, fen) = deadline::describe(ctx.lang, &items, &lines);
    let text = t!(
        key,
        locale = l,
        id = buy,
        number = number,
        what = what,
        total = yuan(fen),
        at = crate::i18n::dates::at(ctx.lang, current.deadline(), now, app.settings.timezone)
    );
    let kb =
        InlineKeyboardMarkup::new(vec![vec![button(t!("groupbuy.join.change_button", locale = l), Cb::OpenBuy(buy))]]);
    replace_with(bot, ctx, q, text, kb).await
}

pub async fn ask_leave(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    state: &State,
    buy_id: i64,
) -> HandlerResult {
    if joining(state, buy_id).is_none() {
        return refuse(bot, q, stale(ctx)).await;
    }
    Work::save_state(app, ctx, &State::of(&Flow::Leaving { buy: buy_id })).await?;
    ack(bot, q).await?;
    let text = t!("groupbuy.join.ask_leave", locale = ctx.lang.code(), id = buy_id);
    replace_with(bot, ctx, q, text, confirm_cancel(ctx.lang, Cb::ConfirmLeave(buy_id))).await
}

pub async fn leave(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State, buy_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    if state.flow::<Flow>() != Some(Flow::Leaving { buy: buy_id }) {
        return refuse(bot, q, stale(ctx)).await;
    }
    let Some(home) = household(ctx) else { return refuse(bot, q, stale(ctx)).await };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let left = store::leave(&mut work, now, buy_id, &home).await?;
    if let Some(current) = store::buy(&mut *work, buy_id).await? {
        tally::arm(&mut work, now, &current).await?;
    }
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let key = if left == Joined::Left { "groupbuy.join.left" } else { "groupbuy.join.past_deadline" };
    replace_with(bot, ctx, q, t!(key, locale = l, id = buy_id), InlineKeyboardMarkup::default()).await
}

/// Text typed during the dialogue: the buttons are the way; the question again.
pub async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, flow: Flow) -> HandlerResult {
    let l = ctx.lang.code();
    match flow {
        Flow::Joining { buy, .. } => {
            let Some(current) = store::buy(&app.pool, buy).await? else { return Ok(()) };
            let Some(home) = household(ctx) else { return Ok(()) };
            let mut conn = app.pool.acquire().await?;
            let mine = store::household_join(&mut conn, buy, &home).await?;
            let items = store::items(&mut *conn, buy).await?;
            drop(conn);
            let lead = Some(t!("groupbuy.join.use_buttons", locale = l).into_owned());
            let (text, kb) = view(app, ctx, &current, &items, mine.as_ref(), &flow, lead);
            say_with(bot, ctx, text, kb).await
        }
        Flow::Leaving { buy } => {
            let text = t!("groupbuy.join.ask_leave", locale = l, id = buy);
            say_with(bot, ctx, text, confirm_cancel(ctx.lang, Cb::ConfirmLeave(buy))).await
        }
    }
}
