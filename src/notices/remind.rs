//! Reminding the recipients who have not acknowledged a notice. Each reminder is an
//! explicit, numbered action: the question says when the last one went out, its "confirm"
//! carries the number of the reminder it creates, and a second tap of it (later, or at the
//! same moment) is answered "already sent at …" instead of sending again.
//!
//! ```text
//! official → [再次提醒未确认的人]
//! bot      → 确认把通知 #12 再发给 4 人吗？ 上次提醒：11-27 10:05 发给 6 人。 [确认] [取消]
//! official → [确认] → 通知 #12 已再次发给 4 人。
//! official → [确认] (again) → 这次提醒已在 11-27 14:30 发出（4 人）…
//! ```

use rust_i18n::t;
use teloxide::prelude::*;

use crate::bot::keyboard::confirm_cancel;
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::i18n::Lang;
use crate::notices::buttons::Cb;
use crate::notices::manage::{managed, short_time};
use crate::notices::store::{self, RemindOutcome, Reminder};
use crate::notices::view;
use crate::App;

/// "Last reminder sent 11-27 14:30 to 4 people.", if there was one.
pub async fn last_line(app: &App, ctx: &Ctx, id: i64) -> crate::Result<Option<String>> {
    let mut conn = app.pool.acquire().await?;
    Ok(store::last_reminder(&mut conn, id).await?.map(|r| describe(app, ctx.lang, &r)))
}

fn describe(app: &App, lang: Lang, r: &Reminder) -> String {
    t!(
        "notices.last_reminder",
        locale = lang.code(),
        at = short_time(app, r.sent_at),
        people = crate::i18n::people(lang, r.people)
    )
    .into_owned()
}

/// Asks before reminding, with when the last reminder went out.
pub async fn ask(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(_) = managed(bot, app, ctx, q, id, true).await? else { return Ok(()) };
    let (_, total) = store::unacknowledged(&app.pool, ctx.lang, id, 0).await?;
    view::ack(bot, q).await?;
    if total == 0 {
        return view::say(bot, ctx, t!("notices.all_acked", locale = l, id = id)).await;
    }
    let mut conn = app.pool.acquire().await?;
    let last = store::last_reminder(&mut conn, id).await?;
    drop(conn);
    let Ok(reminder) = u16::try_from(last.map_or(0, |r| r.number) + 1) else {
        return view::say(bot, ctx, t!("common.stale_button", locale = l)).await;
    };
    let mut text =
        t!("notices.resend_confirm", locale = l, id = id, people = crate::i18n::people(ctx.lang, total)).into_owned();
    if let Some(r) = last {
        text.push('\n');
        text.push_str(&describe(app, ctx.lang, &r));
    }
    view::say_with(bot, ctx, text, confirm_cancel(ctx.lang, Cb::NoticeConfirmResend { id, reminder })).await
}

/// Sends reminder number `reminder`, once: the record and the copies commit together.
pub async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64, reminder: u16) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(notice) = managed(bot, app, ctx, q, id, true).await? else { return Ok(()) };
    let media = notice.media_kind.as_deref().zip(notice.media_file_id.as_deref());
    let zh = view::render(Lang::ZhCn, &notice.body, media, notice.urgent, id, false);
    let en = view::render(Lang::En, &notice.body, media, notice.urgent, id, false);
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let outcome = store::remind(&mut work, now, &notice, i64::from(reminder), ctx.user_id, &zh, &en).await?;
    work.commit().await?;
    match outcome {
        RemindOutcome::Sent(count) => {
            view::ack(bot, q).await?;
            view::say(
                bot,
                ctx,
                t!("notices.resent", locale = l, id = id, people = crate::i18n::people(ctx.lang, count)),
            )
            .await
        }
        RemindOutcome::AlreadySent(r) => {
            let text = t!(
                "notices.reminder_already",
                locale = l,
                at = short_time(app, r.sent_at),
                people = crate::i18n::people(ctx.lang, r.people)
            );
            view::refuse(bot, q, text).await
        }
        RemindOutcome::Stale => view::stale(bot, q, ctx).await,
    }
}
