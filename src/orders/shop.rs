//! Shopping: categories → items → a quantity to add. Adding adds to what the cart holds,
//! within what the household may still order today (`model::Allowance`); the quantity
//! buttons answer only the question still open.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, cancel_button};
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::i18n::Lang;
use crate::orders::buttons::Cb;
use crate::orders::flow::{can_order, end, household, household_of};
use crate::orders::model::{check_quantity, parse_quantity, yuan, Allowance, Bound, QuantityError};
use crate::orders::store::{self, Item};
use crate::orders::Flow;
use crate::people::Resident;
use crate::App;

pub async fn start(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let Some(resident) = can_order(bot, app, ctx).await? else { return Ok(()) };
    let categories = store::categories(&app.pool, resident.community_id).await?;
    if categories.is_empty() {
        return say(bot, ctx, t!("orders.no_catalog", locale = ctx.lang.code())).await;
    }
    let mut rows: Vec<_> = categories
        .into_iter()
        .map(|(id, name, name_en)| vec![button(ctx.lang.pick(&name, &name_en), Cb::OrderCategory(id))])
        .collect();
    rows.push(vec![button(t!("orders.cart_button", locale = ctx.lang.code()), Cb::ShowCart)]);
    say_with(bot, ctx, t!("orders.choose_category", locale = ctx.lang.code()), InlineKeyboardMarkup::new(rows)).await
}

fn item_line(lang: Lang, item: &Item) -> String {
    t!(
        "orders.item_line",
        locale = lang.code(),
        name = lang.pick(&item.name, &item.name_en),
        price = yuan(item.price_fen),
        unit = lang.pick(&item.unit, &item.unit_en),
        stock = item.stock,
        limit = item.limit_per_order
    )
    .into_owned()
}

/// Items shown per page of a category.
const ITEMS_PER_PAGE: usize = 8;

pub async fn category(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64, page: u16) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = can_order(bot, app, ctx).await? else { return ack(bot, q).await };
    let items = store::items(&app.pool, resident.community_id, id).await?;
    if items.is_empty() {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    }
    ack(bot, q).await?;
    let pages = items.len().div_ceil(ITEMS_PER_PAGE);
    let page = usize::from(page).min(pages - 1);
    let mut rows: Vec<_> = items
        .iter()
        .skip(page * ITEMS_PER_PAGE)
        .take(ITEMS_PER_PAGE)
        .map(|i| {
            let text = if i.stock > 0 {
                item_line(ctx.lang, i)
            } else {
                t!("orders.sold_out_line", locale = l, name = ctx.lang.pick(&i.name, &i.name_en)).into_owned()
            };
            vec![button(text, Cb::OrderItem(i.id))]
        })
        .collect();
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(t!("common.prev_page", locale = l), Cb::ItemsPage { category: id, page: page as u16 - 1 }));
    }
    if page + 1 < pages {
        nav.push(button(t!("common.next_page", locale = l), Cb::ItemsPage { category: id, page: page as u16 + 1 }));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows.push(vec![button(t!("orders.cart_button", locale = l), Cb::ShowCart)]);
    say_with(bot, ctx, t!("orders.choose_item", locale = l), InlineKeyboardMarkup::new(rows)).await
}

/// An item of the resident's own community (button data is never trusted).
pub async fn own_item(app: &App, resident: &Resident, id: i64) -> crate::Result<Option<Item>> {
    Ok(store::item(&app.pool, id).await?.filter(|i| i.community_id == resident.community_id && i.active))
}

async fn allowance_now(app: &App, ctx: &Ctx, resident: &Resident, item: &Item) -> crate::Result<Allowance> {
    let parts = household_of(app, resident);
    let mut conn = app.pool.acquire().await?;
    store::allowance(&mut conn, item, ctx.user_id, &household(resident, &parts)).await
}

/// Why no more (or not that many) may be added, in words.
pub fn quantity_error(lang: Lang, e: QuantityError, name: &str) -> String {
    let l = lang.code();
    match e {
        QuantityError::NotANumber => t!("orders.qty.not_a_number", locale = l).into_owned(),
        QuantityError::TooSmall => t!("orders.qty.too_small", locale = l).into_owned(),
        QuantityError::TooMany { bound, more } => {
            let why = match bound {
                Bound::PerOrder { limit } => t!("orders.qty.per_order", locale = l, name = name, limit = limit),
                Bound::PerDay { limit, already } => {
                    t!("orders.qty.per_day", locale = l, name = name, limit = limit, already = already)
                }
                Bound::Stock { left } => t!("orders.qty.stock", locale = l, name = name, left = left),
            };
            let left = match more {
                0 => t!("orders.qty.no_more", locale = l),
                n => t!("orders.qty.at_most_more", locale = l, more = n),
            };
            format!("{why}{left}")
        }
    }
}

fn ask_quantity(lang: Lang, allowance: &Allowance) -> String {
    let l = lang.code();
    match allowance.more() {
        1 => t!("orders.ask_quantity_one", locale = l).into_owned(),
        more => t!("orders.ask_quantity", locale = l, limit = more).into_owned(),
    }
}

pub async fn item(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = can_order(bot, app, ctx).await? else { return ack(bot, q).await };
    let Some(item) = own_item(app, &resident, id).await? else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    if item.stock == 0 {
        return refuse(bot, q, t!("orders.sold_out", locale = l)).await;
    }
    let allowance = allowance_now(app, ctx, &resident, &item).await?;
    let name = ctx.lang.pick(&item.name, &item.name_en);
    if let Err(e) = check_quantity(1, &allowance) {
        return refuse(bot, q, quantity_error(ctx.lang, e, name)).await;
    }
    ack(bot, q).await?;
    Work::save_state(app, ctx, &State::of(&Flow::Quantity { item_id: id })).await?;
    let row = (1..=allowance.more().min(5))
        .map(|n| button(n.to_string(), Cb::OrderQty { item_id: id, qty: n as u16 }))
        .collect();
    let kb = InlineKeyboardMarkup::new(vec![row, vec![cancel_button(ctx.lang)]]);
    let mut text = item_line(ctx.lang, &item);
    if allowance.in_cart > 0 {
        text.push('\n');
        text.push_str(&t!("orders.in_cart_already", locale = l, qty = allowance.in_cart));
    }
    text.push('\n');
    text.push_str(&ask_quantity(ctx.lang, &allowance));
    say_with(bot, ctx, text, kb).await
}

/// A quantity button: it answers the open question about that item, or nothing.
pub async fn tapped_quantity(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    state: &State,
    item_id: i64,
    qty: i64,
) -> HandlerResult {
    if state.flow::<Flow>() != Some(Flow::Quantity { item_id }) {
        return refuse(bot, q, t!("orders.qty.answered", locale = ctx.lang.code())).await;
    }
    add(bot, app, ctx, Some(q), item_id, Answer::Tapped(qty)).await
}

/// A typed answer (a photo or a sticker is "not a number").
pub async fn typed_quantity(bot: &Bot, app: &App, ctx: &Ctx, item_id: i64, text: Option<&str>) -> HandlerResult {
    add(bot, app, ctx, None, item_id, Answer::Typed(text.unwrap_or_default())).await
}

enum Answer<'a> {
    Tapped(i64),
    Typed(&'a str),
}

/// Adds to the cart in one transaction with the allowance it was checked against; a
/// refusal says why and asks again (the dialogue stays on this item).
async fn add(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    item_id: i64,
    answer: Answer<'_>,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = can_order(bot, app, ctx).await? else {
        return match q {
            Some(q) => ack(bot, q).await,
            None => Ok(()),
        };
    };
    let Some(item) = own_item(app, &resident, item_id).await? else {
        end(app, ctx).await?;
        return match q {
            Some(q) => refuse(bot, q, t!("orders.sold_out", locale = l)).await,
            None => say(bot, ctx, t!("orders.sold_out", locale = l)).await,
        };
    };
    let name = ctx.lang.pick(&item.name, &item.name_en);
    let parts = household_of(app, &resident);
    let mut work = Work::begin(app, ctx).await?;
    let allowance = store::allowance(&mut work, &item, ctx.user_id, &household(&resident, &parts)).await?;
    let checked = match answer {
        Answer::Tapped(n) => check_quantity(n, &allowance),
        Answer::Typed(typed) => parse_quantity(typed, &allowance),
    };
    let qty = match checked {
        Ok(qty) => qty,
        Err(e) => {
            drop(work);
            let reason = quantity_error(ctx.lang, e, name);
            return match q {
                Some(q) => refuse(bot, q, reason).await,
                None => {
                    say(bot, ctx, reason).await?;
                    say(bot, ctx, ask_quantity(ctx.lang, &allowance)).await
                }
            };
        }
    };
    let total = store::add_to_cart(&mut work, ctx.user_id, item.id, qty).await?;
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    if let Some(q) = q {
        ack(bot, q).await?;
    }
    let kb = InlineKeyboardMarkup::new(vec![vec![
        button(t!("orders.keep_shopping", locale = l), Cb::OrderCategory(item.category_id)),
        button(t!("orders.cart_button", locale = l), Cb::ShowCart),
    ]]);
    let text = if total == qty {
        t!("orders.added", locale = l, name = name, qty = qty)
    } else {
        t!("orders.added_more", locale = l, name = name, qty = qty, total = total)
    };
    say_with(bot, ctx, text, kb).await
}
