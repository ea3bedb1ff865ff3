//! Volunteers at the checkpoint: check in (a button, or a shared location within the
//! checkpoint's radius where it has coordinates), check out (also from the prompt sent at
//! the end of the shift), and `/hours`.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{ButtonRequest, KeyboardButton, KeyboardMarkup, KeyboardRemove};

use crate::bot::reply::{ack, refuse, say};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::clock::from_millis;
use crate::people::model::Role;
use crate::people::scope::{self, Offices};
use crate::shifts::board::not_a_volunteer;
use crate::shifts::geo;
use crate::shifts::model::{self, CheckIn};
use crate::shifts::store::{self, CheckOutError, Hours};
use crate::shifts::view;
use crate::App;

/// The check-in button. Where the checkpoint has coordinates, it asks for the location
/// (checked against the radius); elsewhere it checks in at once.
pub async fn check_in(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shift_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let now = app.clock.now();
    let tz = app.settings.timezone;
    let shifts = store::mine(&app.pool, ctx.user_id, now).await?;
    let Some(s) = shifts.iter().find(|s| s.shift_id == shift_id) else {
        return refuse(bot, q, t!("shifts.not_yours", locale = l)).await;
    };
    let (start, end) = (from_millis(s.start_at), from_millis(s.end_at));
    match model::check_in_window(start, end, now, model::CHECK_IN_OPENS_BEFORE) {
        CheckIn::TooEarly { opens_at } => {
            let at = view::at(ctx.lang, opens_at, now, tz);
            return refuse(bot, q, t!("shifts.too_early", locale = l, at = at)).await;
        }
        CheckIn::Closed => return refuse(bot, q, t!("shifts.release_ended", locale = l)).await,
        CheckIn::Open => {}
    }
    ack(bot, q).await?;
    let checkpoint = s.checkpoint(ctx.lang);
    if s.latitude.is_some() {
        let kb = KeyboardMarkup::new(vec![vec![
            KeyboardButton::new(t!("shifts.share_location", locale = l)).request(ButtonRequest::Location)
        ]])
        .resize_keyboard()
        .one_time_keyboard();
        bot.send_message(ctx.chat_id, t!("shifts.ask_location", locale = l, checkpoint = checkpoint))
            .reply_markup(kb)
            .await?;
        return Ok(());
    }
    let mut work = Work::begin(app, ctx).await?;
    store::check_in(&mut work, shift_id, ctx.user_id, now).await?;
    work.commit().await?;
    say(bot, ctx, t!("shifts.checked_in", locale = l, checkpoint = checkpoint)).await
}

/// A shared location: checks in to the shift whose window is open, if close enough.
pub async fn location(bot: &Bot, app: &App, ctx: &Ctx, lat: f64, lon: f64) -> HandlerResult {
    let l = ctx.lang.code();
    let now = app.clock.now();
    let open: Vec<store::MyShift> = store::mine(&app.pool, ctx.user_id, now)
        .await?
        .into_iter()
        .filter(|s| s.checked_in_at.is_none())
        .filter(|s| {
            model::check_in_window(from_millis(s.start_at), from_millis(s.end_at), now, model::CHECK_IN_OPENS_BEFORE)
                == CheckIn::Open
        })
        .collect();
    let Some(s) = open.first() else {
        return say(bot, ctx, t!("shifts.no_open_shift", locale = l)).await;
    };
    let checkpoint = s.checkpoint(ctx.lang);
    if let (Some(clat), Some(clon)) = (s.latitude, s.longitude) {
        let distance = geo::distance_m(lat, lon, clat, clon);
        if distance > s.radius_m as f64 {
            let text = t!(
                "shifts.too_far",
                locale = l,
                distance = distance.round() as i64,
                radius = s.radius_m,
                checkpoint = checkpoint
            );
            return say(bot, ctx, text).await;
        }
    }
    let mut work = Work::begin(app, ctx).await?;
    store::check_in(&mut work, s.shift_id, ctx.user_id, now).await?;
    work.commit().await?;
    bot.send_message(ctx.chat_id, t!("shifts.checked_in", locale = l, checkpoint = checkpoint))
        .reply_markup(KeyboardRemove::new())
        .await?;
    Ok(())
}

pub async fn check_out(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shift_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let checked_out = store::check_out(&mut work, shift_id, ctx.user_id, now).await?;
    work.commit().await?;
    match checked_out {
        Err(CheckOutError::NotYours) => refuse(bot, q, t!("shifts.not_yours", locale = l)).await,
        Err(CheckOutError::AlreadyOut { auto: true }) => {
            refuse(bot, q, t!("shifts.already_auto_closed", locale = l)).await
        }
        Err(CheckOutError::AlreadyOut { auto: false }) => {
            refuse(bot, q, t!("shifts.already_checked_out", locale = l)).await
        }
        Ok(()) => {
            ack(bot, q).await?;
            let worked = store::minutes_worked(&app.pool, ctx.user_id).await?;
            say(bot, ctx, t!("shifts.checked_out", locale = l, hours = in_hours(worked.minutes))).await
        }
    }
}

fn in_hours(minutes: i64) -> String {
    format!("{:.1}", minutes as f64 / 60.0)
}

/// "8.0" and, when some of it was closed by the bot, " (auto)".
fn hours_line(lang: crate::i18n::Lang, h: &Hours) -> String {
    let l = lang.code();
    let mut text = t!("shifts.my_hours", locale = l, hours = in_hours(h.minutes)).into_owned();
    if h.auto_minutes > 0 {
        text.push_str(&t!("shifts.my_hours_auto", locale = l, auto = in_hours(h.auto_minutes)));
    }
    text
}

/// `/hours`: a volunteer's own hours (the automatically closed part marked); officials
/// also the leaderboard of the community they act on. Someone who never volunteered is
/// told how to become a volunteer rather than "0.0 hours".
pub async fn hours(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let mine = store::minutes_worked(&app.pool, ctx.user_id).await?;
    let volunteer = ctx.roles.memberships.iter().any(|m| m.role == Role::Volunteer);
    let mut parts: Vec<String> = Vec::new();
    if mine.minutes > 0 {
        parts.push(hours_line(ctx.lang, &mine));
    } else if volunteer || mine.claims > 0 {
        parts.push(t!("shifts.no_hours_yet", locale = l).into_owned());
    }
    // Officials also see the leaderboard of the community they act on.
    match scope::resolve(app, ctx).await? {
        Some(Offices { scope: Some(scope), .. }) => {
            let board = store::leaderboard(&app.pool, scope.community_id, 10).await?;
            let mut text = if board.is_empty() {
                t!("shifts.leaderboard_empty", locale = l, community = scope.label(ctx.lang)).into_owned()
            } else {
                t!("shifts.leaderboard_header", locale = l, community = scope.label(ctx.lang)).into_owned()
            };
            for (i, (name, h)) in board.iter().enumerate() {
                text.push_str(&format!("\n{}. {name} {}h", i + 1, in_hours(h.minutes)));
                if h.auto_minutes > 0 {
                    text.push_str(&t!("shifts.auto_mark", locale = l));
                }
            }
            parts.push(text);
        }
        Some(offices) if offices.several() => parts.push(t!("shifts.leaderboard_choose", locale = l).into_owned()),
        _ => {}
    }
    if parts.is_empty() {
        parts.push(not_a_volunteer(ctx));
    }
    say(bot, ctx, parts.join("\n\n")).await
}
