//! The ways a handler answers the person in front of it.

use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::{Ctx, HandlerResult};

/// Answers a tap with an alert: the action was not done, and why.
pub async fn refuse(bot: &Bot, q: &CallbackQuery, text: impl Into<String>) -> HandlerResult {
    bot.answer_callback_query(q.id.clone()).text(text.into()).show_alert(true).await?;
    Ok(())
}

/// Answers a tap silently (stops the client's spinner).
pub async fn ack(bot: &Bot, q: &CallbackQuery) -> HandlerResult {
    bot.answer_callback_query(q.id.clone()).await?;
    Ok(())
}

/// A dialogue step someone may no longer take (an official who lost the role midway):
/// the dialogue ends and they are told why.
pub async fn end_not_allowed(bot: &Bot, app: &crate::App, ctx: &Ctx) -> HandlerResult {
    crate::bot::Work::save_state(app, ctx, &crate::bot::State::Idle).await?;
    say(bot, ctx, rust_i18n::t!("people.not_allowed", locale = ctx.lang.code())).await
}

pub async fn say(bot: &Bot, ctx: &Ctx, text: impl Into<String>) -> HandlerResult {
    bot.send_message(ctx.chat_id, text.into()).await?;
    Ok(())
}

pub async fn say_with(bot: &Bot, ctx: &Ctx, text: impl Into<String>, kb: InlineKeyboardMarkup) -> HandlerResult {
    bot.send_message(ctx.chat_id, text.into()).reply_markup(kb).await?;
    Ok(())
}

/// Shows `text` in place of the message the tap came from (a cart, a list that changes),
/// or as a new message when that one cannot be edited (too old, deleted, not the bot's).
pub async fn replace_with(
    bot: &Bot,
    ctx: &Ctx,
    q: &CallbackQuery,
    text: impl Into<String>,
    kb: InlineKeyboardMarkup,
) -> HandlerResult {
    use teloxide::{ApiError, RequestError};
    let text = text.into();
    if let Some(message) = q.regular_message() {
        match bot.edit_message_text(ctx.chat_id, message.id, text.clone()).reply_markup(kb.clone()).await {
            Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => return Ok(()),
            Err(RequestError::Api(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    say_with(bot, ctx, text, kb).await
}
