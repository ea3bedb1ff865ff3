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
use crate::outbox::limiter::Limiter;
pub use crate::outbox::limits::Limits;
use crate::outbox::stats;
use crate::Result;

#[derive(Debug, sqlx::FromRow)]
pub(super) struct Row {
    pub(super) id: i64,
    pub(super) chat_id: i64,
    pub(super) message: String,
    pub(super) attempts: i64,
    pub(super) timeouts: i64,
    /// Queued as `Options::paid`: may go as a paid broadcast.
    pub(super) paid_broadcast: bool,
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
pub(super) struct InFlight {
    shared: Arc<Shared>,
    chat_id: i64,
    pub(super) row_id: i64,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        lock(&self.shared.busy).remove(&self.chat_id);
        lock(&self.shared.rows_in_flight).remove(&self.row_id);
    }
}

/// How long the loop waits at least for a full overall window while paid sending is on.
const PAID_TICK: Duration = Duration::from_millis(5);

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
        let (handoff, writer) = super::sent::start(Arc::clone(&self.shared));
        let result = self.pump_with(until_empty, handoff).await;
        // Every handoff is gone (the loop's and its tasks'): the writer ends once it has
        // written what it was given.
        if let Err(err) = writer.await {
            tracing::error!(%err, "outbox writer failed");
        }
        result
    }

    async fn pump_with(&self, until_empty: bool, handoff: super::sent::Handoff) -> Result<()> {
        let s = &self.shared;
        let permits = Arc::new(Semaphore::new(s.limits.in_flight_cap()));
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
            // Rows whose overall window (free, or paid) is full are left out of the query.
            let open = Open::now(&mut lock(&s.limiter), now);
            let free = permits.available_permits().min(open.room);
            let now_ms = millis(s.clock.now());
            let rows: Vec<Row> = match open.filter() {
                Some(filter) if free > 0 => {
                    // A chat whose earlier row waits for a retry is skipped, so its messages
                    // keep their order.
                    sqlx::query_as(&format!(
                        "SELECT id, chat_id, message, attempts, timeouts, paid_broadcast FROM outbox o
                         WHERE status = 'pending' {filter} AND next_attempt_at <= ?1
                           AND chat_id NOT IN (SELECT value FROM json_each(?2))
                           AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = o.chat_id AND e.status = 'pending'
                                           AND e.id < o.id AND e.next_attempt_at > ?1)
                         ORDER BY priority DESC, id LIMIT ?3"
                    ))
                    .bind(now_ms)
                    .bind(serde_json::to_string(&exclude)?)
                    .bind((free * 4) as i64)
                    .fetch_all(&s.pool)
                    .await?
                }
                _ => Vec::new(),
            };
            let mut chosen = Vec::new();
            let mut wake = open.until;
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
                    match limiter.try_acquire(row.chat_id, row.paid_broadcast, planned) {
                        Ok(()) => {
                            busy.insert(row.chat_id);
                            lock(&s.rows_in_flight).insert(row.id);
                            chosen.push((row, planned));
                        }
                        // Its kind's overall window filled up: not this chat's doing.
                        Err(at) if limiter.full_until(row.paid_broadcast, planned).is_some() => {
                            wake = Some(wake.map_or(at, |w| w.min(at)));
                        }
                        Err(at) => {
                            held.insert(row.chat_id, at);
                            wake = Some(wake.map_or(at, |w| w.min(at)));
                        }
                    }
                }
            }
            if !chosen.is_empty() {
                self.start_sends(chosen, &permits, &mut tasks, &handoff).await?;
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
            // At the paid rate a slot frees every millisecond: take them ~5 at a time rather
            // than run the loop's two statements for each.
            let nap = if open.room == 0 && open.paid_on { nap.max(PAID_TICK) } else { nap };
            // Waiting for an overall window, a finished send changes nothing: sleep.
            if tasks.is_empty() || open.room == 0 {
                tokio::time::sleep(nap).await;
            } else {
                tokio::select! {
                    _ = tokio::time::sleep(nap) => {}
                    _ = tasks.join_next() => {}
                }
            }
        }
    }

    /// Marks the chosen rows `sending` in one statement and gives each still ours to a task.
    async fn start_sends(
        &self,
        chosen: Vec<(Row, Instant)>,
        permits: &Arc<Semaphore>,
        tasks: &mut JoinSet<()>,
        handoff: &super::sent::Handoff,
    ) -> Result<()> {
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
        .fetch_all(&mut *self.shared.writer.lock().await)
        .await?;
        let claimed: HashSet<i64> = claimed.into_iter().map(|(id,)| id).collect();
        for (row, planned, guard) in guards {
            if !claimed.contains(&row.id) {
                continue; // dropping the guard frees the chat
            }
            let permit = Arc::clone(permits).acquire_owned().await;
            let shared = Arc::clone(&self.shared);
            let handoff = handoff.clone();
            tasks.spawn(async move {
                match super::outcome::deliver(&shared, &row, planned).await {
                    // Written with others by `sent`, which then drops the guard.
                    Outcome::Sent(message_id) => {
                        if let Err(back) = handoff.send(super::sent::Delivered { id: row.id, message_id, guard }) {
                            let delivered = back.0;
                            super::outcome::record_with_retries(&shared, &row, Outcome::Sent(message_id)).await;
                            drop(delivered);
                        }
                    }
                    other => {
                        super::outcome::record_with_retries(&shared, &row, other).await;
                        drop(guard);
                    }
                }
                drop(permit);
            });
        }
        Ok(())
    }
}

/// Which rows may go now, by their overall window: free rows while the free window has
/// room, paid rows (when paid sending is on) while the paid one has.
struct Open {
    free: bool,
    paid: bool,
    paid_on: bool,
    /// Sends the open windows would take together.
    room: usize,
    /// When the first full window has room again.
    until: Option<Instant>,
}

impl Open {
    fn now(limiter: &mut Limiter, now: Instant) -> Self {
        let paid_on = limiter.goes_paid(true);
        let free_until = limiter.full_until(false, now);
        let paid_until = if paid_on { limiter.full_until(true, now) } else { None };
        let room = limiter.room(false, now).saturating_add(if paid_on { limiter.room(true, now) } else { 0 });
        let until = match (free_until, paid_until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Self { free: free_until.is_none(), paid: paid_on && paid_until.is_none(), paid_on, room, until }
    }

    /// The query's extra condition, or `None` when no row may go. Literal, so the partial
    /// index of free rows (migration 0019) serves "free rows only".
    fn filter(&self) -> Option<&'static str> {
        match (self.free, self.paid, self.paid_on) {
            (true, _, false) | (true, true, true) => Some(""),
            (true, false, true) => Some("AND paid_broadcast = 0"),
            (false, true, _) => Some("AND paid_broadcast = 1"),
            (false, false, _) => None,
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
