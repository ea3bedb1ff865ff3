//! Volunteers: `/shifts` (a day's board; claim, or take a place offered for a swap),
//! `/myshifts` (release, offer, check in and out), check-in by location, `/hours`.

use chrono::{Days, NaiveDate};
use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{ButtonRequest, InlineKeyboardMarkup, KeyboardButton, KeyboardMarkup, KeyboardRemove};

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::clock::from_millis;
use crate::outbox::{self, OutMessage};
use crate::people::read as people;
use crate::people::scope::{self, Offices};
use crate::shifts::buttons::Cb;
use crate::shifts::model::{self, CheckIn};
use crate::shifts::store::{self, ClaimError, ReleaseError, SwapError};
use crate::shifts::view;
use crate::App;

/// Days ahead the board shows (today + 6).
pub const DAYS: u16 = 7;
const PER_PAGE: usize = 8;

pub fn today(app: &App) -> NaiveDate {
    app.clock.now().with_timezone(&app.settings.timezone).date_naive()
}

pub async fn board(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>, day: u16, page: u16) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(community) = ctx.roles.volunteer_community() else {
        if let Some(q) = q {
            return refuse(bot, q, t!("shifts.refused.not_approved", locale = l)).await;
        }
        return say(bot, ctx, t!("shifts.refused.not_approved", locale = l)).await;
    };
    if let Some(q) = q {
        ack(bot, q).await?;
    }
    let tz = app.settings.timezone;
    let day = day.min(DAYS - 1);
    let date = today(app).checked_add_days(Days::new(u64::from(day))).unwrap_or_else(|| today(app));
    let shifts = store::day(&app.pool, community, date, ctx.user_id).await?;
    let community_name = people::community(&app.pool, community).await?.map(|c| c.label(ctx.lang).to_owned());
    let mut text = t!(
        "shifts.board_header",
        locale = l,
        day = view::day_label(ctx.lang, date),
        community = community_name.unwrap_or_default()
    )
    .into_owned();
    let pages = shifts.len().div_ceil(PER_PAGE).max(1);
    let page = usize::from(page).min(pages - 1);
    let mut rows = Vec::new();
    if shifts.is_empty() {
        text.push_str("\n\n");
        text.push_str(&t!("shifts.none_that_day", locale = l));
    }
    for (i, s) in shifts.iter().enumerate().skip(page * PER_PAGE).take(PER_PAGE) {
        text.push('\n');
        text.push_str(&view::shift_line(ctx.lang, i + 1, s, tz));
        if s.mine {
            continue;
        }
        if let Some(giver) = s.offered_by {
            rows.push(vec![button(
                t!("shifts.take_button", locale = l, n = i + 1),
                Cb::TakeOffer { shift_id: s.id, giver },
            )]);
        } else if s.taken < s.capacity {
            rows.push(vec![button(t!("shifts.claim_button", locale = l, n = i + 1), Cb::ClaimShift(s.id))]);
        }
    }
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(t!("common.prev_page", locale = l), Cb::ShiftDay { day, page: page as u16 - 1 }));
    }
    if page + 1 < pages {
        nav.push(button(t!("common.next_page", locale = l), Cb::ShiftDay { day, page: page as u16 + 1 }));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    let mut days = Vec::new();
    if day > 0 {
        days.push(button(t!("shifts.prev_day", locale = l), Cb::ShiftDay { day: day - 1, page: 0 }));
    }
    if day + 1 < DAYS {
        days.push(button(t!("shifts.next_day", locale = l), Cb::ShiftDay { day: day + 1, page: 0 }));
    }
    rows.push(days);
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

pub async fn claim(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shift_id: i64) -> HandlerResult {
    let reminders = &app.settings.shifts.reminders;
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let claimed = store::claim_with(&mut work, shift_id, ctx.user_id, None, now, reminders).await?;
    let what = store::describe(&mut work, shift_id).await?;
    work.commit().await?;
    match claimed {
        Err(ClaimError::NoSuchShift) => refuse(bot, q, t!("common.stale_button", locale = ctx.lang.code())).await,
        Err(ClaimError::Refused(r)) => refuse(bot, q, view::refusal(ctx.lang, r)).await,
        Ok(()) => {
            ack(bot, q).await?;
            let tz = app.settings.timezone;
            let (name, when) = what
                .map(|(n, _, s, e)| (n, view::when(ctx.lang, from_millis(s), from_millis(e), tz)))
                .unwrap_or_default();
            say(bot, ctx, t!("shifts.claimed", locale = ctx.lang.code(), checkpoint = name.as_str(), when = when)).await
        }
    }
}

pub async fn take_offer(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    shift_id: i64,
    giver: i64,
) -> HandlerResult {
    let l = ctx.lang.code();
    if giver == ctx.user_id {
        return refuse(bot, q, t!("shifts.refused.already", locale = l)).await;
    }
    // The swap and the giver's notification commit together.
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let taken = store::take_offer(&mut work, shift_id, giver, ctx.user_id, now, &app.settings.shifts.reminders).await?;
    let Ok(()) = taken else {
        work.commit().await?; // nothing changed; the update is answered
        return match taken {
            Err(SwapError::Refused(r)) => refuse(bot, q, view::refusal(ctx.lang, r)).await,
            _ => refuse(bot, q, t!("shifts.offer_gone", locale = l)).await,
        };
    };
    let (name, _, start, end) = store::describe(&mut work, shift_id).await?.unwrap_or_default();
    let tz = app.settings.timezone;
    let (giver_name, giver_lang) = crate::people::read::name_and_lang(&mut work, giver).await?.unwrap_or_default();
    let text = t!(
        "shifts.swap_given",
        locale = giver_lang.code(),
        name = ctx.display_name.as_str(),
        checkpoint = name.as_str(),
        when = view::when(giver_lang, from_millis(start), from_millis(end), tz)
    );
    work.notify(giver, OutMessage::text(text), outbox::Options::default()).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let mine = t!(
        "shifts.swap_taken",
        locale = l,
        name = giver_name.as_str(),
        checkpoint = name.as_str(),
        when = view::when(ctx.lang, from_millis(start), from_millis(end), tz)
    );
    say(bot, ctx, mine).await
}

pub async fn my_shifts(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let now = app.clock.now();
    let tz = app.settings.timezone;
    let shifts = store::mine(&app.pool, ctx.user_id, now).await?;
    if shifts.is_empty() {
        return say(bot, ctx, t!("shifts.none_mine", locale = l)).await;
    }
    let mut text = t!("shifts.mine_header", locale = l).into_owned();
    let mut rows = Vec::new();
    for (i, s) in shifts.iter().enumerate() {
        let n = i + 1;
        let (start, end) = (from_millis(s.start_at), from_millis(s.end_at));
        text.push_str(&format!("\n{n}. {} {}", s.checkpoint, view::when(ctx.lang, start, end, tz)));
        if s.offered {
            text.push_str(&t!("shifts.offered_by_me_mark", locale = l));
        }
        let mut row = Vec::new();
        match (s.checked_in_at, s.checked_out_at) {
            (Some(_), None) => {
                row.push(button(t!("shifts.check_out_button", locale = l, n = n), Cb::CheckOut(s.shift_id)))
            }
            (Some(_), Some(_)) => text.push_str(&t!("shifts.done_mark", locale = l)),
            (None, _) => {
                if model::check_in_window(start, end, now, model::CHECK_IN_OPENS_BEFORE) == CheckIn::Open {
                    row.push(button(t!("shifts.check_in_button", locale = l, n = n), Cb::CheckIn(s.shift_id)));
                } else {
                    row.push(button(t!("shifts.release_button", locale = l, n = n), Cb::ReleaseShift(s.shift_id)));
                    if !s.offered {
                        row.push(button(t!("shifts.offer_button", locale = l, n = n), Cb::OfferShift(s.shift_id)));
                    }
                }
            }
        }
        if !row.is_empty() {
            rows.push(row);
        }
    }
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

pub async fn release(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shift_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let cutoff = app.settings.shifts.release_cutoff;
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let released = store::release_with(&mut work, shift_id, ctx.user_id, false, now, cutoff).await?;
    work.commit().await?;
    match released {
        Err(ReleaseError::NotYours) => refuse(bot, q, t!("shifts.not_yours", locale = l)).await,
        Err(ReleaseError::Refused(r)) => {
            refuse(bot, q, view::release_refusal(ctx.lang, r, app.settings.timezone)).await
        }
        Ok(()) => {
            ack(bot, q).await?;
            say(bot, ctx, t!("shifts.released", locale = l)).await
        }
    }
}

pub async fn offer(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shift_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let offered = store::set_offer(&mut work, shift_id, ctx.user_id, true, now).await?;
    work.commit().await?;
    if !offered {
        return refuse(bot, q, t!("shifts.not_yours", locale = l)).await;
    }
    ack(bot, q).await?;
    say(bot, ctx, t!("shifts.offered", locale = l)).await
}

/// The check-in button. Where the checkpoint has coordinates, it asks for the location
/// (checked against the radius); elsewhere it checks in at once.
pub async fn check_in(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shift_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let now = app.clock.now();
    let shifts = store::mine(&app.pool, ctx.user_id, now).await?;
    let Some(s) = shifts.iter().find(|s| s.shift_id == shift_id) else {
        return refuse(bot, q, t!("shifts.not_yours", locale = l)).await;
    };
    let (start, end) = (from_millis(s.start_at), from_millis(s.end_at));
    match model::check_in_window(start, end, now, model::CHECK_IN_OPENS_BEFORE) {
        CheckIn::TooEarly { opens_at } => {
            return refuse(
                bot,
                q,
                t!("shifts.too_early", locale = l, at = view::hhmm(opens_at, app.settings.timezone)),
            )
            .await;
        }
        CheckIn::Closed => return refuse(bot, q, t!("shifts.release_ended", locale = l)).await,
        CheckIn::Open => {}
    }
    ack(bot, q).await?;
    if s.latitude.is_some() {
        let kb = KeyboardMarkup::new(vec![vec![
            KeyboardButton::new(t!("shifts.share_location", locale = l)).request(ButtonRequest::Location)
        ]])
        .resize_keyboard()
        .one_time_keyboard();
        bot.send_message(ctx.chat_id, t!("shifts.ask_location", locale = l, checkpoint = s.checkpoint.as_str()))
            .reply_markup(kb)
            .await?;
        return Ok(());
    }
    let mut work = Work::begin(app, ctx).await?;
    store::check_in(&mut work, shift_id, ctx.user_id, now).await?;
    work.commit().await?;
    say(bot, ctx, t!("shifts.checked_in", locale = l, checkpoint = s.checkpoint.as_str())).await
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
    if let (Some(clat), Some(clon)) = (s.latitude, s.longitude) {
        let distance = model::distance_m(lat, lon, clat, clon);
        if distance > s.radius_m as f64 {
            let text = t!(
                "shifts.too_far",
                locale = l,
                distance = distance.round() as i64,
                radius = s.radius_m,
                checkpoint = s.checkpoint.as_str()
            );
            return say(bot, ctx, text).await;
        }
    }
    let mut work = Work::begin(app, ctx).await?;
    store::check_in(&mut work, s.shift_id, ctx.user_id, now).await?;
    work.commit().await?;
    bot.send_message(ctx.chat_id, t!("shifts.checked_in", locale = l, checkpoint = s.checkpoint.as_str()))
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
    if !checked_out {
        return refuse(bot, q, t!("shifts.not_yours", locale = l)).await;
    }
    ack(bot, q).await?;
    let minutes = store::minutes_worked(&app.pool, ctx.user_id).await?;
    say(bot, ctx, t!("shifts.checked_out", locale = l, hours = format!("{:.1}", minutes as f64 / 60.0))).await
}

pub async fn hours(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let minutes = store::minutes_worked(&app.pool, ctx.user_id).await?;
    let mut text = t!("shifts.my_hours", locale = l, hours = format!("{:.1}", minutes as f64 / 60.0)).into_owned();
    // Officials also see the leaderboard of the community they act on, when it has one.
    match scope::resolve(app, ctx).await? {
        Some(Offices { scope: Some(scope), .. }) => {
            let board = store::leaderboard(&app.pool, scope.community_id, 10).await?;
            if !board.is_empty() {
                text.push_str("\n\n");
                text.push_str(&t!("shifts.leaderboard_header", locale = l, community = scope.label(ctx.lang)));
            }
            for (i, (name, minutes)) in board.iter().enumerate() {
                text.push_str(&format!("\n{}. {name} {:.1}h", i + 1, *minutes as f64 / 60.0));
            }
        }
        Some(offices) if offices.several() => {
            text.push_str("\n\n");
            text.push_str(&t!("shifts.leaderboard_choose", locale = l));
        }
        _ => {}
    }
    say(bot, ctx, text).await
}
