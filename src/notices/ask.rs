//! The questions of `/notice`, one per step (also used to ask again), and the preview.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, cancel_button, confirm_cancel, paged};
use crate::bot::{Ctx, HandlerResult};
use crate::clock::from_millis;
use crate::i18n::Lang;
use crate::notices::buttons::Cb;
use crate::notices::model::{Audience, RoleSel, Scope};
use crate::notices::{store, view, Draft, NoticeFlag, Step};
use crate::people::read as people;
use crate::App;

fn yes_no(lang: Lang, flag: NoticeFlag) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![
        vec![
            button(t!("common.answer_yes", locale = lang.code()), Cb::NoticeFlag(flag, true)),
            button(t!("common.answer_no", locale = lang.code()), Cb::NoticeFlag(flag, false)),
        ],
        vec![cancel_button(lang)],
    ])
}

async fn official_communities(app: &App, ctx: &Ctx) -> crate::Result<Vec<people::Named>> {
    people::official_communities(&app.pool, ctx.user_id, ctx.roles.admin).await
}

/// Asks the question of `step` (also to re-ask after a wrong answer).
pub(super) async fn ask(bot: &Bot, app: &App, ctx: &Ctx, step: Step, page: u16, draft: &Draft) -> HandlerResult {
    let lang = ctx.lang;
    let l = lang.code();
    match step {
        Step::Text => {
            let communities: Vec<i64> = official_communities(app, ctx).await?.iter().map(|c| c.id).collect();
            let mut rows: Vec<_> = store::templates(&app.pool, &communities, ctx.roles.admin)
                .await?
                .into_iter()
                .map(|(id, body)| vec![button(format!("📄 {}", view::excerpt(&body, 24)), Cb::UseTemplate(id))])
                .collect();
            rows.push(vec![cancel_button(lang)]);
            let max = crate::outbox::message::TEXT_LIMIT - view::longest_header().chars().count();
            view::say_with(bot, ctx, t!("notices.ask_text", locale = l, max = max), InlineKeyboardMarkup::new(rows))
                .await
        }
        Step::Roles => {
            let label = |r: RoleSel| role_label(lang, r);
            let rows = vec![
                vec![button(label(RoleSel::Everyone), Cb::NoticeRole(RoleSel::Everyone))],
                vec![
                    button(label(RoleSel::Residents), Cb::NoticeRole(RoleSel::Residents)),
                    button(label(RoleSel::Volunteers), Cb::NoticeRole(RoleSel::Volunteers)),
                    button(label(RoleSel::Officials), Cb::NoticeRole(RoleSel::Officials)),
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
                    Cb::NoticeScope { community_id: 0, buildings: false },
                )]);
            }
            // Buildings are where residents live: offered only when residents are targeted.
            let by_building = draft.roles.is_some_and(RoleSel::residents);
            for c in official_communities(app, ctx).await? {
                let name = c.label(lang);
                let mut row = vec![button(
                    t!("notices.scope_community", locale = l, community = name),
                    Cb::NoticeScope { community_id: c.id, buildings: false },
                )];
                if by_building {
                    row.push(button(
                        t!("notices.scope_buildings", locale = l, community = name),
                        Cb::NoticeScope { community_id: c.id, buildings: true },
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
                None => t!(
                    "notices.confirm_now",
                    locale = l,
                    people = crate::i18n::people(ctx.lang, people),
                    groups = view::groups(ctx.lang, groups)
                ),
                Some(at) => {
                    t!(
                        "notices.confirm_at",
                        locale = l,
                        at = local_time(app, at),
                        people = crate::i18n::people(ctx.lang, people),
                        groups = view::groups(ctx.lang, groups)
                    )
                }
            };
            view::say_with(bot, ctx, text, confirm_cancel(lang, Cb::Confirm)).await
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

pub(super) fn local_time(app: &App, ms: i64) -> String {
    from_millis(ms).with_timezone(&app.settings.timezone).format("%Y-%m-%d %H:%M").to_string()
}

pub(super) async fn building_keyboard(
    app: &App,
    lang: Lang,
    draft: &Draft,
    page: u16,
) -> crate::Result<InlineKeyboardMarkup> {
    let Some(Scope::Buildings { community_id, buildings }) = &draft.scope else {
        return Ok(InlineKeyboardMarkup::default());
    };
    let items = people::buildings(&app.pool, *community_id)
        .await?
        .into_iter()
        .map(|b| {
            let mark = if buildings.contains(&b.id) { "✅ " } else { "" };
            (format!("{mark}{}", b.label(lang)), Cb::PickBuilding(b.id))
        })
        .collect();
    let mut kb = paged(lang, items, page, Cb::Page);
    let done = button(t!("notices.buildings_done", locale = lang.code(), count = buildings.len()), Cb::Confirm);
    let last = kb.inline_keyboard.len().saturating_sub(1);
    kb.inline_keyboard.insert(last, vec![done]);
    Ok(kb)
}

pub(super) fn audience(draft: &Draft) -> Option<Audience> {
    Some(Audience {
        roles: draft.roles?,
        scope: draft.scope.clone()?,
        isolated_only: draft.isolated_only,
        groups: draft.groups,
    })
}

/// (people, groups) the draft would reach now.
pub(super) async fn counts(app: &App, draft: &Draft) -> crate::Result<(usize, usize)> {
    let Some(a) = audience(draft) else { return Ok((0, 0)) };
    let mut conn = app.pool.acquire().await?;
    let people = store::recipients(&mut conn, &a, app.today()).await?.len();
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
            button(t!("notices.send_now", locale = l), Cb::NoticeSendNow),
            button(t!("notices.send_later", locale = l), Cb::NoticeSchedule),
        ],
        vec![cancel_button(ctx.lang)],
    ]);
    view::say_with(
        bot,
        ctx,
        t!(
            "notices.preview_count",
            locale = l,
            people = crate::i18n::people(ctx.lang, people),
            groups = view::groups(ctx.lang, groups)
        ),
        kb,
    )
    .await
}
