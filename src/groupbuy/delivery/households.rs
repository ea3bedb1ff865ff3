//! The leader's list of a closed buy's households, a page at a time, in slip order: one
//! line per household (building, unit and room, items, what it owes, where its goods are,
//! whether it paid), and under it a row of ticks per household — picked up (pick-up buys,
//! once the goods are here) and paid in cash or by transfer — each with its undo.
//! Payment is recorded, not processed.
//!
//! ```text
//! leader → [📋 自提名单：取货、付款]
//! bot    → 📋 接龙 #12「蔬菜套餐」各户（第 1/2 页）
//!          1. 3号楼 2单元301 · 蔬菜套餐×2 · ¥116.00 · 未取 · 未付款
//!          [✅ 1 已取] [💵 1 现金] [📲 1 转账]
//! leader → [✅ 1 已取] [💵 1 现金] → 1. … · ✅ 已取 · 💵 现金已付  [↩️ 1 撤销已取] [↩️ 1 撤销付款]
//! ```

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::callback::Common;
use crate::bot::keyboard::{button, PAGE_SIZE};
use crate::bot::reply::{ack, refuse, replace_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::groupbuy::delivery::buttons::Cb;
use crate::groupbuy::delivery::manage::{managed, paid_line};
use crate::groupbuy::delivery::model::{page_of, Payment, Stage};
use crate::groupbuy::delivery::store::{self, HouseholdLine};
use crate::groupbuy::model::Delivery;
use crate::groupbuy::store::Buy;
use crate::i18n::Lang;
use crate::orders::model::yuan;
use crate::App;

/// [💰 各户付款], [📋 自提名单] and the page turns.
pub async fn page(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, buy_id: i64, page: u16) -> HandlerResult {
    let buy = match managed(app, ctx, buy_id).await? {
        Ok(buy) => buy,
        Err(why) => return refuse(bot, q, why).await,
    };
    ack(bot, q).await?;
    redraw(bot, app, ctx, q, &buy, page).await
}

/// A tick the leader can put on a household, or take back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// Picked up (`true`), or not after all.
    PickedUp(bool),
    /// Paid in cash or by transfer, or not after all (`None`).
    Paid(Option<Payment>),
}

/// A tick on one household: authorised on its buy, one conditional UPDATE, the page
/// redrawn; a tap that finds it already so is told.
pub async fn tick(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    join: i64,
    page: u16,
    tick: Tick,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(buy) = authorised(bot, app, ctx, q, join).await? else { return Ok(()) };
    if matches!(tick, Tick::PickedUp(_)) && (buy.delivery != Delivery::Pickup || buy.arrived_at.is_none()) {
        return refuse(bot, q, t!("groupbuy_delivery.list.not_arrived", locale = l)).await;
    }
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let changed = match tick {
        Tick::PickedUp(picked) => store::set_picked_up(&mut work, now, join, picked).await?,
        Tick::Paid(how) => store::set_paid(&mut work, now, join, how).await?,
    };
    if !changed {
        drop(work);
        return refuse(bot, q, t!("groupbuy_delivery.list.already", locale = l)).await;
    }
    work.commit().await?;
    ack(bot, q).await?;
    redraw(bot, app, ctx, q, &buy, page).await
}

/// The buy of this household's join, if the person may manage it; otherwise the tap is
/// refused (and `None`).
async fn authorised(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, join: i64) -> crate::Result<Option<Buy>> {
    let Some(buy_id) = store::buy_of(&app.pool, join).await? else {
        refuse(bot, q, t!("common.stale_button", locale = ctx.lang.code())).await?;
        return Ok(None);
    };
    match managed(app, ctx, buy_id).await? {
        Ok(buy) => Ok(Some(buy)),
        Err(why) => {
            refuse(bot, q, why).await?;
            Ok(None)
        }
    }
}

async fn redraw(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, buy: &Buy, page: u16) -> HandlerResult {
    let separator = t!("orders.list_separator", locale = ctx.lang.code());
    let rows = store::households(&app.pool, ctx.lang, buy.id, &separator).await?;
    let figures = store::figures(&app.pool, buy.id).await?;
    let mut text = paid_line(ctx.lang, &figures);
    text.push_str("\n\n");
    let (body, kb) = view(ctx.lang, buy, &rows, page);
    text.push_str(&body);
    replace_with(bot, ctx, q, text, kb).await
}

/// One page of the list and its ticks.
pub fn view(lang: Lang, buy: &Buy, rows: &[HouseholdLine], page: u16) -> (String, InlineKeyboardMarkup) {
    let l = lang.code();
    let (page, pages) = page_of(rows.len(), PAGE_SIZE, page);
    let ticks_pickup = buy.delivery == Delivery::Pickup && buy.arrived_at.is_some();
    let mut text = t!(
        "groupbuy_delivery.list.header",
        locale = l,
        id = buy.id,
        title = buy.title.as_str(),
        page = page + 1,
        pages = pages
    )
    .into_owned();
    if rows.is_empty() {
        text.push('\n');
        text.push_str(&t!("groupbuy_delivery.list.none", locale = l));
    }
    let shown = page as u16;
    let mut kb = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(page * PAGE_SIZE).take(PAGE_SIZE) {
        let n = i + 1;
        text.push('\n');
        text.push_str(&t!(
            "groupbuy_delivery.list.line",
            locale = l,
            n = n,
            building = row.building.as_str(),
            unit_room = row.unit_room.as_str(),
            items = row.items.as_str(),
            due = yuan(row.due_fen),
            stage = stage_name(lang, buy.delivery, row.stage),
            paid = paid_name(lang, row.paid)
        ));
        let mut ticks = Vec::new();
        if ticks_pickup {
            match row.stage {
                Stage::Waiting => ticks.push(button(
                    t!("groupbuy_delivery.list.picked_button", locale = l, n = n),
                    Cb::PickedUp { join: row.join_id, page: shown },
                )),
                Stage::PickedUp => ticks.push(button(
                    t!("groupbuy_delivery.list.unpick_button", locale = l, n = n),
                    Cb::UndoPickedUp { join: row.join_id, page: shown },
                )),
                _ => {}
            }
        }
        match row.paid {
            None => {
                for (how, key) in [
                    (Payment::Cash, "groupbuy_delivery.list.cash_button"),
                    (Payment::Transfer, "groupbuy_delivery.list.transfer_button"),
                ] {
                    ticks.push(button(t!(key, locale = l, n = n), Cb::Paid { join: row.join_id, how, page: shown }));
                }
            }
            Some(_) => ticks.push(button(
                t!("groupbuy_delivery.list.unpay_button", locale = l, n = n),
                Cb::UndoPaid { join: row.join_id, page: shown },
            )),
        }
        kb.push(ticks);
    }
    if pages > 1 {
        let mut nav = Vec::new();
        if page > 0 {
            nav.push(button(t!("common.prev_page", locale = l), Cb::Households { buy: buy.id, page: shown - 1 }));
        }
        nav.push(button(t!("common.page_of", locale = l, page = page + 1, pages = pages), Common::Noop));
        if page + 1 < pages {
            nav.push(button(t!("common.next_page", locale = l), Cb::Households { buy: buy.id, page: shown + 1 }));
        }
        kb.push(nav);
    }
    kb.push(vec![button(t!("groupbuy_delivery.list.back_button", locale = l), Cb::Manage(buy.id))]);
    (text, InlineKeyboardMarkup::new(kb))
}

fn stage_name(lang: Lang, delivery: Delivery, stage: Stage) -> String {
    let key = match (stage, delivery) {
        (Stage::Waiting, Delivery::Pickup) => "groupbuy_delivery.list.stage.waiting_pickup",
        (Stage::Waiting, Delivery::Door) => "groupbuy_delivery.list.stage.waiting_door",
        (Stage::Out, _) => "groupbuy_delivery.list.stage.out",
        (Stage::Delivered, _) => "groupbuy_delivery.list.stage.delivered",
        (Stage::Received, _) => "groupbuy_delivery.list.stage.received",
        (Stage::PickedUp, _) => "groupbuy_delivery.list.stage.picked_up",
    };
    t!(key, locale = lang.code()).into_owned()
}

fn paid_name(lang: Lang, paid: Option<Payment>) -> String {
    let key = match paid {
        None => "groupbuy_delivery.list.unpaid",
        Some(Payment::Cash) => "groupbuy_delivery.list.cash",
        Some(Payment::Transfer) => "groupbuy_delivery.list.transfer",
    };
    t!(key, locale = lang.code()).into_owned()
}
