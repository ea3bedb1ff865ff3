//! A volunteer's own shifts: `/myshifts` (with the buttons that fit each one's moment:
//! check in, check out, release while the deadline is ahead, offer for a swap), release
//! and offer.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::clock::from_millis;
use crate::shifts::buttons::Cb;
use crate::shifts::model::{self, CheckIn};
use crate::shifts::store::{self, ReleaseError};
use crate::shifts::view;
use crate::App;

pub async fn my_shifts(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let now = app.clock.now();
    let tz = app.settings.timezone;
    let cutoff = app.settings.shifts.release_cutoff;
    let shifts = store::mine(&app.pool, ctx.user_id, now).await?;
    if shifts.is_empty() {
        return say(bot, ctx, t!("shifts.none_mine", locale = l)).await;
    }
    let mut text = t!("shifts.mine_header", locale = l).into_owned();
    let mut rows = Vec::new();
    for (i, s) in shifts.iter().enumerate() {
        let n = i + 1;
        let (start, end) = (from_millis(s.start_at), from_millis(s.end_at));
        text.push_str(&format!("\n{n}. {} {}", s.checkpoint(ctx.lang), view::when(ctx.lang, start, end, tz)));
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
                    // Past the deadline only a swap is left; the button would only refuse.
                    if model::release_deadline(start, now, cutoff).is_some() {
                        row.push(button(t!("shifts.release_button", locale = l, n = n), Cb::ReleaseShift(s.shift_id)));
                    }
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
            refuse(bot, q, view::release_refusal(ctx.lang, r, cutoff, now, app.settings.timezone)).await
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
