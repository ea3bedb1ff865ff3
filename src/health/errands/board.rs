//! `/errands` for volunteers (and officials): the community's errands nobody has claimed,
//! urgent first, then the day's garbage rounds, then the rest by building — kind, building
//! and age only: no unit/room, phone, name or note, which may hold health details.
//! Officials, who run the community, see the unit/room too. [认领] is one conditional
//! UPDATE: of two volunteers at once exactly one wins; the other is told someone else took
//! it and sees the list again. The claimer alone then gets the address, the resident's name
//! and phone and the note, with [已完成]; "my claimed" stays at the top of `/errands`.

use chrono::{DateTime, Utc};
use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::{button, paged, PAGE_SIZE};
use crate::bot::reply::{ack, refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::clock::from_millis;
use crate::health::errands::buttons::Cb;
use crate::health::errands::mine::answer_keyboard;
use crate::health::errands::model;
use crate::health::errands::store::rounds::{self, Round};
use crate::health::errands::store::{self, Errand};
use crate::i18n::Lang;
use crate::outbox::{self, OutMessage};
use crate::App;

/// How this person sees a community's errands: `Some(true)` an official (addresses too),
/// `Some(false)` an approved volunteer, `None` not at all.
pub fn viewer(ctx: &Ctx, community_id: i64) -> Option<bool> {
    if ctx.roles.is_official_of(community_id) {
        Some(true)
    } else if ctx.roles.has_approved(crate::people::model::Role::Volunteer, community_id) {
        Some(false)
    } else {
        None
    }
}

/// `/errands`: the volunteer's community, or the official's scope.
pub async fn open(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let community = match ctx.roles.volunteer_community() {
        Some(c) => c,
        None if ctx.roles.is_official_anywhere() => {
            let Some(scope) = crate::people::scope::require(bot, app, ctx).await? else { return Ok(()) };
            scope.community_id
        }
        None => return say(bot, ctx, t!("errands.board.only_volunteers", locale = ctx.lang.code())).await,
    };
    show(bot, app, ctx, None, community, 0).await
}

enum Item {
    Errand(Errand),
    Round(Round),
}

/// The list (a page of it), with this person's claimed errands and rounds on top.
pub async fn show(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    community: i64,
    page: u16,
) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let Some(officials_view) = viewer(ctx, community) else {
        return match q {
            Some(q) => refuse(bot, q, t!("errands.board.not_yours", locale = l)).await,
            None => say(bot, ctx, t!("errands.board.not_yours", locale = l)).await,
        };
    };
    let now = app.now();
    let mut conn = app.pool.acquire().await?;
    let open = store::open_in(&mut conn, community).await?;
    let open_rounds = rounds::open_in(&mut conn, community, app.today()).await?;
    let my_errands = store::claimed_by(&mut conn, ctx.user_id).await?;
    let my_rounds = rounds::claimed_by(&mut conn, ctx.user_id).await?;
    drop(conn);
    let (urgent, rest): (Vec<Errand>, Vec<Errand>) = open.into_iter().partition(|e| e.urgent);
    let items: Vec<Item> = urgent
        .into_iter()
        .map(Item::Errand)
        .chain(open_rounds.into_iter().map(Item::Round))
        .chain(rest.into_iter().map(Item::Errand))
        .collect();

    let mut text = String::new();
    let mut mine: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    if !my_errands.is_empty() || !my_rounds.is_empty() {
        text.push_str(&t!("errands.board.mine_header", locale = l));
        for e in &my_errands {
            text.push('\n');
            text.push_str(&t!(
                "errands.board.mine_line",
                locale = l,
                id = e.id,
                kind = e.kind.name(lang),
                address = e.address(lang)
            ));
            mine.push(vec![button(t!("errands.board.done_button_id", locale = l, id = e.id), Cb::ErrandDone(e.id))]);
        }
        for r in &my_rounds {
            text.push('\n');
            text.push_str(&round_line(lang, r));
            mine.push(vec![button(
                t!("errands.round.done_button_of", locale = l, building = r.building(lang)),
                Cb::RoundDone(r.id),
            )]);
        }
        text.push_str("\n\n");
    }
    if items.is_empty() {
        text.push_str(&t!("errands.board.empty", locale = l));
        return reply(bot, ctx, q, text, InlineKeyboardMarkup::new(mine)).await;
    }
    text.push_str(&t!("errands.board.header", locale = l, count = items.len()));
    let pages = items.len().div_ceil(PAGE_SIZE).max(1);
    let shown = usize::from(page).min(pages - 1);
    let mut building: Option<i64> = None;
    let mut buttons = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let on_page = i / PAGE_SIZE == shown;
        match item {
            Item::Errand(e) => {
                if on_page {
                    if !e.urgent && building != Some(e.building_id) {
                        building = Some(e.building_id);
                        text.push_str(&format!("\n【{}】", e.building(lang)));
                    }
                    text.push('\n');
                    text.push_str(&board_line(lang, e, now, officials_view));
                }
                let label =
                    t!("errands.board.claim_item", locale = l, kind = e.kind.name(lang), building = e.building(lang));
                buttons.push((label.into_owned(), Cb::ClaimErrand(e.id)));
            }
            Item::Round(r) => {
                if on_page {
                    text.push('\n');
                    text.push_str(&round_line(lang, r));
                }
                let label = t!("errands.round.claim_item", locale = l, building = r.building(lang));
                buttons.push((label.into_owned(), Cb::ClaimRound(r.id)));
            }
        }
    }
    let mut kb = paged(lang, buttons, page, |p| Cb::ErrandsPage { community_id: community, page: p });
    kb.inline_keyboard.splice(0..0, mine);
    reply(bot, ctx, q, text, kb).await
}

async fn reply(
    bot: &Bot,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    text: String,
    kb: InlineKeyboardMarkup,
) -> HandlerResult {
    match q {
        Some(q) => {
            ack(bot, q).await?;
            replace_with(bot, ctx, q, text, kb).await
        }
        None => say_with(bot, ctx, text, kb).await,
    }
}

/// "🆘 就医帮助 · 3号楼 · 12分钟前" (officials: "… · 3号楼 2单元301 · …").
fn board_line(lang: Lang, e: &Errand, now: DateTime<Utc>, officials_view: bool) -> String {
    let place = if officials_view { e.address(lang) } else { e.building(lang).to_owned() };
    let age = model::age(lang, now - from_millis(e.created_at));
    let key = if e.urgent { "errands.board.line_urgent" } else { "errands.board.line" };
    t!(key, locale = lang.code(), kind = e.kind.name(lang), place = place, age = age).into_owned()
}

/// "🗑 3号楼 垃圾清运 · 4户".
fn round_line(lang: Lang, r: &Round) -> String {
    let l = lang.code();
    let homes = crate::i18n::plural(
        r.households,
        t!("errands.round.homes_one", locale = l, count = r.households),
        t!("errands.round.homes_other", locale = l, count = r.households),
    );
    t!("errands.round.line", locale = l, building = r.building(lang), homes = homes).into_owned()
}

/// [认领]: exactly one wins; the winner alone gets the address, name, phone and note.
pub async fn claim(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut conn = app.pool.acquire().await?;
    let found = store::get(&mut conn, id).await?;
    drop(conn);
    let Some(e) = found else { return refuse(bot, q, t!("common.stale_button", locale = l)).await };
    if viewer(ctx, e.community_id).is_none() {
        return refuse(bot, q, t!("errands.board.not_yours", locale = l)).await;
    }
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    if !store::claim(&mut work, now, id, ctx.user_id).await? {
        drop(work);
        let key = if e.claimed_by == Some(ctx.user_id) { "errands.board.yours_already" } else { "errands.board.taken" };
        refuse(bot, q, t!(key, locale = l)).await?;
        return show(bot, app, ctx, None, e.community_id, 0).await;
    }
    let lang = crate::people::read::lang_of(&mut work, e.requester).await?;
    let told =
        t!("errands.coming", locale = lang.code(), id = id, kind = e.kind.name(lang), name = ctx.display_name.as_str());
    work.notify(e.requester, OutMessage::text(told), outbox::Options::default()).await?;
    let (name, phone) = store::contact(&mut work, e.requester).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let mut text = t!(
        "errands.board.claimed",
        locale = l,
        id = id,
        kind = e.kind.name(ctx.lang),
        address = e.address(ctx.lang),
        name = name,
        phone = phone.unwrap_or_else(|| t!("errands.board.no_phone", locale = l).into_owned())
    )
    .into_owned();
    if !e.note.is_empty() {
        text.push('\n');
        text.push_str(&t!("errands.board.note", locale = l, note = e.note));
    }
    let kb =
        InlineKeyboardMarkup::new(vec![vec![button(t!("errands.board.done_button", locale = l), Cb::ErrandDone(id))]]);
    say_with(bot, ctx, text, kb).await
}

/// [已完成] by the claimer: the resident is asked to confirm.
pub async fn done(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    if !store::mark_done(&mut work, now, id, ctx.user_id).await? {
        drop(work);
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    }
    let Some(e) = store::get(&mut work, id).await? else { return Ok(()) };
    let lang = crate::people::read::lang_of(&mut work, e.requester).await?;
    let ask = t!(
        "errands.mine.done_ask",
        locale = lang.code(),
        id = id,
        kind = e.kind.name(lang),
        name = ctx.display_name.as_str()
    );
    work.notify(e.requester, OutMessage::text(ask).keyboard(answer_keyboard(lang, id)), outbox::Options::default())
        .await?;
    work.commit().await?;
    ack(bot, q).await?;
    say(bot, ctx, t!("errands.board.marked_done", locale = l, id = id)).await
}

/// [认领] on a building's garbage round: the claimer gets the doors.
pub async fn claim_round(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let Some(r) = rounds::get(&mut work, id).await? else {
        drop(work);
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    if viewer(ctx, r.community_id).is_none() {
        drop(work);
        return refuse(bot, q, t!("errands.board.not_yours", locale = l)).await;
    }
    let now = work.now;
    if !rounds::claim(&mut work, now, id, ctx.user_id).await? {
        drop(work);
        refuse(bot, q, t!("errands.board.taken", locale = l)).await?;
        return show(bot, app, ctx, None, r.community_id, 0).await;
    }
    let doors = rounds::doors(&mut work, &r).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let text = t!(
        "errands.round.claimed",
        locale = l,
        building = r.building(ctx.lang),
        count = doors.len(),
        doors = doors.join("\n")
    );
    let kb =
        InlineKeyboardMarkup::new(vec![vec![button(t!("errands.round.done_button", locale = l), Cb::RoundDone(id))]]);
    say_with(bot, ctx, text, kb).await
}

pub async fn round_done(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    if !rounds::finish(&mut work, now, id, ctx.user_id).await? {
        drop(work);
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    }
    work.commit().await?;
    ack(bot, q).await?;
    say(bot, ctx, t!("errands.round.finished", locale = l)).await
}
