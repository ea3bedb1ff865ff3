//! Drains the outbox within Telegram's limits. One loop picks due rows (urgent first,
//! oldest first, one in flight per chat), takes rate-limit slots, marks them `sending`
//! and hands each to a task; the task's outcome is written back as one statement:
//! - sent: Telegram's message id is kept;
//! - 429: everything pauses for `retry_after`, the row waits as long;
//! - 403 blocked / deactivated / kicked: the row is `blocked`, the user marked
//!   unreachable, their other queued rows blocked too — never retried;
//! - 5xx, network errors, unknown errors: retried with exponential backoff, then `failed`;
//! - a timed-out request may have been delivered (Telegram has no idempotent send), so
//!   it is retried at most once;
//! - any other API error (bad request): `failed` with Telegram's reason.
//!
//! No transaction is held while talking to Telegram.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::SqlitePool;
use teloxide::prelude::*;
use teloxide::types::{InputFile, ParseMode};
use teloxide::{ApiError, RequestError};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::clock::millis;
use crate::outbox::limiter::{Limiter, Rates};
use crate::outbox::{stats, Content, FileSource, OutMessage};
use crate::Result;

#[derive(Debug, Clone)]
pub struct Limits {
    pub global_per_sec: usize,
    pub private_per_sec: usize,
    pub group_per_min: usize,
    /// Added to each window to absorb jitter between our clock and Telegram's.
    pub margin: Duration,
    pub max_in_flight: usize,
    /// Tries for retryable failures (5xx, network) before a row is `failed`.
    pub max_attempts: i64,
    pub base_backoff: Duration,
    pub send_timeout: Duration,
    /// How often an idle sender looks for new rows.
    pub idle_poll: Duration,
}

impl Default for Limits {
    /// Telegram's published limits.
    fn default() -> Self {
        Self {
            global_per_sec: 30,
            private_per_sec: 1,
            group_per_min: 20,
            margin: Duration::from_millis(15),
            max_in_flight: 32,
            max_attempts: 5,
            base_backoff: Duration::from_secs(1),
            send_timeout: Duration::from_secs(20),
            idle_poll: Duration::from_millis(100),
        }
    }
}

impl Limits {
    /// No rate limits (a local Bot API server, or measuring the sender itself).
    pub fn unthrottled() -> Self {
        Self {
            global_per_sec: usize::MAX,
            private_per_sec: usize::MAX,
            group_per_min: usize::MAX,
            margin: Duration::ZERO,
            max_in_flight: 64,
            ..Self::default()
        }
    }

    fn rates(&self) -> Rates {
        Rates {
            global_per_sec: self.global_per_sec,
            private_per_sec: self.private_per_sec,
            group_per_min: self.group_per_min,
            margin: self.margin,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    chat_id: i64,
    message: String,
    attempts: i64,
    timeouts: i64,
}

#[derive(Debug)]
enum Outcome {
    Sent(i32),
    RetryAfter(Duration),
    Blocked(String),
    Failed(String),
    Retry(String),
    TimedOut,
    Migrated(i64),
}

/// Shared between the loop and its tasks.
struct Shared {
    bot: Bot,
    pool: SqlitePool,
    limits: Limits,
    limiter: Mutex<Limiter>,
    /// Chats with a row in flight (one at a time keeps a chat's messages in order).
    busy: Mutex<HashSet<i64>>,
}

#[derive(Clone)]
pub struct Sender {
    shared: Arc<Shared>,
}

impl Sender {
    pub fn new(bot: Bot, pool: SqlitePool, limits: Limits) -> Self {
        let limiter = Mutex::new(Limiter::new(limits.rates()));
        Self { shared: Arc::new(Shared { bot, pool, limits, limiter, busy: Mutex::new(HashSet::new()) }) }
    }

    /// After a crash, rows that were in flight may or may not have been delivered: send
    /// them again (at least once). Call before `run`.
    pub async fn recover(&self) -> Result<u64> {
        let n = sqlx::query("UPDATE outbox SET status = 'pending' WHERE status = 'sending'")
            .execute(&self.shared.pool)
            .await?
            .rows_affected();
        if n > 0 {
            tracing::warn!(rows = n, "outbox rows that were in flight at the last stop will be sent again");
        }
        Ok(n)
    }

    /// Sends forever (the bot's background task).
    pub async fn run(&self) -> Result<()> {
        self.pump(false).await
    }

    /// Sends until nothing is pending or in flight (tests, benchmarks, one-shot tools).
    pub async fn drain(&self) -> Result<()> {
        self.pump(true).await
    }

    async fn pump(&self, until_empty: bool) -> Result<()> {
        let s = &self.shared;
        let permits = Arc::new(Semaphore::new(s.limits.max_in_flight));
        let mut tasks = JoinSet::new();
        // Chats we know cannot send yet, and until when: left out of the query so one
        // flooded chat cannot hide everyone else's rows behind it.
        let mut held: HashMap<i64, Instant> = HashMap::new();
        let mut last_log = Instant::now();
        loop {
            while let Some(done) = tasks.try_join_next() {
                if let Err(err) = done {
                    tracing::error!(%err, "outbox task failed");
                }
            }
            let now = Instant::now();
            held.retain(|_, until| *until > now);
            let mut exclude: Vec<i64> = held.keys().copied().collect();
            exclude.extend(lock(&s.busy).iter().copied());
            let free = permits.available_permits();
            let rows: Vec<Row> = if free == 0 {
                Vec::new()
            } else {
                sqlx::query_as(
                    "SELECT id, chat_id, message, attempts, timeouts FROM outbox
                     WHERE status = 'pending' AND next_attempt_at <= ?
                       AND chat_id NOT IN (SELECT value FROM json_each(?))
                     ORDER BY priority DESC, id LIMIT ?",
                )
                .bind(millis(chrono::Utc::now()))
                .bind(serde_json::to_string(&exclude)?)
                .bind((free * 4) as i64)
                .fetch_all(&s.pool)
                .await?
            };
            let mut chosen = Vec::new();
            let mut wake: Option<Instant> = None;
            {
                let mut limiter = lock(&s.limiter);
                let mut busy = lock(&s.busy);
                for row in rows {
                    if chosen.len() >= free {
                        break;
                    }
                    if busy.contains(&row.chat_id) {
                        continue;
                    }
                    match limiter.try_acquire(row.chat_id, Instant::now()) {
                        Ok(()) => {
                            busy.insert(row.chat_id);
                            chosen.push(row);
                        }
                        Err(at) => {
                            held.insert(row.chat_id, at);
                            wake = Some(wake.map_or(at, |w| w.min(at)));
                        }
                    }
                }
            }
            if !chosen.is_empty() {
                let ids: Vec<i64> = chosen.iter().map(|r| r.id).collect();
                sqlx::query("UPDATE outbox SET status = 'sending' WHERE id IN (SELECT value FROM json_each(?))")
                    .bind(serde_json::to_string(&ids)?)
                    .execute(&s.pool)
                    .await?;
                for row in chosen {
                    let permit = Arc::clone(&permits).acquire_owned().await;
                    let shared = Arc::clone(&self.shared);
                    tasks.spawn(async move {
                        let chat_id = row.chat_id;
                        let outcome = deliver(&shared, &row).await;
                        if let Err(err) = record(&shared, &row, outcome).await {
                            tracing::error!(row = row.id, %err, "could not record an outbox outcome");
                        }
                        lock(&shared.busy).remove(&chat_id);
                        drop(permit);
                    });
                }
                continue;
            }
            if last_log.elapsed() >= Duration::from_secs(60) {
                last_log = Instant::now();
                let st = stats(&s.pool, None).await?;
                tracing::info!(
                    pending = st.pending,
                    sending = st.sending,
                    sent = st.sent,
                    failed = st.failed,
                    blocked = st.blocked,
                    oldest_pending_secs = st.oldest_pending_secs,
                    "outbox"
                );
            }
            if until_empty && tasks.is_empty() && nothing_left(&s.pool).await? {
                return Ok(());
            }
            let nap = wake.map_or(s.limits.idle_poll, |w| w.saturating_duration_since(Instant::now()));
            let nap = nap.min(s.limits.idle_poll).max(Duration::from_millis(1));
            if tasks.is_empty() {
                tokio::time::sleep(nap).await;
            } else {
                tokio::select! {
                    _ = tokio::time::sleep(nap) => {}
                    _ = tasks.join_next() => {}
                }
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

async fn nothing_left(pool: &SqlitePool) -> Result<bool> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetch_one(pool).await?;
    Ok(n == 0)
}

async fn deliver(s: &Shared, row: &Row) -> Outcome {
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
    match tokio::time::timeout(s.limits.send_timeout, send(&s.bot, row.chat_id, &message)).await {
        Err(_) => Outcome::TimedOut,
        Ok(Ok(sent)) => {
            if message.pin {
                // Best effort: the bot may not have the right to pin in this chat.
                if let Err(err) = s.bot.pin_chat_message(ChatId(row.chat_id), sent.id).await {
                    tracing::info!(chat = row.chat_id, %err, "could not pin");
                }
            }
            Outcome::Sent(sent.id.0)
        }
        Ok(Err(err)) => classify(err),
    }
}

async fn send(bot: &Bot, chat_id: i64, message: &OutMessage) -> std::result::Result<Message, RequestError> {
    let chat = ChatId(chat_id);
    let input = |file: &FileSource| match file {
        FileSource::FileId(id) => InputFile::file_id(id.clone().into()),
        FileSource::Upload { name, bytes } => InputFile::memory(bytes.clone()).file_name(name.clone()),
    };
    match &message.content {
        Content::Text { text, html } => {
            let mut req = bot.send_message(chat, text.clone());
            if *html {
                req = req.parse_mode(ParseMode::Html);
            }
            if let Some(kb) = &message.keyboard {
                req = req.reply_markup(kb.clone());
            }
            req.await
        }
        Content::Photo { file, caption } => {
            let mut req = bot.send_photo(chat, input(file));
            if let Some(c) = caption {
                req = req.caption(c.clone());
            }
            if let Some(kb) = &message.keyboard {
                req = req.reply_markup(kb.clone());
            }
            req.await
        }
        Content::Document { file, caption } => {
            let mut req = bot.send_document(chat, input(file));
            if let Some(c) = caption {
                req = req.caption(c.clone());
            }
            if let Some(kb) = &message.keyboard {
                req = req.reply_markup(kb.clone());
            }
            req.await
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
        // 5xx answers and errors teloxide does not know arrive as `Unknown`: retry.
        RequestError::Api(ApiError::Unknown(text)) => Outcome::Retry(text),
        RequestError::Api(e) => Outcome::Failed(e.to_string()),
        RequestError::Network(e) if e.is_timeout() => Outcome::TimedOut,
        RequestError::Network(e) => Outcome::Retry(e.to_string()),
        RequestError::Io(e) => Outcome::Retry(e.to_string()),
        RequestError::InvalidJson { raw, .. } => Outcome::Failed(format!("unreadable answer from Telegram: {raw}")),
    }
}

fn backoff(limits: &Limits, attempts: i64) -> Duration {
    let factor = 1u32 << attempts.clamp(0, 8);
    (limits.base_backoff * factor).min(Duration::from_secs(300))
}

async fn record(s: &Shared, row: &Row, outcome: Outcome) -> Result<()> {
    let now = millis(chrono::Utc::now());
    let retry_at = |d: Duration| now + d.as_millis() as i64;
    match outcome {
        Outcome::Sent(message_id) => {
            sqlx::query(
                "UPDATE outbox SET status = 'sent', sent_at = ?, telegram_message_id = ?, error = NULL WHERE id = ?",
            )
            .bind(now)
            .bind(message_id)
            .bind(row.id)
            .execute(&s.pool)
            .await?;
        }
        Outcome::RetryAfter(wait) => {
            lock(&s.limiter).pause_until(Instant::now() + wait);
            tracing::warn!(seconds = wait.as_secs(), "Telegram asked to slow down; all sending paused");
            sqlx::query("UPDATE outbox SET status = 'pending', next_attempt_at = ?, error = ? WHERE id = ?")
                .bind(retry_at(wait))
                .bind(format!("429 retry after {}s", wait.as_secs()))
                .bind(row.id)
                .execute(&s.pool)
                .await?;
        }
        Outcome::Blocked(reason) => {
            let mut tx = s.pool.begin().await?;
            sqlx::query(
                "UPDATE outbox SET status = 'blocked', error = ? WHERE id = ? OR (chat_id = ? AND status = 'pending')",
            )
            .bind(&reason)
            .bind(row.id)
            .bind(row.chat_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE users SET unreachable = 1 WHERE id = ?").bind(row.chat_id).execute(&mut *tx).await?;
            tx.commit().await?;
        }
        Outcome::Failed(reason) => fail(s, row.id, &reason).await?,
        Outcome::Retry(reason) => {
            let attempts = row.attempts + 1;
            if attempts >= s.limits.max_attempts {
                fail(s, row.id, &format!("{reason} (after {attempts} attempts)")).await?;
            } else {
                retry(s, row.id, attempts, row.timeouts, retry_at(backoff(&s.limits, row.attempts)), &reason).await?;
            }
        }
        Outcome::TimedOut => {
            if row.timeouts >= 1 {
                fail(s, row.id, "timed out twice; not retried again (it may have been delivered)").await?;
            } else {
                let at = retry_at(backoff(&s.limits, row.attempts));
                retry(s, row.id, row.attempts + 1, row.timeouts + 1, at, "timed out").await?;
            }
        }
        Outcome::Migrated(new_chat) => {
            let mut tx = s.pool.begin().await?;
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

async fn fail(s: &Shared, id: i64, reason: &str) -> Result<()> {
    tracing::warn!(row = id, reason, "outbox message failed");
    sqlx::query("UPDATE outbox SET status = 'failed', error = ? WHERE id = ?")
        .bind(reason)
        .bind(id)
        .execute(&s.pool)
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
    .execute(&s.pool)
    .await?;
    Ok(())
}
