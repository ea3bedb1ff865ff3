//! The handler tree: the guard, then the slices' branches (`routes`), then the fallbacks.
//! Composition only; the logic lives in the slices.

use std::sync::Arc;

use rust_i18n::t;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{Me, Message};

use crate::bot::routes::Routes;
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
/// a button goes to its slice; a message to the slices' commands, then to its dialogue's
/// slice (see `Routes`).
pub fn routes() -> Routes {
    Routes::new(
        crate::SLICES,
        crate::bot::slice::taps::<Common>().endpoint(common_button),
        dptree::endpoint(stale_button),
        dptree::endpoint(fallback),
    )
}

/// The buttons of no slice: the page label does nothing; "Cancel" ends any dialogue.
async fn common_button(
    bot: Bot,
    q: CallbackQuery,
    tap: Common,
    ctx: Ctx,
    state: crate::bot::State,
    app: Arc<App>,
) -> HandlerResult {
    match tap {
        Common::Noop => crate::bot::reply::ack(&bot, &q).await,
        Common::Cancel if ctx.private => crate::people::commands::cancel(&bot, &app, &ctx, &state, Some(&q)).await,
        Common::Cancel => stale_button(bot, q, ctx).await,
    }
}

/// A button we cannot act on: an old version, a finished dialogue, or forged data.
async fn stale_button(bot: Bot, q: CallbackQuery, ctx: Ctx) -> HandlerResult {
    bot.answer_callback_query(q.id).text(t!("common.stale_button", locale = ctx.lang.code())).show_alert(true).await?;
    Ok(())
}

/// Never silence in a private chat; in groups the bot speaks only when addressed.
async fn fallback(bot: Bot, msg: Message, ctx: Ctx, me: Me, app: Arc<App>) -> HandlerResult {
    if !ctx.private {
        return in_group(bot, msg, me, app).await;
    }
    let key = if msg.text().is_some_and(|t| t.starts_with('/')) {
        t!("common.unknown_command", locale = ctx.lang.code())
    } else {
        t!("common.not_understood", locale = ctx.lang.code())
    };
    bot.send_message(msg.chat.id, key).await?;
    Ok(())
}

/// A command in a group that no slice answers there. Any command of the bot's menus (for
/// someone, or, with `@bot`, unknown) gets an answer with a button to the private chat,
/// where the commands that concern one person or one community's data work; a command
/// addressed to another bot, and plain talk, get nothing.
async fn in_group(bot: Bot, msg: Message, me: Me, app: Arc<App>) -> HandlerResult {
    let Some(text) = msg.text().and_then(|t| t.strip_prefix('/')) else { return Ok(()) };
    let word = text.split_whitespace().next().unwrap_or_default();
    let (name, addressee) = word.split_once('@').map_or((word, None), |(n, a)| (n, Some(a)));
    let to_me = addressee.map(|a| a.eq_ignore_ascii_case(me.username()));
    if to_me == Some(false) {
        return Ok(());
    }
    let known = crate::SLICES.iter().flat_map(|s| s.commands.iter()).any(|c| c.name.eq_ignore_ascii_case(name));
    if !known && to_me != Some(true) {
        return Ok(());
    }
    let key = if known { "people.group.go_private" } else { "common.unknown_command" };
    // The group's language, not the language of whoever typed the command.
    let lang = crate::people::groups::group_lang(&app, msg.chat.id.0).await?;
    bot.send_message(msg.chat.id, t!(key, locale = lang.code()))
        .reply_markup(crate::people::groups::private_button(&me, lang, "start"))
        .reply_parameters(teloxide::types::ReplyParameters::new(msg.id))
        .await?;
    Ok(())
}
