//! The resident's ordering dialogue: whom the order is for, whether ordering is open, and
//! typed answers (a quantity, the note). Shopping is in `shop`, the cart and checkout in
//! `cart`.

use rust_i18n::t;
use teloxide::prelude::*;

use crate::bot::reply::say;
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::orders::store::{self, Household};
use crate::orders::{cart, shop, Flow};
use crate::people::model::household_key;
use crate::people::Resident;
use crate::App;

/// The note is short: it is read at the door.
pub const NOTE_MAX: usize = 100;

/// Whom this person orders for: themself, or the resident they are helping (`/orderfor`)
/// — only while the helper is still an official or approved volunteer of that resident's
/// community (a role taken away since ends the helping).
pub async fn target(app: &App, ctx: &Ctx) -> crate::Result<(i64, Option<Resident>)> {
    if let Some(resident) = store::proxy_for(&app.pool, ctx.user_id).await? {
        let roles = crate::people::read::load_roles(&app.pool, resident, false).await?;
        let may_help = roles.resident.as_ref().is_some_and(|r| {
            ctx.roles.is_official_of(r.community_id) || ctx.roles.volunteer_community() == Some(r.community_id)
        });
        if may_help {
            return Ok((resident, roles.resident));
        }
    }
    Ok((ctx.user_id, ctx.roles.resident.clone()))
}

/// The address to deliver to, or the reason ordering is not possible now (already said).
pub async fn can_order(bot: &Bot, app: &App, ctx: &Ctx) -> crate::Result<Option<Resident>> {
    let l = ctx.lang.code();
    let (_, resident) = target(app, ctx).await?;
    let Some(resident) = resident else {
        say(bot, ctx, t!("orders.not_registered", locale = l)).await?;
        return Ok(None);
    };
    if let Some(freeze) = store::frozen(&app.pool, resident.community_id, resident.building_id).await? {
        let key = if freeze.whole_community { "orders.frozen_community" } else { "orders.frozen_building" };
        say(bot, ctx, t!(key, locale = l, reason = freeze.reason)).await?;
        return Ok(None);
    }
    Ok(Some(resident))
}

/// The resident's household key and the community's date today.
pub fn household_of(app: &App, resident: &Resident) -> (String, String) {
    let day = app.now().with_timezone(&app.settings.timezone).date_naive().to_string();
    (household_key(&resident.unit_room), day)
}

/// Borrows the parts of `household_of` as a `Household`.
pub fn household<'a>(resident: &Resident, parts: &'a (String, String)) -> Household<'a> {
    Household { building_id: resident.building_id, key: &parts.0, day: &parts.1 }
}

pub async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, flow: Flow) -> HandlerResult {
    let l = ctx.lang.code();
    if msg.text().is_some_and(|t| t.starts_with('/')) {
        return say(bot, ctx, t!("common.unknown_command_in_flow", locale = l)).await;
    }
    match flow {
        Flow::Quantity { item_id } => shop::typed_quantity(bot, app, ctx, item_id, msg.text()).await,
        Flow::Note => match msg.text().map(str::trim) {
            Some(note) if !note.is_empty() && note.chars().count() <= NOTE_MAX => {
                cart::summary(bot, app, ctx, None, note.to_owned()).await
            }
            Some(note) if note.chars().count() > NOTE_MAX => {
                say(bot, ctx, t!("people.invalid.too_long", locale = l, max = NOTE_MAX)).await?;
                cart::ask_note(bot, ctx).await
            }
            _ => {
                say(bot, ctx, t!("people.invalid.not_text", locale = l)).await?;
                cart::ask_note(bot, ctx).await
            }
        },
        Flow::Confirm { .. } => say(bot, ctx, t!("common.use_buttons", locale = l)).await,
        Flow::FreezeReason { community_id, building_id } => {
            crate::orders::freeze::typed_reason(bot, app, ctx, community_id, building_id, msg.text()).await
        }
        Flow::EnglishName { item_id, community_id } => {
            crate::orders::catalog::typed_english(bot, app, ctx, item_id, community_id, msg.text()).await
        }
    }
}

/// Ends the dialogue (e.g. the item it asked about is gone).
pub async fn end(app: &App, ctx: &Ctx) -> HandlerResult {
    Work::save_state(app, ctx, &State::Idle).await
}
