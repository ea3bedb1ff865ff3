//! Supplies ordering: "微信下单、商超配送、社区上门" as one chat. Residents: catalog → cart →
//! note → confirm (stock and household limits checked and taken in one transaction) →
//! `/myorders` → cancel until accepted → received. Officials: accept, pack, pick lists,
//! reject, the catalog, pausing a building or the community (`/freeze`), ordering for
//! someone without a smartphone. Volunteers: take a building's orders to the doors.
//!
//! ```text
//! resident → /order
//! bot      → 选择类别 [蔬菜] [肉蛋] …
//! resident → [蔬菜] → [西红柿 ¥4.50/斤 · 剩500] → [2]  → 已加入购物车 [继续选购] [购物车]
//! resident → [购物车] → 西红柿×2 ¥9.00 [−][+][删除] [去下单]
//! resident → [去下单] → 备注？"放门口，先打电话" → 确认下单？合计 ¥9.00 [确认] → 订单 #17 已提交
//! ```

pub mod buttons;
pub mod cart;
pub mod catalog;
pub mod flow;
pub mod freeze;
pub mod manage;
pub mod mine;
pub mod model;
pub mod pipeline;
pub mod shop;
pub mod store;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::{Ctx, HandlerResult, State};
use crate::orders::buttons::Cb;
use crate::people::scope::{for_officials, Scope};
use crate::{App, Error};

/// Dialogue states (typed answers); everything else is buttons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flow {
    /// Typing a quantity for this item.
    Quantity { item_id: i64 },
    /// Typing the delivery note.
    Note,
    /// The summary is shown; waiting for confirm.
    Confirm { note: String },
    /// An official pausing ordering (`/freeze 3号楼`) is asked why.
    FreezeReason { community_id: i64, building_id: Option<i64> },
    /// An official who added an item is asked its English name (optional).
    EnglishName { item_id: i64, community_id: i64 },
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "Orders";
}

/// Residents' and volunteers' commands (`/orderfor` is also an official's: it takes their
/// scope itself).
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Order,
    Myorders,
    Deliveries,
    Orderfor(String),
}

/// Officials' commands: they act on the official's community (`people::scope`).
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum OfficialCommand {
    Orders,
    Reject(String),
    Catalog,
    Additem(String),
    Stock(String),
    Price(String),
    Pause(String),
    Resume(String),
    Freeze(String),
    Unfreeze(String),
}

pub fn commands() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private)
        .branch(dptree::entry().filter_command::<Command>().endpoint(on_command))
        .branch(
            dptree::entry()
                .filter_command::<OfficialCommand>()
                .chain(for_officials(dptree::endpoint(on_official_command))),
        )
}

pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::filter_map(|state: State, ctx: Ctx| state.flow::<Flow>().filter(|_| ctx.private)).endpoint(
        |bot: Bot, msg: Message, ctx: Ctx, app: Arc<App>, flow: Flow| async move {
            flow::on_message(&bot, &app, &ctx, &msg, flow).await
        },
    )
}

/// Officials' buttons that act on their community as a whole.
fn is_official_button(cb: &Cb) -> bool {
    matches!(cb, Cb::AcceptAll | Cb::PackAll | Cb::PickList | Cb::PickListBuilding(_))
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>()
        .branch(
            dptree::filter(|cb: Cb, ctx: Ctx| ctx.private && is_official_button(&cb))
                .chain(for_officials(dptree::endpoint(on_official_callback))),
        )
        .endpoint(on_callback)
}

async fn on_command(bot: Bot, cmd: Command, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    match cmd {
        Command::Order => shop::start(&bot, &app, &ctx).await,
        Command::Myorders => mine::my_orders(&bot, &app, &ctx).await,
        Command::Deliveries => pipeline::deliveries(&bot, &app, &ctx).await,
        Command::Orderfor(args) => manage::order_for(&bot, &app, &ctx, &args).await,
    }
}

async fn on_official_command(bot: Bot, cmd: OfficialCommand, ctx: Ctx, app: Arc<App>, scope: Scope) -> HandlerResult {
    let (bot, app, ctx, scope) = (&bot, &*app, &ctx, &scope);
    match cmd {
        OfficialCommand::Orders => pipeline::pipeline(bot, app, ctx, scope).await,
        OfficialCommand::Reject(args) => pipeline::reject(bot, app, ctx, scope, &args).await,
        OfficialCommand::Catalog => catalog::catalog(bot, app, ctx, scope).await,
        OfficialCommand::Additem(args) => catalog::add_item(bot, app, ctx, scope, &args).await,
        OfficialCommand::Stock(args) => catalog::change(bot, app, ctx, scope, &args, "stock").await,
        OfficialCommand::Price(args) => catalog::change(bot, app, ctx, scope, &args, "price").await,
        OfficialCommand::Pause(args) => catalog::change(bot, app, ctx, scope, &args, "pause").await,
        OfficialCommand::Resume(args) => catalog::change(bot, app, ctx, scope, &args, "resume").await,
        OfficialCommand::Freeze(args) => freeze::freeze(bot, app, ctx, scope, args.trim()).await,
        OfficialCommand::Unfreeze(args) => freeze::unfreeze(bot, app, ctx, scope, args.trim()).await,
    }
}

async fn on_official_callback(
    bot: Bot,
    q: CallbackQuery,
    cb: Cb,
    ctx: Ctx,
    app: Arc<App>,
    scope: Scope,
) -> HandlerResult {
    let (bot, app, ctx, q, scope) = (&bot, &*app, &ctx, &q, &scope);
    match cb {
        Cb::AcceptAll => pipeline::advance_all(bot, app, ctx, q, scope, model::Status::Accepted).await,
        Cb::PackAll => pipeline::advance_all(bot, app, ctx, q, scope, model::Status::Packed).await,
        Cb::PickList => pipeline::pick_list(bot, app, ctx, q, scope).await,
        Cb::PickListBuilding(id) => pipeline::pick_list_building(bot, app, ctx, q, scope, id).await,
        _ => crate::bot::reply::refuse(bot, q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await,
    }
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, state: State, app: Arc<App>) -> HandlerResult {
    if !ctx.private {
        return crate::bot::reply::refuse(&bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code()))
            .await;
    }
    match cb {
        Cb::OrderCategory(id) => shop::category(&bot, &app, &ctx, &q, id, 0).await,
        Cb::ItemsPage { category, page } => shop::category(&bot, &app, &ctx, &q, category, page).await,
        Cb::OrderItem(id) => shop::item(&bot, &app, &ctx, &q, id).await,
        Cb::OrderQty { item_id, qty } => {
            shop::tapped_quantity(&bot, &app, &ctx, &q, &state, item_id, i64::from(qty)).await
        }
        Cb::ShowCart => cart::show(&bot, &app, &ctx, Some(&q)).await,
        Cb::CartSet { item_id, from, to } => {
            cart::step(&bot, &app, &ctx, &q, item_id, i64::from(from), i64::from(to)).await
        }
        Cb::Checkout => cart::checkout(&bot, &app, &ctx, &q).await,
        Cb::NoNote => match state.flow::<Flow>() {
            Some(Flow::Note) => cart::summary(&bot, &app, &ctx, Some(&q), String::new()).await,
            _ => {
                crate::bot::reply::refuse(&bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code()))
                    .await
            }
        },
        Cb::Confirm => match state.flow::<Flow>() {
            Some(Flow::Confirm { note }) => cart::confirm(&bot, &app, &ctx, &q, &note).await,
            _ => {
                crate::bot::reply::refuse(&bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code()))
                    .await
            }
        },
        Cb::SkipEnglish => catalog::skip_english(&bot, &app, &ctx, &q, &state).await,
        Cb::CancelOrder(id) => mine::ask_cancel(&bot, &app, &ctx, &q, id).await,
        Cb::ConfirmCancelOrder(id) => mine::cancel(&bot, &app, &ctx, &q, id).await,
        Cb::ClaimBuilding(id) => pipeline::claim_building(&bot, &app, &ctx, &q, id).await,
        Cb::Delivered(id) => pipeline::delivered(&bot, &app, &ctx, &q, id).await,
        Cb::Received(id) => pipeline::received(&bot, &app, &ctx, &q, id).await,
        // Officials' buttons in a group, and anything else.
        _ => crate::bot::reply::refuse(&bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await,
    }
}

use crate::bot::slice::{Audience, MenuCommand, Slice};

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "Orders",
    commands: &[
        MenuCommand { name: "order", audience: Audience::Resident, describe: "menu.order", order: 100 },
        MenuCommand { name: "myorders", audience: Audience::Resident, describe: "menu.myorders", order: 101 },
        MenuCommand { name: "deliveries", audience: Audience::Volunteer, describe: "menu.deliveries", order: 203 },
        MenuCommand { name: "orders", audience: Audience::Official, describe: "menu.orders", order: 300 },
        MenuCommand { name: "catalog", audience: Audience::Official, describe: "menu.catalog", order: 301 },
        MenuCommand { name: "orderfor", audience: Audience::Official, describe: "menu.orderfor", order: 302 },
        MenuCommand { name: "freeze", audience: Audience::Official, describe: "menu.freeze", order: 306 },
        MenuCommand { name: "unfreeze", audience: Audience::Official, describe: "menu.unfreeze", order: 307 },
    ],
    command_branch: commands,
    flow_branch: flow_messages,
    callback_branch: callbacks,
    jobs: pipeline::register,
    setup: Some(pipeline::schedule_all),
    erase: Some(store::erase::erase),
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: Some(crate::bot::slice::reads::<Flow>),
    cancel_note: Some(|flow| match serde_json::from_value(flow.clone()) {
        Ok(Flow::Quantity { .. } | Flow::Note | Flow::Confirm { .. }) => Some("orders.cancel_keeps_cart"),
        _ => None,
    }),
};
