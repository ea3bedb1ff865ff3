//! `/family`: the household members without an account (a child, an elderly parent)
//! whose temperatures the household's residents report. Members belong to the address,
//! so every resident registered there sees and reports for the same people.
//!
//! ```text
//! resident → /family
//! bot      → 家庭成员（无需账号）：王小明 [移除 王小明] [添加成员]
//! resident → [添加成员] → 请输入姓名 → "王奶奶"
//! bot      → 已添加：王奶奶。上报体温时可选择为其上报。
//! resident → [移除 王小明] → 确认移除王小明？ [确认] [取消] → [确认] → 已移除：王小明
//! ```

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, cancel_button, confirm_cancel};
use crate::bot::reply::{refuse, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::health::temperature::buttons::Cb;
use crate::health::temperature::model::{member_name, NameError, MEMBERS_MAX, MEMBER_NAME_MAX};
use crate::health::temperature::store::{self, Household};
use crate::health::temperature::Flow;
use crate::people::model::household_key;
use crate::App;

fn household(ctx: &Ctx) -> Option<Household> {
    ctx.roles.resident.as_ref().map(|r| Household {
        community_id: r.community_id,
        building_id: r.building_id,
        key: household_key(&r.unit_room),
    })
}

/// The list with a remove button each and "add".
pub async fn show(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(household) = household(ctx) else {
        return say(bot, ctx, t!("temperature.not_resident", locale = l)).await;
    };
    let mut conn = app.pool.acquire().await?;
    let members = store::members_of(&mut conn, &household).await?;
    drop(conn);
    let mut text = t!("temperature.family.title", locale = l).into_owned();
    if members.is_empty() {
        text.push('\n');
        text.push_str(&t!("temperature.family.none", locale = l));
    }
    for m in &members {
        text.push_str(&format!("\n· {}", m.name));
    }
    let mut rows: Vec<_> = members
        .iter()
        .map(|m| {
            vec![button(
                t!("temperature.family.remove_button", locale = l, name = m.name.as_str()),
                Cb::RemoveMember(m.id),
            )]
        })
        .collect();
    if members.len() < MEMBERS_MAX {
        rows.push(vec![button(t!("temperature.family.add_button", locale = l), Cb::AddMember)]);
    }
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

/// "Add": asks the name.
pub async fn ask_name(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery) -> HandlerResult {
    if household(ctx).is_none() {
        return refuse(bot, q, t!("temperature.not_resident", locale = ctx.lang.code())).await;
    }
    Work::save_state(app, ctx, &State::of(&Flow::MemberName)).await?;
    crate::bot::reply::ack(bot, q).await?;
    ask(bot, ctx).await
}

async fn ask(bot: &Bot, ctx: &Ctx) -> HandlerResult {
    let text = t!("temperature.family.ask_name", locale = ctx.lang.code(), max = MEMBER_NAME_MAX);
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(vec![vec![cancel_button(ctx.lang)]])).await
}

/// The typed name: refused with the reason and asked again, or added.
pub async fn typed_name(bot: &Bot, app: &App, ctx: &Ctx, raw: Option<&str>) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(household) = household(ctx) else {
        return crate::bot::reply::end_not_allowed(bot, app, ctx).await;
    };
    let name = match raw.map(member_name) {
        Some(Ok(name)) => name,
        Some(Err(NameError::TooLong)) => {
            say(bot, ctx, t!("people.invalid.too_long", locale = l, max = MEMBER_NAME_MAX)).await?;
            return ask(bot, ctx).await;
        }
        Some(Err(NameError::Empty | NameError::NotAName)) | None => {
            say(bot, ctx, t!("temperature.family.not_a_name", locale = l)).await?;
            return ask(bot, ctx).await;
        }
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let added = store::add_member(&mut work, now, &household, &name, ctx.user_id).await?;
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    match added {
        Some(_) => say(bot, ctx, t!("temperature.family.added", locale = l, name = name)).await,
        None => say(bot, ctx, t!("temperature.family.full", locale = l, max = MEMBERS_MAX)).await,
    }
}

/// "Remove X": asks to confirm.
pub async fn ask_remove(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(household) = household(ctx) else {
        return refuse(bot, q, t!("temperature.not_resident", locale = l)).await;
    };
    let mut conn = app.pool.acquire().await?;
    let Some(member) = store::member_of(&mut conn, &household, id).await? else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    drop(conn);
    crate::bot::reply::ack(bot, q).await?;
    let text = t!("temperature.family.confirm_remove", locale = l, name = member.name);
    say_with(bot, ctx, text, confirm_cancel(ctx.lang, Cb::ConfirmRemove(id))).await
}

/// The removal confirmed (a second tap finds nothing to remove).
pub async fn remove(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(household) = household(ctx) else {
        return refuse(bot, q, t!("temperature.not_resident", locale = l)).await;
    };
    let mut work = Work::begin(app, ctx).await?;
    let Some(member) = store::member_of(&mut work, &household, id).await? else {
        drop(work);
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let now = work.now;
    store::remove_member(&mut work, now, &household, id).await?;
    work.commit().await?;
    crate::bot::reply::ack(bot, q).await?;
    say(bot, ctx, t!("temperature.family.removed", locale = l, name = member.name)).await
}
