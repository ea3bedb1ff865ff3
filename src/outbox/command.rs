//! `/outbox` for administrators: how the queue stands (the same figures the sender logs).
//! The queue is the whole bot's — one subdistrict, every community's notices, alerts and
//! replies in one table with no community attached to a row — so its figures are an
//! operator's concern, not a community official's.

use std::sync::Arc;

use rust_i18n::t;
use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::{Ctx, HandlerResult};
use crate::{App, Error};

#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Outbox,
}

pub fn branch() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private).filter_command::<Command>().endpoint(show)
}

async fn show(bot: Bot, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    let l = ctx.lang.code();
    if !ctx.roles.admin {
        bot.send_message(ctx.chat_id, t!("people.not_allowed", locale = l)).await?;
        return Ok(());
    }
    let st = super::stats(&app.pool, app.now(), None).await?;
    let oldest = match st.oldest_pending_secs {
        Some(secs) => t!("outbox.oldest", locale = l, minutes = secs / 60, seconds = secs % 60),
        None => t!("outbox.none_waiting", locale = l),
    };
    let text = t!(
        "outbox.status",
        locale = l,
        pending = st.pending + st.sending,
        sent = st.sent,
        failed = st.failed,
        blocked = st.blocked,
        oldest = oldest
    );
    bot.send_message(ctx.chat_id, text).await?;
    Ok(())
}

use crate::bot::slice::{Audience, MenuCommand, Slice};

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "Outbox",
    commands: &[MenuCommand { name: "outbox", audience: Audience::Admin, describe: "menu.outbox", order: 311 }],
    command_branch: branch,
    flow_branch: crate::bot::slice::nothing,
    callback_branch: crate::bot::slice::nothing,
    jobs: |r| r,
    setup: None,
    erase: None,
    buttons: crate::bot::slice::no_buttons,
    tags: &[],
    flow_reads: None,
    cancel_note: None,
};
