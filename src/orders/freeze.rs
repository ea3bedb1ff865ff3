//! Pausing ordering (officials): `/freeze 3号楼 原因` for a building, `/freeze 原因` for the
//! whole community; a building with no reason asks for one. `/unfreeze` (or `/unfreeze
//! 3号楼`) lifts it and tells the residents who may order again.

use rust_i18n::t;
use teloxide::prelude::*;

use crate::bot::reply::say;
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::orders::store;
use crate::orders::Flow;
use crate::outbox::{self, OutMessage};
use crate::people::read::{self as people, Named};
use crate::people::scope::Scope;
use crate::App;

/// A reason is read by every resident who tries to order: short.
const REASON_MAX: usize = 100;

/// Whether a word is meant as a building ("9号楼", "5栋", "Building 3") even when no
/// building has that name: then it is a mistake, not the first word of a reason.
pub fn looks_like_building(word: &str) -> bool {
    let lower = word.to_lowercase();
    ["号楼", "栋", "幢", "号院"].iter().any(|s| word.ends_with(s)) || lower.starts_with("building")
}

/// The building at the start of `args` and the rest; `Err(word)` when the first word
/// means a building that does not exist.
async fn split_building<'a>(
    app: &App,
    community_id: i64,
    args: &'a str,
) -> crate::Result<Result<(Option<Named>, &'a str), &'a str>> {
    if let Some((building, rest)) = people::leading_building(&app.pool, community_id, args).await? {
        return Ok(Ok((Some(building), rest)));
    }
    let first = args.split_whitespace().next().unwrap_or_default();
    if looks_like_building(first) {
        return Ok(Err(first));
    }
    Ok(Ok((None, args)))
}

pub async fn freeze(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    if args.is_empty() {
        return say(bot, ctx, scope.titled(ctx.lang, t!("orders.freeze_usage", locale = l))).await;
    }
    let (building, reason) = match split_building(app, scope.community_id, args).await? {
        Ok(found) => found,
        Err(name) => {
            let text = t!("orders.freeze_no_building", locale = l, name = name);
            return say(bot, ctx, scope.titled(ctx.lang, text)).await;
        }
    };
    let building_id = building.as_ref().map(|b| b.id);
    if reason.is_empty() {
        let flow = Flow::FreezeReason { community_id: scope.community_id, building_id };
        Work::save_state(app, ctx, &State::of(&flow)).await?;
        let place = place(ctx, scope.label(ctx.lang), building.as_ref());
        return say(bot, ctx, scope.titled(ctx.lang, t!("orders.freeze_ask_reason", locale = l, place = place))).await;
    }
    let done = apply(app, ctx, scope.community_id, building.as_ref(), reason).await?;
    say(bot, ctx, scope.titled(ctx.lang, done)).await
}

/// "3号楼" or "Dihu Community", as the official reads it.
fn place(ctx: &Ctx, community: &str, building: Option<&Named>) -> String {
    building.map_or(community, |b| b.label(ctx.lang)).to_owned()
}

/// The reason typed after `/freeze 3号楼`.
pub async fn typed_reason(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    community_id: i64,
    building_id: Option<i64>,
    text: Option<&str>,
) -> HandlerResult {
    let l = ctx.lang.code();
    if !ctx.roles.is_official_of(community_id) {
        return crate::bot::reply::end_not_allowed(bot, app, ctx).await;
    }
    let reason = text.map(str::trim).unwrap_or_default();
    if reason.is_empty() || reason.chars().count() > REASON_MAX {
        let error = if reason.is_empty() {
            t!("people.invalid.not_text", locale = l)
        } else {
            t!("people.invalid.too_long", locale = l, max = REASON_MAX)
        };
        return say(bot, ctx, format!("{error}\n{}", t!("orders.freeze_ask_reason_again", locale = l))).await;
    }
    let building = match building_id {
        Some(id) => people::building_in(&app.pool, id, community_id).await?,
        None => None,
    };
    let done = apply(app, ctx, community_id, building.as_ref(), reason).await?;
    say(bot, ctx, done).await
}

/// Pauses ordering and ends the dialogue; returns what to tell the official.
async fn apply(
    app: &App,
    ctx: &Ctx,
    community_id: i64,
    building: Option<&Named>,
    reason: &str,
) -> crate::Result<std::borrow::Cow<'static, str>> {
    let l = ctx.lang.code();
    let community = people::community(&app.pool, community_id).await?;
    let community = community.as_ref().map(|c| c.label(ctx.lang).to_owned()).unwrap_or_default();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    store::freeze(&mut work, now, community_id, building.map(|b| b.id), reason, ctx.user_id).await?;
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    let place = place(ctx, &community, building);
    Ok(t!("orders.frozen_done", locale = l, place = place, reason = reason))
}

pub async fn unfreeze(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let building = if args.is_empty() {
        None
    } else {
        match people::find_building(&app.pool, scope.community_id, args).await? {
            Some(b) => Some(b),
            None => {
                let text = t!("orders.freeze_no_building", locale = l, name = args);
                return say(bot, ctx, scope.titled(ctx.lang, text)).await;
            }
        }
    };
    let place = place(ctx, scope.label(ctx.lang), building.as_ref());
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let (lifted, residents) = store::unfreeze(&mut work, scope.community_id, building.as_ref().map(|b| b.id)).await?;
    if lifted == 0 {
        drop(work);
        return say(bot, ctx, scope.titled(ctx.lang, t!("orders.not_frozen", locale = l, place = place))).await;
    }
    let text = |lang: &str| OutMessage::text(t!("orders.resumed", locale = lang));
    outbox::enqueue_bulk(&mut work, now, &residents, &text("zh-CN"), &text("en"), outbox::Options::default()).await?;
    work.commit().await?;
    let text = t!("orders.unfrozen", locale = l, place = place, count = residents.len());
    say(bot, ctx, scope.titled(ctx.lang, text)).await
}

#[cfg(test)]
mod tests {
    use super::looks_like_building;

    #[test]
    fn building_words_are_recognised() {
        for word in ["9号楼", "5栋", "Building", "building-3", "106号院"] {
            assert!(looks_like_building(word), "{word}");
        }
        for word in ["全员核酸检测", "疫情防控", "stock"] {
            assert!(!looks_like_building(word), "{word}");
        }
    }
}
