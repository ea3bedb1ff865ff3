//! Reporting a temperature: from a prompt's button or `/temp`, for oneself or a
//! household member, with symptoms, for the current slot only.
//!
//! ```text
//! bot      → 【体温上报】11月29日上午 [36.2] … [37.2] [≥ 37.3] [其他]
//! resident → [36.5]                      (or /temp, or [其他] → "三十六度五")
//! bot      → 为谁上报？ [我自己] [王小明]   (only when the household has members)
//! resident → [王小明]
//! bot      → 有以下症状吗？ [咳嗽] [咽痛] [乏力] [无] [完成]
//! resident → [无]
//! bot      → 已记录：王小明 11月29日上午 36.5℃，无症状。本时段内可再次上报修改。
//! ```
//! A button of an earlier slot is refused ("that slot is over; /temp reports now"); a
//! resident whose household is not isolated today is told so, and nothing is recorded.

use rust_i18n::t;
use teloxide::prelude::*;

use crate::bot::reply::{refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::health::isolation::store::isolation_of;
use crate::health::temperature::model::{hhmm, is_fever, slot_at, SlotOf, Symptom, Symptoms, Temperature};
use crate::health::temperature::store::{self, Household, NewReport, Subject};
use crate::health::temperature::{alert, view, Flow};
use crate::people::model::household_key;
use crate::App;

/// The slot reports go to now.
pub fn current(app: &App) -> SlotOf {
    slot_at(app.now(), app.settings.timezone, hhmm(&app.settings.health.afternoon_at))
}

/// The speaker's household if it is isolated today; otherwise they are told why not
/// (a tap gets an alert, a message a reply) and `None` is returned.
async fn isolated_household(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
) -> crate::Result<Option<Household>> {
    let l = ctx.lang.code();
    let key = match &ctx.roles.resident {
        None => "temperature.not_resident",
        Some(r) => {
            let mut conn = app.pool.acquire().await?;
            if isolation_of(&mut conn, ctx.user_id, app.today()).await?.is_some() {
                return Ok(Some(Household {
                    community_id: r.community_id,
                    building_id: r.building_id,
                    key: household_key(&r.unit_room),
                }));
            }
            "temperature.not_isolated"
        }
    };
    match q {
        Some(q) => refuse(bot, q, t!(key, locale = l)).await?,
        None => say(bot, ctx, t!(key, locale = l)).await?,
    }
    Ok(None)
}

/// `/temp`: report for the current slot.
pub async fn start(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let Some(household) = isolated_household(bot, app, ctx, None).await? else { return Ok(()) };
    begin(bot, app, ctx, household, current(app), None).await
}

/// A prompt's button: a value (`Some`) or "type it" (`None`), for the slot it was sent for.
pub async fn tapped(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    day: i64,
    slot: crate::health::temperature::model::Slot,
    tenths: Option<u16>,
) -> HandlerResult {
    let l = ctx.lang.code();
    let now = current(app);
    if SlotOf::from_day_number(day, slot) != Some(now) {
        return refuse(bot, q, t!("temperature.slot_over", locale = l)).await;
    }
    let tenths = match tenths.map(Temperature::from_tenths) {
        Some(Err(_)) => return refuse(bot, q, t!("common.stale_button", locale = l)).await,
        Some(Ok(t)) => Some(t.tenths()),
        None => None,
    };
    let Some(household) = isolated_household(bot, app, ctx, Some(q)).await? else { return Ok(()) };
    crate::bot::reply::ack(bot, q).await?;
    begin(bot, app, ctx, household, now, tenths).await
}

/// Asks for whom (when there are members), else the value or the symptoms.
async fn begin(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    household: Household,
    at: SlotOf,
    tenths: Option<u16>,
) -> HandlerResult {
    let mut conn = app.pool.acquire().await?;
    let members = store::members_of(&mut conn, &household).await?;
    drop(conn);
    if members.is_empty() {
        return next(bot, app, ctx, None, at, None, tenths).await;
    }
    Work::save_state(app, ctx, &State::of(&Flow::Whom { at, tenths })).await?;
    let text = t!("temperature.whom.ask", locale = ctx.lang.code(), slot = view::slot_label(ctx.lang, at));
    say_with(bot, ctx, text, view::whom_keyboard(ctx.lang, &members)).await
}

/// "For whom?" answered (0: the account itself).
pub async fn whom(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State, member: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(Flow::Whom { at, tenths }) = state.flow::<Flow>() else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let Some(household) = isolated_household(bot, app, ctx, Some(q)).await? else { return Ok(()) };
    let member = match member {
        0 => None,
        id => {
            let mut conn = app.pool.acquire().await?;
            match store::member_of(&mut conn, &household, id).await? {
                Some(m) => Some(m.id),
                None => return refuse(bot, q, t!("common.stale_button", locale = l)).await,
            }
        }
    };
    crate::bot::reply::ack(bot, q).await?;
    next(bot, app, ctx, Some(q), at, member, tenths).await
}

/// With the subject known: ask the value, or (a value given) the symptoms.
async fn next(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    at: SlotOf,
    member: Option<i64>,
    tenths: Option<u16>,
) -> HandlerResult {
    match tenths {
        None => {
            Work::save_state(app, ctx, &State::of(&Flow::Value { at, member })).await?;
            ask_value(bot, ctx, at).await
        }
        // The value is saved at once (and a fever alerts the officials at once): someone who
        // never answers the symptoms question has still reported.
        Some(tenths) => {
            let Some(saved) = record(bot, app, ctx, q, at, member, tenths, Symptoms::NONE, None).await? else {
                return Ok(());
            };
            ask_symptoms(bot, ctx, q, tenths, Symptoms::NONE, saved.fever).await
        }
    }
}

/// What [`record`] saved.
struct Recorded {
    name: String,
    temperature: Temperature,
    fever: bool,
    /// The slot already had a report for this person before this dialogue.
    changed: bool,
}

/// Tells the person why not: an alert on a tap, a message otherwise.
async fn deny(bot: &Bot, ctx: &Ctx, q: Option<&CallbackQuery>, text: impl Into<String>) -> HandlerResult {
    match q {
        Some(q) => refuse(bot, q, text).await,
        None => say(bot, ctx, text).await,
    }
}

/// Saves (or changes) the report in one `Work` with the alert a new fever causes and the
/// dialogue's next state: the symptoms question (`changed` is `None` on the first save of
/// the dialogue), or idle once `changed` is known (the symptoms answered). `None` when it
/// was refused (the person is told why and the dialogue ends).
#[allow(clippy::too_many_arguments)]
async fn record(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    at: SlotOf,
    member: Option<i64>,
    tenths: u16,
    symptoms: Symptoms,
    changed: Option<bool>,
) -> crate::Result<Option<Recorded>> {
    let l = ctx.lang.code();
    if current(app) != at {
        Work::save_state(app, ctx, &State::Idle).await?;
        deny(bot, ctx, q, t!("temperature.slot_over", locale = l)).await?;
        return Ok(None);
    }
    let Some(household) = isolated_household(bot, app, ctx, q).await? else {
        Work::save_state(app, ctx, &State::Idle).await?;
        return Ok(None);
    };
    let Ok(temperature) = Temperature::from_tenths(tenths) else {
        deny(bot, ctx, q, t!("common.stale_button", locale = l)).await?;
        return Ok(None);
    };
    let mut work = Work::begin(app, ctx).await?;
    let (subject, name) = match member {
        None => (Subject::Account(ctx.user_id), ctx.display_name.clone()),
        Some(id) => match store::member_of(&mut work, &household, id).await? {
            Some(m) => (Subject::Member(m.id), m.name),
            None => {
                drop(work);
                Work::save_state(app, ctx, &State::Idle).await?;
                deny(bot, ctx, q, t!("common.stale_button", locale = l)).await?;
                return Ok(None);
            }
        },
    };
    let fever = is_fever(temperature, app.settings.health.fever_tenths);
    let report =
        NewReport { household: &household, subject, at, temperature, symptoms, fever, reported_by: ctx.user_id };
    let now = work.now;
    let saved = store::save(&mut work, now, &report).await?;
    // A new fever alerts at once; symptoms given for it afterwards follow.
    let symptoms_follow = changed.is_some() && fever && symptoms != Symptoms::NONE;
    if saved.alert || symptoms_follow {
        if let Some(resident) = &ctx.roles.resident {
            let symptoms = changed.is_some().then_some(symptoms);
            let fever = alert::Fever { resident, name: &name, temperature, symptoms, reporter: ctx.user_id };
            alert::alert_officials(&mut work, app, now, &fever).await?;
        }
    }
    let next = match changed {
        None => State::of(&Flow::Symptoms { at, member, tenths, symptoms, changed: saved.changed }),
        Some(_) => State::Idle,
    };
    let changed = changed.unwrap_or(saved.changed);
    work.set_state(ctx, &next).await?;
    work.commit().await?;
    Ok(Some(Recorded { name, temperature, fever, changed }))
}

async fn ask_value(bot: &Bot, ctx: &Ctx, at: SlotOf) -> HandlerResult {
    let text = t!("temperature.ask_value", locale = ctx.lang.code(), slot = view::slot_label(ctx.lang, at));
    say_with(
        bot,
        ctx,
        text,
        teloxide::types::InlineKeyboardMarkup::new(vec![vec![crate::bot::keyboard::cancel_button(ctx.lang)]]),
    )
    .await
}

/// The value is saved; the symptoms question (after a fever: that the officials were told).
async fn ask_symptoms(
    bot: &Bot,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    tenths: u16,
    s: Symptoms,
    fever: bool,
) -> HandlerResult {
    let l = ctx.lang.code();
    let mut text = t!("temperature.symptom.ask", locale = l, temp = view::tenths(tenths)).into_owned();
    if fever {
        text = format!("{}\n\n{text}", t!("temperature.fever_told", locale = l));
    }
    let kb = view::symptoms_keyboard(ctx.lang, s);
    match q {
        Some(q) => replace_with(bot, ctx, q, text, kb).await,
        None => say_with(bot, ctx, text, kb).await,
    }
}

/// A typed temperature: nonsense gets the reason and the same question.
pub async fn typed(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    at: SlotOf,
    member: Option<i64>,
    text: Option<&str>,
) -> HandlerResult {
    match Temperature::parse(text.unwrap_or_default()) {
        Err(e) => {
            say(bot, ctx, view::temp_error(ctx.lang, e)).await?;
            ask_value(bot, ctx, at).await
        }
        Ok(t) => next(bot, app, ctx, None, at, member, Some(t.tenths())).await,
    }
}

/// A symptom ticked or unticked (the message is redrawn).
pub async fn toggle(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State, s: Symptom) -> HandlerResult {
    let Some(Flow::Symptoms { at, member, tenths, symptoms, changed }) = state.flow::<Flow>() else {
        return refuse(bot, q, t!("common.stale_button", locale = ctx.lang.code())).await;
    };
    let symptoms = symptoms.toggled(s);
    Work::save_state(app, ctx, &State::of(&Flow::Symptoms { at, member, tenths, symptoms, changed })).await?;
    crate::bot::reply::ack(bot, q).await?;
    ask_symptoms(bot, ctx, Some(q), tenths, symptoms, false).await
}

/// "None" or "done": the symptoms are added to the saved report, and the resident gets the
/// confirmation.
pub async fn finish(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State, none: bool) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(Flow::Symptoms { at, member, tenths, symptoms, changed }) = state.flow::<Flow>() else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let symptoms = if none { Symptoms::NONE } else { symptoms };
    let Some(saved) = record(bot, app, ctx, Some(q), at, member, tenths, symptoms, Some(changed)).await? else {
        return Ok(());
    };
    crate::bot::reply::ack(bot, q).await?;
    let key = if saved.changed { "temperature.changed" } else { "temperature.recorded" };
    let mut text = t!(
        key,
        locale = l,
        name = saved.name,
        slot = view::slot_label(ctx.lang, at),
        temp = view::degrees(saved.temperature),
        symptoms = view::symptoms(ctx.lang, symptoms)
    )
    .into_owned();
    if saved.fever {
        text.push_str("\n\n");
        text.push_str(&t!("temperature.fever_told", locale = l));
    }
    say(bot, ctx, text).await
}
