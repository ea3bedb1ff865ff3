//! A closed group buy's goods to the households: to the door by volunteers, a building
//! each, or picked up with a tick per household; payment recorded by the leader.
//!
//! ```text
//! leader    → [📦 配送 / 自提] (in /buys) → 共 5 户：待认领 5 … 💰 已付款 0/5 户 … [🚚 货到了，开始送货]
//! leader    → [🚚 货到了，开始送货] → 已通知参加的 5 户     joiners ← 📦 接龙 #12 到货了！…
//! volunteer → /deliveries → [认领接龙 #12 · 3号楼（5 户）] → 3号楼 2单元301 ☎ 138… [✅ 已放门口]
//! household ← 📦 接龙 #12 的货已放在您家门口 [✅ 收到了]
//! leader    → [💰 各户付款] → 1. 3号楼 2单元301 · 蔬菜套餐×2 · ¥116.00 … [💵 1 现金] [📲 1 转账]
//! ```
//!
//! `manage` is the leader's view (figures, "the goods are here"), `households` the paged
//! list with the pick-up and paid ticks, `door` the volunteers' section of the orders'
//! delivery board (`orders::pipeline::deliveries`) and the household's "received". No
//! dialogue and no command of its own: the leader comes from `/buys`, volunteers from
//! `/deliveries`, households from the message that tells them.

pub mod buttons;
pub mod door;
pub mod households;
pub mod manage;
pub mod model;
pub mod store;

use std::sync::Arc;

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardButton;

use crate::bot::slice::Slice;
use crate::bot::{Ctx, HandlerResult};
use crate::groupbuy::delivery::buttons::Cb;
use crate::groupbuy::delivery::households::Tick;
use crate::i18n::Lang;
use crate::{App, Error};

/// The leader's way into a closed buy's delivery (shown in `/buys`).
pub fn manage_button(lang: Lang, buy: i64) -> InlineKeyboardButton {
    crate::bot::keyboard::button(
        rust_i18n::t!("groupbuy.delivery.manage_button", locale = lang.code()),
        buttons::Cb::Manage(buy),
    )
}

pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(on_callback)
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    let (bot, app, ctx, q) = (&bot, &*app, &ctx, &q);
    // Addresses, phones and payments are shown in the private chat only.
    if !ctx.private {
        return crate::bot::reply::refuse(bot, q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await;
    }
    match cb {
        Cb::Manage(buy) => manage::show(bot, app, ctx, q, buy).await,
        Cb::Arrived(buy) => manage::arrived(bot, app, ctx, q, buy).await,
        Cb::Households { buy, page } => households::page(bot, app, ctx, q, buy, page).await,
        Cb::PickedUp { join, page } => households::tick(bot, app, ctx, q, join, page, Tick::PickedUp(true)).await,
        Cb::UndoPickedUp { join, page } => households::tick(bot, app, ctx, q, join, page, Tick::PickedUp(false)).await,
        Cb::Paid { join, how, page } => households::tick(bot, app, ctx, q, join, page, Tick::Paid(Some(how))).await,
        Cb::UndoPaid { join, page } => households::tick(bot, app, ctx, q, join, page, Tick::Paid(None)).await,
        Cb::TakeBuilding { buy, building } => door::take(bot, app, ctx, q, buy, building).await,
        Cb::LeftAtDoor(join) => door::left_at_door(bot, app, ctx, q, join).await,
        Cb::Received(join) => door::received(bot, app, ctx, q, join).await,
    }
}

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "GroupBuyDelivery",
    commands: &[],
    command_branch: crate::bot::slice::nothing,
    flow_branch: crate::bot::slice::nothing,
    callback_branch: callbacks,
    jobs: |registry| registry,
    setup: None,
    // A carrier's erasure (households on the way back to waiting) is `groupbuy::join::erase`'s.
    erase: None,
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: None,
    cancel_note: None,
};
