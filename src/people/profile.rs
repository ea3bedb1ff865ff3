//! `/me`: see your own data, change one field, or delete everything; and `/lang`.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, KeyboardRemove};

use crate::bot::keyboard::{button, cancel_button, paged};
use crate::bot::Work;
use crate::bot::{menu, Ctx, HandlerResult, State};
use crate::i18n::Lang;
use crate::people::buttons::Cb;
use crate::people::model::{HouseholdSize, Phone, ProfileField, UnitRoom};
use crate::people::store::{self, FieldValue};
use crate::people::{erase, register, view, Flow};
use crate::App;

pub async fn show(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let communities: Vec<(i64, String)> =
        store::communities(&app.pool).await?.into_iter().map(|c| (c.id, c.label(ctx.lang).to_owned())).collect();
    let (text, kb) = view::profile(ctx.lang, ctx, &communities);
    view::say_with(bot, ctx, text, kb).await
}

pub async fn start_edit(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, field: ProfileField) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = &ctx.roles.resident else {
        return view::refuse(bot, q, t!("people.me.not_resident", locale = l)).await;
    };
    if field == ProfileField::Community {
        view::ack(bot, q).await?;
        return register::begin(bot, app, ctx).await;
    }
    crate::bot::Work::save_state(app, ctx, &State::of(&Flow::Edit { field, page: 0 })).await?;
    view::ack(bot, q).await?;
    match field {
        ProfileField::Community => Ok(()),
        ProfileField::Building => {
            let kb = building_list(app, ctx, resident.community_id, 0).await?;
            view::say_with(bot, ctx, t!("people.reg.ask_building", locale = l), kb).await
        }
        ProfileField::UnitRoom => ask_text(bot, ctx, t!("people.reg.ask_unit_room", locale = l).into_owned()).await,
        ProfileField::Household => ask_text(bot, ctx, t!("people.reg.ask_household", locale = l).into_owned()).await,
        ProfileField::Phone => {
            bot.send_message(ctx.chat_id, t!("people.me.ask_phone", locale = l))
                .reply_markup(view::phone_keyboard(ctx.lang))
                .await?;
            Ok(())
        }
    }
}

async fn ask_text(bot: &Bot, ctx: &Ctx, text: String) -> HandlerResult {
    view::say_with(bot, ctx, text, InlineKeyboardMarkup::new(vec![vec![cancel_button(ctx.lang)]])).await
}

async fn building_list(app: &App, ctx: &Ctx, community_id: i64, page: u16) -> crate::Result<InlineKeyboardMarkup> {
    let items = store::buildings(&app.pool, community_id)
        .await?
        .into_iter()
        .map(|b| (b.label(ctx.lang).to_owned(), Cb::PickBuilding(b.id)))
        .collect();
    Ok(paged(ctx.lang, items, page, Cb::Page))
}

pub async fn on_building_callback(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    cb: Cb,
    _page: u16,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(resident) = &ctx.roles.resident else {
        return view::refuse(bot, q, t!("people.me.not_resident", locale = l)).await;
    };
    match cb {
        Cb::Page(page) => {
            crate::bot::Work::save_state(app, ctx, &State::of(&Flow::Edit { field: ProfileField::Building, page }))
                .await?;
            view::ack(bot, q).await?;
            let kb = building_list(app, ctx, resident.community_id, page).await?;
            if let Some(m) = &q.message {
                bot.edit_message_reply_markup(ctx.chat_id, m.id()).reply_markup(kb).await?;
            }
            Ok(())
        }
        Cb::PickBuilding(id) => {
            if !apply(app, ctx, FieldValue::Building(id)).await? {
                return view::refuse(bot, q, t!("common.stale_button", locale = l)).await;
            }
            view::ack(bot, q).await?;
            saved(bot, app, ctx).await
        }
        _ => view::refuse(bot, q, t!("common.stale_button", locale = l)).await,
    }
}

/// A typed answer while editing one field: validated like registration, re-asked on error.
pub async fn on_edit_message(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, field: ProfileField) -> HandlerResult {
    let lang = ctx.lang;
    let l = lang.code();
    let reason = |err: Option<crate::people::model::InputError>| match err {
        None => view::not_text(lang),
        Some(e) => view::invalid(lang, e),
    };
    match field {
        ProfileField::Phone => edit_phone(bot, app, ctx, msg).await,
        ProfileField::Building | ProfileField::Community => {
            view::say(bot, ctx, t!("common.use_buttons", locale = l)).await
        }
        ProfileField::UnitRoom => match msg.text().map(UnitRoom::parse) {
            Some(Ok(v)) => applied(bot, app, ctx, FieldValue::UnitRoom(v.as_str())).await,
            other => {
                view::say(bot, ctx, reason(other.and_then(Result::err))).await?;
                ask_text(bot, ctx, t!("people.reg.ask_unit_room", locale = l).into_owned()).await
            }
        },
        ProfileField::Household => match msg.text().map(HouseholdSize::parse) {
            Some(Ok(n)) => applied(bot, app, ctx, FieldValue::Household(n.get())).await,
            other => {
                view::say(bot, ctx, reason(other.and_then(Result::err))).await?;
                ask_text(bot, ctx, t!("people.reg.ask_household", locale = l).into_owned()).await
            }
        },
    }
}

async fn edit_phone(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message) -> HandlerResult {
    let l = ctx.lang.code();
    let reask = |reason: String| async move {
        view::say(bot, ctx, reason).await?;
        bot.send_message(ctx.chat_id, t!("people.me.ask_phone", locale = l))
            .reply_markup(view::phone_keyboard(ctx.lang))
            .await?;
        HandlerResult::Ok(())
    };
    // "Skip" here means: remove the number we have.
    let phone = match register::read_phone(ctx.lang, msg, ctx.user_id) {
        Ok(phone) => phone,
        Err(reason) => return reask(reason).await,
    };
    applied(bot, app, ctx, FieldValue::Phone(phone.as_ref().map(Phone::as_str))).await
}

/// Changes the field and ends the dialogue in one transaction; false when there was
/// nothing to change (not registered, or a building outside their community).
async fn apply(app: &App, ctx: &Ctx, value: FieldValue<'_>) -> crate::Result<bool> {
    let mut work = Work::begin(app, ctx).await?;
    let changed = store::update_resident(&mut work, ctx.user_id, value).await?;
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    Ok(changed)
}

async fn applied(bot: &Bot, app: &App, ctx: &Ctx, value: FieldValue<'_>) -> HandlerResult {
    if apply(app, ctx, value).await? {
        saved(bot, app, ctx).await
    } else {
        view::say(bot, ctx, t!("people.me.not_resident", locale = ctx.lang.code())).await
    }
}

async fn saved(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    bot.send_message(ctx.chat_id, t!("people.me.saved", locale = ctx.lang.code()))
        .reply_markup(KeyboardRemove::new())
        .await?;
    let fresh = Ctx { roles: store::load_roles(&app.pool, ctx.user_id, ctx.roles.admin).await?, ..ctx.clone() };
    show(bot, app, &fresh).await
}

/// The second step of "delete all my data": says what it will cancel or release before
/// the person confirms (figures as of now).
pub async fn ask_delete(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery) -> HandlerResult {
    let consequences = erase::preview(app, ctx).await?;
    crate::bot::Work::save_state(app, ctx, &State::of(&Flow::ConfirmDelete)).await?;
    view::ack(bot, q).await?;
    let l = ctx.lang.code();
    let kb = InlineKeyboardMarkup::new(vec![vec![
        button(t!("people.me.delete_confirm_button", locale = l), Cb::ConfirmDeleteMyData),
        cancel_button(ctx.lang),
    ]]);
    let mut text = t!("people.me.delete_confirm", locale = l).into_owned();
    for line in consequences {
        text.push_str("\n• ");
        text.push_str(&line);
    }
    view::say_with(bot, ctx, text, kb).await
}

pub async fn delete(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery) -> HandlerResult {
    let mut work = Work::begin(app, ctx).await?;
    let erasures = erase::erase(&mut work, app, ctx.user_id).await?;
    erase::tell_officials(&mut work, app, &erasures).await?;
    work.commit().await?;
    view::ack(bot, q).await?;
    let nobody = crate::people::Roles { admin: ctx.roles.admin, ..Default::default() };
    menu::refresh(bot, ctx.user_id, ctx.lang, &nobody).await;
    view::say(bot, ctx, t!("people.me.deleted", locale = ctx.lang.code())).await
}

pub async fn set_lang(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, lang: Lang) -> HandlerResult {
    let mut work = Work::begin(app, ctx).await?;
    store::set_lang(&mut work, ctx.user_id, lang).await?;
    work.commit().await?;
    view::ack(bot, q).await?;
    menu::refresh(bot, ctx.user_id, lang, &ctx.roles).await;
    let ctx = Ctx { lang, ..ctx.clone() };
    view::say(bot, &ctx, t!("people.lang.set", locale = lang.code())).await
}
