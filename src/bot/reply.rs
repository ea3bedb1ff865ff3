//! The four ways a handler answers the person in front of it.

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

pub async fn say(bot: &Bot, ctx: &Ctx, text: impl Into<String>) -> HandlerResult {
    bot.send_message(ctx.chat_id, text.into()).await?;
    Ok(())
}

pub async fn say_with(bot: &Bot, ctx: &Ctx, text: impl Into<String>, kb: InlineKeyboardMarkup) -> HandlerResult {
    bot.send_message(ctx.chat_id, text.into()).reply_markup(kb).await?;
    Ok(())
}
