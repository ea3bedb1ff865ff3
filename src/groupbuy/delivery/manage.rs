//! The leader's view of a closed buy: where every household's goods are, who paid, and
//! "the goods are here", which starts the delivery or the pick-up once and tells every
//! household that joined, each in its language (one statement, `outbox::enqueue_bulk`).
//!
//! ```text
//! leader → [📦 配送 / 自提]
//! bot    → 📦 接龙 #12「蔬菜套餐」配送与收款 · 🚪 送货上门 · ⏳ 还没到货 …
//!          共 5 户：待认领 5 · 配送中 0 · 已放门口 0 · 已签收 0
//!          💰 已付款 0/5 户（现金 0 · 转账 0）：已收 ¥0.00，应收 ¥290.00
//!          [🚚 货到了，开始送货] [💰 各户付款] [🔄 刷新]
//! leader → [🚚 货到了，开始送货] → ✅ 已记下到货，已通知参加的 5 户。
//! ```

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, replace_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::clock::from_millis;
use crate::groupbuy::delivery::buttons::Cb;
use crate::groupbuy::delivery::model::Figures;
use crate::groupbuy::delivery::store;
use crate::groupbuy::model::{BuyStatus, Delivery};
use crate::groupbuy::store::{self as buys, Buy};
use crate::i18n::Lang;
use crate::orders::model::yuan;
use crate::outbox::{self, OutMessage};
use crate::App;

/// The buy if this person may manage its delivery — its leader, or an official of its
/// community (administrators included) — and it went ahead; otherwise why not, as the
/// refusal to show.
pub(super) async fn managed(app: &App, ctx: &Ctx, buy_id: i64) -> crate::Result<Result<Buy, String>> {
    let l = ctx.lang.code();
    let Some(buy) = buys::buy(&app.pool, buy_id).await? else {
        return Ok(Err(t!("common.stale_button", locale = l).into_owned()));
    };
    if buy.leader_id != ctx.user_id && !ctx.roles.is_official_of(buy.community_id) {
        return Ok(Err(t!("groupbuy_delivery.not_yours", locale = l).into_owned()));
    }
    if buy.status != BuyStatus::Closed {
        return Ok(Err(t!("groupbuy_delivery.not_closed", locale = l, id = buy.id).into_owned()));
    }
    Ok(Ok(buy))
}

/// [📦 配送 / 自提] and [🔄 刷新]: the figures, in place of the tapped message.
pub async fn show(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, buy_id: i64) -> HandlerResult {
    let buy = match managed(app, ctx, buy_id).await? {
        Ok(buy) => buy,
        Err(why) => return refuse(bot, q, why).await,
    };
    let figures = store::figures(&app.pool, buy.id).await?;
    ack(bot, q).await?;
    let (text, kb) = view(app, ctx.lang, &buy, &figures, None);
    replace_with(bot, ctx, q, text, kb).await
}

/// [货到了]: `arrived_at` once; every household that joined is told in the same `Work`.
pub async fn arrived(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, buy_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let buy = match managed(app, ctx, buy_id).await? {
        Ok(buy) => buy,
        Err(why) => return refuse(bot, q, why).await,
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    if !store::arrive(&mut work, now, buy.id).await? {
        drop(work);
        return refuse(bot, q, t!("groupbuy_delivery.manage.already_arrived", locale = l)).await;
    }
    let accounts = store::joined_accounts(&mut work, buy.id).await?;
    let [zh, en] = [Lang::ZhCn, Lang::En].map(|lang| OutMessage::text(arrival_text(app, lang, &buy, now)));
    outbox::enqueue_bulk(&mut work, now, &accounts, &zh, &en, outbox::Options::default()).await?;
    let Some(buy) = buys::buy(&mut *work, buy.id).await? else { return Ok(()) };
    let figures = store::figures(&mut *work, buy.id).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let lead = t!("groupbuy_delivery.manage.told", locale = l, count = accounts.len()).into_owned();
    let (text, kb) = view(app, ctx.lang, &buy, &figures, Some(lead));
    replace_with(bot, ctx, q, text, kb).await
}

/// What a joiner is told when the goods are here.
fn arrival_text(app: &App, lang: Lang, buy: &Buy, now: chrono::DateTime<chrono::Utc>) -> String {
    let l = lang.code();
    match (buy.delivery, &buy.pickup_place, buy.pickup_at) {
        (Delivery::Pickup, Some(place), Some(at)) => t!(
            "groupbuy_delivery.arrived.pickup",
            locale = l,
            id = buy.id,
            title = buy.title.as_str(),
            place = place.as_str(),
            at = crate::i18n::dates::at(lang, from_millis(at), now, app.settings.timezone)
        ),
        _ => t!("groupbuy_delivery.arrived.door", locale = l, id = buy.id, title = buy.title.as_str()),
    }
    .into_owned()
}

/// The leader's message: how it is delivered, whether the goods are here, the figures,
/// and the next steps' buttons. `lead`: what was just done.
pub(super) fn view(
    app: &App,
    lang: Lang,
    buy: &Buy,
    f: &Figures,
    lead: Option<String>,
) -> (String, InlineKeyboardMarkup) {
    let l = lang.code();
    let now = app.now();
    let tz = app.settings.timezone;
    let mut lines = Vec::new();
    lines.extend(lead);
    lines.push(t!("groupbuy_delivery.manage.title", locale = l, id = buy.id, title = buy.title.as_str()).into_owned());
    let pickup = buy.delivery == Delivery::Pickup;
    lines.push(match (&buy.pickup_place, buy.pickup_at) {
        (Some(place), Some(at)) if pickup => t!(
            "groupbuy_delivery.manage.pickup",
            locale = l,
            place = place.as_str(),
            at = crate::i18n::dates::at(lang, from_millis(at), now, tz)
        )
        .into_owned(),
        _ => t!("groupbuy_delivery.manage.door", locale = l).into_owned(),
    });
    lines.push(
        match buy.arrived_at {
            Some(at) => t!(
                "groupbuy_delivery.manage.arrived",
                locale = l,
                at = crate::i18n::dates::at(lang, from_millis(at), now, tz)
            ),
            None => t!("groupbuy_delivery.manage.not_arrived", locale = l, households = f.households),
        }
        .into_owned(),
    );
    lines.push(
        if pickup {
            t!(
                "groupbuy_delivery.manage.pickup_counts",
                locale = l,
                households = f.households,
                picked_up = f.picked_up,
                waiting = f.waiting
            )
        } else {
            t!(
                "groupbuy_delivery.manage.door_counts",
                locale = l,
                households = f.households,
                waiting = f.waiting,
                out = f.out,
                delivered = f.delivered,
                received = f.received
            )
        }
        .into_owned(),
    );
    lines.push(paid_line(lang, f));
    if f.all_handed_over() {
        lines.push(t!("groupbuy_delivery.manage.all_handed_over", locale = l).into_owned());
    }
    let mut rows = Vec::new();
    if buy.arrived_at.is_none() {
        let key = if pickup {
            "groupbuy_delivery.manage.arrived_pickup_button"
        } else {
            "groupbuy_delivery.manage.arrived_door_button"
        };
        rows.push(vec![button(t!(key, locale = l), Cb::Arrived(buy.id))]);
    }
    let list_key = if pickup && buy.arrived_at.is_some() {
        "groupbuy_delivery.manage.pickup_list_button"
    } else {
        "groupbuy_delivery.manage.households_button"
    };
    rows.push(vec![button(t!(list_key, locale = l), Cb::Households { buy: buy.id, page: 0 })]);
    rows.push(vec![button(t!("groupbuy_delivery.manage.refresh_button", locale = l), Cb::Manage(buy.id))]);
    (lines.join("\n"), InlineKeyboardMarkup::new(rows))
}

/// "💰 已付款 2/5 户（现金 1 · 转账 1）：已收 ¥116.00，应收 ¥290.00".
pub(super) fn paid_line(lang: Lang, f: &Figures) -> String {
    t!(
        "groupbuy_delivery.manage.paid",
        locale = lang.code(),
        paid = f.paid,
        households = f.households,
        cash = f.cash,
        transfer = f.transfer,
        paid_amount = yuan(f.paid_fen),
        due = yuan(f.due_fen)
    )
    .into_owned()
}
