//! The 8 pm supervision round (issue 13, item 5): every night after 20:00 the
//! subdistrict's leaders checked each checkpoint, walking or calling — is anyone on duty,
//! how many, is a party member or experienced staffer there. `/round` lists tonight's
//! checkpoints with what the shift data says now; one tap records "on duty, n people, a
//! senior there", or a problem with a note and an optional photo, which alerts the
//! community's officials at once. A visit at 00:30 belongs to the evening before's round
//! (`model::night_of`); a second visit the same night replaces the first.
//!
//! ```text
//! official → /round → (taps 北门) → [✅ 在岗 2 人，有党员或骨干]
//! bot      → 已记录：北门 ✅ 在岗 2 人 … the list, the next checkpoint not yet visited first
//! official → (taps 南门) → [❗ 有问题] → [无人在岗] → "电话未接" → (a photo)
//! bot      → 已记录：南门 ⚠️ 无人在岗，已通知社区干部。
//! ```
//! The daily report reads a night's figures through [`read::round_of`].

pub mod buttons;
pub mod list;
pub mod model;
pub mod problem;
pub mod read;
pub mod store;
pub mod view;
pub mod visit;

use std::sync::Arc;

use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::slice::{Audience, Erasing, Erasure, MenuCommand, Slice};
use crate::bot::{Ctx, HandlerResult, State};
use crate::jobs::BoxFuture;
use crate::supervision::buttons::Cb;
use crate::supervision::list::At;
use crate::supervision::model::{Outcome, ProblemKind};
pub use crate::supervision::problem::Flow;
use crate::{App, Error};

/// Officials' and administrators' command: it spans every community they run, so it
/// needs no chosen scope.
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Round,
}

pub fn messages() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private).branch(dptree::entry().filter_command::<Command>().endpoint(
        |bot: Bot, ctx: Ctx, app: Arc<App>| async move { list::list(&bot, &app, &ctx, None, At::Page(0)).await },
    ))
}

/// What is sent in the problem dialogue: the note, the photo.
pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::filter_map(|state: State, ctx: Ctx| state.flow::<Flow>().filter(|_| ctx.private)).endpoint(
        |bot: Bot, msg: Message, ctx: Ctx, app: Arc<App>, flow: Flow| async move {
            problem::on_message(&bot, &app, &ctx, &msg, flow).await
        },
    )
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(on_callback)
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>, state: State) -> HandlerResult {
    let (bot, app) = (&bot, &*app);
    if !ctx.private {
        return crate::bot::reply::refuse(bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code()))
            .await;
    }
    match cb {
        Cb::Page(page) => list::list(bot, app, &ctx, Some(&q), At::Page(page)).await,
        Cb::Open(id) => visit::open(bot, app, &ctx, &q, id).await,
        Cb::OnDuty { checkpoint_id, people } => {
            visit::one_tap(bot, app, &ctx, &q, checkpoint_id, people, Outcome::OnDuty).await
        }
        Cb::NoSenior { checkpoint_id, people } => {
            let outcome = Outcome::Problem(ProblemKind::NoSenior);
            visit::one_tap(bot, app, &ctx, &q, checkpoint_id, people, outcome).await
        }
        Cb::Problem(id) => problem::start(bot, app, &ctx, &q, id).await,
        step => problem::on_tap(bot, app, &ctx, &q, step, state.flow::<Flow>()).await,
    }
}

/// A supervisor's visits stay for the community's figures, under the anonymous id.
fn erase<'c>(
    conn: &'c mut sqlx::SqliteConnection,
    _: &'c App,
    who: Erasing,
) -> BoxFuture<'c, crate::Result<Vec<Erasure>>> {
    Box::pin(async move {
        store::erase(conn, who.user_id, who.anonymous_id).await?;
        Ok(Vec::new())
    })
}

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "Supervision",
    commands: &[MenuCommand { name: "round", audience: Audience::Official, describe: "menu.round", order: 330 }],
    command_branch: messages,
    flow_branch: flow_messages,
    callback_branch: callbacks,
    jobs: |r| r,
    setup: None,
    erase: Some(erase),
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: Some(crate::bot::slice::reads::<Flow>),
    cancel_note: None,
};
