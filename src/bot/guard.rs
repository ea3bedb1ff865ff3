//! Runs before any slice sees an update:
//! 1. reads, in one checkout of a reader (`seen`), whether the update is done, the sender,
//!    their roles and their dialogue state, and drops a done update — Telegram redelivers
//!    updates whose confirmation was lost in a restart, and a second "confirm order" must
//!    not act twice;
//! 2. writes only what is new (an update the listener did not store, a new sender or name),
//!    so most updates take no write here, and builds the `Ctx`;
//! 3. resets (and tells the user, once) a dialogue state that no longer reads;
//! 4. runs the slices inside a spawned task, so a panic in one handler is contained and
//!    logged and the dispatcher keeps serving every other chat (teloxide issue #1435);
//!    an error becomes a polite "try again" instead of silence;
//! 5. marks the update done when the slices finished (a handler that wrote marked it in
//!    its own transaction already; this covers replies without writes, and failures that
//!    were answered with an apology), many updates in one statement (`DoneMarks`);
//! 6. frees the update's place in the listener's `Admission`.

use std::ops::ControlFlow;
use std::sync::Arc;

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{Me, UpdateKind};

use crate::bot::inbound;
use crate::bot::routes::Routes;
use crate::bot::storage::{self, Loaded};
use crate::bot::{Ctx, HandlerResult, State};
use crate::i18n::Lang;
use crate::people::Roles;
use crate::{people, App};

mod seen;

pub async fn handle(bot: Bot, update: Update, me: Me, app: Arc<App>, routes: Arc<Routes>) -> HandlerResult {
    let lang = update
        .from()
        .and_then(|u| Lang::from_telegram(u.language_code.as_deref()))
        .unwrap_or(app.settings.default_lang);
    let outcome = guarded(bot.clone(), update.clone(), me, Arc::clone(&app), routes).await;
    app.admission.done(&update);
    if let Err(err) = outcome {
        // Storage failed before or after the slices ran: still never leave them in silence.
        tracing::error!(update_id = update.id.0, %err, "update failed");
        apologise(&bot, &update, lang).await;
    }
    Ok(())
}

async fn guarded(bot: Bot, update: Update, me: Me, app: Arc<App>, routes: Arc<Routes>) -> HandlerResult {
    let update_id = i64::from(update.id.0);
    let sender = update.from().filter(|u| !u.is_bot).cloned().zip(update.chat().cloned());
    let seen = seen::read(&app, update_id, sender.as_ref()).await?;
    if seen.done {
        tracing::info!(update_id, "duplicate update dropped");
        return Ok(());
    }
    let handled = match sender {
        Some((from, chat)) => slices(bot, update, me, Arc::clone(&app), routes, seen, from, chat).await,
        None => {
            if !seen.stored {
                inbound::store(&mut *app.writer.lock().await, &update, app.now()).await?;
            }
            Ok(())
        }
    };
    app.done_marks.mark(&app.writer, update_id, app.now()).await?;
    handled
}

#[allow(clippy::too_many_arguments)]
async fn slices(
    bot: Bot,
    update: Update,
    me: Me,
    app: Arc<App>,
    routes: Arc<Routes>,
    seen: seen::Seen,
    from: teloxide::types::User,
    chat: teloxide::types::Chat,
) -> HandlerResult {
    let user_id = from.id.0 as i64;
    let name = from.full_name();
    let admin = app.settings.is_admin(user_id);
    // Writes only what is new: an update the listener did not store, a new sender, a new
    // name, someone unreachable who wrote in private. Most updates write nothing here.
    let (lang, roles) = match seen.user {
        Some(user) if seen.stored && user.display_name == name && !(chat.is_private() && user.unreachable) => {
            (user.lang, seen.roles.unwrap_or(Roles { admin, ..Roles::default() }))
        }
        known => {
            let first_lang = Lang::from_telegram(from.language_code.as_deref()).unwrap_or(app.settings.default_lang);
            let mut tx = app.writer.begin().await?;
            if !seen.stored {
                inbound::store(&mut tx, &update, app.now()).await?;
            }
            let user =
                people::store::upsert_user(&mut tx, app.now(), user_id, &name, first_lang, chat.is_private()).await?;
            tx.commit().await?;
            let roles = match (known, seen.roles) {
                (Some(_), Some(roles)) => roles,
                _ => Roles { admin, ..Roles::default() },
            };
            (user.lang, roles)
        }
    };
    let ctx = Ctx {
        update_id: i64::from(update.id.0),
        user_id,
        display_name: name,
        lang,
        chat_id: chat.id,
        private: chat.is_private(),
        roles,
    };

    let state = match seen.dialogue {
        Loaded::Found(state) => state,
        Loaded::Corrupt => {
            tracing::warn!(chat_id = chat.id.0, "corrupt dialogue state reset");
            storage::save(&mut *app.writer.lock().await, chat.id.0, &State::Idle, app.now()).await?;
            bot.send_message(chat.id, t!("common.state_reset", locale = ctx.lang.code())).await?;
            State::Idle
        }
    };

    let deps = dptree::deps![bot.clone(), update.clone(), me, app, ctx.clone(), state];
    let outcome = tokio::spawn(async move {
        let (update, state) = (deps.get::<Update>(), deps.get::<State>());
        routes.dispatch(&update, &state, deps).await
    })
    .await;
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
