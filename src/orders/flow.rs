//! The resident's ordering dialogue and `/myorders`; officials' `/freeze`.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, cancel_button, confirm_cancel};
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult, State};
use crate::i18n::Lang;
use crate::orders::buttons::Cb;
use crate::orders::model::{parse_quantity, yuan, QuantityError};
use crate::orders::store::{self, Item, Placement, Shortage};
use crate::orders::Flow;
use crate::people::Resident;
use crate::App;

/// The note is short: it is read at the door.
const NOTE_MAX: usize = 100;

fn label<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::En {
        en
    } else {
        zh
    }
}

/// Whom this person orders for: themself, or the resident they are helping (`/orderfor`).
async fn target(app: &App, ctx: &Ctx) -> crate::Result<(i64, Option<Resident>)> {
    match store::proxy_for(&app.pool, ctx.user_id).await? {
        Some(resident) => {
            let roles = crate::people::read::load_roles(&app.pool, resident, false).await?;
            Ok((resident, roles.resident))
        }
        None => Ok((ctx.user_id, ctx.roles.resident.clone())),
    }
}

/// The address to deliver to, or the reason ordering is not possible now (already said).
async fn can_order(bot: &Bot, app: &App, ctx: &Ctx) -> crate::Result<Option<Resident>> {
    let l = ctx.lang.code();
    let (_, resident) = target(app, ctx).await?;
    let Some(resident) = resident else {
        say(bot, ctx, t!("orders.not_registered", locale = l)).await?;
        return Ok(None);
    };
    if let Some(reason) = store::frozen(&app.pool, resident.community_id, resident.building_id).await? {
        say(bot, ctx, t!("orders.frozen", locale = l, reason = reason)).await?;
        return Ok(None);
    }
    Ok(Some(resident))
}

pub async fn start(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let Some(resident) = can_order(bot, app, ctx).await? else { return Ok(()) };
    let categories = store::categories(&app.pool, resident.community_id).await?;
    if categories.is_empty() {
        return say(bot, ctx, t!("orders.no_catalog", locale = ctx.lang.code())).await;
    }
    let mut rows: Vec<_> = categories
        .into_iter()
        .map(|(id, name, name_en)| vec![button(label(ctx.lang, &name, &name_en), Cb::OrderCategory(id))])
        .collect();
    rows.push(vec![button(t!("orders.cart_button", locale = ctx.lang.code()), Cb::ShowCart)]);
    say_with(bot, ctx, t!("orders.choose_category", locale = ctx.lang.code()), InlineKeyboardMarkup::new(rows)).await
}

fn item_line(lang: Lang, item: &Item) -> String {
    t!(
        "orders.item_line",
        locale = lang.code(),
        name = label(lang, &item.name, &item.name_en),
        price = yuan(item.price_fen),
        unit = label(lang, &item.unit, &item.unit_en),
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
                t!("orders.sold_out_line", locale = ctx.lang.code(), name = label(ctx.lang, &i.name, &i.name_en))
                    .into_owned()
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
    rows.push(vec![button(t!("orders.cart_button", locale = ctx.lang.code()), Cb::ShowCart)]);
    say_with(bot, ctx, t!("orders.choose_item", locale = ctx.lang.code()), InlineKeyboardMarkup::new(rows)).await
}

/// An item of the resident's own community (button data is never trusted).
async fn own_item(app: &App, resident: &Resident, id: i64) -> crate::Result<Option<Item>> {
    Ok(store::item(&app.pool, id).await?.filter(|i| i.community_id == resident.community_id && i.active))
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
    ack(bot, q).await?;
    crate::bot::Work::save_state(app, ctx, &State::of(&Flow::Quantity { item_id: id })).await?;
    let max = item.limit_per_order.min(item.stock).min(5);
    let row = (1..=max).map(|n| button(n.to_string(), Cb::OrderQty { item_id: id, qty: n as u16 })).collect();
    let kb = InlineKeyboardMarkup::new(vec![row, vec![cancel_button(ctx.lang)]]);
    let text = format!(
        "{}\n{}",
        item_line(ctx.lang, &item),
        t!("orders.ask_quantity", locale = l, limit = item.limit_per_order.min(item.stock))
    );
    say_with(bot, ctx, text, kb).await
}

fn quantity_error(lang: Lang, e: QuantityError) -> String {
    let l = lang.code();
    match e {
        QuantityError::NotANumber => t!("orders.qty.not_a_number", locale = l),
        QuantityError::TooSmall => t!("orders.qty.too_small", locale = l),
        QuantityError::OverLimit { limit } => t!("orders.qty.over_limit", locale = l, limit = limit),
        QuantityError::OverStock { stock } => t!("orders.qty.over_stock", locale = l, stock = stock),
    }
    .into_owned()
}

/// Adds `qty` of the item to the cart (validated like a typed quantity).
async fn put_in_cart(bot: &Bot, app: &App, ctx: &Ctx, item: &Item, qty: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    work.set_state(ctx, &State::Idle).await?;
    store::set_cart(&mut work, ctx.user_id, item.id, qty).await?;
    work.commit().await?;
    let kb = InlineKeyboardMarkup::new(vec![vec![
        button(t!("orders.keep_shopping", locale = l), Cb::OrderCategory(item_category(app, item.id).await?)),
        button(t!("orders.cart_button", locale = l), Cb::ShowCart),
    ]]);
    let text = t!("orders.added", locale = l, name = label(ctx.lang, &item.name, &item.name_en), qty = qty);
    say_with(bot, ctx, text, kb).await
}

async fn item_category(app: &App, item_id: i64) -> crate::Result<i64> {
    let (c,): (i64,) =
        sqlx::query_as("SELECT category_id FROM catalog_items WHERE id = ?").bind(item_id).fetch_one(&app.pool).await?;
    Ok(c)
}

pub async fn add(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, item_id: i64, qty: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = can_order(bot, app, ctx).await? else { return ack(bot, q).await };
    let Some(item) = own_item(app, &resident, item_id).await? else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    if let Err(e) = parse_quantity(&qty.to_string(), item.limit_per_order, item.stock) {
        return refuse(bot, q, quantity_error(ctx.lang, e)).await;
    }
    ack(bot, q).await?;
    put_in_cart(bot, app, ctx, &item, qty).await
}

pub async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, flow: Flow) -> HandlerResult {
    let l = ctx.lang.code();
    if msg.text().is_some_and(|t| t.starts_with('/')) {
        return say(bot, ctx, t!("common.unknown_command_in_flow", locale = l)).await;
    }
    match flow {
        Flow::Quantity { item_id } => {
            let Some(resident) = can_order(bot, app, ctx).await? else { return Ok(()) };
            let Some(item) = own_item(app, &resident, item_id).await? else {
                crate::bot::Work::save_state(app, ctx, &State::Idle).await?;
                return say(bot, ctx, t!("orders.sold_out", locale = l)).await;
            };
            let Some(text) = msg.text() else {
                say(bot, ctx, quantity_error(ctx.lang, QuantityError::NotANumber)).await?;
                return say(
                    bot,
                    ctx,
                    t!("orders.ask_quantity", locale = l, limit = item.limit_per_order.min(item.stock)),
                )
                .await;
            };
            match parse_quantity(text, item.limit_per_order, item.stock) {
                Ok(qty) => put_in_cart(bot, app, ctx, &item, qty).await,
                Err(e) => {
                    say(bot, ctx, quantity_error(ctx.lang, e)).await?;
                    say(bot, ctx, t!("orders.ask_quantity", locale = l, limit = item.limit_per_order.min(item.stock)))
                        .await
                }
            }
        }
        Flow::Note => match msg.text().map(str::trim) {
            Some(note) if !note.is_empty() && note.chars().count() <= NOTE_MAX => {
                summary(bot, app, ctx, None, note.to_owned()).await
            }
            Some(note) if note.chars().count() > NOTE_MAX => {
                say(bot, ctx, t!("people.invalid.too_long", locale = l, max = NOTE_MAX)).await?;
                ask_note(bot, ctx).await
            }
            _ => {
                say(bot, ctx, t!("people.invalid.not_text", locale = l)).await?;
                ask_note(bot, ctx).await
            }
        },
        Flow::Confirm { .. } => say(bot, ctx, t!("common.use_buttons", locale = l)).await,
    }
}

pub async fn show_cart(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>) -> HandlerResult {
    let l = ctx.lang.code();
    if let Some(q) = q {
        ack(bot, q).await?;
    }
    let lines = store::cart(&app.pool, ctx.user_id).await?;
    if lines.is_empty() {
        return say(bot, ctx, t!("orders.cart_empty", locale = l)).await;
    }
    let mut text = t!("orders.cart_header", locale = l).into_owned();
    let mut rows = Vec::new();
    let mut total = 0;
    for line in &lines {
        let name = label(ctx.lang, &line.name, &line.name_en);
        let sum = line.price_fen * line.quantity;
        total += sum;
        text.push_str(&format!("\n· {name} ×{} = {}", line.quantity, yuan(sum)));
        let q = line.quantity as u16;
        rows.push(vec![
            button(format!("− {name}"), Cb::CartSet { item_id: line.item_id, qty: q.saturating_sub(1) }),
            button("+", Cb::CartSet { item_id: line.item_id, qty: q.saturating_add(1) }),
            button(t!("orders.remove", locale = l), Cb::CartSet { item_id: line.item_id, qty: 0 }),
        ]);
    }
    text.push_str(&format!("\n{}", t!("orders.total", locale = l, total = yuan(total))));
    rows.push(vec![button(t!("orders.checkout", locale = l), Cb::Checkout)]);
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

pub async fn set_line(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, item_id: i64, qty: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = can_order(bot, app, ctx).await? else { return ack(bot, q).await };
    let Some(item) = own_item(app, &resident, item_id).await? else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    if qty > 0 {
        if let Err(e) = parse_quantity(&qty.to_string(), item.limit_per_order, item.stock) {
            return refuse(bot, q, quantity_error(ctx.lang, e)).await;
        }
    }
    let mut work = Work::begin(app, ctx).await?;
    store::set_cart(&mut work, ctx.user_id, item_id, qty).await?;
    work.commit().await?;
    show_cart(bot, app, ctx, Some(q)).await
}

async fn ask_note(bot: &Bot, ctx: &Ctx) -> HandlerResult {
    let kb = InlineKeyboardMarkup::new(vec![
        vec![button(t!("orders.no_note", locale = ctx.lang.code()), Cb::NoNote)],
        vec![cancel_button(ctx.lang)],
    ]);
    say_with(bot, ctx, t!("orders.ask_note", locale = ctx.lang.code(), max = NOTE_MAX), kb).await
}

pub async fn checkout(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery) -> HandlerResult {
    if can_order(bot, app, ctx).await?.is_none() {
        return ack(bot, q).await;
    }
    if store::cart(&app.pool, ctx.user_id).await?.is_empty() {
        return refuse(bot, q, t!("orders.cart_empty", locale = ctx.lang.code())).await;
    }
    ack(bot, q).await?;
    crate::bot::Work::save_state(app, ctx, &State::of(&Flow::Note)).await?;
    ask_note(bot, ctx).await
}

pub async fn summary(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>, note: String) -> HandlerResult {
    let l = ctx.lang.code();
    if let Some(q) = q {
        ack(bot, q).await?;
    }
    let lines = store::cart(&app.pool, ctx.user_id).await?;
    let total: i64 = lines.iter().map(|x| x.price_fen * x.quantity).sum();
    let items: Vec<String> =
        lines.iter().map(|x| format!("{}×{}", label(ctx.lang, &x.name, &x.name_en), x.quantity)).collect();
    crate::bot::Work::save_state(app, ctx, &State::of(&Flow::Confirm { note: note.clone() })).await?;
    let note_text = if note.is_empty() { t!("orders.no_note_given", locale = l).into_owned() } else { note };
    let text = t!("orders.summary", locale = l, items = items.join("、"), total = yuan(total), note = note_text);
    say_with(bot, ctx, text, confirm_cancel(ctx.lang, Cb::Confirm)).await
}

/// Places the order. The order, the end of the dialogue, the end of "ordering for" and the
/// resident's notification commit together, or none of them does.
pub async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, note: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = can_order(bot, app, ctx).await? else { return ack(bot, q).await };
    let (resident_id, _) = target(app, ctx).await?;
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let day = now.with_timezone(&app.settings.timezone).date_naive().to_string();
    let placement = Placement {
        resident: resident_id,
        community_id: resident.community_id,
        building_id: resident.building_id,
        placed_by: ctx.user_id,
        note,
        day: &day,
        now,
    };
    let (id, total) = match store::place(&mut work, &placement).await? {
        Ok(placed) => placed,
        Err(shortage) => {
            // Nothing is placed (stock taken for earlier lines goes back with the rollback);
            // the cart is kept: the resident changes the line and confirms again.
            drop(work);
            Work::save_state(app, ctx, &State::Idle).await?;
            return refuse_shortage(bot, app, ctx, q, shortage).await;
        }
    };
    work.set_state(ctx, &State::Idle).await?;
    let on_behalf = resident_id != ctx.user_id;
    if on_behalf {
        // Placed for someone else: tell them (if they ever use the bot), and stop helping.
        store::set_proxy(&mut work, now, ctx.user_id, None).await?;
        let lang = crate::people::read::lang_of(&mut work, resident_id).await?;
        let text = t!(
            "orders.placed_for_you",
            locale = lang.code(),
            id = id,
            total = yuan(total),
            name = ctx.display_name.as_str()
        );
        work.notify(resident_id, crate::outbox::OutMessage::text(text), Default::default()).await?;
    }
    work.commit().await?;
    ack(bot, q).await?;
    if on_behalf {
        return say(bot, ctx, t!("orders.placed_on_behalf", locale = l, id = id, total = yuan(total))).await;
    }
    say(bot, ctx, t!("orders.placed", locale = l, id = id, total = yuan(total))).await
}

async fn refuse_shortage(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, shortage: Shortage) -> HandlerResult {
    let l = ctx.lang.code();
    let reason = match shortage {
        Shortage::EmptyCart => return refuse(bot, q, t!("common.stale_button", locale = l)).await,
        Shortage::OutOfStock { name, left } => t!("orders.short.out_of_stock", locale = l, name = name, left = left),
        Shortage::OverOrderLimit { name, limit } => {
            t!("orders.short.order_limit", locale = l, name = name, limit = limit)
        }
        Shortage::OverDayLimit { name, limit, already } => {
            t!("orders.short.day_limit", locale = l, name = name, limit = limit, already = already)
        }
        Shortage::Unavailable { name } => t!("orders.short.unavailable", locale = l, name = name),
    };
    ack(bot, q).await?;
    say(bot, ctx, reason).await?;
    show_cart(bot, app, ctx, None).await
}
