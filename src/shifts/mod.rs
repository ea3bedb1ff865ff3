//! Checkpoint shifts: volunteers claim places on the shifts that staff each checkpoint
//! around the clock, and officials see which shifts still have gaps.
//!
//! ```text
//! volunteer → /shifts
//! bot       → 哪一天？ [今天 5月3日] [明天 5月4日] …
//! volunteer → (taps 明天)
//! bot       → 帝湖花园西王府门口 08:00–16:00 1/2 · 需要一名党员 [认领] …
//! volunteer → (taps 认领)
//! bot       → 此班次最后一个名额留给党员或有经验的志愿者   (not a party member, not experienced)
//!          or 已认领：帝湖花园西王府门口 5月4日 08:00–16:00。开始前 12 小时和 1 小时会提醒您。
//!             (the reminder times and the release deadline are the settings')
//! volunteer → (15 min before start) [签到] or shares a location near the checkpoint
//! official  → alert 15 min after start if nobody checked in, with a button into the shift
//!             to replace them; /roster shows gaps and who did not check in
//! volunteer → (at the end) [签退], or it is closed at the end two hours later ("(auto)")
//! ```
//! The rules (capacity, one claim per person, no overlaps, keeping the last place for a
//! party member or experienced volunteer, release cutoff, check-in window, no-shows,
//! hours) live in `model`, free of SQL and Telegram, because the same rules must hold
//! whether a volunteer claims, swaps or an official assigns.

pub mod attendance;
pub mod board;
pub mod buttons;
pub mod checkpoint;
pub mod geo;
pub mod jobs;
pub mod mine;
pub mod model;
pub mod overview;
pub mod read;
pub mod roster;
pub mod setup;
pub mod store;
pub mod view;

use std::sync::Arc;

use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::{Ctx, HandlerResult, State};
use crate::people::scope::{for_officials, with_offices, Scope};
use crate::shifts::buttons::Cb;
pub use crate::shifts::checkpoint::Flow;
use crate::{App, Error};

/// Volunteers' commands.
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Shifts,
    Myshifts,
    Hours,
}

/// Officials' commands: they act on the official's community (`people::scope`); the
/// roster opens on the subdistrict for someone who runs several.
#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum OfficialCommand {
    Roster,
    Checkpoints,
    Addcheckpoint(String),
    Addshift(String),
    Editshift(String),
}

/// Commands, and a location shared outside any dialogue (a check-in).
pub fn messages() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private)
        .branch(dptree::entry().filter_command::<Command>().endpoint(on_command))
        .branch(
            dptree::entry()
                .filter_command::<OfficialCommand>()
                .branch(
                    dptree::filter(|cmd: OfficialCommand| cmd == OfficialCommand::Roster)
                        .chain(with_offices(dptree::endpoint(overview::open))),
                )
                .branch(for_officials(dptree::endpoint(on_official_command))),
        )
        .branch(
            dptree::filter_map(|msg: Message, state: State| {
                let loc = msg.location()?;
                matches!(state, State::Idle).then_some((loc.latitude, loc.longitude))
            })
            .endpoint(|bot: Bot, ctx: Ctx, app: Arc<App>, (lat, lon): (f64, f64)| async move {
                attendance::location(&bot, &app, &ctx, lat, lon).await
            }),
        )
}

/// What an official sends while setting a checkpoint's location.
pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::filter_map(|state: State, ctx: Ctx| state.flow::<Flow>().filter(|_| ctx.private)).endpoint(
        |bot: Bot, msg: Message, ctx: Ctx, app: Arc<App>, flow: Flow| async move {
            checkpoint::on_message(&bot, &app, &ctx, &msg, flow).await
        },
    )
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>()
        // The roster's days carry no community: they act on the scope.
        .branch(dptree::filter(|cb: Cb, ctx: Ctx| ctx.private && matches!(cb, Cb::RosterDay(_))).chain(for_officials(
            dptree::endpoint(|bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>, scope: Scope| async move {
                let Cb::RosterDay(day) = cb else { return Ok(()) };
                roster::roster(&bot, &app, &ctx, Some(&q), &scope, day).await
            }),
        )))
        .endpoint(on_callback)
}

async fn on_command(bot: Bot, cmd: Command, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    match cmd {
        Command::Shifts => board::board(&bot, &app, &ctx, None, 0, 0).await,
        Command::Myshifts => mine::my_shifts(&bot, &app, &ctx).await,
        Command::Hours => attendance::hours(&bot, &app, &ctx).await,
    }
}

async fn on_official_command(bot: Bot, cmd: OfficialCommand, ctx: Ctx, app: Arc<App>, scope: Scope) -> HandlerResult {
    let (bot, app, ctx, scope) = (&bot, &*app, &ctx, &scope);
    match cmd {
        // `/roster` is routed to `overview::open` first; this keeps the match whole.
        OfficialCommand::Roster => roster::roster(bot, app, ctx, None, scope, 0).await,
        OfficialCommand::Checkpoints => setup::list(bot, app, ctx, scope).await,
        OfficialCommand::Addcheckpoint(name) => setup::add_checkpoint(bot, app, ctx, scope, &name).await,
        OfficialCommand::Addshift(args) => setup::add_shift(bot, app, ctx, scope, &args).await,
        OfficialCommand::Editshift(args) => setup::edit_shift(bot, app, ctx, scope, &args).await,
    }
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>, state: State) -> HandlerResult {
    if !ctx.private {
        return crate::bot::reply::refuse(&bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code()))
            .await;
    }
    match cb {
        Cb::ShiftDay { day, page } => board::board(&bot, &app, &ctx, Some(&q), day, page).await,
        Cb::ClaimShift(id) => board::claim(&bot, &app, &ctx, &q, id).await,
        Cb::ReleaseShift(id) => mine::release(&bot, &app, &ctx, &q, id).await,
        Cb::OfferShift(id) => mine::offer(&bot, &app, &ctx, &q, id).await,
        Cb::TakeOffer { shift_id, giver } => board::take_offer(&bot, &app, &ctx, &q, shift_id, giver).await,
        Cb::CheckIn(id) => attendance::check_in(&bot, &app, &ctx, &q, id).await,
        Cb::CheckOut(id) => attendance::check_out(&bot, &app, &ctx, &q, id).await,
        Cb::RosterOf(community) => overview::open_community(&bot, &app, &ctx, &q, community).await,
        Cb::RosterShift(id) => roster::shift(&bot, &app, &ctx, &q, id).await,
        Cb::RemoveFromShift { shift_id, user_id } => roster::remove(&bot, &app, &ctx, &q, shift_id, user_id).await,
        Cb::AssignPick { shift_id, page } => roster::assign_pick(&bot, &app, &ctx, &q, shift_id, page).await,
        Cb::Assign { shift_id, user_id } => roster::assign(&bot, &app, &ctx, &q, shift_id, user_id).await,
        Cb::Checkpoint(id) => checkpoint::open(&bot, &app, &ctx, &q, id).await,
        Cb::SetLocation(id) => checkpoint::start(&bot, &app, &ctx, &q, id).await,
        Cb::LocationDone => checkpoint::done(&bot, &app, &ctx, &q, &state).await,
        // A roster day in a group, and anything else.
        _ => crate::bot::reply::refuse(&bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await,
    }
}

use crate::bot::slice::{Audience, MenuCommand, Slice};

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "Shifts",
    commands: &[
        MenuCommand { name: "shifts", audience: Audience::Volunteer, describe: "menu.shifts", order: 200 },
        MenuCommand { name: "myshifts", audience: Audience::Volunteer, describe: "menu.myshifts", order: 201 },
        MenuCommand { name: "hours", audience: Audience::Volunteer, describe: "menu.hours", order: 202 },
        MenuCommand { name: "roster", audience: Audience::Official, describe: "menu.roster", order: 304 },
        MenuCommand { name: "checkpoints", audience: Audience::Official, describe: "menu.checkpoints", order: 305 },
    ],
    command_branch: messages,
    flow_branch: flow_messages,
    callback_branch: callbacks,
    jobs: jobs::register,
    setup: Some(jobs::setup),
    erase: Some(store::erase::erase),
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: Some(crate::bot::slice::reads::<Flow>),
    cancel_note: None,
};
