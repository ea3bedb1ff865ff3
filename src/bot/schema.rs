//! The handler tree: the guard, then each slice's branches, then the fallbacks.
//! Composition only; the logic lives in the slices.

use std::sync::Arc;

use rust_i18n::t;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{Me, Message};

use crate::bot::{Common, Ctx, HandlerResult};
use crate::{App, Error};

/// The tree given to the dispatcher (and to `MockBot` in tests).
pub fn schema() -> UpdateHandler<Error> {
    let routes = Arc::new(routes());
    dptree::entry().endpoint(move |bot: Bot, update: Update, me: Me, app: Arc<App>| {
        let routes = Arc::clone(&routes);
        async move { crate::bot::guard::handle(bot, update, me, app, routes).await }
    })
}

/// The slices, run by the guard with `Bot`, `Update`, `Me`, `Arc<App>`, `Ctx` and `State`:
/// every slice's buttons; for messages, every slice's commands first, then the dialogues.
pub fn routes() -> UpdateHandler<Error> {
    let mut buttons = dptree::entry().branch(crate::bot::slice::taps::<Common>().endpoint(common_button));
    let mut commands = dptree::entry();
    let mut flows = dptree::entry();
    for slice in crate::SLICES {
        buttons = buttons.branch((slice.callback_branch)());
        commands = commands.branch((slice.command_branch)());
        flows = flows.branch((slice.flow_branch)());
    }
    dptree::entry()
        .branch(Update::filter_callback_query().branch(buttons).endpoint(stale_button))
        .branch(Update::filter_message().branch(commands).branch(flows).endpoint(fallback))
}

/// The buttons of no slice: the page label does nothing; "Cancel" ends any dialogue.
async fn common_button(bot: Bot, q: CallbackQuery, tap: Common, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    match tap {
        Common::Noop => crate::bot::reply::ack(&bot, &q).await,
        Common::Cancel if ctx.private => crate::people::commands::cancel(&bot, &app, &ctx, Some(&q)).await,
        Common::Cancel => stale_button(bot, q, ctx).await,
    }
}

/// A button we cannot act on: an old version, a finished dialogue, or forged data.
async fn stale_button(bot: Bot, q: CallbackQuery, ctx: Ctx) -> HandlerResult {
    bot.answer_callback_query(q.id).text(t!("common.stale_button", locale = ctx.lang.code())).show_alert(true).await?;
    Ok(())
}

/// Never silence in a private chat; in groups the bot speaks only when addressed.
async fn fallback(bot: Bot, msg: Message, ctx: Ctx) -> HandlerResult {
    if !ctx.private {
        return Ok(());
    }
    let key = if msg.text().is_some_and(|t| t.starts_with('/')) {
        t!("common.unknown_command", locale = ctx.lang.code())
    } else {
        t!("common.not_understood", locale = ctx.lang.code())
    };
    bot.send_message(msg.chat.id, key).await?;
    Ok(())
}
