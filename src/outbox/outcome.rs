//! What happens to one row: wait for its moment, send it, read Telegram's answer, write
//! the outcome.

use std::time::{Duration, Instant};

use teloxide::prelude::*;
use teloxide::requests::HasPayload;
use teloxide::types::{InputFile, ParseMode};
use teloxide::{ApiError, RequestError};

use crate::clock::millis;
use crate::outbox::sender::{lock, Limits, Outcome, Row, Shared};
use crate::outbox::wire;
use crate::outbox::{Content, FileSource, OutMessage};
use crate::Result;

/// Writing an outcome can meet a busy database; try a few times before leaving the row
/// to the sweep (which sends it again: at least once).
pub(super) async fn record_with_retries(s: &Shared, row: &Row, outcome: Outcome) {
    let mut wait = Duration::from_millis(100);
    for attempt in 1..=5 {
        match record(s, row, &outcome).await {
            Ok(()) => return,
            Err(err) => {
                tracing::error!(row = row.id, attempt, %err, "could not record an outbox outcome");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
        }
    }
}

/// Waits until the row planned at `planned` may go out: a 429 that came after it was
/// planned holds it like everything else, and a late send takes a fresh slot. Returns the
/// slot taken.
async fn take_slot(s: &Shared, chat_id: i64, paid: bool, planned: Instant) -> Instant {
    let mut planned = Some(planned);
    loop {
        let now = Instant::now();
        let refused = lock(&s.limiter).start(chat_id, paid, &mut planned, now);
        match refused {
            Ok(()) => return planned.unwrap_or(now),
            Err(until) => tokio::time::sleep_until(until.into()).await,
        }
    }
}

/// Waits out a 429 pause, for calls that send no message (pinning).
async fn wait_out_pause(s: &Shared) {
    loop {
        let paused = lock(&s.limiter).paused(Instant::now());
        match paused {
            None => return,
            Some(until) => tokio::time::sleep_until(until.into()).await,
        }
    }
}

pub(super) async fn deliver(s: &Shared, row: &Row, planned: Instant) -> Outcome {
    let mut message: OutMessage = match serde_json::from_str(&row.message) {
        Ok(m) => m,
        Err(err) => return Outcome::Failed(format!("unreadable stored message: {err}")),
    };
    if let Content::Photo { file: FileSource::Upload { bytes, .. }, .. }
    | Content::Document { file: FileSource::Upload { bytes, .. }, .. } = &mut message.content
    {
        match sqlx::query_as::<_, (Option<Vec<u8>>,)>("SELECT attachment FROM outbox WHERE id = ?")
            .bind(row.id)
            .fetch_one(&s.pool)
            .await
        {
            Ok((data,)) => *bytes = data.unwrap_or_default(),
            Err(err) => return Outcome::Retry(format!("database: {err}")),
        }
    }
    // An export's file deleted before it was sent (the nightly prune, an erasure) will not
    // come back: failed at once rather than retried.
    if let Content::Document { file: FileSource::Path { path, .. }, .. } = &message.content {
        if !path.exists() {
            return Outcome::Failed(format!("file {} is gone", path.display()));
        }
    }
    let slot = take_slot(s, row.chat_id, row.paid_broadcast, planned).await;
    // Asked for only when paid sending is on: otherwise the row goes as a free one.
    let paid = lock(&s.limiter).goes_paid(row.paid_broadcast);
    let answer = tokio::time::timeout(s.limits.send_timeout, send(&s.bot, row.chat_id, &message, paid)).await;
    lock(&s.limiter).finish(row.chat_id, row.paid_broadcast, slot, Instant::now());
    match answer {
        Err(_) => Outcome::TimedOut,
        Ok(Ok(sent)) => {
            if message.pin {
                wait_out_pause(s).await;
                // Best effort: the bot may not have the right to pin in this chat.
                let pin = s.bot.pin_chat_message(ChatId(row.chat_id), sent.id);
                if let Err(err) = wire::call(&s.bot, pin.payload_ref()).await {
                    tracing::info!(chat = row.chat_id, %err, "could not pin");
                }
            }
            Outcome::Sent(sent.id.0)
        }
        // The tally already reads so (an edit after a change and its undo).
        Ok(Err(RequestError::Api(ApiError::MessageNotModified))) => match &message.content {
            Content::Edit { message_id, .. } => Outcome::Sent(*message_id),
            _ => classify(RequestError::Api(ApiError::MessageNotModified)),
        },
        Ok(Err(err)) => classify(err),
    }
}

/// `paid`: with `allow_paid_broadcast` (edits are not broadcasts and never carry it).
async fn send(bot: &Bot, chat_id: i64, message: &OutMessage, paid: bool) -> std::result::Result<Message, RequestError> {
    let chat = ChatId(chat_id);
    // An upload's bytes go as their own part (`wire::send_file`), not in the payload.
    let input = |file: &FileSource| match file {
        FileSource::FileId(id) => InputFile::file_id(id.clone().into()),
        FileSource::Upload { name, .. } | FileSource::Path { name, .. } => {
            InputFile::memory(Vec::new()).file_name(name.clone())
        }
    };
    match &message.content {
        Content::Text { text, html } => {
            let mut req = bot.send_message(chat, text.clone());
            if paid {
                req = req.allow_paid_broadcast(true);
            }
            if *html {
                req = req.parse_mode(ParseMode::Html);
            }
            if let Some(kb) = &message.keyboard {
                req = req.reply_markup(kb.clone());
            }
            wire::call(bot, req.payload_ref()).await
        }
        Content::Edit { message_id, text } => {
            let mut req = bot.edit_message_text(chat, teloxide::types::MessageId(*message_id), text.clone());
            if let Some(kb) = &message.keyboard {
                req = req.reply_markup(kb.clone());
            }
            wire::call(bot, req.payload_ref()).await
        }
        Content::Photo { file, caption } => {
            let mut req = bot.send_photo(chat, input(file));
            if paid {
                req = req.allow_paid_broadcast(true);
            }
            if let Some(c) = caption {
                req = req.caption(c.clone());
            }
            if let Some(kb) = &message.keyboard {
                req = req.reply_markup(kb.clone());
            }
            wire::send_file(bot, req.payload_ref(), "photo", file).await
        }
        Content::Document { file, caption } => {
            let mut req = bot.send_document(chat, input(file));
            if paid {
                req = req.allow_paid_broadcast(true);
            }
            if let Some(c) = caption {
                req = req.caption(c.clone());
            }
            if let Some(kb) = &message.keyboard {
                req = req.reply_markup(kb.clone());
            }
            wire::send_file(bot, req.payload_ref(), "document", file).await
        }
    }
}

fn classify(err: RequestError) -> Outcome {
    match err {
        RequestError::RetryAfter(s) => Outcome::RetryAfter(Duration::from_secs(u64::from(s.seconds()))),
        RequestError::MigrateToChatId(chat) => Outcome::Migrated(chat.0),
        RequestError::Api(
            e @ (ApiError::BotBlocked
            | ApiError::UserDeactivated
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots),
        ) => Outcome::Blocked(e.to_string()),
        // 5xx answers (at once: `wire`) and errors teloxide does not know are `Unknown`: retry.
        RequestError::Api(ApiError::Unknown(text)) => Outcome::Retry(text),
        RequestError::Api(e) => Outcome::Failed(e.to_string()),
        RequestError::Network(e) if e.is_timeout() => Outcome::TimedOut,
        RequestError::Network(e) => Outcome::Retry(e.to_string()),
        RequestError::Io(e) => Outcome::Retry(e.to_string()),
        // Typically an HTML 502/504 page from a proxy in front of the Bot API: retry.
        RequestError::InvalidJson { raw, .. } => {
            Outcome::Retry(format!("unreadable answer from Telegram: {}", raw.chars().take(200).collect::<String>()))
        }
    }
}

fn backoff(limits: &Limits, attempts: i64) -> Duration {
    let factor = 1u32 << attempts.clamp(0, 8);
    (limits.base_backoff * factor).min(Duration::from_secs(300))
}

async fn record(s: &Shared, row: &Row, outcome: &Outcome) -> Result<()> {
    let now = millis(s.clock.now());
    let retry_at = |d: Duration| now + d.as_millis() as i64;
    match outcome {
        &Outcome::Sent(message_id) => {
            sqlx::query(
                "UPDATE outbox SET status = 'sent', sent_at = ?, telegram_message_id = ?, error = NULL WHERE id = ?",
            )
            .bind(now)
            .bind(message_id)
            .bind(row.id)
            .execute(&mut *s.writer.lock().await)
            .await?;
        }
        &Outcome::RetryAfter(wait) => {
            lock(&s.limiter).pause_until(Instant::now() + wait);
            tracing::warn!(seconds = wait.as_secs(), "Telegram asked to slow down; all sending paused");
            sqlx::query("UPDATE outbox SET status = 'pending', next_attempt_at = ?, error = ? WHERE id = ?")
                .bind(retry_at(wait))
                .bind(format!("429 retry after {}s", wait.as_secs()))
                .bind(row.id)
                .execute(&mut *s.writer.lock().await)
                .await?;
        }
        Outcome::Blocked(reason) => {
            let mut tx = s.writer.begin().await?;
            sqlx::query(
                "UPDATE outbox SET status = 'blocked', error = ? WHERE id = ? OR (chat_id = ? AND status = 'pending')",
            )
            .bind(reason)
            .bind(row.id)
            .bind(row.chat_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE users SET unreachable = 1 WHERE id = ?").bind(row.chat_id).execute(&mut *tx).await?;
            tx.commit().await?;
        }
        Outcome::Failed(reason) => fail(s, row.id, row.attempts, reason).await?,
        Outcome::Retry(reason) => {
            let attempts = row.attempts + 1;
            if attempts >= s.limits.max_attempts {
                fail(s, row.id, attempts, &format!("{reason} (after {attempts} attempts)")).await?;
            } else {
                retry(s, row.id, attempts, row.timeouts, retry_at(backoff(&s.limits, row.attempts)), reason).await?;
            }
        }
        Outcome::TimedOut => {
            if row.timeouts >= 1 {
                fail(s, row.id, row.attempts + 1, "timed out twice; not retried again (it may have been delivered)")
                    .await?;
            } else {
                let at = retry_at(backoff(&s.limits, row.attempts));
                retry(s, row.id, row.attempts + 1, row.timeouts + 1, at, "timed out").await?;
            }
        }
        &Outcome::Migrated(new_chat) => {
            let mut tx = s.writer.begin().await?;
            sqlx::query("UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status IN ('pending', 'sending')")
                .bind(new_chat)
                .bind(row.chat_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE outbox SET status = 'pending' WHERE id = ?").bind(row.id).execute(&mut *tx).await?;
            sqlx::query("UPDATE linked_chats SET chat_id = ? WHERE chat_id = ?")
                .bind(new_chat)
                .bind(row.chat_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
    }
    Ok(())
}

async fn fail(s: &Shared, id: i64, attempts: i64, reason: &str) -> Result<()> {
    tracing::warn!(row = id, reason, "outbox message failed");
    sqlx::query("UPDATE outbox SET status = 'failed', attempts = ?, error = ? WHERE id = ?")
        .bind(attempts)
        .bind(reason)
        .bind(id)
        .execute(&mut *s.writer.lock().await)
        .await?;
    Ok(())
}

async fn retry(s: &Shared, id: i64, attempts: i64, timeouts: i64, at: i64, reason: &str) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'pending', attempts = ?, timeouts = ?, next_attempt_at = ?, error = ? WHERE id = ?",
    )
    .bind(attempts)
    .bind(timeouts)
    .bind(at)
    .bind(reason)
    .bind(id)
    .execute(&mut *s.writer.lock().await)
    .await?;
    Ok(())
}
