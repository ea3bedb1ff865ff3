//! `/notice`: text (or a photo/document with caption) → who (role) → where (subdistrict,
//! community, or chosen buildings) → isolated households only? → linked groups too? →
//! urgent? → a preview exactly as recipients will see it, with the count → send now or at
//! a time → confirm. Every step is stored; every permission is checked again at the end.

use rust_i18n::t;
use teloxide::prelude::*;

use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult, State};
use crate::clock::{from_millis, millis};
use crate::jobs::{self, NewJob};
use crate::notices::ask::{ask, audience, building_keyboard, counts, local_time};
use crate::notices::buttons::Cb;
use crate::notices::model::{check_length, Audience, RoleSel, Scope};
use crate::notices::{job, store, view, when, Draft, Flow, NoticeFlag, Step};
use crate::people::read as people;
use crate::App;

pub async fn start(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    if !ctx.roles.is_official_anywhere() {
        return view::say(bot, ctx, t!("people.not_allowed", locale = l)).await;
    }
    save(app, ctx, Step::Text, 0, &Draft::default()).await?;
    ask(bot, app, ctx, Step::Text, 0, &Draft::default()).await
}

async fn save(app: &App, ctx: &Ctx, step: Step, page: u16, draft: &Draft) -> HandlerResult {
    crate::bot::Work::save_state(app, ctx, &State::of(&Flow::Compose { step, page, draft: draft.clone() })).await
}

/// The step after `step`, skipping the isolated question when no residents are targeted.
fn next(step: Step, draft: &Draft) -> Step {
    match step {
        Step::Text => Step::Roles,
        Step::Roles => Step::Scope,
        // Volunteers and officials are neither isolated households nor group readers.
        Step::Scope | Step::Buildings => {
            if draft.roles.is_some_and(RoleSel::residents) {
                Step::Isolated
            } else {
                Step::Urgent
            }
        }
        Step::Isolated
            if Audience::may_post_to_groups(draft.roles.unwrap_or(RoleSel::Everyone), draft.isolated_only) =>
        {
            Step::Groups
        }
        Step::Isolated => Step::Urgent,
        Step::Groups => Step::Urgent,
        Step::Urgent => Step::Preview,
        Step::Preview | Step::When => Step::Confirm,
        Step::Confirm => Step::Confirm,
    }
}

async fn advance(bot: &Bot, app: &App, ctx: &Ctx, step: Step, draft: &Draft) -> HandlerResult {
    let to = next(step, draft);
    save(app, ctx, to, 0, draft).await?;
    ask(bot, app, ctx, to, 0, draft).await
}

pub async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, step: Step, mut draft: Draft) -> HandlerResult {
    let lang = ctx.lang;
    let l = lang.code();
    if msg.text().is_some_and(|t| t.starts_with('/')) {
        return view::say(bot, ctx, t!("common.unknown_command_in_flow", locale = l)).await;
    }
    match step {
        Step::Text => {
            let (body, media) = if let Some(text) = msg.text() {
                (text.to_owned(), None)
            } else if let Some(photos) = msg.photo() {
                let largest = photos.iter().max_by_key(|p| p.width * p.height).map(|p| p.file.id.to_string());
                (msg.caption().unwrap_or_default().to_owned(), largest.map(|id| ("photo".to_owned(), id)))
            } else if let Some(doc) = msg.document() {
                (msg.caption().unwrap_or_default().to_owned(), Some(("document".to_owned(), doc.file.id.to_string())))
            } else {
                view::say(bot, ctx, t!("notices.text_kind", locale = l)).await?;
                return ask(bot, app, ctx, step, 0, &draft).await;
            };
            if body.trim().is_empty() {
                view::say(bot, ctx, t!("people.invalid.empty", locale = l)).await?;
                return ask(bot, app, ctx, step, 0, &draft).await;
            }
            if let Err((len, max)) = check_length(&body, &view::longest_header(), media.is_some()) {
                view::say(bot, ctx, t!("notices.too_long", locale = l, len = len, max = max)).await?;
                return ask(bot, app, ctx, step, 0, &draft).await;
            }
            draft.body = body;
            draft.media = media;
            advance(bot, app, ctx, step, &draft).await
        }
        Step::When => match msg.text().map(|t| when::parse_when(t, app.clock.now(), app.settings.timezone)) {
            Some(Ok(at)) => {
                draft.send_at = Some(millis(at));
                advance(bot, app, ctx, step, &draft).await
            }
            Some(Err(when::WhenError::Past)) => {
                view::say(bot, ctx, t!("notices.when_past", locale = l)).await?;
                ask(bot, app, ctx, step, 0, &draft).await
            }
            Some(Err(when::WhenError::TooFar)) => {
                view::say(bot, ctx, t!("notices.when_too_far", locale = l)).await?;
                ask(bot, app, ctx, step, 0, &draft).await
            }
            _ => {
                view::say(bot, ctx, t!("notices.when_bad", locale = l)).await?;
                ask(bot, app, ctx, step, 0, &draft).await
            }
        },
        _ => {
            view::say(bot, ctx, t!("common.use_buttons", locale = l)).await?;
            ask(bot, app, ctx, step, 0, &draft).await
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn on_callback(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    cb: Cb,
    step: Step,
    page: u16,
    mut draft: Draft,
) -> HandlerResult {
    match (cb, step) {
        (Cb::UseTemplate(id), Step::Text) => {
            let Some((community, body)) = store::template(&app.pool, id).await? else {
                return view::stale(bot, q, ctx).await;
            };
            let allowed = ctx.roles.admin || community.is_some_and(|c| ctx.roles.is_official_of(c));
            if !allowed {
                return view::not_allowed(bot, q, ctx).await;
            }
            draft.body = body;
            view::ack(bot, q).await?;
            view::say(bot, ctx, t!("notices.template_used", locale = ctx.lang.code())).await?;
            advance(bot, app, ctx, step, &draft).await
        }
        (Cb::NoticeRole(role), Step::Roles) => {
            draft.roles = Some(role);
            view::ack(bot, q).await?;
            advance(bot, app, ctx, step, &draft).await
        }
        (Cb::NoticeScope { community_id, buildings }, Step::Scope) => {
            if buildings && !draft.roles.is_some_and(RoleSel::residents) {
                return view::stale(bot, q, ctx).await;
            }
            let scope = match (community_id, buildings) {
                (0, false) if ctx.roles.admin => Scope::Subdistrict,
                (0, _) => return view::not_allowed(bot, q, ctx).await,
                (id, _) if !ctx.roles.is_official_of(id) => return view::not_allowed(bot, q, ctx).await,
                (id, false) => Scope::Community(id),
                (id, true) => Scope::Buildings { community_id: id, buildings: Vec::new() },
            };
            draft.scope = Some(scope);
            view::ack(bot, q).await?;
            if buildings {
                save(app, ctx, Step::Buildings, 0, &draft).await?;
                return ask(bot, app, ctx, Step::Buildings, 0, &draft).await;
            }
            advance(bot, app, ctx, step, &draft).await
        }
        (Cb::PickBuilding(id), Step::Buildings) => {
            let Some(Scope::Buildings { community_id, buildings }) = &mut draft.scope else {
                return view::stale(bot, q, ctx).await;
            };
            if people::building_in(&app.pool, id, *community_id).await?.is_none() {
                return view::stale(bot, q, ctx).await;
            }
            match buildings.iter().position(|b| *b == id) {
                Some(i) => {
                    buildings.remove(i);
                }
                None => buildings.push(id),
            }
            save(app, ctx, step, page, &draft).await?;
            view::ack(bot, q).await?;
            redraw(bot, app, ctx, q, &draft, page).await
        }
        (Cb::Page(p), Step::Buildings) => {
            save(app, ctx, step, p, &draft).await?;
            view::ack(bot, q).await?;
            redraw(bot, app, ctx, q, &draft, p).await
        }
        (Cb::Confirm, Step::Buildings) => {
            if matches!(&draft.scope, Some(Scope::Buildings { buildings, .. }) if buildings.is_empty()) {
                return view::refuse(bot, q, t!("notices.buildings_none", locale = ctx.lang.code())).await;
            }
            view::ack(bot, q).await?;
            advance(bot, app, ctx, step, &draft).await
        }
        (Cb::NoticeFlag(flag, value), step)
            if matches!(
                (flag, step),
                (NoticeFlag::Isolated, Step::Isolated)
                    | (NoticeFlag::Groups, Step::Groups)
                    | (NoticeFlag::Urgent, Step::Urgent)
            ) =>
        {
            match flag {
                NoticeFlag::Isolated => draft.isolated_only = value,
                NoticeFlag::Groups => draft.groups = value,
                NoticeFlag::Urgent => draft.urgent = value,
            }
            view::ack(bot, q).await?;
            advance(bot, app, ctx, step, &draft).await
        }
        (Cb::NoticeSendNow, Step::Preview) => {
            draft.send_at = None;
            view::ack(bot, q).await?;
            advance(bot, app, ctx, step, &draft).await
        }
        (Cb::NoticeSchedule, Step::Preview) => {
            view::ack(bot, q).await?;
            save(app, ctx, Step::When, 0, &draft).await?;
            ask(bot, app, ctx, Step::When, 0, &draft).await
        }
        (Cb::Confirm, Step::Confirm) => confirm(bot, app, ctx, q, &draft).await,
        _ => view::stale(bot, q, ctx).await,
    }
}

async fn redraw(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, draft: &Draft, page: u16) -> HandlerResult {
    let kb = building_keyboard(app, ctx.lang, draft, page).await?;
    if let Some(m) = &q.message {
        bot.edit_message_reply_markup(ctx.chat_id, m.id()).reply_markup(kb).await?;
    }
    Ok(())
}

/// Creates the notice and sends or schedules it, with the dialogue's end, in one
/// transaction. Permissions are checked again: the draft may be old.
async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, draft: &Draft) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(audience) = audience(draft) else { return view::stale(bot, q, ctx).await };
    let allowed = match audience.scope.community_id() {
        None => ctx.roles.admin,
        Some(c) => ctx.roles.is_official_of(c),
    };
    if !allowed {
        return view::not_allowed(bot, q, ctx).await;
    }
    if counts(app, draft).await? == (0, 0) {
        return view::refuse(bot, q, t!("notices.nobody", locale = l)).await;
    }
    let now = app.clock.now();
    let send_at = draft.send_at.map(from_millis).unwrap_or(now);
    let media = draft.media.as_ref().map(|(k, f)| (k.as_str(), f.as_str()));
    let new = store::NewNotice {
        author_id: ctx.user_id,
        body: &draft.body,
        media,
        audience: &audience,
        urgent: draft.urgent,
        send_at,
    };
    // The notice, its outbox rows (or its job) and the dialogue's end commit together.
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let id = store::create(&mut work, now, &new).await?;
    let reply = if draft.send_at.is_none() {
        let (people, groups) = job::send_now(&mut work, id, now, app.day_at(now)).await?;
        t!(
            "notices.sent",
            locale = l,
            id = id,
            people = crate::i18n::people(ctx.lang, people),
            groups = view::groups(ctx.lang, groups)
        )
    } else {
        let job = NewJob {
            unique_key: Some(store::send_job_key(id)),
            ..NewJob::once(job::SEND, send_at, jobs::to_payload(&job::SendNotice { notice: id }))
        };
        work.schedule(&job).await?;
        t!("notices.scheduled", locale = l, id = id, at = local_time(app, millis(send_at)))
    };
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    view::ack(bot, q).await?;
    view::say(bot, ctx, reply).await
}
