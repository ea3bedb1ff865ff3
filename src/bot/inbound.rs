//! Inbound updates are durable. teloxide confirms an update's offset to Telegram when it
//! asks for the next batch, before the handlers of this one have finished, and Telegram
//! never sends a confirmed update again. So every update is written to `inbound_updates`
//! as it leaves the listener — before the next `getUpdates` can confirm it — and is marked
//! done in the transaction of its effects (`bot::Work::commit`), or by the guard after a
//! handler that only replied. At start, `replay` handles the ones a crash left unfinished,
//! before polling resumes: an update that was taken is answered, and its effects happen
//! once.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::stream::{BoxStream, StreamExt};
use sqlx::{SqliteConnection, SqlitePool};
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, Me};
use teloxide::update_listeners::{AsUpdateStream, Polling, UpdateListener};
use teloxide::RequestError;

use crate::clock::{millis, SharedClock};
use crate::{App, Error, Result};

/// Stores the update unless it is already there. True when it still needs handling
/// (new, or stored but unfinished); false for a redelivery of one that is done.
pub async fn claim(pool: &SqlitePool, update: &Update, now: DateTime<Utc>) -> Result<bool> {
    store(pool, update, now).await?;
    let done: Option<(Option<i64>,)> = sqlx::query_as("SELECT done_at FROM inbound_updates WHERE update_id = ?")
        .bind(i64::from(update.id.0))
        .fetch_optional(pool)
        .await?;
    Ok(matches!(done, Some((None,)) | None))
}

async fn store(pool: &SqlitePool, update: &Update, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO inbound_updates (update_id, payload, received_at) VALUES (?, ?, ?)")
        .bind(i64::from(update.id.0))
        .bind(serde_json::to_string(update)?)
        .bind(millis(now))
        .execute(pool)
        .await?;
    Ok(())
}

/// Marks an update done (inside the transaction of its effects, or on its own).
pub async fn mark_done(conn: &mut SqliteConnection, update_id: i64, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE inbound_updates SET done_at = ? WHERE update_id = ? AND done_at IS NULL")
        .bind(millis(now))
        .bind(update_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Updates taken but not finished (a crash or a kill -9 during their handling), oldest first.
pub async fn unfinished(pool: &SqlitePool, now: DateTime<Utc>) -> Result<Vec<Update>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT update_id, payload FROM inbound_updates WHERE done_at IS NULL ORDER BY update_id")
            .fetch_all(pool)
            .await?;
    let mut updates = Vec::with_capacity(rows.len());
    for (id, payload) in rows {
        match serde_json::from_str::<Update>(&payload) {
            Ok(update) => updates.push(update),
            Err(err) => {
                // Unreadable (an older teloxide's shape): nothing can be done with it.
                tracing::warn!(update_id = id, %err, "stored update unreadable; dropped");
                let mut conn = pool.acquire().await?;
                mark_done(&mut conn, id, now).await?;
            }
        }
    }
    Ok(updates)
}

/// Handles the unfinished updates through the same handler tree, one at a time, in order.
pub async fn replay(bot: &Bot, me: &Me, app: &Arc<App>, handler: &UpdateHandler<Error>) -> Result<usize> {
    let updates = unfinished(&app.pool, app.now()).await?;
    let n = updates.len();
    for update in updates {
        tracing::info!(update_id = update.id.0, "handling an update a restart left unfinished");
        let deps = dptree::deps![bot.clone(), update, me.clone(), Arc::clone(app)];
        let _ = handler.dispatch(deps).await;
    }
    Ok(n)
}

/// Forgets finished updates older than `before` (Telegram keeps undelivered ones 24 h).
pub async fn prune(conn: &mut SqliteConnection, before: DateTime<Utc>) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM inbound_updates WHERE done_at IS NOT NULL AND received_at < ?")
        .bind(millis(before))
        .execute(conn)
        .await?
        .rows_affected())
}

/// Long polling that stores each update before handing it on — and so before the next
/// `getUpdates` confirms it.
pub struct DurablePolling {
    inner: Polling<Bot>,
    pool: SqlitePool,
    clock: SharedClock,
}

impl DurablePolling {
    pub fn new(inner: Polling<Bot>, pool: SqlitePool, clock: SharedClock) -> Self {
        Self { inner, pool, clock }
    }
}

impl UpdateListener for DurablePolling {
    type Err = RequestError;

    fn stop_token(&mut self) -> StopToken {
        self.inner.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.inner.hint_allowed_updates(hint)
    }
}

impl<'a> AsUpdateStream<'a> for DurablePolling {
    type StreamErr = RequestError;
    type Stream = BoxStream<'a, std::result::Result<Update, RequestError>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let pool = self.pool.clone();
        let clock = Arc::clone(&self.clock);
        self.inner
            .as_stream()
            .then(move |item| {
                let pool = pool.clone();
                let clock = Arc::clone(&clock);
                async move {
                    if let Ok(update) = &item {
                        store_patiently(&pool, update, clock.now()).await;
                    }
                    item
                }
            })
            .boxed()
    }
}

/// The database is local: a failure to store is a busy moment or a full disk. Try for a
/// while; if it still fails, hand the update on anyway (handled, but not crash-safe).
async fn store_patiently(pool: &SqlitePool, update: &Update, now: DateTime<Utc>) {
    for attempt in 0..20u64 {
        match store(pool, update, now).await {
            Ok(()) => return,
            Err(err) => {
                tracing::error!(update_id = update.id.0, attempt, %err, "could not store an incoming update");
                tokio::time::sleep(std::time::Duration::from_millis(100 * (attempt + 1))).await;
            }
        }
    }
}
