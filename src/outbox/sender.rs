//! Drains the outbox within Telegram's limits. One loop picks due rows (urgent first,
//! oldest first, one in flight per chat), takes rate-limit slots, marks them `sending`
//! and hands each to a task; the task's outcome is written back as one statement:
//! - sent: Telegram's message id is kept;
//! - 429: everything pauses for `retry_after`, the row waits as long; rows already picked
//!   wait too (each send asks the limiter again as it goes out);
//! - 403 blocked / deactivated / kicked: the row is `blocked`, the user marked
//!   unreachable, their other queued rows blocked too — never retried;
//! - 5xx, network errors, unknown errors: retried with exponential backoff, then `failed`
//!   (a 5xx returns at once: `wire`);
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
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::clock::millis;
use crate::db::{Db, Writer};
use crate::outbox::limiter::{Limiter, Rates};
use crate::outbox::stats;
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
pub(super) struct Row {
    pub(super) id: i64,
    pub(super) chat_id: i64,
    pub(super) message: String,
    pub(super) attempts: i64,
    pub(super) timeouts: i64,
}

#[derive(Debug)]
pub(super) enum Outcome {
    Sent(i32),
    RetryAfter(Duration),
    Blocked(String),
    Failed(String),
    Retry(String),
    TimedOut,
    Migrated(i64),
}

/// Shared between the loop and its tasks.
pub(super) struct Shared {
    pub(super) bot: Bot,
    /// Readers, to choose rows; the writer, to claim them and record outcomes.
    pub(super) pool: SqlitePool,
    pub(super) writer: Writer,
    pub(super) limits: Limits,
    /// Wall-clock time for due rows and retry stamps (the app's clock).
    pub(super) clock: crate::clock::SharedClock,
    pub(super) limiter: Mutex<Limiter>,
    /// Chats with a row in flight (one at a time keeps a chat's messages in order) and
    /// the rows themselves; a task's `InFlight` guard clears both however it ends.
    pub(super) busy: Mutex<HashSet<i64>>,
    pub(super) rows_in_flight: Mutex<HashSet<i64>>,
}

/// Held by a task for its row; dropping it (done, failed, panicked or aborted) frees the
/// chat. A row whose outcome could not be written stays `sending` and is returned to
/// `pending` by the next sweep.
struct InFlight {
    shared: Arc<Shared>,
    chat_id: i64,
    row_id: i64,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        lock(&self.shared.busy).remove(&self.chat_id);
        lock(&self.shared.rows_in_flight).remove(&self.row_id);
    }
}

/// One sender per database: rows `sending` that this sender is not sending are orphans.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Sender {
    shared: Arc<Shared>,
}

impl Sender {
    /// A sender on the system clock (tests and benchmarks that need no other).
    pub fn new(bot: Bot, db: Db, limits: Limits) -> Self {
        Self::with_clock(bot, db, limits, Arc::new(crate::clock::SystemClock))
    }

    /// A sender on the app's clock, so rows stamped by handlers and jobs are due on the
    /// same time line.
    pub fn with_clock(bot: Bot, db: Db, limits: Limits, clock: crate::clock::SharedClock) -> Self {
        let limiter = Mutex::new(Limiter::new(limits.rates()));
        Self {
            shared: Arc::new(Shared {
                bot,
                pool: db.read,
                writer: db.write,
                limits,
                clock,
                limiter,
                busy: Mutex::new(HashSet::new()),
                rows_in_flight: Mutex::new(HashSet::new()),
            }),
        }
    }

    /// Rows left `sending` by a crash (or by a loop that stopped, or an outcome that
    /// could not be written) may or may not have been delivered: send them again (at
    /// least once). Runs at the start of every loop and every 30 s; callable directly.
    pub async fn recover(&self) -> Result<u64> {
        let mine: Vec<i64> = lock(&self.shared.rows_in_flight).iter().copied().collect();
        let n = sqlx::query(
            "UPDATE outbox SET status = 'pending'
             WHERE status = 'sending' AND id NOT IN (SELECT value FROM json_each(?))",
        )
        .bind(serde_json::to_string(&mine)?)
        .execute(&mut *self.shared.writer.lock().await)
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

    fn log_figures(st: &crate::outbox::Stats) {
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

    async fn pump(&self, until_empty: bool) -> Result<()> {
        let s = &self.shared;
        let permits = Arc::new(Semaphore::new(s.limits.max_in_flight));
        let mut tasks = JoinSet::new();
        // Chats we know cannot send yet, and until when: left out of the query so one
        // flooded chat cannot hide everyone else's rows behind it.
        let mut held: HashMap<i64, Instant> = HashMap::new();
        let mut last_log = Instant::now();
        let mut last_sweep: Option<Instant> = None;
        loop {
            while let Some(done) = tasks.try_join_next() {
                if let Err(err) = done {
                    tracing::error!(%err, "outbox task failed");
                }
            }
            if last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY) {
                last_sweep = Some(Instant::now());
                self.recover().await?;
            }
            if last_log.elapsed() >= Duration::from_secs(60) {
                last_log = Instant::now();
                Self::log_figures(&stats(&s.pool, s.clock.now(), None).await?);
            }
            let now = Instant::now();
            held.retain(|_, until| *until > now);
            let mut exclude: Vec<i64> = held.keys().copied().collect();
            exclude.extend(lock(&s.busy).iter().copied());
            let free = permits.available_permits();
            let now_ms = millis(s.clock.now());
            let rows: Vec<Row> = if free == 0 {
                Vec::new()
            } else {
                // A chat whose earlier row waits for a retry is skipped, so its messages
                // keep their order.
                sqlx::query_as(
                    "SELECT id, chat_id, message, attempts, timeouts FROM outbox o
                     WHERE status = 'pending' AND next_attempt_at <= ?1
                       AND chat_id NOT IN (SELECT value FROM json_each(?2))
                       AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = o.chat_id AND e.status = 'pending'
                                       AND e.id < o.id AND e.next_attempt_at > ?1)
                     ORDER BY priority DESC, id LIMIT ?3",
                )
                .bind(now_ms)
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
                    let planned = Instant::now();
                    match limiter.try_acquire(row.chat_id, planned) {
                        Ok(()) => {
                            busy.insert(row.chat_id);
                            lock(&s.rows_in_flight).insert(row.id);
                            chosen.push((row, planned));
                        }
                        Err(at) => {
                            held.insert(row.chat_id, at);
                            wake = Some(wake.map_or(at, |w| w.min(at)));
                        }
                    }
                }
            }
            if !chosen.is_empty() {
                // Guards first: whatever happens next, the chats are freed.
                let guards: Vec<(Row, Instant, InFlight)> = chosen
                    .into_iter()
                    .map(|(row, planned)| {
                        let guard = InFlight { shared: Arc::clone(&self.shared), chat_id: row.chat_id, row_id: row.id };
                        (row, planned, guard)
                    })
                    .collect();
                let ids: Vec<i64> = guards.iter().map(|(r, _, _)| r.id).collect();
                // Only rows still pending are ours (another writer may have changed them).
                let claimed: Vec<(i64,)> = sqlx::query_as(
                    "UPDATE outbox SET status = 'sending'
                     WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?)) RETURNING id",
                )
                .bind(serde_json::to_string(&ids)?)
                .fetch_all(&mut *s.writer.lock().await)
                .await?;
                let claimed: HashSet<i64> = claimed.into_iter().map(|(id,)| id).collect();
                for (row, planned, guard) in guards {
                    if !claimed.contains(&row.id) {
                        continue; // dropping the guard frees the chat
                    }
                    let permit = Arc::clone(&permits).acquire_owned().await;
                    let shared = Arc::clone(&self.shared);
                    tasks.spawn(async move {
                        let result = super::outcome::deliver(&shared, &row, planned).await;
                        super::outcome::record_with_retries(&shared, &row, result).await;
                        drop(guard);
                        drop(permit);
                    });
                }
                continue;
            }
            if until_empty && tasks.is_empty() && nothing_left(&s.pool).await? {
                return Ok(());
            }
            // Wake when the first held chat may send again, not a whole idle poll later
            // (that lag cost ~8 % of throughput at Telegram's limits).
            let wake = held.values().copied().min().map_or(wake, |h| Some(wake.map_or(h, |w| w.min(h))));
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

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

async fn nothing_left(pool: &SqlitePool) -> Result<bool> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetch_one(pool).await?;
    Ok(n == 0)
}
