//! Runs before any slice sees an update:
//! 1. stores the update (`bot::inbound`) and drops it if it is already done — Telegram
//!    redelivers updates whose confirmation was lost in a restart, and a second "confirm
//!    order" must not act twice;
//! 2. records the sender and loads their roles and language into a `Ctx`;
//! 3. loads the dialogue state, resetting (and telling the user, once) a corrupt one;
//! 4. runs the slices inside a spawned task, so a panic in one handler is contained and
//!    logged and the dispatcher keeps serving every other chat (teloxide issue #1435);
//!    an error becomes a polite "try again" instead of silence;
//! 5. marks the update done when the slices finished (a handler that wrote marked it in
//!    its own transaction already; this covers replies without writes, and failures that
//!    were answered with an apology).

use std::ops::ControlFlow;
use std::sync::Arc;

use rust_i18n::t;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{Me, UpdateKind};

use crate::bot::inbound;
use crate::bot::storage::{self, Loaded};
use crate::bot::{Ctx, HandlerResult, State};
use crate::i18n::Lang;
use crate::{people, App, Error};

pub async fn handle(
    bot: Bot,
    update: Update,
    me: Me,
    app: Arc<App>,
    routes: Arc<UpdateHandler<Error>>,
) -> HandlerResult {
    let lang = update
        .from()
        .and_then(|u| Lang::from_telegram(u.language_code.as_deref()))
        .unwrap_or(app.settings.default_lang);
    if let Err(err) = guarded(bot.clone(), update.clone(), me, app, routes).await {
        // Storage failed before or after the slices ran: still never leave them in silence.
        tracing::error!(update_id = update.id.0, %err, "update failed");
        apologise(&bot, &update, lang).await;
    }
    Ok(())
}

async fn guarded(bot: Bot, update: Update, me: Me, app: Arc<App>, routes: Arc<UpdateHandler<Error>>) -> HandlerResult {
    if !inbound::claim(&app.pool, &update, app.now()).await? {
        tracing::info!(update_id = update.id.0, "duplicate update dropped");
        return Ok(());
    }
    let update_id = i64::from(update.id.0);
    let handled = slices(bot, update, me, Arc::clone(&app), routes).await;
    let mut conn = app.pool.acquire().await?;
    inbound::mark_done(&mut conn, update_id, app.now()).await?;
    handled
}

async fn slices(bot: Bot, update: Update, me: Me, app: Arc<App>, routes: Arc<UpdateHandler<Error>>) -> HandlerResult {
    let Some(from) = update.from().cloned() else { return Ok(()) };
    let Some(chat) = update.chat().cloned() else { return Ok(()) };
    if from.is_bot {
        return Ok(());
    }
    let first_lang = Lang::from_telegram(from.language_code.as_deref()).unwrap_or(app.settings.default_lang);
    let user = people::store::upsert_user(
        &app.pool,
        app.now(),
        from.id.0 as i64,
        &from.full_name(),
        first_lang,
        chat.is_private(),
    )
    .await?;
    let roles = people::store::load_roles(&app.pool, user.id, app.settings.is_admin(user.id)).await?;
    let ctx = Ctx {
        update_id: i64::from(update.id.0),
        user_id: user.id,
        display_name: user.display_name,
        lang: user.lang,
        chat_id: chat.id,
        private: chat.is_private(),
        roles,
    };

    let state = if ctx.private {
        match storage::load(&app.pool, chat.id.0).await? {
            Loaded::Found(state) => state,
            Loaded::Corrupt => {
                tracing::warn!(chat_id = chat.id.0, "corrupt dialogue state reset");
                storage::save(&app.pool, chat.id.0, &State::Idle, app.now()).await?;
                bot.send_message(chat.id, t!("common.state_reset", locale = ctx.lang.code())).await?;
                State::Idle
            }
        }
    } else {
        State::Idle
    };

    let deps = dptree::deps![bot.clone(), update.clone(), me, app, ctx.clone(), state];
    let outcome = tokio::spawn(async move { routes.dispatch(deps).await }).await;
    let failure = match outcome {
        Ok(ControlFlow::Break(Ok(()))) | Ok(ControlFlow::Continue(_)) => return Ok(()),
        Ok(ControlFlow::Break(Err(err))) => {
            tracing::error!(update_id = update.id.0, %err, "handler failed");
            "error"
        }
        Err(join) => {
            tracing::error!(update_id = update.id.0, panic = join.is_panic(), "handler panicked");
            "panic"
        }
    };
    apologise(&bot, &update, ctx.lang).await;
    tracing::debug!(failure, "apology sent");
    Ok(())
}

/// Something went wrong on our side: say so, and what to do next.
async fn apologise(bot: &Bot, update: &Update, lang: Lang) {
    let text = t!("common.internal_error", locale = lang.code()).into_owned();
    let sent = match &update.kind {
        UpdateKind::CallbackQuery(q) => {
            bot.answer_callback_query(q.id.clone()).text(text).show_alert(true).await.map(|_| ())
        }
        UpdateKind::Message(m) if m.chat.is_private() => bot.send_message(m.chat.id, text).await.map(|_| ()),
        _ => Ok(()),
    };
    if let Err(err) = sent {
        tracing::warn!(%err, "could not send the apology");
    }
}
