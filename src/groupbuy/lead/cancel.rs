//! Cancelling a buy before its deadline. The confirmation is one `Work`: the status moves
//! from `open` only (`store::finish`), every household that joined is told in its
//! language, and the groups' tally is rendered at once so it shows "cancelled" without
//! the join button. A second tap, or a deadline job that ran first, finds the buy no longer open
//! and is told so; nothing is sent twice.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, replace_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::groupbuy::lead::buttons::Cb;
use crate::groupbuy::lead::list::{authorised, not_yours, status_text, view};
use crate::groupbuy::model::BuyStatus;
use crate::groupbuy::store::{self, Buy};
use crate::groupbuy::tally;
use crate::App;

/// Why this buy can no longer be cancelled, as the tapper reads it.
fn not_open(app: &App, ctx: &Ctx, buy: &Buy) -> String {
    t!(
        "groupbuy_lead.cancel.not_open",
        locale = ctx.lang.code(),
        id = buy.id,
        status = status_text(ctx.lang, app.now(), buy)
    )
    .into_owned()
}

/// [🚫 取消这个接龙]: asks first, saying who will be told.
pub async fn ask(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(buy) = authorised(app, ctx, id).await? else { return refuse(bot, q, not_yours(ctx)).await };
    if !buy.is_open_at(app.now()) {
        return refuse(bot, q, not_open(app, ctx, &buy)).await;
    }
    ack(bot, q).await?;
    let text =
        t!("groupbuy_lead.cancel.ask", locale = l, id = id, title = buy.title.as_str(), households = buy.households);
    let kb = InlineKeyboardMarkup::new(vec![
        vec![button(t!("groupbuy_lead.cancel.confirm_button", locale = l), Cb::ConfirmCancel(id))],
        vec![button(t!("groupbuy_lead.cancel.keep_button", locale = l), Cb::Buy(id))],
    ]);
    replace_with(bot, ctx, q, text, kb).await
}

/// [🚫 确认取消接龙]: cancels, tells the households, refreshes the groups' message.
pub async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let Some(buy) = authorised(app, ctx, id).await? else { return refuse(bot, q, not_yours(ctx)).await };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    // Past the deadline the job decides (it may already be counting); `finish` alone
    // would let a late tap overrule a buy that reached its minimum.
    if !buy.is_open_at(now) || !store::finish(&mut work, now, id, BuyStatus::Cancelled).await? {
        let current = store::buy(&mut *work, id).await?.unwrap_or(buy);
        drop(work);
        return refuse(bot, q, not_open(app, ctx, &current)).await;
    }
    let Some(buy) = store::buy(&mut *work, id).await? else { return Ok(()) };
    let told = tell_joiners(&mut work, &buy).await?;
    tally::arm_now(&mut work, now, buy.id).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let done = t!("groupbuy_lead.cancel.done", locale = ctx.lang.code(), id = id, households = told).into_owned();
    let (text, kb) = view(app, ctx, &buy, Some(done)).await?;
    replace_with(bot, ctx, q, text, kb).await
}

/// One message to each household that joined, in its language. Returns how many were told.
async fn tell_joiners(work: &mut Work, buy: &Buy) -> crate::Result<u64> {
    let now = work.now;
    crate::groupbuy::tell_joiners(work, now, buy.id, |lang| {
        t!("groupbuy_lead.cancel.joiner", locale = lang.code(), id = buy.id, title = buy.title.as_str()).into_owned()
    })
    .await
}
