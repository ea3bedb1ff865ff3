//! Door buys on the volunteers' delivery board (`/deliveries`, the orders' board: one
//! place to find everything to carry). A volunteer takes a building's waiting households
//! of one buy — the first tap wins, the second is told — and only then, and only they,
//! see those addresses, phones and items, each with [✅ 已放门口]; the household is told,
//! with [✅ 收到了] for its own accounts.
//!
//! ```text
//! volunteer → /deliveries → 🛒 待送的接龙 … [认领接龙 #12 · 3号楼（5 户）]
//! volunteer → [认领接龙 #12 · 3号楼（5 户）] → 🛒 您正在送的接龙：#12 3号楼 2单元301 ☎ 138… [✅ 已放门口：3号楼 2单元301]
//! household ← 📦 接龙 #12「蔬菜套餐」的货已放在您家门口 … [✅ 收到了] → 谢谢！
//! ```

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, replace_with, say};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::groupbuy::delivery::buttons::Cb;
use crate::groupbuy::delivery::store::door as store;
use crate::groupbuy::store as buys;
use crate::i18n::Lang;
use crate::outbox::{self, OutMessage};
use crate::App;

/// The group buys' part of a volunteer's `/deliveries`, for `community`: the households
/// they carry (addresses and phones: theirs alone) and the buildings still waiting, as
/// text to append and button rows. Empty when there is nothing of group buys.
pub async fn section(app: &App, ctx: &Ctx, community: i64) -> crate::Result<(String, Vec<Vec<InlineKeyboardButton>>)> {
    let l = ctx.lang.code();
    let separator = t!("orders.list_separator", locale = l);
    let carried = store::carrying(&app.pool, ctx.lang, ctx.user_id, &separator).await?;
    let board = store::board(&app.pool, ctx.lang, community).await?;
    let mut text = String::new();
    let mut rows = Vec::new();
    if !carried.is_empty() {
        text.push_str("\n\n");
        text.push_str(&t!("groupbuy_delivery.door.carrying_header", locale = l));
        for c in &carried {
            let phone = c.phone.clone().unwrap_or_else(|| t!("people.me.no_phone", locale = l).into_owned());
            text.push('\n');
            text.push_str(&t!(
                "groupbuy_delivery.door.carrying_line",
                locale = l,
                id = c.buy,
                building = c.building.as_str(),
                unit_room = c.unit_room.as_str(),
                phone = phone,
                items = c.items.as_str()
            ));
            rows.push(vec![button(
                t!(
                    "groupbuy_delivery.door.left_button",
                    locale = l,
                    building = c.building.as_str(),
                    unit_room = c.unit_room.as_str()
                ),
                Cb::LeftAtDoor(c.join_id),
            )]);
        }
    }
    if !board.is_empty() {
        text.push_str("\n\n");
        text.push_str(&t!("groupbuy_delivery.door.board_header", locale = l));
        for w in board {
            rows.push(vec![button(
                t!(
                    "groupbuy_delivery.door.take_button",
                    locale = l,
                    id = w.buy,
                    building = w.building.as_str(),
                    count = w.households
                ),
                Cb::TakeBuilding { buy: w.buy, building: w.building_id },
            )]);
        }
    }
    Ok((text, rows))
}

/// [认领接龙 #12 · 3号楼]: one conditional UPDATE; the households are told someone is
/// on the way, then the volunteer sees the board again with their addresses.
pub async fn take(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, buy: i64, building: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(community) = ctx.roles.volunteer_community() else {
        return refuse(bot, q, t!("shifts.refused.not_approved", locale = l)).await;
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let accounts = store::take_building(&mut work, community, buy, building, ctx.user_id).await?;
    if accounts.is_empty() {
        drop(work);
        return refuse(bot, q, t!("groupbuy_delivery.door.taken", locale = l)).await;
    }
    if let Some(b) = buys::buy(&mut *work, buy).await? {
        let [zh, en] = [Lang::ZhCn, Lang::En].map(|lang| {
            OutMessage::text(t!(
                "groupbuy_delivery.door.out",
                locale = lang.code(),
                id = b.id,
                title = b.title.as_str()
            ))
        });
        outbox::enqueue_bulk(&mut work, now, &accounts, &zh, &en, outbox::Options::default()).await?;
    }
    work.commit().await?;
    ack(bot, q).await?;
    crate::orders::pipeline::deliveries(bot, app, ctx).await
}

/// [✅ 已放门口]: by the carrier only; the household is told in its language, with
/// [✅ 收到了].
pub async fn left_at_door(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, join: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let Some((buy, account)) = store::left_at_door(&mut work, now, join, ctx.user_id).await? else {
        drop(work);
        return refuse(bot, q, t!("groupbuy_delivery.door.not_yours", locale = l)).await;
    };
    let lang = crate::people::read::lang_of(&mut work, account).await?;
    let title = buys::buy(&mut *work, buy).await?.map(|b| b.title).unwrap_or_default();
    let text = t!("groupbuy_delivery.door.left", locale = lang.code(), id = buy, title = title.as_str());
    let kb = InlineKeyboardMarkup::new(vec![vec![button(
        t!("groupbuy_delivery.door.received_button", locale = lang.code()),
        Cb::Received(join),
    )]]);
    work.notify(account, OutMessage::text(text).keyboard(kb), outbox::Options::default()).await?;
    work.commit().await?;
    ack(bot, q).await?;
    say(bot, ctx, t!("groupbuy_delivery.door.marked", locale = l)).await
}

/// [✅ 收到了]: by an account of that household only, once.
pub async fn received(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, join: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let Some(buy) = store::received(&mut work, join, ctx.user_id).await? else {
        drop(work);
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    work.commit().await?;
    ack(bot, q).await?;
    let text = t!("groupbuy_delivery.door.thanks", locale = l, id = buy);
    replace_with(bot, ctx, q, text, InlineKeyboardMarkup::default()).await
}
