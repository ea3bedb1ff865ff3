//! Officials keep the catalog current in chat: `/catalog` lists it; `/additem 类别 名称 价格
//! 库存 每单 每天 [单位]` adds an item and then asks for its English name (optional);
//! `/stock 编号 数量`, `/price 编号 价格`, `/pause 编号`, `/resume 编号`. Every mistake is
//! named, not answered with the usage alone.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::i18n::Lang;
use crate::orders::buttons::Cb;
use crate::orders::model::yuan;
use crate::orders::store::{self, Change, NewItem};
use crate::orders::Flow;
use crate::people::scope::Scope;
use crate::App;

/// What is wrong with a catalog command, to be said in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mistake {
    /// Wrong number of words: the usage.
    Usage,
    NotAnId(String),
    Price(String),
    /// Stock, or a limit, that is not a whole number in range.
    Count {
        what: &'static str,
        value: String,
    },
    DayBelowOrder {
        per_day: i64,
        per_order: i64,
    },
}

/// "4.5" or "4.50" yuan → 450 fen; a reason otherwise.
pub fn parse_price(s: &str) -> Result<i64, Mistake> {
    let bad = || Mistake::Price(s.to_owned());
    let t = s.trim().trim_start_matches('¥').trim_end_matches('元');
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return Err(bad());
    }
    let fen = whole.parse::<i64>().ok().and_then(|w| w.checked_mul(100)).ok_or_else(bad)?
        + format!("{frac:0<2}").parse::<i64>().map_err(|_| bad())?;
    if fen == 0 {
        return Err(bad());
    }
    Ok(fen)
}

/// A whole number at least `min`; `what` names it in the message.
fn parse_count(what: &'static str, s: &str, min: i64) -> Result<i64, Mistake> {
    s.parse::<i64>().ok().filter(|n| *n >= min).ok_or(Mistake::Count { what, value: s.to_owned() })
}

fn parse_id(s: &str) -> Result<i64, Mistake> {
    s.trim_start_matches('#').parse().map_err(|_| Mistake::NotAnId(s.to_owned()))
}

/// `/additem` arguments for the community.
pub fn parse_new_item(community_id: i64, args: &str) -> Result<NewItem<'_>, Mistake> {
    let parts: Vec<&str> = args.split_whitespace().collect();
    let [key, name, price, stock, per_order, per_day, rest @ ..] = parts.as_slice() else {
        return Err(Mistake::Usage);
    };
    if rest.len() > 1 {
        return Err(Mistake::Usage);
    }
    let price = parse_price(price)?;
    let stock = parse_count("stock", stock, 0)?;
    let per_order = parse_count("per_order", per_order, 1)?;
    let per_day = parse_count("per_day", per_day, 1)?;
    if per_day < per_order {
        return Err(Mistake::DayBelowOrder { per_day, per_order });
    }
    Ok(NewItem {
        community_id,
        category_key: key,
        name,
        unit: rest.first().copied().unwrap_or("份"),
        price_fen: price,
        stock,
        limit_per_order: per_order,
        limit_per_day: per_day,
    })
}

/// `/stock`, `/price`, `/pause`, `/resume` arguments.
pub fn parse_change(what: &str, args: &str) -> Result<(i64, Change), Mistake> {
    let parts: Vec<&str> = args.split_whitespace().collect();
    match (what, parts.as_slice()) {
        ("stock", [id, v]) => Ok((parse_id(id)?, Change::Stock(parse_count("stock", v, 0)?))),
        ("price", [id, v]) => Ok((parse_id(id)?, Change::Price(parse_price(v)?))),
        ("pause", [id]) => Ok((parse_id(id)?, Change::Active(false))),
        ("resume", [id]) => Ok((parse_id(id)?, Change::Active(true))),
        _ => Err(Mistake::Usage),
    }
}

fn explain(lang: Lang, mistake: &Mistake) -> String {
    let l = lang.code();
    let why = match mistake {
        Mistake::Usage => return t!("orders.catalog.usage", locale = l).into_owned(),
        Mistake::NotAnId(v) => t!("orders.catalog.bad_id", locale = l, value = v),
        Mistake::Price(v) => t!("orders.catalog.bad_price", locale = l, value = v),
        Mistake::Count { what, value } => {
            let what = match *what {
                "stock" => t!("orders.catalog.stock", locale = l),
                "per_order" => t!("orders.catalog.per_order", locale = l),
                _ => t!("orders.catalog.per_day", locale = l),
            };
            t!("orders.catalog.bad_count", locale = l, what = what, value = value)
        }
        Mistake::DayBelowOrder { per_day, per_order } => {
            t!("orders.catalog.day_below_order", locale = l, per_day = per_day, per_order = per_order)
        }
    };
    format!("{why}\n\n{}", t!("orders.catalog.usage", locale = l))
}

pub async fn catalog(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope) -> HandlerResult {
    let l = ctx.lang.code();
    let mut text = scope.titled(ctx.lang, t!("orders.catalog.header", locale = l, community = scope.label(ctx.lang)));
    for row in store::catalog(&app.pool, ctx.lang, scope.community_id).await? {
        let paused = if row.active { String::new() } else { t!("orders.catalog.paused_mark", locale = l).into_owned() };
        text.push('\n');
        text.push_str(&t!(
            "orders.catalog.line",
            locale = l,
            id = row.id,
            key = row.key,
            name = row.name,
            price = yuan(row.price_fen),
            unit = row.unit,
            stock = row.stock,
            per_order = row.limit_per_order,
            per_day = row.limit_per_day,
            paused = paused
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
    let item = match parse_new_item(scope.community_id, args) {
        Ok(parsed) => parsed,
        Err(m) => return say(bot, ctx, scope.titled(ctx.lang, explain(ctx.lang, &m))).await,
    };
    let (key, name) = (item.category_key, item.name);
    let mut work = Work::begin(app, ctx).await?;
    let Some(id) = store::add_item(&mut work, &item).await? else {
        drop(work);
        let keys = store::category_keys(&app.pool, scope.community_id).await?.join(", ");
        let text = t!("orders.catalog.not_added", locale = l, key = key, name = name, keys = keys);
        return say(bot, ctx, scope.titled(ctx.lang, text)).await;
    };
    work.set_state(ctx, &State::of(&Flow::EnglishName { item_id: id, community_id: scope.community_id })).await?;
    work.commit().await?;
    let kb =
        InlineKeyboardMarkup::new(vec![vec![button(t!("orders.catalog.skip_english", locale = l), Cb::SkipEnglish)]]);
    let text = format!(
        "{}\n{}",
        t!("orders.catalog.added", locale = l, name = name),
        t!("orders.catalog.ask_english", locale = l, name = name)
    );
    say_with(bot, ctx, scope.titled(ctx.lang, text), kb).await
}

/// The English name (and, after " / ", unit) typed for a new item.
pub async fn typed_english(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    item_id: i64,
    community_id: i64,
    text: Option<&str>,
) -> HandlerResult {
    let l = ctx.lang.code();
    if !ctx.roles.is_official_of(community_id) {
        return crate::bot::reply::end_not_allowed(bot, app, ctx).await;
    }
    let typed = text.map(str::trim).unwrap_or_default();
    let (name, unit) = typed.split_once('/').map_or((typed, ""), |(n, u)| (n.trim(), u.trim()));
    if name.is_empty() || name.chars().count() > 60 || unit.chars().count() > 20 {
        return say(
            bot,
            ctx,
            format!(
                "{}\n{}",
                t!("orders.catalog.bad_english", locale = l),
                t!("orders.catalog.ask_english_again", locale = l)
            ),
        )
        .await;
    }
    let mut work = Work::begin(app, ctx).await?;
    let unit = (!unit.is_empty()).then_some(unit);
    let named = store::name_in_english(&mut work, community_id, item_id, name, unit).await?;
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    let key = if named { "orders.catalog.english_saved" } else { "common.stale_button" };
    say(bot, ctx, t!(key, locale = l, name = name)).await
}

pub async fn skip_english(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, state: &State) -> HandlerResult {
    if !matches!(state.flow::<Flow>(), Some(Flow::EnglishName { .. })) {
        return refuse(bot, q, t!("common.stale_button", locale = ctx.lang.code())).await;
    }
    Work::save_state(app, ctx, &State::Idle).await?;
    ack(bot, q).await?;
    say(bot, ctx, t!("orders.catalog.english_skipped", locale = ctx.lang.code())).await
}

/// `/stock`, `/price`, `/pause`, `/resume`.
pub async fn change(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str, what: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let (id, change) = match parse_change(what, args) {
        Ok(parsed) => parsed,
        Err(m) => return say(bot, ctx, scope.titled(ctx.lang, explain(ctx.lang, &m))).await,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_in_yuan_become_fen_or_say_why_not() {
        assert_eq!(parse_price("4.5"), Ok(450));
        assert_eq!(parse_price("¥74.90"), Ok(7490));
        assert_eq!(parse_price("12元"), Ok(1200));
        for bad in ["", "0", "0.00", "-1", "1.234", "abc", "1,5"] {
            assert_eq!(parse_price(bad), Err(Mistake::Price(bad.to_owned())), "{bad:?}");
        }
    }

    #[test]
    fn each_catalog_mistake_is_named() {
        assert_eq!(parse_change("stock", "1 -5").err(), Some(Mistake::Count { what: "stock", value: "-5".into() }));
        assert_eq!(parse_change("price", "1 0").err(), Some(Mistake::Price("0".into())));
        assert_eq!(parse_change("price", "1 1.234").err(), Some(Mistake::Price("1.234".into())));
        assert_eq!(parse_change("stock", "abc 3").err(), Some(Mistake::NotAnId("abc".into())));
        assert_eq!(parse_change("stock", "3").err(), Some(Mistake::Usage));
        assert_eq!(
            parse_new_item(1, "vegetables 菠菜 2 200 5 4").err(),
            Some(Mistake::DayBelowOrder { per_day: 4, per_order: 5 })
        );
        let item = parse_new_item(1, "vegetables 白菜 2.5 200 5 10 斤").unwrap();
        assert_eq!(
            (item.price_fen, item.stock, item.limit_per_order, item.limit_per_day, item.unit),
            (250, 200, 5, 10, "斤")
        );
    }
}
