//! The daily report up the chain ("日报告、零报告": a report every day, even when nothing
//! happened). Each community's report is made from the other slices' data at a set time
//! and on demand (`/report`, `/report 11-28`); its officials review and submit it with one
//! tap, or it is submitted automatically at a later time, marked so. The subdistrict's
//! administrators get one list of every community — on time, late, automatic, missing —
//! with the totals (`/reports`, and at the deadline), and open any community's report.
//!
//! ```text
//! 21:00 bot → officials: 📋 帝湖社区 日报 · 11月29日 … [✅ 提交日报]
//! official  → (taps) → ✅ 已由 刘敏 于 21:12 提交
//! 22:00 bot → officials who have not: ⏰ 帝湖社区 今天的日报还没有提交 … [✅ 提交日报]
//!       bot → administrators: 📊 各社区日报 · 11月29日 · 已提交 1/2 … [帝湖社区] [学府社区]
//! 23:00 bot → what is missing is submitted as it stands: 🤖 自动提交
//! ```

pub mod buttons;
pub mod chain;
pub mod figures;
pub mod jobs;
pub mod model;
pub mod picture;
pub mod show;
pub mod store;
pub mod trend;
pub mod view;

use std::sync::Arc;

use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::reply::{refuse, say};
use crate::bot::slice::{Audience, MenuCommand, Slice};
use crate::bot::{Ctx, HandlerResult};
use crate::people::scope::{for_officials, Scope};
use crate::reports::buttons::Cb;
use crate::{App, Error};

/// Officials: their community's report of a day (today when nothing follows).
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum OfficialCommand {
    Report(String),
}

/// Administrators: every community's report of a day.
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum AdminCommand {
    Reports(String),
}

pub fn messages() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private)
        .branch(dptree::entry().filter_command::<AdminCommand>().endpoint(
            |bot: Bot, cmd: AdminCommand, ctx: Ctx, app: Arc<App>| async move {
                let AdminCommand::Reports(arg) = cmd;
                if !ctx.roles.admin {
                    return say(&bot, &ctx, rust_i18n::t!("people.not_allowed", locale = ctx.lang.code())).await;
                }
                chain::command(&bot, &app, &ctx, &arg).await
            },
        ))
        .branch(dptree::entry().filter_command::<OfficialCommand>().chain(for_officials(dptree::endpoint(
            |bot: Bot, cmd: OfficialCommand, ctx: Ctx, app: Arc<App>, scope: Scope| async move {
                let OfficialCommand::Report(arg) = cmd;
                show::command(&bot, &app, &ctx, scope.community_id, &arg).await
            },
        ))))
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(on_callback)
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    let (bot, app) = (&bot, &*app);
    if !ctx.private {
        return refuse(bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await;
    }
    match cb {
        Cb::Submit { community, day } => show::submit(bot, app, &ctx, &q, community, day).await,
        Cb::Open { community, day } => show::on_open(bot, app, &ctx, &q, community, day).await,
        Cb::Chain(day) => chain::on_chain(bot, app, &ctx, &q, day).await,
    }
}

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "Reports",
    commands: &[
        MenuCommand { name: "report", audience: Audience::Official, describe: "menu.report", order: 340 },
        MenuCommand { name: "reports", audience: Audience::Admin, describe: "menu.reports", order: 341 },
    ],
    command_branch: messages,
    flow_branch: crate::bot::slice::nothing,
    callback_branch: callbacks,
    jobs: jobs::register,
    setup: Some(jobs::setup),
    erase: Some(erase),
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: None,
    cancel_note: None,
};

/// A submitted report stays the community's; who submitted it becomes the anonymous id.
fn erase<'c>(
    conn: &'c mut sqlx::SqliteConnection,
    _: &'c App,
    who: crate::bot::slice::Erasing,
) -> crate::jobs::BoxFuture<'c, crate::Result<Vec<crate::bot::slice::Erasure>>> {
    Box::pin(async move {
        sqlx::query("UPDATE daily_reports SET submitted_by = ?1 WHERE submitted_by = ?2")
            .bind(who.anonymous_id)
            .bind(who.user_id)
            .execute(&mut *conn)
            .await?;
        Ok(Vec::new())
    })
}
