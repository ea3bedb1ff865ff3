//! The problem dialogue: a kind, a note (typed; required for "other"), an optional photo,
//! then the visit is recorded and the community's officials are alerted at once.
//!
//! ```text
//! official → (taps ❗ 有问题 on 北门's card)
//! bot      → 什么问题？ [无人在岗] [人数不足] [无党员或骨干] [其他]
//! official → (taps 无人在岗)
//! bot      → 请输入备注（例如：谁不在、何时到），或点“不填备注”。 [不填备注] [取消]
//! official → 两人都未到岗，电话未接
//! bot      → 请发一张照片，或点“不发照片”。 [不发照片] [取消]
//! official → (sends a photo)           (text here: "请发送照片（不是文字）…" and the question again)
//! bot      → 已记录：北门 ⚠️ 无人在岗。已通知社区干部。 … the list
//! ```
//! Every step checks again that the person runs the checkpoint's community, and a button
//! is taken only in the step that showed it (a double tap on "no photo" records once).

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::{button, cancel_button};
use crate::bot::reply::{ack, end_not_allowed, refuse, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::supervision::buttons::Cb;
use crate::supervision::model::{self, NoteError, Outcome, ProblemKind};
use crate::supervision::view;
use crate::supervision::visit::{self, Visit};
use crate::App;

/// The supervision slice's dialogue: a problem at one checkpoint (recorded on the night of
/// its last step).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub checkpoint_id: i64,
    pub community_id: i64,
    /// The count the shift data showed (kept with the problem).
    pub people: i64,
    pub step: Step,
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "Supervision";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Kind,
    Note { kind: ProblemKind },
    Photo { kind: ProblemKind, note: Option<String> },
}

/// [❗ 有问题] on a checkpoint's card.
pub async fn start(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, checkpoint_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(stop) = visit::authorised(app, ctx, checkpoint_id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    ack(bot, q).await?;
    let flow =
        Flow { checkpoint_id, community_id: stop.community_id, people: stop.duty.suggested().0, step: Step::Kind };
    advance(bot, app, ctx, flow).await
}

async fn advance(bot: &Bot, app: &App, ctx: &Ctx, flow: Flow) -> HandlerResult {
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    ask(bot, ctx, &flow).await
}

/// The question of the flow's step.
async fn ask(bot: &Bot, ctx: &Ctx, flow: &Flow) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let (text, mut rows): (_, Vec<Vec<InlineKeyboardButton>>) = match &flow.step {
        Step::Kind => (
            t!("supervision.ask.kind", locale = l),
            ProblemKind::ALL.iter().map(|k| vec![button(view::kind(lang, *k), Cb::Kind(*k))]).collect(),
        ),
        Step::Note { kind } if kind.needs_note() => (t!("supervision.ask.note_required", locale = l), Vec::new()),
        Step::Note { .. } => (
            t!("supervision.ask.note", locale = l),
            vec![vec![button(t!("supervision.no_note_button", locale = l), Cb::NoNote)]],
        ),
        Step::Photo { .. } => (
            t!("supervision.ask.photo", locale = l),
            vec![vec![button(t!("supervision.no_photo_button", locale = l), Cb::NoPhoto)]],
        ),
    };
    rows.push(vec![cancel_button(lang)]);
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

/// A message sent during the dialogue: the note, or the photo.
pub async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, flow: Flow) -> HandlerResult {
    let l = ctx.lang.code();
    if !ctx.roles.is_official_of(flow.community_id) {
        return end_not_allowed(bot, app, ctx).await;
    }
    match flow.step.clone() {
        Step::Note { kind } => match model::parse_note(msg.text().unwrap_or_default()) {
            Err(e) => {
                let key = match (e, kind.needs_note()) {
                    (NoteError::TooLong, _) => "supervision.note_too_long",
                    (NoteError::Empty, true) => "supervision.note_required",
                    (NoteError::Empty, false) => "supervision.note_empty",
                };
                say(bot, ctx, t!(key, locale = l, max = model::NOTE_MAX_CHARS)).await?;
                ask(bot, ctx, &flow).await
            }
            Ok(note) => advance(bot, app, ctx, Flow { step: Step::Photo { kind, note: Some(note) }, ..flow }).await,
        },
        Step::Photo { kind, note } => {
            // The largest size Telegram made of it is the last.
            match msg.photo().and_then(|sizes| sizes.last()).map(|p| p.file.id.0.clone()) {
                None => {
                    say(bot, ctx, t!("supervision.photo_expected", locale = l)).await?;
                    ask(bot, ctx, &flow).await
                }
                Some(file_id) => finish(bot, app, ctx, None, &flow, kind, note, Some(file_id)).await,
            }
        }
        Step::Kind => {
            say(bot, ctx, t!("common.use_buttons", locale = l)).await?;
            ask(bot, ctx, &flow).await
        }
    }
}

/// A tap on one of the dialogue's buttons (`flow`: the stored dialogue, if any).
pub async fn on_tap(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, cb: Cb, flow: Option<Flow>) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(flow) = flow else { return refuse(bot, q, t!("common.stale_button", locale = l)).await };
    if !ctx.roles.is_official_of(flow.community_id) {
        ack(bot, q).await?;
        return end_not_allowed(bot, app, ctx).await;
    }
    match (flow.step.clone(), cb) {
        (Step::Kind, Cb::Kind(kind)) => {
            ack(bot, q).await?;
            advance(bot, app, ctx, Flow { step: Step::Note { kind }, ..flow }).await
        }
        (Step::Note { kind }, Cb::NoNote) if !kind.needs_note() => {
            ack(bot, q).await?;
            advance(bot, app, ctx, Flow { step: Step::Photo { kind, note: None }, ..flow }).await
        }
        (Step::Photo { kind, note }, Cb::NoPhoto) => finish(bot, app, ctx, Some(q), &flow, kind, note, None).await,
        _ => refuse(bot, q, t!("common.stale_button", locale = l)).await,
    }
}

/// Records the problem, ends the dialogue and alerts the officials, in one transaction.
#[allow(clippy::too_many_arguments)]
async fn finish(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    flow: &Flow,
    kind: ProblemKind,
    note: Option<String>,
    photo: Option<String>,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(stop) = visit::authorised(app, ctx, flow.checkpoint_id).await? else {
        Work::save_state(app, ctx, &State::Idle).await?;
        return match q {
            Some(q) => refuse(bot, q, t!("common.stale_button", locale = l)).await,
            None => say(bot, ctx, t!("common.stale_button", locale = l)).await,
        };
    };
    let v = Visit { outcome: Outcome::Problem(kind), people: flow.people, note, photo };
    let mut work = Work::begin(app, ctx).await?;
    let recorded = visit::record(&mut work, app, ctx, &stop, &v).await?;
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    if let Some(q) = q {
        ack(bot, q).await?;
    }
    visit::confirm(bot, app, ctx, &stop, &v, recorded).await
}
