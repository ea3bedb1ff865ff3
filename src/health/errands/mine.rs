//! `/myerrands`: a resident's errands under way, who is coming, cancel while nobody has
//! claimed it (asked first), and the answer to "done": [完成了，谢谢] / [还没办好].
//! "Not done" opens it again for everyone (urgent ones are paged again) and tells the
//! volunteer who had it.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, confirm_cancel};
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::clock::from_millis;
use crate::health::errands::buttons::Cb;
use crate::health::errands::model::{self, Status};
use crate::health::errands::page;
use crate::health::errands::store::{self, Errand};
use crate::i18n::Lang;
use crate::outbox::{self, OutMessage};
use crate::App;

/// What the resident reads of one of their errands.
pub fn line(lang: Lang, e: &Errand, now: chrono::DateTime<chrono::Utc>) -> String {
    let l = lang.code();
    let mut text = t!(
        "errands.mine.line",
        locale = l,
        id = e.id,
        kind = e.kind.name(lang),
        status = e.status.name(lang),
        age = model::age(lang, now - from_millis(e.created_at))
    )
    .into_owned();
    if let (Status::Claimed | Status::Done, Some(name)) = (e.status, &e.claimer_name) {
        text.push_str(&t!("errands.mine.coming", locale = l, name = name));
    }
    if !e.note.is_empty() {
        text.push_str(&t!("errands.mine.note", locale = l, note = e.note));
    }
    text
}

/// The buttons under a done errand, for the resident.
pub fn answer_keyboard(lang: Lang, id: i64) -> InlineKeyboardMarkup {
    let l = lang.code();
    InlineKeyboardMarkup::new(vec![vec![
        button(t!("errands.mine.thanks_button", locale = l), Cb::Thanks(id)),
        button(t!("errands.mine.not_done_button", locale = l), Cb::NotDone(id)),
    ]])
}

pub async fn list(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let mut conn = app.pool.acquire().await?;
    let mine = store::requested_by(&mut conn, ctx.user_id).await?;
    drop(conn);
    if mine.is_empty() {
        let key = if ctx.roles.resident.is_some() { "errands.mine.none" } else { "errands.not_registered" };
        return say(bot, ctx, t!(key, locale = l)).await;
    }
    let now = app.now();
    let mut text = t!("errands.mine.header", locale = l).into_owned();
    let mut rows = Vec::new();
    for e in &mine {
        text.push_str("\n\n");
        text.push_str(&line(ctx.lang, e, now));
        match e.status {
            Status::Open => {
                rows.push(vec![button(t!("errands.mine.cancel_button", locale = l, id = e.id), Cb::CancelErrand(e.id))])
            }
            Status::Done => rows.extend(answer_keyboard(ctx.lang, e.id).inline_keyboard),
            _ => {}
        }
    }
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

async fn own(app: &App, ctx: &Ctx, id: i64) -> crate::Result<Option<Errand>> {
    let mut conn = app.pool.acquire().await?;
    Ok(store::get(&mut conn, id).await?.filter(|e| e.requester == ctx.user_id))
}

/// "Cancel errand #12?"; only the confirm cancels.
pub async fn ask_cancel(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(e) = own(app, ctx, id).await?.filter(|e| e.status == Status::Open) else {
        return refuse(bot, q, t!("errands.mine.cannot_cancel", locale = l)).await;
    };
    ack(bot, q).await?;
    let text = t!("errands.mine.cancel_confirm", locale = l, id = id, kind = e.kind.name(ctx.lang));
    say_with(bot, ctx, text, confirm_cancel(ctx.lang, Cb::ConfirmCancelErrand(id))).await
}

pub async fn cancel(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let cancelled = store::cancel(&mut work, now, id, ctx.user_id).await?;
    work.commit().await?;
    if !cancelled {
        let key = match own(app, ctx, id).await?.map(|e| e.status) {
            Some(Status::Cancelled) => "errands.mine.already_cancelled",
            _ => "errands.mine.cannot_cancel",
        };
        return refuse(bot, q, t!(key, locale = l)).await;
    }
    ack(bot, q).await?;
    say(bot, ctx, t!("errands.mine.cancelled", locale = l, id = id)).await
}

/// "Done, thank you": closed; the volunteer is thanked.
pub async fn thanks(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    if !store::confirm(&mut work, now, id, ctx.user_id).await? {
        drop(work);
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    }
    if let Some(e) = store::get(&mut work, id).await? {
        if let Some(volunteer) = e.claimed_by {
            let lang = crate::people::read::lang_of(&mut work, volunteer).await?;
            let text = t!("errands.board.thanked", locale = lang.code(), id = id, kind = e.kind.name(lang));
            work.notify(volunteer, OutMessage::text(text), outbox::Options::default()).await?;
        }
    }
    work.commit().await?;
    ack(bot, q).await?;
    say(bot, ctx, t!("errands.mine.confirmed", locale = l, id = id)).await
}

/// "Not done": open again (paged again when urgent); the volunteer is told.
pub async fn not_done(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let Some(volunteer) = store::not_done(&mut work, id, ctx.user_id).await? else {
        drop(work);
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let Some(e) = store::get(&mut work, id).await? else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    if volunteer != 0 {
        let lang = crate::people::read::lang_of(&mut work, volunteer).await?;
        let text = t!("errands.board.reopened", locale = lang.code(), id = id, kind = e.kind.name(lang));
        work.notify(volunteer, OutMessage::text(text), outbox::Options::default()).await?;
    }
    page::open(&mut work, app, now, id, e.urgent).await?;
    work.commit().await?;
    ack(bot, q).await?;
    say(bot, ctx, t!("errands.mine.reopened", locale = l, id = id)).await
}
