//! After composing: acknowledgements, the officials' `/notices` (figures, who has not
//! acknowledged, templates; reminders are `remind`, cancelling `cancel`) and everyone
//! else's `/notices` (recent notices meant for them, so late registrants catch up).

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::clock::from_millis;
use crate::notices::buttons::Cb;
use crate::notices::model::Person;
use crate::notices::store::{self, AckOutcome, Notice, NoticeStatus};
use crate::notices::view;
use crate::people::model::{MembershipStatus, Role};
use crate::people::read as people;
use crate::App;

const PER_PAGE: i64 = 5;

fn may_manage(ctx: &Ctx, notice: &Notice) -> bool {
    match notice.community_id {
        None => ctx.roles.admin,
        Some(c) => ctx.roles.is_official_of(c),
    }
}

async fn load(app: &App, id: i64) -> crate::Result<Option<Notice>> {
    let mut conn = app.pool.acquire().await?;
    store::get(&mut conn, id).await
}

/// The notice, if this person may manage it (and, with `sent_only`, it has gone out);
/// otherwise the tap has been answered with the reason and `None` is returned.
pub(super) async fn managed(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    id: i64,
    sent_only: bool,
) -> crate::Result<Option<Notice>> {
    let Some(notice) = load(app, id).await? else {
        view::stale(bot, q, ctx).await?;
        return Ok(None);
    };
    if !may_manage(ctx, &notice) {
        view::not_allowed(bot, q, ctx).await?;
        return Ok(None);
    }
    let l = ctx.lang.code();
    let refusal = match notice.status {
        NoticeStatus::Sent => None,
        NoticeStatus::Scheduled => Some(t!("notices.not_sent_yet", locale = l)),
        NoticeStatus::Cancelled => Some(t!("notices.was_cancelled", locale = l, id = id)),
    };
    if let Some(text) = refusal.filter(|_| sent_only) {
        view::refuse(bot, q, text).await?;
        return Ok(None);
    }
    Ok(Some(notice))
}

/// A local time in lists and figures: "11-27 20:30".
pub(super) fn short_time(app: &App, ms: i64) -> String {
    from_millis(ms).with_timezone(&app.settings.timezone).format("%m-%d %H:%M").to_string()
}

/// When it went out, or is (was) to go out.
pub(super) fn when(app: &App, notice: &Notice) -> String {
    short_time(app, notice.sent_at.unwrap_or(notice.send_at))
}

pub async fn acknowledge(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    if id == 0 {
        return view::refuse(bot, q, t!("notices.ack_preview", locale = l)).await;
    }
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let outcome = store::ack(&mut work, now, id, ctx.user_id, ctx.chat_id.0).await?;
    work.commit().await?;
    let text = match outcome {
        AckOutcome::Recorded => t!("notices.ack_recorded", locale = l),
        AckOutcome::AlreadyRecorded => t!("notices.ack_already", locale = l),
        AckOutcome::NotForYou => t!("notices.ack_not_for_you", locale = l),
    };
    // An alert, not a fleeting toast: elderly people must see that it worked.
    bot.answer_callback_query(q.id.clone()).text(text).show_alert(true).await?;
    Ok(())
}

pub async fn list(bot: &Bot, app: &App, ctx: &Ctx, page: u16) -> HandlerResult {
    if !ctx.roles.is_official_anywhere() {
        return recent_for_me(bot, app, ctx).await;
    }
    let l = ctx.lang.code();
    let communities: Vec<i64> =
        people::official_communities(&app.pool, ctx.user_id, ctx.roles.admin).await?.iter().map(|c| c.id).collect();
    let offset = i64::from(page) * PER_PAGE;
    let notices = store::list(&app.pool, &communities, ctx.roles.admin, offset, PER_PAGE + 1).await?;
    if notices.is_empty() {
        return view::say(bot, ctx, t!("notices.none_sent", locale = l)).await;
    }
    let mut text = t!("notices.list_header", locale = l).into_owned();
    let mut rows = Vec::new();
    for n in notices.iter().take(PER_PAGE as usize) {
        let (at, excerpt) = (when(app, n), view::excerpt(&n.body, 20));
        let line = match n.status {
            NoticeStatus::Scheduled => t!("notices.list_scheduled", locale = l, id = n.id, at = at, excerpt = excerpt),
            NoticeStatus::Cancelled => t!("notices.list_cancelled", locale = l, id = n.id, at = at, excerpt = excerpt),
            NoticeStatus::Sent => {
                let s = store::stats(&app.pool, n).await?;
                t!(
                    "notices.list_line",
                    locale = l,
                    id = n.id,
                    at = at,
                    excerpt = excerpt,
                    delivered = s.delivered,
                    total = s.recipients + s.groups,
                    acked = s.acknowledged,
                    people = s.recipients
                )
            }
        };
        text.push_str("\n\n");
        text.push_str(&line);
        rows.push(vec![button(format!("#{} {}", n.id, view::excerpt(&n.body, 16)), Cb::NoticeDetail(n.id))]);
    }
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(t!("common.prev_page", locale = l), Cb::NoticesPage(page - 1)));
    }
    if notices.len() as i64 > PER_PAGE {
        nav.push(button(t!("common.next_page", locale = l), Cb::NoticesPage(page + 1)));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    view::say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

/// One notice: its figures and what can be done with it. A sent one offers the list of
/// who has not acknowledged, a reminder and a template; a scheduled one can be cancelled
/// until it goes out; a cancelled one can still become a template.
pub async fn detail(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(notice) = managed(bot, app, ctx, q, id, false).await? else { return Ok(()) };
    view::ack(bot, q).await?;
    let (at, body) = (when(app, &notice), view::excerpt(&notice.body, 200));
    let template = vec![button(t!("notices.save_template", locale = l), Cb::NoticeSaveTemplate(id))];
    let (text, rows) = match notice.status {
        NoticeStatus::Scheduled => (
            t!("notices.detail_scheduled", locale = l, id = id, at = at, body = body).into_owned(),
            vec![vec![button(t!("notices.cancel_button", locale = l), Cb::NoticeCancel(id))], template],
        ),
        NoticeStatus::Cancelled => {
            (t!("notices.detail_cancelled", locale = l, id = id, at = at, body = body).into_owned(), vec![template])
        }
        NoticeStatus::Sent => {
            let s = store::stats(&app.pool, &notice).await?;
            let mut text = t!(
                "notices.detail",
                locale = l,
                id = id,
                at = at,
                body = body,
                people = crate::i18n::people(ctx.lang, s.recipients),
                groups = view::groups(ctx.lang, s.groups),
                delivered = s.delivered,
                waiting = s.waiting,
                failed = s.failed,
                blocked = s.blocked,
                acked = s.acknowledged
            )
            .into_owned();
            if let Some(line) = crate::notices::remind::last_line(app, ctx, id).await? {
                text.push('\n');
                text.push_str(&line);
            }
            let rows = vec![
                vec![button(t!("notices.show_unacked", locale = l), Cb::NoticeUnacked(id))],
                vec![button(t!("notices.resend_button", locale = l), Cb::NoticeResend(id))],
                template,
            ];
            (text, rows)
        }
    };
    view::say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

/// Names and buildings of those who have not tapped "got it" (officials only; shown in
/// the private chat only).
pub async fn unacknowledged(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(_) = managed(bot, app, ctx, q, id, true).await? else { return Ok(()) };
    view::ack(bot, q).await?;
    const SHOWN: i64 = 50;
    let (rows, total) = store::unacknowledged(&app.pool, ctx.lang, id, SHOWN).await?;
    if total == 0 {
        return view::say(bot, ctx, t!("notices.all_acked", locale = l, id = id)).await;
    }
    let mut text = t!("notices.unacked_header", locale = l, id = id, total = total, shown = rows.len()).into_owned();
    for (_, name, building) in rows {
        text.push('\n');
        let place = building.map(|b| t!("notices.unacked_building", locale = l, building = b)).unwrap_or_default();
        text.push_str(&format!("· {name}{place}"));
    }
    for chunk in crate::outbox::message::split_lines(&text, crate::outbox::message::TEXT_LIMIT) {
        view::say(bot, ctx, chunk).await?;
    }
    Ok(())
}

pub async fn save_template(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let Some(notice) = managed(bot, app, ctx, q, id, false).await? else { return Ok(()) };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    store::save_template(&mut work, now, notice.community_id, ctx.user_id, &notice.body).await?;
    work.commit().await?;
    view::refuse(bot, q, t!("notices.template_saved", locale = ctx.lang.code())).await
}

/// For residents and volunteers: the latest notices meant for them, each with its button.
async fn recent_for_me(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let roles = &ctx.roles;
    let approved = |role: Role| -> Vec<i64> {
        roles
            .memberships
            .iter()
            .filter(|m| m.role == role && m.status == MembershipStatus::Approved)
            .map(|m| m.community_id)
            .collect()
    };
    let me = Person {
        resident: roles.resident.as_ref().map(|r| (r.community_id, r.building_id, false)),
        volunteer_of: approved(Role::Volunteer),
        official_of: approved(Role::Official),
    };
    let mut communities: Vec<i64> = me.volunteer_of.iter().chain(&me.official_of).copied().collect();
    communities.extend(me.resident.map(|r| r.0));
    let mut conn = app.pool.acquire().await?;
    let isolated = crate::health::isolation::store::isolation_of(&mut conn, ctx.user_id, app.today()).await?.is_some();
    drop(conn);
    let me = Person { resident: me.resident.map(|(c, b, _)| (c, b, isolated)), ..me };
    let mine: Vec<Notice> = store::recent_sent(&app.pool, &communities, 50)
        .await?
        .into_iter()
        .filter(|n| n.audience().is_some_and(|a| a.includes(&me)))
        .take(5)
        .collect();
    if mine.is_empty() {
        return view::say(bot, ctx, t!("notices.none_for_me", locale = l)).await;
    }
    // Shown now, so counted as received (late registrants can acknowledge them too).
    let mut work = Work::begin(app, ctx).await?;
    for n in &mine {
        store::add_recipient(&mut work, n.id, ctx.user_id).await?;
    }
    work.commit().await?;
    let header = if mine.len() == 1 {
        t!("notices.mine_header_one", locale = l)
    } else {
        t!("notices.mine_header", locale = l, count = mine.len())
    };
    view::say(bot, ctx, header).await?;
    for n in mine.iter().rev() {
        let media = n.media_kind.as_deref().zip(n.media_file_id.as_deref());
        let mut message = view::render(ctx.lang, &n.body, media, n.urgent, n.id, false);
        if store::acked(&app.pool, n.id, ctx.user_id).await? {
            message.keyboard = None;
        }
        view::send_preview(bot, ctx, &message).await?;
    }
    Ok(())
}
