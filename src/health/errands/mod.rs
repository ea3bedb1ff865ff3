//! Errands to the door of isolated households: garbage, medicine, medical help, someone to
//! talk to, or other. Residents ask (`request`) and follow them (`mine`); volunteers of the
//! community see them by building without the address and claim one — exactly one wins —
//! and only the claimer gets the address, name, phone and note (`board`); the resident
//! confirms it was done or says it was not. Medical help is urgent: officials and the
//! volunteers on duty are paged at once and every 10 minutes until someone claims it
//! (`page`); officials open it from the fever alert (`medical`). A daily garbage round per
//! building replaces a request per isolated household (`jobs`).
//!
//! ```text
//! resident  → /errand → [买药] → "布洛芬一盒" → [确认] → 已提交 #12
//! volunteer → /errands → 【3号楼】买药 · 5分钟前 [认领 买药 · 3号楼]
//! volunteer → [认领] → #12 买药 · 3号楼 2单元301 · 王芳 13800138000 · 备注：布洛芬一盒 [已完成]
//! resident  ← 志愿者 李明 正在赶来 … ← 李明说 #12 已办好 [完成了，谢谢] [还没办好]
//! ```

pub mod board;
pub mod buttons;
pub mod erase;
pub mod jobs;
pub mod medical;
pub mod mine;
pub mod model;
pub mod page;
pub mod request;
pub mod store;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardButton;
use teloxide::utils::command::BotCommands;

use crate::bot::slice::{Audience, MenuCommand, Slice};
use crate::bot::{Ctx, HandlerResult, State};
use crate::health::errands::buttons::Cb;
use crate::health::errands::model::Kind;
use crate::i18n::Lang;
use crate::{App, Error};

/// The request dialogue's steps (everything else is buttons on stored rows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flow {
    /// The kinds are shown.
    Kind,
    /// Typing the note (required for medicine).
    Note { kind: Kind },
    /// The summary is shown; waiting for confirm.
    Confirm { kind: Kind, note: String },
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "Errands";
}

#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Errand,
    Myerrands,
    Errands,
}

/// The fever alert's button: an official opens urgent medical help for this resident.
pub fn medical_help_button(lang: Lang, resident_id: i64) -> InlineKeyboardButton {
    crate::bot::keyboard::button(
        rust_i18n::t!("errands.medical.button", locale = lang.code()),
        Cb::MedicalHelp(resident_id),
    )
}

/// Private chats only: in a group these commands get the glue's private-chat button.
pub fn commands() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private).branch(dptree::entry().filter_command::<Command>().endpoint(on_command))
}

pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::filter_map(|state: State, ctx: Ctx| state.flow::<Flow>().filter(|_| ctx.private)).endpoint(
        |bot: Bot, msg: Message, ctx: Ctx, app: Arc<App>, flow: Flow| async move {
            request::on_message(&bot, &app, &ctx, &msg, flow).await
        },
    )
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(on_callback)
}

async fn on_command(bot: Bot, cmd: Command, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    match cmd {
        Command::Errand => request::start(&bot, &app, &ctx).await,
        Command::Myerrands => mine::list(&bot, &app, &ctx).await,
        Command::Errands => board::open(&bot, &app, &ctx).await,
    }
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>, state: State) -> HandlerResult {
    let (bot, app, ctx, q, state) = (&bot, &*app, &ctx, &q, &state);
    if !ctx.private {
        // Errands never show in a group, nor are acted on from one.
        return crate::bot::reply::refuse(bot, q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await;
    }
    match cb {
        Cb::ErrandKind(kind) => request::kind(bot, app, ctx, q, state, kind).await,
        Cb::GarbageAnyway => request::garbage_anyway(bot, app, ctx, q, state).await,
        Cb::NoNote => request::no_note(bot, app, ctx, q, state).await,
        Cb::ConfirmErrand => request::confirm(bot, app, ctx, q, state).await,
        Cb::CancelErrand(id) => mine::ask_cancel(bot, app, ctx, q, id).await,
        Cb::ConfirmCancelErrand(id) => mine::cancel(bot, app, ctx, q, id).await,
        Cb::Thanks(id) => mine::thanks(bot, app, ctx, q, id).await,
        Cb::NotDone(id) => mine::not_done(bot, app, ctx, q, id).await,
        Cb::ErrandsPage { community_id, page } => board::show(bot, app, ctx, Some(q), community_id, page).await,
        Cb::ClaimErrand(id) => board::claim(bot, app, ctx, q, id).await,
        Cb::ErrandDone(id) => board::done(bot, app, ctx, q, id).await,
        Cb::ClaimRound(id) => board::claim_round(bot, app, ctx, q, id).await,
        Cb::RoundDone(id) => board::round_done(bot, app, ctx, q, id).await,
        Cb::MedicalHelp(resident_id) => medical::open(bot, app, ctx, q, resident_id).await,
    }
}

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "Errands",
    commands: &[
        MenuCommand { name: "errand", audience: Audience::Resident, describe: "menu.errand", order: 120 },
        MenuCommand { name: "myerrands", audience: Audience::Resident, describe: "menu.myerrands", order: 121 },
        MenuCommand { name: "errands", audience: Audience::Volunteer, describe: "menu.errands", order: 220 },
    ],
    command_branch: commands,
    flow_branch: flow_messages,
    callback_branch: callbacks,
    jobs: jobs::register,
    setup: Some(jobs::setup),
    erase: Some(erase::erase),
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: Some(crate::bot::slice::reads::<Flow>),
    cancel_note: None,
};
