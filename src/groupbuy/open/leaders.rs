//! `/leaders`: an official chooses which of the community's approved volunteers may lead
//! group buys. Each volunteer is a toggle button; every tap is checked again on the
//! server (the tapper runs that community, the volunteer is still approved there, the
//! choice is not already made), and the volunteer is told in their language.
//!
//! ```text
//! official → /leaders
//! bot      → 可以发起接龙的志愿者（团长）：已允许 1 人……
//!            [✅ 王芳 · 团长] [⬜ 李强] … [‹ 上一页] [1/2] [下一页 ›]
//! official → (taps ⬜ 李强) → [✅ 李强 · 团长]     李强 ← 您可以发起接龙了：发送 /groupbuy
//! ```

use rust_i18n::t;
use teloxide::prelude::*;

use crate::bot::keyboard::{paged, PAGE_SIZE};
use crate::bot::reply::{ack, refuse, replace_with, say_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::groupbuy::open::buttons::Cb;
use crate::groupbuy::open::store;
use crate::outbox::{self, OutMessage};
use crate::people::read as people;
use crate::people::scope::Scope;
use crate::App;

/// The list, page `page` (`q`: the tapped button, whose message is replaced).
pub async fn list(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    scope: &Scope,
    page: u16,
) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let community = scope.community_id;
    let mut conn = app.pool.acquire().await?;
    let volunteers = people::approved_volunteers(&mut conn, community, &[]).await?;
    let leaders = store::leaders_in(&mut conn, community).await?;
    drop(conn);
    let allowed = volunteers.iter().filter(|(id, _)| leaders.contains(id)).count();
    let mut text = t!("groupbuy_open.leaders.header", locale = l, count = allowed).into_owned();
    if volunteers.is_empty() {
        text.push('\n');
        text.push_str(&t!("groupbuy_open.leaders.none", locale = l));
    }
    let items = volunteers
        .into_iter()
        .map(|(id, name)| {
            let leads = leaders.contains(&id);
            let key = if leads { "groupbuy_open.leaders.allowed" } else { "groupbuy_open.leaders.not_allowed" };
            (t!(key, locale = l, name = name.as_str()).into_owned(), Cb::Leader { community, user: id, allow: !leads })
        })
        .collect();
    let kb = paged(lang, items, page, |page| Cb::LeadersPage { community, page });
    let text = scope.titled(lang, text);
    match q {
        Some(q) => replace_with(bot, ctx, q, text, kb).await,
        None => say_with(bot, ctx, text, kb).await,
    }
}

/// A page of the list: only for an official of its community.
pub async fn page(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, community: i64, page: u16) -> HandlerResult {
    let Some(scope) = Scope::of(app, ctx, community).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = ctx.lang.code())).await;
    };
    ack(bot, q).await?;
    list(bot, app, ctx, Some(q), &scope, page).await
}

/// Allows (`allow`) or stops a volunteer, then shows the page they are on.
pub async fn toggle(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    community: i64,
    user: i64,
    allow: bool,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(scope) = Scope::of(app, ctx, community).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let volunteers = people::approved_volunteers(&mut work, community, &[]).await?;
    let Some(position) = volunteers.iter().position(|(id, _)| *id == user) else {
        drop(work);
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let changed = if allow {
        store::allow(&mut work, now, user, community, ctx.user_id).await?
    } else {
        store::stop(&mut work, user, community).await?
    };
    if !changed {
        drop(work);
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    }
    let their = people::lang_of(&mut work, user).await?;
    let key = if allow { "groupbuy_open.leaders.told_allowed" } else { "groupbuy_open.leaders.told_stopped" };
    let text = t!(key, locale = their.code(), community = scope.label(their));
    work.notify(user, OutMessage::text(text), outbox::Options::default()).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let page = u16::try_from(position / PAGE_SIZE).unwrap_or(u16::MAX);
    list(bot, app, ctx, Some(q), &scope, page).await
}
