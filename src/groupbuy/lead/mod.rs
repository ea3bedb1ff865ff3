//! A leader's group buys: `/buys` lists the buys they lead (an official: every buy of the
//! community they act on), newest first, a page at a time; a buy opens on a button with
//! what can be done with it now — cancel it while open, or, once it went ahead, the
//! supplier order and the slips again (with the phone numbers only on request) and the
//! delivery. The slips themselves (`slips`, `files`) are also what the deadline job sends.
//!
//! ```text
//! leader → /buys
//! bot    → 📋 您发起的接龙（共 2 个）
//!          #12 蔬菜套餐 — ⏳ 进行中：8 户 20 份，还剩 3 小时 5 分
//!          #9 鸡蛋 — ✅ 已成团：31 户 40 份
//!          [#12 蔬菜套餐] [#9 鸡蛋]
//! leader → [#12 蔬菜套餐] → [🚫 取消这个接龙] → 确定取消吗？… [🚫 确认取消接龙]
//! bot    → 已取消接龙 #12，已通知参加的 8 户；群里的接龙显示“已取消”。
//! leader → [#9 鸡蛋] → [📞 分拣单（含电话）]
//! bot    → 📨 马上发给您… ← 供货单 · 分拣单 · CSV · 可打印的 HTML
//! ```
//!
//! No dialogue: every button carries its buy and is authorised again when tapped (its
//! leader, or an official of its community); cancelling is a conditional update on the
//! status, so a second tap, or the deadline job running first, finds it no longer open.

pub mod buttons;
mod cancel;
pub mod files;
mod list;
pub mod slips;
pub mod store;

use std::sync::Arc;

use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::slice::{Audience, MenuCommand, Slice};
use crate::bot::{Ctx, HandlerResult};
use crate::groupbuy::lead::buttons::Cb;
use crate::{App, Error};

#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Buys,
}

pub fn commands() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private).branch(dptree::entry().filter_command::<Command>().endpoint(on_command))
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(on_callback)
}

async fn on_command(bot: Bot, cmd: Command, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    match cmd {
        Command::Buys => list::list(&bot, &app, &ctx, None, 0).await,
    }
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    let (bot, app, ctx, q) = (&bot, &*app, &ctx, &q);
    if !ctx.private {
        return crate::bot::reply::refuse(bot, q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await;
    }
    match cb {
        Cb::Page(page) => list::list(bot, app, ctx, Some(q), page).await,
        Cb::Buy(buy) => list::show(bot, app, ctx, q, buy).await,
        Cb::Cancel(buy) => cancel::ask(bot, app, ctx, q, buy).await,
        Cb::ConfirmCancel(buy) => cancel::confirm(bot, app, ctx, q, buy).await,
        Cb::Slips { buy, phones } => list::resend_slips(bot, app, ctx, q, buy, phones).await,
    }
}

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "GroupBuyLead",
    // Officials lead most buys; volunteers the officials allowed to lead use the same
    // command (it is authorised on the server), it is only not in their menu.
    commands: &[MenuCommand { name: "buys", audience: Audience::Official, describe: "menu.buys", order: 305 }],
    command_branch: commands,
    flow_branch: crate::bot::slice::nothing,
    callback_branch: callbacks,
    jobs: |registry| registry,
    setup: None,
    erase: None,
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: None,
    cancel_note: None,
};
