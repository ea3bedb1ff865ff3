//! Telling *other* people something (an official about a new volunteer, a volunteer
//! about the decision). One function for the whole crate so the durable outbox (issue 3)
//! replaces its body without touching any slice. Until then it sends directly, after the
//! caller's transaction has committed, and a failure is logged, never returned: the
//! business change already happened and must not be reported to the actor as failed.

use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

pub async fn send(bot: &Bot, to: i64, text: String, keyboard: Option<InlineKeyboardMarkup>) {
    let mut request = bot.send_message(ChatId(to), text);
    if let Some(kb) = keyboard {
        request = request.reply_markup(kb);
    }
    if let Err(err) = request.await {
        tracing::warn!(to, %err, "notification not delivered");
    }
}
