//! `/notice`: text (or a photo/document with caption) → who (role) → where (subdistrict,
//! community, or chosen buildings) → isolated households only? → linked groups too? →
//! urgent? → a preview exactly as recipients will see it, with the count → send now or at
//! a time → confirm. Every step is stored; every permission is checked again at the end.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, cancel_button, confirm_cancel, paged};
use crate::bot::{storage, Callback, Ctx, HandlerResult, State};
use crate::clock::{from_millis, millis};
use crate::i18n::Lang;
use crate::jobs::{self, NewJob};
use crate::notices::model::{check_length, Audience, RoleSel, Scope};
use crate::notices::{job, store, view, when, Draft, Flow, NoticeFlag, Step};
use crate::people::store as people;
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
    storage::save(&app.pool, ctx.chat_id.0, &State::Notices(Flow::Compose { step, page, draft: draft.clone() })).await
}

fn yes_no(lang: Lang, flag: NoticeFlag) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![
        vec![
            button(t!("common.answer_yes", locale = lang.code()), Callback::NoticeFlag(flag, true)),
            button(t!("common.answer_no", locale = lang.code()), Callback::NoticeFlag(flag, false)),
        ],
        vec![cancel_button(lang)],
    ])
}

async fn official_communities(app: &App, ctx: &Ctx) -> crate::Result<Vec<people::Named>> {
    people::official_communities(&app.pool, ctx.user_id, ctx.roles.admin).await
}

/// Asks the question of `step` (also to re-ask after a wrong answer).
async fn ask(bot: &Bot, app: &App, ctx: &Ctx, step: Step, page: u16, draft: &Draft) -> HandlerResult {
    let lang = ctx.lang;
    let l = lang.code();
    match step {
        Step::Text => {
            let communities: Vec<i64> = official_communities(app, ctx).await?.iter().map(|c| c.id).collect();
            let mut rows: Vec<_> = store::templates(&app.pool, &communities, ctx.roles.admin)
                .await?
                .into_iter()
                .map(|(id, body)| vec![button(format!("📄 {}", view::excerpt(&body, 24)), Callback::UseTemplate(id))])
                .collect();
            rows.push(vec![cancel_button(lang)]);
            let max = crate::outbox::message::TEXT_LIMIT - view::longest_header().chars().count();
            view::say_with(bot, ctx, t!("notices.ask_text", locale = l, max = max), InlineKeyboardMarkup::new(rows))
                .await
        }
        Step::Roles => {
            let label = |r: RoleSel| role_label(lang, r);
            let rows = vec![
                vec![button(label(RoleSel::Everyone), Callback::NoticeRole(RoleSel::Everyone))],
                vec![
                    button(label(RoleSel::Residents), Callback::NoticeRole(RoleSel::Residents)),
                    button(label(RoleSel::Volunteers), Callback::NoticeRole(RoleSel::Volunteers)),
                    button(label(RoleSel::Officials), Callback::NoticeRole(RoleSel::Officials)),
                ],
                vec![cancel_button(lang)],
            ];
            view::say_with(bot, ctx, t!("notices.ask_roles", locale = l), InlineKeyboardMarkup::new(rows)).await
        }
        Step::Scope => {
            let mut rows = Vec::new();
            if ctx.roles.admin {
                rows.push(vec![button(
                    t!("notices.scope_subdistrict", locale = l),
                    Callback::NoticeScope { community_id: 0, buildings: false },
                )]);
            }
            // Buildings are where residents live: offered only when residents are targeted.
            let by_building = draft.roles.is_some_and(RoleSel::residents);
            for c in official_communities(app, ctx).await? {
                let name = c.label(lang);
                let mut row = vec![button(
                    t!("notices.scope_community", locale = l, community = name),
                    Callback::NoticeScope { community_id: c.id, buildings: false },
                )];
                if by_building {
                    row.push(button(
                        t!("notices.scope_buildings", locale = l, community = name),
                        Callback::NoticeScope { community_id: c.id, buildings: true },
                    ));
                }
                rows.push(row);
            }
            rows.push(vec![cancel_button(lang)]);
            view::say_with(bot, ctx, t!("notices.ask_scope", locale = l), InlineKeyboardMarkup::new(rows)).await
        }
        Step::Buildings => {
            let kb = building_keyboard(app, lang, draft, page).await?;
            view::say_with(bot, ctx, t!("notices.ask_buildings", locale = l), kb).await
        }
        Step::Isolated => {
            view::say_with(bot, ctx, t!("notices.ask_isolated", locale = l), yes_no(lang, NoticeFlag::Isolated)).await
        }
        Step::Groups => {
            view::say_with(bot, ctx, t!("notices.ask_groups", locale = l), yes_no(lang, NoticeFlag::Groups)).await
        }
        Step::Urgent => {
            view::say_with(bot, ctx, t!("notices.ask_urgent", locale = l), yes_no(lang, NoticeFlag::Urgent)).await
        }
        Step::Preview => preview(bot, app, ctx, draft).await,
        Step::When => {
            view::say_with(
                bot,
                ctx,
                t!("notices.ask_when", locale = l, tz = tz_label(app, lang)),
                InlineKeyboardMarkup::new(vec![vec![cancel_button(lang)]]),
            )
            .await
        }
        Step::Confirm => {
            let (people, groups) = counts(app, draft).await?;
            let text = match draft.send_at {
                None => t!("notices.confirm_now", locale = l, people = people, groups = groups),
                Some(at) => {
                    t!("notices.confirm_at", locale = l, at = local_time(app, at), people = people, groups = groups)
                }
            };
            view::say_with(bot, ctx, text, confirm_cancel(lang)).await
        }
    }
}

/// "北京时间" for the default zone, else the zone's name.
fn tz_label(app: &App, lang: Lang) -> String {
    if app.settings.timezone == chrono_tz::Asia::Shanghai {
        t!("notices.beijing_time", locale = lang.code()).into_owned()
    } else {
        app.settings.timezone.name().to_owned()
    }
}

fn role_label(lang: Lang, r: RoleSel) -> String {
    let l = lang.code();
    match r {
        RoleSel::Everyone => t!("notices.role_everyone", locale = l),
        RoleSel::Residents => t!("notices.role_residents", locale = l),
        RoleSel::Volunteers => t!("notices.role_volunteers", locale = l),
        RoleSel::Officials => t!("notices.role_officials", locale = l),
    }
    .into_owned()
}

fn local_time(app: &App, ms: i64) -> String {
    from_millis(ms).with_timezone(&app.settings.timezone).format("%Y-%m-%d %H:%M").to_string()
}

async fn building_keyboard(app: &App, lang: Lang, draft: &Draft, page: u16) -> crate::Result<InlineKeyboardMarkup> {
    let Some(Scope::Buildings { community_id, buildings }) = &draft.scope else {
        return Ok(InlineKeyboardMarkup::default());
    };
    let items = people::buildings(&app.pool, *community_id)
        .await?
        .into_iter()
        .map(|b| {
            let mark = if buildings.contains(&b.id) { "✅ " } else { "" };
            (format!("{mark}{}", b.name), Callback::PickBuilding(b.id))
        })
        .collect();
    let mut kb = paged(lang, items, page);
    let done = button(t!("notices.buildings_done", locale = lang.code(), count = buildings.len()), Callback::Confirm);
    let last = kb.inline_keyboard.len().saturating_sub(1);
    kb.inline_keyboard.insert(last, vec![done]);
    Ok(kb)
}

fn audience(draft: &Draft) -> Option<Audience> {
    Some(Audience {
        roles: draft.roles?,
        scope: draft.scope.clone()?,
        isolated_only: draft.isolated_only,
        groups: draft.groups,
    })
}

/// (people, groups) the draft would reach now.
async fn counts(app: &App, draft: &Draft) -> crate::Result<(usize, usize)> {
    let Some(a) = audience(draft) else { return Ok((0, 0)) };
    let mut conn = app.pool.acquire().await?;
    let people = store::recipients(&mut conn, &a).await?.len();
    let groups = if a.posts_to_groups() { store::group_chats(&mut conn, &a.scope).await?.len() } else { 0 };
    Ok((people, groups))
}

async fn preview(bot: &Bot, app: &App, ctx: &Ctx, draft: &Draft) -> HandlerResult {
    let l = ctx.lang.code();
    let media = draft.media.as_ref().map(|(k, f)| (k.as_str(), f.as_str()));
    // The preview's button carries id 0: tapping it only explains that it is a preview.
    let message = view::render(ctx.lang, &draft.body, media, draft.urgent, 0, false);
    view::say(bot, ctx, t!("notices.preview_intro", locale = l)).await?;
    view::send_preview(bot, ctx, &message).await?;
    let (people, groups) = counts(app, draft).await?;
    let kb = InlineKeyboardMarkup::new(vec![
        vec![
            button(t!("notices.send_now", locale = l), Callback::NoticeSendNow),
            button(t!("notices.send_later", locale = l), Callback::NoticeSchedule),
        ],
        vec![cancel_button(ctx.lang)],
    ]);
    view::say_with(bot, ctx, t!("notices.preview_count", locale = l, people = people, groups = groups), kb).await
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
    cb: Callback,
    step: Step,
    page: u16,
    mut draft: Draft,
) -> HandlerResult {
    match (cb, step) {
        (Callback::UseTemplate(id), Step::Text) => {
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
        (Callback::NoticeRole(role), Step::Roles) => {
            draft.roles = Some(role);
            view::ack(bot, q).await?;
            advance(bot, app, ctx, step, &draft).await
        }
        (Callback::NoticeScope { community_id, buildings }, Step::Scope) => {
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
        (Callback::PickBuilding(id), Step::Buildings) => {
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
        (Callback::Page(p), Step::Buildings) => {
            save(app, ctx, step, p, &draft).await?;
            view::ack(bot, q).await?;
            redraw(bot, app, ctx, q, &draft, p).await
        }
        (Callback::Confirm, Step::Buildings) => {
            if matches!(&draft.scope, Some(Scope::Buildings { buildings, .. }) if buildings.is_empty()) {
                return view::refuse(bot, q, t!("notices.buildings_none", locale = ctx.lang.code())).await;
            }
            view::ack(bot, q).await?;
            advance(bot, app, ctx, step, &draft).await
        }
        (Callback::NoticeFlag(flag, value), step)
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
        (Callback::NoticeSendNow, Step::Preview) => {
            draft.send_at = None;
            view::ack(bot, q).await?;
            advance(bot, app, ctx, step, &draft).await
        }
        (Callback::NoticeSchedule, Step::Preview) => {
            view::ack(bot, q).await?;
            save(app, ctx, Step::When, 0, &draft).await?;
            ask(bot, app, ctx, Step::When, 0, &draft).await
        }
        (Callback::Confirm, Step::Confirm) => confirm(bot, app, ctx, q, &draft).await,
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
    let mut tx = app.pool.begin_with("BEGIN IMMEDIATE").await?;
    let id = store::create(&mut tx, &new).await?;
    let reply = if draft.send_at.is_none() {
        let (people, groups) = job::send_now(&mut tx, id).await?;
        t!("notices.sent", locale = l, id = id, people = people, groups = groups)
    } else {
        let job = NewJob {
            unique_key: Some(format!("notice:{id}")),
            ..NewJob::once(job::SEND, send_at, serde_json::json!({ "notice": id }))
        };
        jobs::schedule(&mut tx, &job).await?;
        t!("notices.scheduled", locale = l, id = id, at = local_time(app, millis(send_at)))
    };
    storage::save(&mut *tx, ctx.chat_id.0, &State::Idle).await?;
    tx.commit().await?;
    view::ack(bot, q).await?;
    view::say(bot, ctx, reply).await
}
