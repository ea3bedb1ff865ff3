//! `/groupbuys`: the open buys a household may join (marked when it has), and its buys
//! that went ahead, step by step to the door.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{say, say_with};
use crate::bot::{Ctx, HandlerResult};
use crate::groupbuy::join::buttons::Cb;
use crate::groupbuy::join::flow::household;
use crate::groupbuy::model::Delivery;
use crate::groupbuy::store;
use crate::App;

/// `/groupbuys`: the open buys the household may join (marked when it has), newest first.
pub async fn list(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let Some(home) = household(ctx) else {
        return say(bot, ctx, t!("groupbuy.join.register_first", locale = l)).await;
    };
    let now = app.now();
    let mut conn = app.pool.acquire().await?;
    let mut text = t!("groupbuy.list.header", locale = l).into_owned();
    let mut rows = Vec::new();
    for store::OpenFor { buy, mine } in store::open_for(&mut conn, &home).await? {
        if !buy.is_open_at(now) {
            continue;
        }
        text.push('\n');
        text.push_str(&t!(
            "groupbuy.list.line",
            locale = l,
            id = buy.id,
            title = buy.title.as_str(),
            at = crate::i18n::dates::at(lang, buy.deadline(), now, app.settings.timezone),
            households = crate::groupbuy::households(lang, buy.households)
        ));
        if let Some(units) = mine {
            text.push_str(&t!("groupbuy.list.mine", locale = l, units = crate::groupbuy::units(lang, units)));
        }
        rows.push(vec![button(t!("groupbuy.list.open_button", locale = l, id = buy.id), Cb::OpenBuy(buy.id))]);
    }
    if rows.is_empty() {
        text.push('\n');
        text.push_str(&t!("groupbuy.list.none", locale = l));
    }
    let coming = store::on_its_way(&mut conn, &home, 5).await?;
    if !coming.is_empty() {
        text.push_str("\n\n");
        text.push_str(&t!("groupbuy.list.coming", locale = l));
        for c in coming {
            let step = match (c.arrived, c.kind, c.step.as_str()) {
                (false, _, _) => "groupbuy.list.step_ordered",
                (true, Delivery::Pickup, _) => "groupbuy.list.step_pickup",
                (true, Delivery::Door, "out") => "groupbuy.list.step_out",
                (true, Delivery::Door, "delivered") => "groupbuy.list.step_delivered",
                (true, Delivery::Door, _) => "groupbuy.list.step_arrived",
            };
            text.push('\n');
            text.push_str(&t!(
                "groupbuy.list.coming_line",
                locale = l,
                id = c.buy_id,
                title = c.title.as_str(),
                step = t!(step, locale = l)
            ));
        }
    }
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}
