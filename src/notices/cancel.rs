//! Cancelling a scheduled notice before it goes out. The cancel and the scheduled send
//! both leave `scheduled` with a conditional update, so exactly one of them happens; the
//! send job is removed in the same transaction as the cancel.
//!
//! ```text
//! official → /notices → [#14 …] → [取消这条通知]
//! bot      → 确认取消通知 #14 吗？它原定 11-27 20:30 发送，取消后不会发出。 [确认取消] [‹ 返回]
//! official → [确认取消] → 通知 #14 已取消，不会发出。
//! ```

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::notices::buttons::Cb;
use crate::notices::manage::{managed, when};
use crate::notices::store::{self, Notice, NoticeStatus};
use crate::notices::view;
use crate::App;

/// Why a notice cannot be cancelled (it went out, or is cancelled already), if so.
fn refusal(app: &App, ctx: &Ctx, notice: &Notice) -> Option<String> {
    let l = ctx.lang.code();
    match notice.status {
        NoticeStatus::Scheduled => None,
        NoticeStatus::Sent => Some(t!("notices.cancel_too_late", locale = l, id = notice.id, at = when(app, notice))),
        NoticeStatus::Cancelled => Some(t!("notices.already_cancelled", locale = l, id = notice.id)),
    }
    .map(|t| t.into_owned())
}

pub async fn ask(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(notice) = managed(bot, app, ctx, q, id, false).await? else { return Ok(()) };
    if let Some(text) = refusal(app, ctx, &notice) {
        return view::refuse(bot, q, text).await;
    }
    view::ack(bot, q).await?;
    let kb = InlineKeyboardMarkup::new(vec![vec![
        button(t!("notices.cancel_yes", locale = l), Cb::NoticeConfirmCancel(id)),
        button(t!("notices.back_button", locale = l), Cb::NoticeDetail(id)),
    ]]);
    view::say_with(bot, ctx, t!("notices.cancel_confirm", locale = l, id = id, at = when(app, &notice)), kb).await
}

pub async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let Some(_) = managed(bot, app, ctx, q, id, false).await? else { return Ok(()) };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let cancelled = store::cancel(&mut work, now, id).await?;
    // Read on the same transaction: if the send won, this is the notice it sent.
    let notice = store::get(&mut work, id).await?;
    work.commit().await?;
    if cancelled {
        view::ack(bot, q).await?;
        return view::say(bot, ctx, t!("notices.cancelled", locale = ctx.lang.code(), id = id)).await;
    }
    match notice.and_then(|n| refusal(app, ctx, &n)) {
        Some(text) => view::refuse(bot, q, text).await,
        None => view::stale(bot, q, ctx).await,
    }
}
