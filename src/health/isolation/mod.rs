//! Which households are isolated. An isolation is an address's (building + unit/room),
//! so it covers everyone registered there, including whoever registers later.
//!
//! ```text
//! official → /isolate → [3号楼] → "2单元301" → [居家隔离] → [今天] → [14天] → [确认]
//! bot      → 已标记：3号楼 2单元301 居家隔离 11月29日–12月12日 (the household is told)
//! resident → /isolation → [申报居家隔离] → [居家健康监测] → [7天] → [确认]
//! official → 王芳申报：3号楼 2单元301 … [确认] [不属实]
//! official → /isolated → by building: days left, today's reports, open errands; [CSV]
//! ```
//! It ends on its date (`isolation.end`, just after midnight; the household is told) or
//! when an official lifts it. The evening figures (households, reports, fevers, errands)
//! are the daily report's health line (`crate::reports`).

pub mod buttons;
pub mod declare;
pub mod figures;
pub mod jobs;
pub mod list;
pub mod mark;
pub mod model;
pub mod store;
pub mod tell;
pub mod view;

use std::sync::Arc;

use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::slice::{Audience, Erasing, Erasure, MenuCommand, Slice};
use crate::bot::{Ctx, HandlerResult, State};
use crate::health::isolation::buttons::Cb;
pub use crate::health::isolation::mark::Flow;
use crate::jobs::BoxFuture;
use crate::people::scope::{for_officials, Scope};
use crate::{App, Error};

/// Residents' command.
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Isolation,
}

/// Officials' commands, on their community (`people::scope`).
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum OfficialCommand {
    Isolate,
    Isolated,
}

pub fn messages() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private)
        .branch(
            dptree::entry()
                .filter_command::<Command>()
                .endpoint(|bot: Bot, ctx: Ctx, app: Arc<App>| async move { declare::status(&bot, &app, &ctx).await }),
        )
        .branch(dptree::entry().filter_command::<OfficialCommand>().chain(for_officials(dptree::endpoint(
            |bot: Bot, cmd: OfficialCommand, ctx: Ctx, app: Arc<App>, scope: Scope| async move {
                match cmd {
                    OfficialCommand::Isolate => mark::start_official(&bot, &app, &ctx, scope.community_id).await,
                    OfficialCommand::Isolated => list::list(&bot, &app, &ctx, None, &scope, 0).await,
                }
            },
        ))))
}

/// What is typed in the marking/declaring dialogue.
pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::filter_map(|state: State, ctx: Ctx| state.flow::<Flow>().filter(|_| ctx.private)).endpoint(
        |bot: Bot, msg: Message, ctx: Ctx, app: Arc<App>, flow: Flow| async move {
            mark::on_message(&bot, &app, &ctx, msg.text(), flow).await
        },
    )
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>()
        // The list's page and CSV carry no community: they act on the scope (a button from
        // before a switch of community is refused by `for_officials`).
        .branch(dptree::filter(|cb: Cb, ctx: Ctx| ctx.private && matches!(cb, Cb::ListPage(_) | Cb::Csv)).chain(
            for_officials(dptree::endpoint(
                |bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>, scope: Scope| async move {
                    match cb {
                        Cb::ListPage(page) => list::list(&bot, &app, &ctx, Some(&q), &scope, page).await,
                        _ => list::csv(&bot, &app, &ctx, &q, &scope).await,
                    }
                },
            )),
        ))
        .endpoint(on_callback)
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>, state: State) -> HandlerResult {
    let (bot, app) = (&bot, &*app);
    if !ctx.private {
        return crate::bot::reply::refuse(bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code()))
            .await;
    }
    match cb {
        Cb::Declare => mark::start_resident(bot, app, &ctx, &q).await,
        Cb::Accept(id) => declare::decide(bot, app, &ctx, &q, id, true).await,
        Cb::Decline(id) => declare::decide(bot, app, &ctx, &q, id, false).await,
        Cb::Household(id) => list::household(bot, app, &ctx, &q, id).await,
        Cb::Lift(id) => list::lift(bot, app, &ctx, &q, id).await,
        Cb::LiftConfirm(id) => list::lift_confirmed(bot, app, &ctx, &q, id).await,
        Cb::ListPage(_) | Cb::Csv => Ok(()),
        step => mark::on_tap(bot, app, &ctx, &q, step, state.flow::<Flow>()).await,
    }
}

/// Who declared or decided an isolation is kept as the anonymous id: the isolation itself
/// is the household's, and stays for its other members and the figures.
fn erase<'c>(
    conn: &'c mut sqlx::SqliteConnection,
    _: &'c App,
    who: Erasing,
) -> BoxFuture<'c, crate::Result<Vec<Erasure>>> {
    Box::pin(async move {
        for sql in [
            "UPDATE isolations SET declared_by = ?1 WHERE declared_by = ?2",
            "UPDATE isolations SET decided_by = ?1 WHERE decided_by = ?2",
        ] {
            sqlx::query(sql).bind(who.anonymous_id).bind(who.user_id).execute(&mut *conn).await?;
        }
        Ok(Vec::new())
    })
}

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "Isolation",
    commands: &[
        MenuCommand { name: "isolation", audience: Audience::Resident, describe: "menu.isolation", order: 110 },
        MenuCommand { name: "isolated", audience: Audience::Official, describe: "menu.isolated", order: 320 },
        MenuCommand { name: "isolate", audience: Audience::Official, describe: "menu.isolate", order: 321 },
    ],
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
