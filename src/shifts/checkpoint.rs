//! An official sets a checkpoint's location, so volunteers check in by sharing theirs
//! within its radius.
//!
//! ```text
//! official → /checkpoints, taps 「2. 东门」
//! bot      → 📍 东门 · 位置：未设置 · 签到半径：200 米   [📍 设置位置]
//! official → (taps 设置位置)
//! bot      → 请发送「东门」的位置：点 📎 → 位置，或输入“纬度, 经度”…
//! official → 34.75, north            (or anything else that is not a location)
//! bot      → 这不是一个位置…  + the same question
//! official → (shares a location)
//! bot      → 已保存…签到半径为 200 米；要修改请输入米数，不修改请点“完成”  [完成]
//! official → 150
//! bot      → 已保存「东门」：34.75660, 113.59370，150 米以内可签到。
//! ```
//! Typing "纬度, 经度, 半径" saves all three at once. Every step checks again that the
//! person runs the checkpoint's community.

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, cancel_button};
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult, State};
use crate::i18n::Lang;
use crate::people::scope::Scope;
use crate::shifts::buttons::Cb;
use crate::shifts::geo::{self, RADIUS_M};
use crate::shifts::store::{self, Checkpoint};
use crate::App;

/// The shifts slice's dialogue: an official setting a checkpoint's location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flow {
    /// Waiting for a shared location or "latitude, longitude[, radius]".
    CheckpointLocation { checkpoint_id: i64 },
    /// The location is saved; a radius in metres may follow.
    CheckpointRadius { checkpoint_id: i64 },
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "Shifts";
}

/// The checkpoint and the scope of its community, only if this person runs it (button
/// data and a stored dialogue are never trusted: roles may have changed since).
async fn authorised(app: &App, ctx: &Ctx, checkpoint_id: i64) -> crate::Result<Option<(Checkpoint, Scope)>> {
    let Some(c) = store::checkpoint(&app.pool, checkpoint_id).await? else { return Ok(None) };
    Ok(Scope::of(app, ctx, c.community_id).await?.map(|scope| (c, scope)))
}

fn location_text(lang: Lang, c: &Checkpoint) -> String {
    match (c.latitude, c.longitude) {
        (Some(lat), Some(lon)) => format!("{lat:.5}, {lon:.5}"),
        _ => t!("shifts.setup.no_location", locale = lang.code()).into_owned(),
    }
}

/// A checkpoint tapped in `/checkpoints`: where it is, with the button to set it.
pub async fn open(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, checkpoint_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some((c, scope)) = authorised(app, ctx, checkpoint_id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    ack(bot, q).await?;
    let text = t!(
        "shifts.setup.checkpoint_card",
        locale = l,
        name = c.name(ctx.lang),
        location = location_text(ctx.lang, &c),
        radius = c.radius_m
    );
    let kb = InlineKeyboardMarkup::new(vec![vec![button(
        t!("shifts.setup.set_location_button", locale = l),
        Cb::SetLocation(c.id),
    )]]);
    say_with(bot, ctx, scope.titled(ctx.lang, text), kb).await
}

fn cancel_only(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![cancel_button(lang)]])
}

fn ask_location(lang: Lang, c: &Checkpoint) -> String {
    t!("shifts.setup.ask_location", locale = lang.code(), name = c.name(lang)).into_owned()
}

fn ask_radius(lang: Lang, c: &Checkpoint) -> (String, InlineKeyboardMarkup) {
    let l = lang.code();
    let text = t!(
        "shifts.setup.ask_radius",
        locale = l,
        name = c.name(lang),
        location = location_text(lang, c),
        radius = c.radius_m,
        min = RADIUS_M.start(),
        max = RADIUS_M.end()
    );
    let kb = InlineKeyboardMarkup::new(vec![
        vec![button(t!("shifts.setup.done_button", locale = l), Cb::LocationDone)],
        vec![cancel_button(lang)],
    ]);
    (text.into_owned(), kb)
}

/// "Set location": the dialogue starts.
pub async fn start(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, checkpoint_id: i64) -> HandlerResult {
    let Some((c, _)) = authorised(app, ctx, checkpoint_id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = ctx.lang.code())).await;
    };
    Work::save_state(app, ctx, &State::of(&Flow::CheckpointLocation { checkpoint_id })).await?;
    ack(bot, q).await?;
    say_with(bot, ctx, ask_location(ctx.lang, &c), cancel_only(ctx.lang)).await
}

/// "Done" after the location: the radius stays as it is.
pub async fn done(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(Flow::CheckpointRadius { checkpoint_id }) = state.flow::<Flow>() else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    Work::save_state(app, ctx, &State::Idle).await?;
    ack(bot, q).await?;
    match store::checkpoint(&app.pool, checkpoint_id).await? {
        Some(c) => say(bot, ctx, saved(ctx.lang, &c)).await,
        None => Ok(()),
    }
}

fn saved(lang: Lang, c: &Checkpoint) -> String {
    t!(
        "shifts.setup.location_saved",
        locale = lang.code(),
        name = c.name(lang),
        location = location_text(lang, c),
        radius = c.radius_m
    )
    .into_owned()
}

/// What the official sends during the dialogue: a location, "lat, lon[, radius]", or a
/// radius after the location. Anything else: the error and the same question again.
pub async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, flow: Flow) -> HandlerResult {
    let l = ctx.lang.code();
    if msg.text().is_some_and(|t| t.starts_with('/')) {
        return say(bot, ctx, t!("common.unknown_command_in_flow", locale = l)).await;
    }
    let (Flow::CheckpointLocation { checkpoint_id } | Flow::CheckpointRadius { checkpoint_id }) = flow;
    let Some((c, _)) = authorised(app, ctx, checkpoint_id).await? else {
        return crate::bot::reply::end_not_allowed(bot, app, ctx).await;
    };
    let shared = msg.location().map(|loc| (loc.latitude, loc.longitude, None));
    let typed = msg.text().and_then(geo::parse_location);
    let radius = msg.text().and_then(geo::parse_radius);
    let change = match (&flow, shared.or(typed), radius) {
        (_, Some(location), _) => Some(location),
        (Flow::CheckpointRadius { .. }, None, Some(r)) => c.latitude.zip(c.longitude).map(|(a, o)| (a, o, Some(r))),
        _ => None,
    };
    let Some((lat, lon, radius)) = change else {
        let (min, max) = (RADIUS_M.start(), RADIUS_M.end());
        let (text, kb) = match flow {
            Flow::CheckpointLocation { .. } => (
                format!(
                    "{}\n\n{}",
                    t!("shifts.setup.bad_location", locale = l, min = min, max = max),
                    ask_location(ctx.lang, &c)
                ),
                cancel_only(ctx.lang),
            ),
            Flow::CheckpointRadius { .. } => {
                let (question, kb) = ask_radius(ctx.lang, &c);
                (format!("{}\n\n{question}", t!("shifts.setup.bad_radius", locale = l, min = min, max = max)), kb)
            }
        };
        return say_with(bot, ctx, text, kb).await;
    };
    // The location and the dialogue's next step commit together.
    let mut work = Work::begin(app, ctx).await?;
    store::set_location(&mut work, checkpoint_id, lat, lon, radius).await?;
    let next = if radius.is_some() { State::Idle } else { State::of(&Flow::CheckpointRadius { checkpoint_id }) };
    work.set_state(ctx, &next).await?;
    work.commit().await?;
    let c = Checkpoint { latitude: Some(lat), longitude: Some(lon), radius_m: radius.unwrap_or(c.radius_m), ..c };
    if radius.is_some() {
        return say(bot, ctx, saved(ctx.lang, &c)).await;
    }
    let (text, kb) = ask_radius(ctx.lang, &c);
    say_with(bot, ctx, text, kb).await
}
