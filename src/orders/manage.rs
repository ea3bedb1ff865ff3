//! Officials or volunteers order for a resident without a smartphone: `/orderfor 3号楼
//! 2-301`, then `/order` as usual (`/orderfor` alone stops).

use rust_i18n::t;
use teloxide::prelude::*;

use crate::bot::reply::say;
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::orders::store;
use crate::people::scope;
use crate::App;

/// `/orderfor 3号楼 2-301`: the next `/order` is for that resident — of the official's
/// scope, or of the volunteer's community.
pub async fn order_for(bot: &Bot, app: &App, ctx: &Ctx, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let (community, scope) = if ctx.roles.is_official_anywhere() {
        let Some(scope) = scope::require(bot, app, ctx).await? else { return Ok(()) };
        (scope.community_id, Some(scope))
    } else if let Some(community) = ctx.roles.volunteer_community() {
        (community, None)
    } else {
        return say(bot, ctx, t!("people.not_allowed", locale = l)).await;
    };
    let titled = |text: std::borrow::Cow<'_, str>| match &scope {
        Some(scope) => scope.titled(ctx.lang, text),
        None => text.into_owned(),
    };
    let args = args.trim();
    if args.is_empty() {
        let mut work = Work::begin(app, ctx).await?;
        let now = work.now;
        store::set_proxy(&mut work, now, ctx.user_id, None).await?;
        work.commit().await?;
        return say(bot, ctx, titled(t!("orders.proxy.stopped", locale = l))).await;
    }
    // "3号楼 2-301" or "Building 3 2-301".
    let found = crate::people::read::leading_building(&app.pool, community, args).await?;
    let Some((building, unit_room)) = found.filter(|(_, rest)| !rest.is_empty()) else {
        if args.split_whitespace().count() < 2 {
            return say(bot, ctx, titled(t!("orders.proxy.usage", locale = l))).await;
        }
        return say(bot, ctx, titled(t!("orders.proxy.not_found", locale = l, address = args))).await;
    };
    let Some((resident, name)) =
        crate::people::read::resident_at(&mut *app.pool.acquire().await?, community, &building.name, unit_room).await?
    else {
        return say(bot, ctx, titled(t!("orders.proxy.not_found", locale = l, address = args))).await;
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    store::set_proxy(&mut work, now, ctx.user_id, Some(resident)).await?;
    work.commit().await?;
    say(bot, ctx, titled(t!("orders.proxy.started", locale = l, name = name.as_str(), address = args))).await
}
