//! Residents and group buys: `/groupbuys` lists the open buys of their building, the
//! groups' join button opens the private chat on one (`/start gb_<id>`), and the join
//! dialogue (`flow`) sets a quantity per item within the caps, shows the name in the
//! group or not, joins, changes or leaves until the deadline. The slice also runs the
//! tally and deadline jobs.
//!
//! ```text
//! resident → [🙋 接龙] in the group → /start gb_12
//! bot      → 🛒 接龙 #12 蔬菜套餐 … 你家：3号楼 2单元301（群里只显示“3号楼 2单元”）
//!            [➖] [蔬菜套餐 ×0] [➕]  [👤 群里不显示名字] [✅ 确认接龙]
//! resident → [➕] [➕] → [✅ 确认接龙 · 2份] → 已接龙，你是第 13 号
//! ```

pub mod buttons;
pub mod erase;
pub mod flow;
pub mod list;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::slice::{Audience, MenuCommand, Slice};
use crate::bot::{Ctx, HandlerResult, State};
use crate::groupbuy::join::buttons::Cb;
use crate::{App, Error};

/// The join dialogue: the draft quantities shown, before they are saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flow {
    Joining {
        buy: i64,
        /// (item, quantity) for every item of the buy.
        qty: Vec<(i64, u16)>,
        show_name: bool,
    },
    /// "Leave this group buy?" is asked.
    Leaving { buy: i64 },
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "GroupBuy";
}

#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Groupbuys,
}

/// `/start gb_<id>`: the groups' join button.
fn deep_link(msg: Message) -> Option<i64> {
    let text = msg.text()?.trim();
    let payload = text.strip_prefix("/start")?.trim();
    payload.strip_prefix(crate::groupbuy::store::START_PREFIX)?.parse().ok()
}

pub fn commands() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private)
        .branch(dptree::filter_map(deep_link).endpoint(|bot: Bot, ctx: Ctx, app: Arc<App>, buy: i64| async move {
            flow::open(&bot, &app, &ctx, None, buy).await
        }))
        .branch(dptree::entry().filter_command::<Command>().endpoint(on_command))
}

pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::filter_map(|state: State, ctx: Ctx| state.flow::<Flow>().filter(|_| ctx.private)).endpoint(
        |bot: Bot, ctx: Ctx, app: Arc<App>, flow: Flow| async move { flow::on_message(&bot, &app, &ctx, flow).await },
    )
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(on_callback)
}

async fn on_command(bot: Bot, cmd: Command, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    match cmd {
        Command::Groupbuys => list::list(&bot, &app, &ctx).await,
    }
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>, state: State) -> HandlerResult {
    let (bot, app, ctx, q, state) = (&bot, &*app, &ctx, &q, &state);
    if !ctx.private {
        return crate::bot::reply::refuse(bot, q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await;
    }
    match cb {
        Cb::OpenBuy(buy) => flow::open(bot, app, ctx, Some(q), buy).await,
        Cb::SetQty { buy, item, to } => flow::set_qty(bot, app, ctx, q, state, buy, item, to).await,
        Cb::ShowName { buy, show } => flow::show_name(bot, app, ctx, q, state, buy, show).await,
        Cb::SaveJoin(buy) => flow::save(bot, app, ctx, q, state, buy).await,
        Cb::LeaveBuy(buy) => flow::ask_leave(bot, app, ctx, q, state, buy).await,
        Cb::ConfirmLeave(buy) => flow::leave(bot, app, ctx, q, state, buy).await,
    }
}

fn register(registry: crate::jobs::Registry) -> crate::jobs::Registry {
    registry
        .register(crate::groupbuy::tally::JOB, crate::groupbuy::tally::refresh)
        .register(crate::groupbuy::deadline::JOB, crate::groupbuy::deadline::run)
}

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "GroupBuy",
    commands: &[MenuCommand {
        name: "groupbuys",
        audience: Audience::Resident,
        describe: "menu.groupbuys",
        order: 105,
    }],
    command_branch: commands,
    flow_branch: flow_messages,
    callback_branch: callbacks,
    jobs: register,
    setup: None,
    erase: Some(erase::erase),
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: Some(crate::bot::slice::reads::<Flow>),
    cancel_note: None,
};
