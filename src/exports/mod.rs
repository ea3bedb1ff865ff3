//! Exports for Excel (issue 13, item 4). Officials take their community's tables away as
//! CSV (a UTF-8 BOM, so Excel reads Chinese): residents, orders with their lines, errands,
//! temperature reports, shifts with attendance, notices with confirmations.
//!
//! ```text
//! official → /export → [订单] → [最近7天] → [确认]
//! bot      → 正在准备，文件好了会发在这里。
//! bot      → 📎 帝湖社区-orders-2026-11-23_2026-11-29.csv
//! ```
//! The handler only records the request (`exports`, who, what, which days) and commits;
//! the file is written afterwards by a task of its own (`runner`), streamed row by row to
//! disk and sent from disk by the outbox, in parts of at most 45 MB. Every export stays
//! recorded; its files are deleted after some days (`jobs`).

pub mod ask;
pub mod buttons;
pub mod jobs;
pub mod model;
pub mod runner;
pub mod store;
pub mod tables;
pub mod writer;

use std::sync::Arc;

use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::slice::{Audience, Erasing, Erasure, MenuCommand, Slice};
use crate::bot::{Ctx, State};
pub use crate::exports::ask::Flow;
use crate::exports::buttons::Cb;
use crate::jobs::BoxFuture;
use crate::people::scope::{for_officials, Scope};
use crate::{App, Error};

/// Officials' command, on their community (`people::scope`).
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Export,
}

pub fn messages() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private).branch(dptree::entry().filter_command::<Command>().chain(for_officials(
        dptree::endpoint(|bot: Bot, ctx: Ctx, app: Arc<App>, scope: Scope| async move {
            ask::start(&bot, &app, &ctx, &scope).await
        }),
    )))
}

pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::filter_map(|state: State, ctx: Ctx| state.flow::<Flow>().filter(|_| ctx.private)).endpoint(
        |bot: Bot, msg: Message, ctx: Ctx, app: Arc<App>, flow: Flow| async move {
            ask::on_message(&bot, &app, &ctx, msg.text(), flow).await
        },
    )
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(
        |bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>, state: State| async move {
            ask::on_tap(&bot, &app, &ctx, &q, cb, state.flow::<Flow>()).await
        },
    )
}

/// The person's exports stay recorded under the anonymous id; their files are deleted
/// (they may hold other people's data, taken by someone who is leaving).
fn erase<'c>(
    conn: &'c mut sqlx::SqliteConnection,
    _: &'c App,
    who: Erasing,
) -> BoxFuture<'c, crate::Result<Vec<Erasure>>> {
    Box::pin(async move {
        for part in store::files(conn, None, Some(who.user_id)).await? {
            if let Err(err) = std::fs::remove_file(&part.path) {
                tracing::info!(path = %part.path.display(), %err, "export file already gone");
            }
        }
        store::forget_files(conn, who.now, None, Some(who.user_id)).await?;
        store::anonymise(conn, who.user_id, who.anonymous_id).await?;
        Ok(Vec::new())
    })
}

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "Exports",
    commands: &[MenuCommand { name: "export", audience: Audience::Official, describe: "menu.export", order: 390 }],
    command_branch: messages,
    flow_branch: flow_messages,
    callback_branch: callbacks,
    jobs: jobs::register,
    setup: Some(jobs::setup),
    erase: Some(erase),
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: Some(crate::bot::slice::reads::<Flow>),
    cancel_note: None,
};
