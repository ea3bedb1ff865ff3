//! Officials: the roster of their community (a day's coverage per checkpoint and shift,
//! gaps and missing party members / experienced staff marked), one shift's people, remove
//! or assign a volunteer (the same rules as a claim; the volunteer is told). `/roster`
//! itself, and the subdistrict overview before it, are in `overview`.

use chrono::Days;
use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, paged};
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::outbox::{self, OutMessage};
use crate::people::scope::Scope;
use crate::shifts::board::{today, DAYS};
use crate::shifts::buttons::Cb;
use crate::shifts::store::{self, ClaimError, ReleaseError};
use crate::shifts::view;
use crate::App;

/// Buttons for shifts that need attention, at most this many (Telegram allows 100).
const MAX_BUTTONS: usize = 40;

/// One community's roster for a day (0 = today), in as many messages as it takes.
pub async fn roster(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    scope: &Scope,
    day: u16,
) -> HandlerResult {
    let l = ctx.lang.code();
    if let Some(q) = q {
        ack(bot, q).await?;
    }
    let tz = app.settings.timezone;
    let now = app.now();
    let day = day.min(DAYS - 1);
    let date = today(app).checked_add_days(Days::new(u64::from(day))).unwrap_or_else(|| today(app));
    let (from, to) = store::day_bounds(date, tz);
    let mut text =
        scope.titled(ctx.lang, t!("shifts.roster_header", locale = l, day = view::day_label(ctx.lang, date)));
    let mut attention = Vec::new();
    let mut conn = app.pool.acquire().await?;
    let shifts = store::coverage_between(&mut conn, scope.community_id, from, to).await?;
    drop(conn);
    text.push_str("\n\n");
    text.push_str(&t!("shifts.roster_community", locale = ctx.lang.code(), community = scope.label(ctx.lang)));
    if shifts.is_empty() {
        text.push('\n');
        text.push_str(&t!("shifts.none_that_day", locale = l));
    }
    for (i, s) in shifts.iter().enumerate() {
        text.push('\n');
        text.push_str(&view::roster_line(ctx.lang, i + 1, s, tz, now));
        if view::needs_attention(s, now) && attention.len() < MAX_BUTTONS {
            let label = format!("{} {}", s.checkpoint(ctx.lang), view::hhmm(s.start(), tz));
            attention.push(vec![button(label, Cb::RosterShift(s.id))]);
        }
    }
    let mut days = Vec::new();
    if day > 0 {
        days.push(button(t!("shifts.prev_day", locale = l), Cb::RosterDay(day - 1)));
    }
    if day + 1 < DAYS {
        days.push(button(t!("shifts.next_day", locale = l), Cb::RosterDay(day + 1)));
    }
    // Long rosters (64 checkpoints × 3 shifts) go out in several messages; the buttons
    // for the shifts needing attention come with the last one.
    let chunks = crate::outbox::message::split_lines(&text, crate::outbox::message::TEXT_LIMIT);
    let last = chunks.len().saturating_sub(1);
    for (i, chunk) in chunks.into_iter().enumerate() {
        if i == last {
            let mut rows = attention.clone();
            rows.push(days.clone());
            say_with(bot, ctx, chunk, InlineKeyboardMarkup::new(rows)).await?;
        } else {
            say(bot, ctx, chunk).await?;
        }
    }
    Ok(())
}

/// The shift's community as a scope, only if this person runs it (button data is never
/// trusted: the shift id may belong to another community).
async fn authorised(app: &App, ctx: &Ctx, shift_id: i64) -> crate::Result<Option<Scope>> {
    match store::shift_community(&app.pool, shift_id).await? {
        Some(community) => Scope::of(app, ctx, community).await,
        None => Ok(None),
    }
}

pub async fn shift(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shift_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(scope) = authorised(app, ctx, shift_id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    ack(bot, q).await?;
    let mut conn = app.pool.acquire().await?;
    let s = store::describe(&mut conn, shift_id).await?.unwrap_or_default();
    drop(conn);
    let when = view::when(ctx.lang, s.start(), s.end(), app.settings.timezone);
    let mut text = scope.titled(ctx.lang, format!("{} {when}", s.checkpoint(ctx.lang)));
    let people_on = store::claimants(&app.pool, shift_id).await?;
    let mut rows = Vec::new();
    if people_on.is_empty() {
        text.push('\n');
        text.push_str(&t!("shifts.nobody", locale = l));
    }
    for c in people_on {
        let mut line = format!("\n· {}", c.name);
        if c.senior {
            line.push_str(&t!("shifts.senior_mark", locale = l));
        }
        if c.checked_out {
            line.push_str(&t!("shifts.checked_out_mark", locale = l));
            if c.auto_closed {
                line.push_str(&t!("shifts.auto_mark", locale = l));
            }
        } else if c.checked_in {
            line.push_str(&t!("shifts.checked_in_mark", locale = l));
        } else if c.no_show {
            line.push_str(&t!("shifts.no_show_mark", locale = l));
        }
        text.push_str(&line);
        rows.push(vec![button(
            t!("shifts.remove_button", locale = l, name = c.name.as_str()),
            Cb::RemoveFromShift { shift_id, user_id: c.user_id },
        )]);
    }
    rows.push(vec![button(t!("shifts.assign_button", locale = l), Cb::AssignPick { shift_id, page: 0 })]);
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

pub async fn assign_pick(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    shift_id: i64,
    page: u16,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(scope) = authorised(app, ctx, shift_id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    ack(bot, q).await?;
    let items = store::assignable(&mut *app.pool.acquire().await?, scope.community_id, shift_id)
        .await?
        .into_iter()
        .map(|(user_id, name)| (name, Cb::Assign { shift_id, user_id }))
        .collect::<Vec<_>>();
    if items.is_empty() {
        return say(bot, ctx, scope.titled(ctx.lang, t!("shifts.nobody_to_assign", locale = l))).await;
    }
    let kb = paged(ctx.lang, items, page, |p| Cb::AssignPick { shift_id, page: p });
    say_with(bot, ctx, scope.titled(ctx.lang, t!("shifts.assign_who", locale = l)), kb).await
}

pub async fn assign(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shift_id: i64, user_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(scope) = authorised(app, ctx, shift_id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    let reminders = &app.settings.shifts.reminders;
    // The assignment and the volunteer's notification commit together.
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let claimed = store::claim_with(&mut work, shift_id, user_id, Some(ctx.user_id), now, reminders).await?;
    if claimed.is_ok() {
        tell(app, &mut work, shift_id, user_id, true).await?;
    }
    work.commit().await?;
    match claimed {
        Err(ClaimError::NoSuchShift) => refuse(bot, q, t!("common.stale_button", locale = l)).await,
        Err(ClaimError::Refused(r)) => refuse(bot, q, view::refusal(ctx.lang, r)).await,
        Ok(()) => {
            ack(bot, q).await?;
            say(bot, ctx, scope.titled(ctx.lang, t!("shifts.assigned", locale = l))).await
        }
    }
}

pub async fn remove(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shift_id: i64, user_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(scope) = authorised(app, ctx, shift_id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let released = store::release(&mut work, shift_id, user_id, true, now).await?;
    if released.is_ok() {
        tell(app, &mut work, shift_id, user_id, false).await?;
    }
    work.commit().await?;
    match released {
        Err(ReleaseError::NotYours) => refuse(bot, q, t!("common.stale_button", locale = l)).await,
        Err(ReleaseError::Refused(r)) => {
            let cutoff = app.settings.shifts.release_cutoff;
            refuse(bot, q, view::release_refusal(ctx.lang, r, cutoff, now, app.settings.timezone)).await
        }
        Ok(()) => {
            ack(bot, q).await?;
            say(bot, ctx, scope.titled(ctx.lang, t!("shifts.removed", locale = l))).await
        }
    }
}

/// Tells a volunteer an official assigned or removed them (through the outbox).
async fn tell(app: &App, work: &mut Work, shift_id: i64, user_id: i64, assigned: bool) -> crate::Result<()> {
    let lang = crate::people::read::lang_of(work, user_id).await?;
    let s = store::describe(work, shift_id).await?.unwrap_or_default();
    let when = view::when(lang, s.start(), s.end(), app.settings.timezone);
    let checkpoint = s.checkpoint(lang);
    let text = if assigned {
        t!("shifts.you_were_assigned", locale = lang.code(), checkpoint = checkpoint, when = when)
    } else {
        t!("shifts.you_were_removed", locale = lang.code(), checkpoint = checkpoint, when = when)
    };
    work.notify(user_id, OutMessage::text(text), outbox::Options::default()).await?;
    Ok(())
}
