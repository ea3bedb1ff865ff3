//! Volunteers: `/shifts`, a day's board; claim a place, or take one offered for a swap.
//! Their own shifts are `mine`, checking in and out and hours `attendance`.

use chrono::{Days, NaiveDate};
use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::outbox::{self, OutMessage};
use crate::people::model::Role;
use crate::people::read as people;
use crate::shifts::buttons::Cb;
use crate::shifts::model::{self, Phase};
use crate::shifts::store::{self, ClaimError, SwapError};
use crate::shifts::view;
use crate::App;

/// Days ahead the board shows (today + 6).
pub const DAYS: u16 = 7;
const PER_PAGE: usize = 8;

pub fn today(app: &App) -> NaiveDate {
    app.clock.now().with_timezone(&app.settings.timezone).date_naive()
}

/// Why someone without an approved volunteer membership cannot use the board: a resident
/// (or anyone who never joined) is told how to become a volunteer; an applicant to wait.
pub fn not_a_volunteer(ctx: &Ctx) -> String {
    let l = ctx.lang.code();
    if is_volunteer(ctx) {
        t!("shifts.refused.not_approved", locale = l).into_owned()
    } else {
        t!("shifts.refused.not_volunteer", locale = l).into_owned()
    }
}

fn is_volunteer(ctx: &Ctx) -> bool {
    ctx.roles.memberships.iter().any(|m| m.role == Role::Volunteer)
}

pub async fn board(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>, day: u16, page: u16) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(community) = ctx.roles.volunteer_community() else {
        if let Some(q) = q {
            return refuse(bot, q, not_a_volunteer(ctx)).await;
        }
        return say(bot, ctx, not_a_volunteer(ctx)).await;
    };
    if let Some(q) = q {
        ack(bot, q).await?;
    }
    let tz = app.settings.timezone;
    let now = app.now();
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
        text.push_str(&view::shift_line(ctx.lang, i + 1, s, tz, now));
        // A shift that has started is not offered: tapping would only say so.
        if s.mine || model::phase(s.start(), s.end(), now) != Phase::Upcoming {
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
    if !is_volunteer(ctx) {
        return refuse(bot, q, not_a_volunteer(ctx)).await;
    }
    let rules = &app.settings.shifts;
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let claimed = store::claim_with(&mut work, shift_id, ctx.user_id, None, now, &rules.reminders).await?;
    let what = store::describe(&mut work, shift_id).await?;
    work.commit().await?;
    match (claimed, what) {
        (Err(ClaimError::Refused(r)), _) => refuse(bot, q, view::refusal(ctx.lang, r)).await,
        (Ok(()), Some(s)) => {
            ack(bot, q).await?;
            let tz = app.settings.timezone;
            let text = t!(
                "shifts.claimed",
                locale = ctx.lang.code(),
                checkpoint = s.checkpoint(ctx.lang),
                when = view::when(ctx.lang, s.start(), s.end(), tz),
                reminders = view::reminders_note(ctx.lang, s.start(), now, &rules.reminders),
                release = view::release_note(ctx.lang, s.start(), now, rules.release_cutoff, tz)
            );
            say(bot, ctx, text).await
        }
        _ => refuse(bot, q, t!("common.stale_button", locale = ctx.lang.code())).await,
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
    if !is_volunteer(ctx) {
        return refuse(bot, q, not_a_volunteer(ctx)).await;
    }
    if giver == ctx.user_id {
        return refuse(bot, q, t!("shifts.refused.already", locale = l)).await;
    }
    let reminders = &app.settings.shifts.reminders;
    // The swap and the giver's notification commit together.
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let taken = store::take_offer(&mut work, shift_id, giver, ctx.user_id, now, reminders).await?;
    let Ok(()) = taken else {
        work.commit().await?; // nothing changed; the update is answered
        return match taken {
            Err(SwapError::Refused(r)) => refuse(bot, q, view::refusal(ctx.lang, r)).await,
            _ => refuse(bot, q, t!("shifts.offer_gone", locale = l)).await,
        };
    };
    let s = store::describe(&mut work, shift_id).await?.unwrap_or_default();
    let tz = app.settings.timezone;
    let (giver_name, giver_lang) = people::name_and_lang(&mut work, giver).await?.unwrap_or_default();
    let text = t!(
        "shifts.swap_given",
        locale = giver_lang.code(),
        name = ctx.display_name.as_str(),
        checkpoint = s.checkpoint(giver_lang),
        when = view::when(giver_lang, s.start(), s.end(), tz)
    );
    work.notify(giver, OutMessage::text(text), outbox::Options::default()).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let mine = t!(
        "shifts.swap_taken",
        locale = l,
        name = giver_name.as_str(),
        checkpoint = s.checkpoint(ctx.lang),
        when = view::when(ctx.lang, s.start(), s.end(), tz),
        reminders = view::reminders_note(ctx.lang, s.start(), now, reminders)
    );
    say(bot, ctx, mine).await
}
