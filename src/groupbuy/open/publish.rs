//! Publishing: the leader's [✅ 确认发布] turns the draft into a buy in one `Work` — the
//! right to lead checked again, the deadline still ahead, the groups still linked, then
//! `groupbuy::announce` (the buy, the offer queued in each group, the deadline job) and
//! the end of the dialogue, committed together. The dialogue state is the guard against a
//! double tap: the second finds it idle and is refused.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, Me};

use crate::bot::reply::{ack, refuse, replace_with, say};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::groupbuy::model::Delivery;
use crate::groupbuy::open::flow::advance;
use crate::groupbuy::open::model::check_deadline;
use crate::groupbuy::open::{view, By, Flow, Step};
use crate::groupbuy::store::{self, NewBuy, NewItem};
use crate::people::model::Role;
use crate::App;

pub async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, flow: Option<Flow>, me: &Me) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(mut flow) = flow.filter(|f| f.step == Step::Confirm) else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let d = &flow.draft;
    let (Some(minimum), Some(deadline), Some(delivery)) = (d.minimum, d.deadline, d.delivery) else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    // Checked inside the transaction: an official who stopped this leader a moment ago
    // committed before this read.
    let may = match flow.by {
        By::Official => ctx.roles.is_official_of(flow.community_id),
        By::Leader => {
            ctx.roles.has_approved(Role::Volunteer, flow.community_id)
                && store::is_leader(&mut *work, ctx.user_id, flow.community_id).await?
        }
    };
    if !may {
        work.set_state(ctx, &State::Idle).await?;
        work.commit().await?;
        return refuse(bot, q, t!("groupbuy_open.no_longer_leader", locale = l)).await;
    }
    if let Err(mistake) = check_deadline(deadline, now) {
        drop(work);
        flow.step = Step::Deadline;
        ack(bot, q).await?;
        return advance(bot, app, ctx, flow, Some(view::mistake(ctx.lang, &mistake))).await;
    }
    let linked = store::groups_of(&mut work, flow.community_id).await?;
    let chats: Vec<i64> = d.chats.iter().copied().filter(|c| linked.iter().any(|(chat, ..)| chat == c)).collect();
    if chats.is_empty() {
        work.set_state(ctx, &State::Idle).await?;
        work.commit().await?;
        ack(bot, q).await?;
        return say(bot, ctx, t!("groupbuy_open.no_groups", locale = l)).await;
    }
    let buy = NewBuy {
        community_id: flow.community_id,
        leader_id: ctx.user_id,
        title: d.title.clone(),
        items: d
            .items
            .iter()
            .map(|i| NewItem { name: i.name.clone(), unit: i.unit.clone(), price_fen: i.price_fen })
            .collect(),
        caps: crate::groupbuy::model::Caps { household: d.household_cap, total: d.total_cap },
        minimum,
        deadline,
        delivery,
        pickup: match delivery {
            Delivery::Pickup => d.pickup_place.clone().zip(d.pickup_at),
            Delivery::Door => None,
        },
        chats: chats.clone(),
        bot_url: me.tme_url().to_string(),
    };
    let id = crate::groupbuy::announce(&mut work, app, now, &buy).await?;
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let text = t!(
        "groupbuy_open.published",
        locale = l,
        id = id,
        title = buy.title.as_str(),
        count = chats.len(),
        at = crate::i18n::dates::at(ctx.lang, deadline, now, app.settings.timezone)
    );
    replace_with(bot, ctx, q, text, InlineKeyboardMarkup::default()).await
}
