//! A leader opens a group buy (issue #14 item 1). Officials lead in their community and
//! choose, with `/leaders`, which of its approved volunteers may lead too; `/groupbuy` is
//! the dialogue that collects the offer and announces it in the chosen group chats
//! (`crate::groupbuy::announce`: the buy, the offer in each group, the deadline job).
//!
//! ```text
//! official → /leaders → 王芳 [⬜ 王芳] → (taps) → [✅ 王芳 · 团长]   (王芳 is told)
//! 王芳     → /groupbuy → 标题 → 商品（每行一件）→ 每户限量 → 总量 → 成团条件 → 截止
//!            → 群（可多选）→ 送货上门 / 自提（地点、时间）→ 预览 → [✅ 确认发布]
//! bot      → ✅ 已发布接龙 #12，发到 2 个群……
//! ```

pub mod buttons;
pub mod flow;
pub mod leaders;
pub mod model;
pub mod publish;
pub mod store;
pub mod view;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::Me;
use teloxide::utils::command::BotCommands;

use crate::bot::slice::{Audience, MenuCommand, Slice};
use crate::bot::{Ctx, HandlerResult, State};
use crate::groupbuy::model::{Delivery, Minimum};
use crate::groupbuy::open::buttons::Cb;
use crate::people::scope::{for_officials, Scope};
use crate::{App, Error};

/// The dialogue of `/groupbuy`: whose buy, for which community, the step and the draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub community_id: i64,
    pub by: By,
    pub step: Step,
    pub draft: Draft,
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "GroupBuyOpen";
}

/// Why this person may lead here: checked again at every step and at publishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum By {
    /// An official of the community (or an administrator acting on it).
    Official,
    /// An approved volunteer the community's officials allowed (`group_buy_leaders`).
    Leader,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Title,
    Items,
    HouseholdCap,
    TotalCap,
    Minimum,
    Deadline,
    Groups { page: u16 },
    Delivery,
    PickupPlace,
    PickupTime,
    Confirm,
}

/// What the leader answered so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub title: String,
    pub items: Vec<DraftItem>,
    pub household_cap: i64,
    pub total_cap: Option<i64>,
    pub minimum: Option<Minimum>,
    pub deadline: Option<DateTime<Utc>>,
    /// The linked groups chosen, in the order chosen.
    pub chats: Vec<i64>,
    pub delivery: Option<Delivery>,
    pub pickup_place: Option<String>,
    pub pickup_at: Option<DateTime<Utc>>,
}

/// An item of the draft (`groupbuy::store::NewItem` once published).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftItem {
    pub name: String,
    pub unit: String,
    pub price_fen: i64,
}

/// Leaders' command (officials, and volunteers they allowed).
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Groupbuy,
}

/// Officials' command, on their community (`people::scope`).
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum OfficialCommand {
    Leaders,
}

pub fn commands() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private)
        .branch(
            dptree::entry()
                .filter_command::<Command>()
                .endpoint(|bot: Bot, ctx: Ctx, app: Arc<App>| async move { flow::start(&bot, &app, &ctx).await }),
        )
        .branch(dptree::entry().filter_command::<OfficialCommand>().chain(for_officials(dptree::endpoint(
            |bot: Bot, ctx: Ctx, app: Arc<App>, scope: Scope| async move {
                leaders::list(&bot, &app, &ctx, None, &scope, 0).await
            },
        ))))
}

pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::filter_map(|state: State, ctx: Ctx| state.flow::<Flow>().filter(|_| ctx.private)).endpoint(
        |bot: Bot, msg: Message, ctx: Ctx, app: Arc<App>, flow: Flow| async move {
            flow::on_message(&bot, &app, &ctx, msg.text(), flow).await
        },
    )
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(on_callback)
}

async fn on_callback(
    bot: Bot,
    q: CallbackQuery,
    cb: Cb,
    ctx: Ctx,
    app: Arc<App>,
    state: State,
    me: Me,
) -> HandlerResult {
    let (bot, app, ctx, q) = (&bot, &*app, &ctx, &q);
    if !ctx.private {
        return crate::bot::reply::refuse(bot, q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await;
    }
    match cb {
        Cb::Leader { community, user, allow } => leaders::toggle(bot, app, ctx, q, community, user, allow).await,
        Cb::LeadersPage { community, page } => leaders::page(bot, app, ctx, q, community, page).await,
        Cb::Publish => publish::confirm(bot, app, ctx, q, state.flow::<Flow>(), &me).await,
        step => flow::on_tap(bot, app, ctx, q, step, state.flow::<Flow>()).await,
    }
}

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "GroupBuyOpen",
    commands: &[
        MenuCommand { name: "groupbuy", audience: Audience::Official, describe: "menu.groupbuy", order: 340 },
        MenuCommand { name: "leaders", audience: Audience::Official, describe: "menu.leaders", order: 341 },
    ],
    command_branch: commands,
    flow_branch: flow_messages,
    callback_branch: callbacks,
    jobs: |registry| registry,
    setup: None,
    erase: None,
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: Some(crate::bot::slice::reads::<Flow>),
    cancel_note: None,
};
