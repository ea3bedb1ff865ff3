//! A resident asks for an errand.
//!
//! ```text
//! resident → /errand
//! bot      → 需要什么帮助？ [倒垃圾] [买药] [就医帮助（紧急）] [找人聊聊] [其他]
//! resident → [买药]
//! bot      → 请写下需要的药：名称和数量（必填）
//! resident → "布洛芬一盒，体温计一个"
//! bot      → 请确认：买药 · 3号楼 2单元301 · 备注：布洛芬一盒… [确认] [取消]
//! resident → [确认] → 已提交 #12。志愿者认领后会告诉您谁来；/myerrands 查看或取消。
//! ```
//! Garbage while the daily round is on and the household is isolated: the bot says the
//! round takes it at that time, no request needed, and offers [还有别的要帮忙带走] for
//! something extra. Medical help is urgent: paged at once (`page`).

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, cancel_button, confirm_cancel};
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::health::errands::buttons::Cb;
use crate::health::errands::model::{self, Kind, NoteError, NOTE_MAX};
use crate::health::errands::store::{self, NewErrand};
use crate::health::errands::{page, Flow};
use crate::App;

fn stale(ctx: &Ctx) -> String {
    t!("common.stale_button", locale = ctx.lang.code()).into_owned()
}

/// `/errand`: the kinds.
pub async fn start(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    if ctx.roles.resident.is_none() {
        return say(bot, ctx, t!("errands.not_registered", locale = l)).await;
    }
    Work::save_state(app, ctx, &State::of(&Flow::Kind)).await?;
    let mut rows: Vec<Vec<_>> =
        Kind::ALL.into_iter().map(|k| vec![button(kind_label(ctx, k), Cb::ErrandKind(k))]).collect();
    rows.push(vec![cancel_button(ctx.lang)]);
    say_with(bot, ctx, t!("errands.ask.kind", locale = l), InlineKeyboardMarkup::new(rows)).await
}

fn kind_label(ctx: &Ctx, k: Kind) -> String {
    if k.is_urgent() {
        t!("errands.ask.urgent_label", locale = ctx.lang.code(), kind = k.name(ctx.lang)).into_owned()
    } else {
        k.name(ctx.lang)
    }
}

/// A kind tapped while the kinds are asked for.
pub async fn kind(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State, kind: Kind) -> HandlerResult {
    if state.flow::<Flow>() != Some(Flow::Kind) {
        return refuse(bot, q, stale(ctx)).await;
    }
    if ctx.roles.resident.is_none() {
        return refuse(bot, q, stale(ctx)).await;
    }
    if kind == Kind::Garbage {
        if let Some(at) = round_covers(app, ctx.user_id).await? {
            ack(bot, q).await?;
            let l = ctx.lang.code();
            let kb = InlineKeyboardMarkup::new(vec![
                vec![button(t!("errands.round.anyway_button", locale = l), Cb::GarbageAnyway)],
                vec![cancel_button(ctx.lang)],
            ]);
            return say_with(bot, ctx, t!("errands.round.covered", locale = l, at = at), kb).await;
        }
    }
    ack(bot, q).await?;
    ask_note(bot, app, ctx, kind).await
}

/// The time of the daily garbage round when it takes this resident's garbage today (the
/// round is on and their household is isolated today).
async fn round_covers(app: &App, user_id: i64) -> crate::Result<Option<String>> {
    let Some(at) = app.settings.health.garbage_round_at.clone() else { return Ok(None) };
    let mut conn = app.pool.acquire().await?;
    let isolated = crate::health::isolation::store::isolation_of(&mut conn, user_id, app.today()).await?;
    Ok(isolated.map(|_| at))
}

/// Something extra for the garbage round.
pub async fn garbage_anyway(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State) -> HandlerResult {
    if state.flow::<Flow>() != Some(Flow::Kind) {
        return refuse(bot, q, stale(ctx)).await;
    }
    ack(bot, q).await?;
    ask_note(bot, app, ctx, Kind::Garbage).await
}

async fn ask_note(bot: &Bot, app: &App, ctx: &Ctx, kind: Kind) -> HandlerResult {
    Work::save_state(app, ctx, &State::of(&Flow::Note { kind })).await?;
    note_question(bot, ctx, kind).await
}

async fn note_question(bot: &Bot, ctx: &Ctx, kind: Kind) -> HandlerResult {
    let l = ctx.lang.code();
    let (text, mut rows) = if kind.note_required() {
        (t!("errands.ask.medicine", locale = l, max = NOTE_MAX), vec![])
    } else {
        (
            t!("errands.ask.note", locale = l, kind = kind.name(ctx.lang), max = NOTE_MAX),
            vec![vec![button(t!("errands.ask.no_note_button", locale = l), Cb::NoNote)]],
        )
    };
    rows.push(vec![cancel_button(ctx.lang)]);
    let kb = InlineKeyboardMarkup::new(rows);
    // A new message each step: the question stays readable above the answer typed.
    say_with(bot, ctx, text, kb).await
}

/// A message typed in the dialogue.
pub async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, flow: Flow) -> HandlerResult {
    let l = ctx.lang.code();
    if msg.text().is_some_and(|t| t.starts_with('/')) {
        return say(bot, ctx, t!("common.unknown_command_in_flow", locale = l)).await;
    }
    let Flow::Note { kind } = flow else {
        return say(bot, ctx, t!("common.use_buttons", locale = l)).await;
    };
    match model::parse_note(msg.text()) {
        Ok(note) => summary(bot, app, ctx, kind, note).await,
        Err(e) => {
            let why = match e {
                NoteError::Empty if kind.note_required() => t!("errands.note.required", locale = l),
                NoteError::Empty => t!("errands.note.not_text", locale = l),
                NoteError::TooLong => t!("errands.note.too_long", locale = l, max = NOTE_MAX),
            };
            say(bot, ctx, why).await?;
            note_question(bot, ctx, kind).await
        }
    }
}

/// "No note" (not offered for medicine).
pub async fn no_note(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State) -> HandlerResult {
    match state.flow::<Flow>() {
        Some(Flow::Note { kind }) if !kind.note_required() => {
            ack(bot, q).await?;
            summary(bot, app, ctx, kind, String::new()).await
        }
        _ => refuse(bot, q, stale(ctx)).await,
    }
}

async fn summary(bot: &Bot, app: &App, ctx: &Ctx, kind: Kind, note: String) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = ctx.roles.resident.as_ref() else {
        return crate::bot::reply::end_not_allowed(bot, app, ctx).await;
    };
    let address = format!("{} {}", resident.building_label(ctx.lang), resident.unit_room);
    let mut text = t!("errands.ask.summary", locale = l, kind = kind.name(ctx.lang), address = address).into_owned();
    if !note.is_empty() {
        text.push('\n');
        text.push_str(&t!("errands.ask.summary_note", locale = l, note = note));
    }
    if kind.is_urgent() {
        text.push('\n');
        text.push_str(&t!("errands.ask.summary_urgent", locale = l));
    }
    Work::save_state(app, ctx, &State::of(&Flow::Confirm { kind, note })).await?;
    let kb = confirm_cancel(ctx.lang, Cb::ConfirmErrand);
    // A new message each step: the question stays readable above the answer typed.
    say_with(bot, ctx, text, kb).await
}

/// The confirm: the errand, the end of the dialogue, the pages or announcements and the
/// paging job, in one `Work`.
pub async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State) -> HandlerResult {
    let Some(Flow::Confirm { kind, note }) = state.flow::<Flow>() else { return refuse(bot, q, stale(ctx)).await };
    let Some(resident) = ctx.roles.resident.as_ref() else {
        return crate::bot::reply::end_not_allowed(bot, app, ctx).await;
    };
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let new = NewErrand {
        community_id: resident.community_id,
        building_id: resident.building_id,
        unit_room: &resident.unit_room,
        requester: ctx.user_id,
        opened_by: ctx.user_id,
        kind,
        note: &note,
    };
    let household = crate::people::model::household_key(&resident.unit_room);
    let already = kind.is_urgent() && store::open_medical(&mut work, resident.building_id, &household).await?.is_some();
    let created = if already { None } else { store::create(&mut work, now, &new).await? };
    work.set_state(ctx, &State::Idle).await?;
    if let Some(id) = created {
        page::open(&mut work, app, now, id, kind.is_urgent()).await?;
    }
    work.commit().await?;
    ack(bot, q).await?;
    let text = match created {
        Some(id) if kind.is_urgent() => t!("errands.created_urgent", locale = l, id = id),
        Some(id) => t!("errands.created", locale = l, id = id),
        None => t!("errands.medical_already_open", locale = l),
    };
    say(bot, ctx, text).await
}
