//! Resident registration: community → building → unit and room → household size →
//! phone (Telegram's share-contact button, skippable) → summary → confirm.
//! Every step is stored, so a restart or a long pause resumes at the same question;
//! a wrong answer gets the reason and the same question again.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{KeyboardRemove, MessageId};

use crate::bot::keyboard::{confirm_cancel, paged};
use crate::bot::Work;
use crate::bot::{menu, Ctx, HandlerResult, State};
use crate::people::buttons::Cb;
use crate::people::model::{HouseholdSize, Phone, UnitRoom};
use crate::people::store::{self, NewResident};
use crate::people::{view, Draft, Flow, RegStep};
use crate::App;

pub async fn start(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    if ctx.roles.resident.is_some() {
        return view::say(bot, ctx, t!("people.reg.already", locale = ctx.lang.code())).await;
    }
    begin(bot, app, ctx).await
}

/// Runs registration from the first question; for a registered resident (moving via
/// `/me`) confirming replaces their address.
pub async fn begin(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    if store::communities(&app.pool).await?.is_empty() {
        return view::say(bot, ctx, t!("people.reg.no_communities", locale = ctx.lang.code())).await;
    }
    let draft = Draft::default();
    save(app, ctx, RegStep::Community, 0, &draft).await?;
    ask(bot, app, ctx, RegStep::Community, 0, &draft).await
}

async fn save(app: &App, ctx: &Ctx, step: RegStep, page: u16, draft: &Draft) -> HandlerResult {
    let state = State::of(&Flow::Register { step, page, draft: draft.clone() });
    crate::bot::Work::save_state(app, ctx, &state).await
}

/// Sends the question of `step` (also used to re-ask after a wrong answer).
async fn ask(bot: &Bot, app: &App, ctx: &Ctx, step: RegStep, page: u16, draft: &Draft) -> HandlerResult {
    let l = ctx.lang.code();
    match step {
        RegStep::Community | RegStep::Building => {
            let (text, kb) = list(app, ctx, step, page, draft).await?;
            view::say_with(bot, ctx, text, kb).await
        }
        RegStep::UnitRoom => view::say(bot, ctx, t!("people.reg.ask_unit_room", locale = l)).await,
        RegStep::Household => view::say(bot, ctx, t!("people.reg.ask_household", locale = l)).await,
        RegStep::Phone => {
            bot.send_message(ctx.chat_id, t!("people.reg.ask_phone", locale = l))
                .reply_markup(view::phone_keyboard(ctx.lang))
                .await?;
            Ok(())
        }
        RegStep::Confirm => {
            let text = summary(app, ctx, draft).await?;
            view::say_with(bot, ctx, text, confirm_cancel(ctx.lang, Cb::Confirm)).await
        }
    }
}

async fn list(
    app: &App,
    ctx: &Ctx,
    step: RegStep,
    page: u16,
    draft: &Draft,
) -> crate::Result<(String, teloxide::types::InlineKeyboardMarkup)> {
    let l = ctx.lang.code();
    if step == RegStep::Building {
        let buildings = store::buildings(&app.pool, draft.community_id.unwrap_or_default()).await?;
        let items = buildings.iter().map(|b| (b.label(ctx.lang).to_owned(), Cb::PickBuilding(b.id))).collect();
        return Ok((t!("people.reg.ask_building", locale = l).into_owned(), paged(ctx.lang, items, page, Cb::Page)));
    }
    let communities = store::communities(&app.pool).await?;
    let items = communities.iter().map(|c| (c.label(ctx.lang).to_owned(), Cb::PickCommunity(c.id))).collect();
    Ok((t!("people.reg.ask_community", locale = l).into_owned(), paged(ctx.lang, items, page, Cb::Page)))
}

async fn summary(app: &App, ctx: &Ctx, draft: &Draft) -> crate::Result<String> {
    let l = ctx.lang.code();
    let community = match draft.community_id {
        Some(id) => store::community(&app.pool, id).await?.map(|c| c.label(ctx.lang).to_owned()),
        None => None,
    };
    let building = match (draft.building_id, draft.community_id) {
        (Some(b), Some(c)) => store::building_in(&app.pool, b, c).await?.map(|b| b.label(ctx.lang).to_owned()),
        _ => None,
    };
    let phone = draft.phone.as_deref().and_then(|p| Phone::parse(p).ok()).map(|p| p.masked());
    Ok(t!(
        "people.reg.summary",
        locale = l,
        community = community.unwrap_or_default(),
        building = building.unwrap_or_default(),
        unit_room = draft.unit_room.clone().unwrap_or_default(),
        household = draft.household.unwrap_or_default(),
        phone = phone.unwrap_or_else(|| t!("people.me.no_phone", locale = l).into_owned())
    )
    .into_owned())
}

pub async fn on_message(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    msg: &Message,
    step: RegStep,
    mut draft: Draft,
) -> HandlerResult {
    let lang = ctx.lang;
    let reask = |reason: String| async move {
        view::say(bot, ctx, reason).await?;
        HandlerResult::Ok(())
    };
    let next = match step {
        RegStep::Community | RegStep::Building | RegStep::Confirm => {
            view::say(bot, ctx, t!("common.use_buttons", locale = lang.code())).await?;
            return ask(bot, app, ctx, step, 0, &draft).await;
        }
        RegStep::UnitRoom => {
            let Some(text) = msg.text() else {
                reask(view::not_text(lang)).await?;
                return ask(bot, app, ctx, step, 0, &draft).await;
            };
            match UnitRoom::parse(text) {
                Ok(v) => draft.unit_room = Some(v.as_str().to_owned()),
                Err(e) => {
                    reask(view::invalid(lang, e)).await?;
                    return ask(bot, app, ctx, step, 0, &draft).await;
                }
            }
            RegStep::Household
        }
        RegStep::Household => {
            let Some(text) = msg.text() else {
                reask(view::not_text(lang)).await?;
                return ask(bot, app, ctx, step, 0, &draft).await;
            };
            match HouseholdSize::parse(text) {
                Ok(v) => draft.household = Some(v.get()),
                Err(e) => {
                    reask(view::invalid(lang, e)).await?;
                    return ask(bot, app, ctx, step, 0, &draft).await;
                }
            }
            RegStep::Phone
        }
        RegStep::Phone => {
            let phone = match read_phone(lang, msg, ctx.user_id) {
                Ok(phone) => phone,
                Err(reason) => {
                    reask(reason).await?;
                    return ask(bot, app, ctx, step, 0, &draft).await;
                }
            };
            draft.phone = phone.map(|p| p.as_str().to_owned());
            // Take the share/skip keyboard away before the summary's buttons.
            bot.send_message(ctx.chat_id, t!("people.reg.phone_done", locale = lang.code()))
                .reply_markup(KeyboardRemove::new())
                .await?;
            RegStep::Confirm
        }
    };
    save(app, ctx, next, 0, &draft).await?;
    ask(bot, app, ctx, next, 0, &draft).await
}

/// The answer to "your phone?": the person's own contact (via the share button), a typed
/// number, or the skip button (`None`). `Err` holds the localized reason to re-ask with.
pub fn read_phone(lang: crate::i18n::Lang, msg: &Message, user_id: i64) -> Result<Option<Phone>, String> {
    if let Some(contact) = msg.contact() {
        // Only the person's own number, as the share-contact button sends it.
        if contact.user_id.map(|u| u.0 as i64) != Some(user_id) {
            return Err(t!("people.reg.not_own_contact", locale = lang.code()).into_owned());
        }
        return Phone::parse(&contact.phone_number).map(Some).map_err(|e| view::invalid(lang, e));
    }
    match msg.text() {
        Some(text) if view::is_skip(text) => Ok(None),
        Some(text) => Phone::parse(text).map(Some).map_err(|e| view::invalid(lang, e)),
        None => Err(t!("people.reg.phone_use_button", locale = lang.code()).into_owned()),
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn on_callback(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    cb: Cb,
    step: RegStep,
    _page: u16,
    mut draft: Draft,
) -> HandlerResult {
    let stale = || t!("common.stale_button", locale = ctx.lang.code()).into_owned();
    match (cb, step) {
        (Cb::Page(page), RegStep::Community | RegStep::Building) => {
            save(app, ctx, step, page, &draft).await?;
            view::ack(bot, q).await?;
            let (_, kb) = list(app, ctx, step, page, &draft).await?;
            match q.message.as_ref().map(|m| m.id()) {
                Some(id) => edit_markup(bot, ctx, id, kb).await,
                None => view::say_with(bot, ctx, t!("people.reg.ask_community", locale = ctx.lang.code()), kb).await,
            }
        }
        (Cb::PickCommunity(id), RegStep::Community) => {
            if store::community(&app.pool, id).await?.is_none() {
                return view::refuse(bot, q, stale()).await;
            }
            draft.community_id = Some(id);
            view::ack(bot, q).await?;
            save(app, ctx, RegStep::Building, 0, &draft).await?;
            ask(bot, app, ctx, RegStep::Building, 0, &draft).await
        }
        (Cb::PickBuilding(id), RegStep::Building) => {
            let community = draft.community_id.unwrap_or_default();
            if store::building_in(&app.pool, id, community).await?.is_none() {
                return view::refuse(bot, q, stale()).await;
            }
            draft.building_id = Some(id);
            view::ack(bot, q).await?;
            save(app, ctx, RegStep::UnitRoom, 0, &draft).await?;
            ask(bot, app, ctx, RegStep::UnitRoom, 0, &draft).await
        }
        (Cb::Confirm, RegStep::Confirm) => confirm(bot, app, ctx, q, &draft).await,
        _ => view::refuse(bot, q, stale()).await,
    }
}

async fn edit_markup(bot: &Bot, ctx: &Ctx, id: MessageId, kb: teloxide::types::InlineKeyboardMarkup) -> HandlerResult {
    bot.edit_message_reply_markup(ctx.chat_id, id).reply_markup(kb).await?;
    Ok(())
}

async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, draft: &Draft) -> HandlerResult {
    let l = ctx.lang.code();
    let (Some(community_id), Some(building_id), Some(unit_room), Some(household)) =
        (draft.community_id, draft.building_id, draft.unit_room.as_deref(), draft.household)
    else {
        return view::refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let new =
        NewResident { community_id, building_id, unit_room, household_size: household, phone: draft.phone.as_deref() };
    // The resident and the dialogue's end commit together.
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    if !store::save_resident(&mut work, now, ctx.user_id, &new).await? {
        // The building moved out of the community since it was chosen: choose again.
        let restart = Draft { community_id: Some(community_id), ..draft.clone() };
        let state = State::of(&Flow::Register { step: RegStep::Building, page: 0, draft: restart.clone() });
        work.set_state(ctx, &state).await?;
        work.commit().await?;
        view::refuse(bot, q, t!("people.reg.building_gone", locale = l)).await?;
        return ask(bot, app, ctx, RegStep::Building, 0, &restart).await;
    }
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    view::ack(bot, q).await?;
    let roles = store::load_roles(&app.pool, ctx.user_id, ctx.roles.admin).await?;
    menu::refresh(bot, ctx.user_id, ctx.lang, &roles).await;
    let text = format!("{}\n\n{}", t!("people.reg.done", locale = l), menu::help_text(ctx.lang, &roles));
    bot.send_message(ctx.chat_id, text).reply_markup(KeyboardRemove::new()).await?;
    Ok(())
}
