//! Temperatures twice a day for isolated households (issue 12): the seeds' communities
//! collected every isolated resident's temperature each morning and afternoon, chased the
//! missing ones, and sent medical help at a fever.
//!
//! ```text
//! 08:00 bot → every account of an isolated household: 【体温上报】 [36.2] … [37.2] [≥ 37.3] [其他]
//! resident  → [36.5] → (for whom?) → (symptoms) → 已记录 …        (or /temp at any time)
//! 09:00 bot → households with someone missing: 还有人未上报：王小明 …
//! 10:00 bot → the community's officials: 未报体温 3 人, per building, with addresses
//! fever     → the officials at once (urgent): 3号楼 2单元301 王芳 38.2℃ 咳嗽
//! ```
//! One report per person (an account or a household member without one, `/family`) per
//! day and slot, changeable within the slot. Everything here is private-chat only, and
//! only the community's officials see temperatures.

pub mod alert;
pub mod buttons;
pub mod family;
pub mod jobs;
pub mod model;
pub mod report;
pub mod store;
pub mod view;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::{Ctx, HandlerResult, State};
use crate::health::temperature::buttons::Cb;
use crate::health::temperature::model::{SlotOf, Symptoms};
use crate::{App, Error};

/// The reporting dialogue and `/family`'s typed name. States hold ids and values only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flow {
    /// "For whom?" (the value, when a quick button gave it).
    Whom { at: SlotOf, tenths: Option<u16> },
    /// Typing the value for the account (`None`) or a member.
    Value { at: SlotOf, member: Option<i64> },
    /// Ticking symptoms, the value known and already saved (`changed`: the slot had a
    /// report for this person before this dialogue).
    Symptoms {
        at: SlotOf,
        member: Option<i64>,
        tenths: u16,
        symptoms: Symptoms,
        #[serde(default)]
        changed: bool,
    },
    /// `/family` → add: typing the name.
    MemberName,
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "Temperature";
}

/// Residents' commands.
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Temp,
    Family,
}

/// In private chats only: in a group the fallback answers with the private-chat button.
pub fn commands() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private).branch(dptree::entry().filter_command::<Command>().endpoint(on_command))
}

pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::filter_map(|state: State, ctx: Ctx| state.flow::<Flow>().filter(|_| ctx.private)).endpoint(
        |bot: Bot, msg: Message, ctx: Ctx, app: Arc<App>, flow: Flow| async move {
            on_message(&bot, &app, &ctx, &msg, flow).await
        },
    )
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(on_callback)
}

async fn on_command(bot: Bot, cmd: Command, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    match cmd {
        Command::Temp => report::start(&bot, &app, &ctx).await,
        Command::Family => family::show(&bot, &app, &ctx).await,
    }
}

async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, flow: Flow) -> HandlerResult {
    let l = ctx.lang.code();
    if msg.text().is_some_and(|t| t.starts_with('/')) {
        return crate::bot::reply::say(bot, ctx, rust_i18n::t!("common.unknown_command_in_flow", locale = l)).await;
    }
    match flow {
        Flow::Value { at, member } => report::typed(bot, app, ctx, at, member, msg.text()).await,
        Flow::MemberName => family::typed_name(bot, app, ctx, msg.text()).await,
        Flow::Whom { .. } | Flow::Symptoms { .. } => {
            crate::bot::reply::say(bot, ctx, rust_i18n::t!("common.use_buttons", locale = l)).await
        }
    }
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>, state: State) -> HandlerResult {
    let (bot, app, ctx, q, state) = (&bot, &*app, &ctx, &q, &state);
    if !ctx.private {
        return crate::bot::reply::refuse(bot, q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await;
    }
    match cb {
        Cb::Quick { day, slot, tenths } => report::tapped(bot, app, ctx, q, day, slot, Some(tenths)).await,
        Cb::Other { day, slot } => report::tapped(bot, app, ctx, q, day, slot, None).await,
        Cb::Whom(member) => report::whom(bot, app, ctx, q, state, member).await,
        Cb::Toggle(symptom) => report::toggle(bot, app, ctx, q, state, symptom).await,
        Cb::NoSymptoms => report::finish(bot, app, ctx, q, state, true).await,
        Cb::SymptomsDone => report::finish(bot, app, ctx, q, state, false).await,
        Cb::AddMember => family::ask_name(bot, app, ctx, q).await,
        Cb::RemoveMember(id) => family::ask_remove(bot, app, ctx, q, id).await,
        Cb::ConfirmRemove(id) => family::remove(bot, app, ctx, q, id).await,
    }
}

use crate::bot::slice::{Audience, MenuCommand, Slice};

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "Temperature",
    commands: &[
        MenuCommand { name: "temp", audience: Audience::Resident, describe: "menu.temp", order: 110 },
        MenuCommand { name: "family", audience: Audience::Resident, describe: "menu.family", order: 111 },
    ],
    command_branch: commands,
    flow_branch: flow_messages,
    callback_branch: callbacks,
    jobs: jobs::register,
    setup: Some(jobs::setup),
    erase: Some(store::erase),
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: Some(crate::bot::slice::reads::<Flow>),
    cancel_note: None,
};
