//! Officials keep the catalog current in chat — `/catalog` lists it; `/additem 类别 名称
//! 价格 库存 每单 每天 [单位]`; `/stock 编号 数量`; `/price 编号 价格`; `/pause 编号` and
//! `/resume 编号` — and officials or volunteers order for a resident without a
//! smartphone: `/orderfor 3号楼 2-301`, then `/order` as usual (`/orderfor` alone stops).

use rust_i18n::t;
use teloxide::prelude::*;

use crate::bot::reply::say;
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::orders::model::yuan;
use crate::orders::store::{self, Change, NewItem};
use crate::people::scope::{self, Scope};
use crate::App;

/// "4.5" or "4.50" yuan → 450 fen.
pub fn parse_price(s: &str) -> Option<i64> {
    let s = s.trim().trim_start_matches('¥').trim_end_matches('元');
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 2
        || whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let fen = whole.parse::<i64>().ok()?.checked_mul(100)? + format!("{frac:0<2}").parse::<i64>().ok()?;
    (fen > 0).then_some(fen)
}

pub async fn catalog(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope) -> HandlerResult {
    let l = ctx.lang.code();
    let mut text = scope.titled(ctx.lang, t!("orders.catalog.header", locale = l, community = scope.label(ctx.lang)));
    for (id, key, name, unit, price, stock, per_order, per_day, active) in
        store::catalog(&app.pool, scope.community_id).await?
    {
        let paused = if active { String::new() } else { t!("orders.catalog.paused_mark", locale = l).into_owned() };
        text.push_str(&format!(
            "\n#{id} [{key}] {name} {}/{unit} · {stock} · {per_order}/{per_day}{paused}",
            yuan(price)
        ));
    }
    text.push_str("\n\n");
    text.push_str(&t!("orders.catalog.usage", locale = l));
    for chunk in crate::outbox::message::split_lines(&text, crate::outbox::message::TEXT_LIMIT) {
        say(bot, ctx, chunk).await?;
    }
    Ok(())
}

pub async fn add_item(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let parts: Vec<&str> = args.split_whitespace().collect();
    let parsed = match parts.as_slice() {
        [key, name, price, stock, per_order, per_day, rest @ ..] if rest.len() <= 1 => (|| {
            let (stock, per_order, per_day) = (stock.parse().ok()?, per_order.parse().ok()?, per_day.parse().ok()?);
            let valid = stock >= 0 && per_order >= 1 && per_day >= per_order;
            valid.then_some((
                *key,
                *name,
                parse_price(price)?,
                stock,
                per_order,
                per_day,
                rest.first().copied().unwrap_or("份"),
            ))
        })(),
        _ => None,
    };
    let Some((key, name, price_fen, stock, limit_per_order, limit_per_day, unit)) = parsed else {
        return say(bot, ctx, scope.titled(ctx.lang, t!("orders.catalog.usage", locale = l))).await;
    };
    let item = NewItem {
        community_id: scope.community_id,
        category_key: key,
        name,
        unit,
        price_fen,
        stock,
        limit_per_order,
        limit_per_day,
    };
    let mut work = Work::begin(app, ctx).await?;
    let added = store::add_item(&mut work, &item).await?;
    work.commit().await?;
    let text = if added {
        t!("orders.catalog.added", locale = l, name = name)
    } else {
        t!("orders.catalog.not_added", locale = l, key = key, name = name)
    };
    say(bot, ctx, scope.titled(ctx.lang, text)).await
}

/// `/stock`, `/price`, `/pause`, `/resume`.
pub async fn change(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str, what: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let parts: Vec<&str> = args.split_whitespace().collect();
    let id = parts.first().and_then(|p| p.trim_start_matches('#').parse::<i64>().ok());
    let value = parts.get(1).copied();
    let change = match (what, id, value) {
        ("stock", Some(_), Some(v)) => v.parse::<i64>().ok().filter(|n| *n >= 0).map(Change::Stock),
        ("price", Some(_), Some(v)) => parse_price(v).map(Change::Price),
        ("pause", Some(_), None) => Some(Change::Active(false)),
        ("resume", Some(_), None) => Some(Change::Active(true)),
        _ => None,
    };
    let (Some(id), Some(change)) = (id, change) else {
        return say(bot, ctx, scope.titled(ctx.lang, t!("orders.catalog.usage", locale = l))).await;
    };
    // Only an item of the scope's community: another community's number is "no such item".
    let mut work = Work::begin(app, ctx).await?;
    let changed = store::change_item(&mut work, scope.community_id, id, change).await?;
    work.commit().await?;
    let text = if changed {
        t!("orders.catalog.changed", locale = l, id = id)
    } else {
        t!("orders.catalog.no_such_item", locale = l, id = id)
    };
    say(bot, ctx, scope.titled(ctx.lang, text)).await
}

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
    let Some((building, unit_room)) = args.split_once(char::is_whitespace) else {
        return say(bot, ctx, titled(t!("orders.proxy.usage", locale = l))).await;
    };
    let Some((resident, name)) =
        crate::people::read::resident_at(&mut *app.pool.acquire().await?, community, building, unit_room).await?
    else {
        return say(bot, ctx, titled(t!("orders.proxy.not_found", locale = l, address = args))).await;
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    store::set_proxy(&mut work, now, ctx.user_id, Some(resident)).await?;
    work.commit().await?;
    say(bot, ctx, titled(t!("orders.proxy.started", locale = l, name = name.as_str(), address = args))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_in_yuan_become_fen() {
        assert_eq!(parse_price("4.5"), Some(450));
        assert_eq!(parse_price("¥74.90"), Some(7490));
        assert_eq!(parse_price("12元"), Some(1200));
        for bad in ["", "0", "-1", "1.234", "abc", "1,5"] {
            assert_eq!(parse_price(bad), None, "{bad:?}");
        }
    }
}
