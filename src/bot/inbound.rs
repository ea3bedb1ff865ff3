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
use sqlx::SqliteConnection;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::Me;

use crate::clock::millis;
use crate::db::Writer;
use crate::{App, Error, Result};

/// Stores the update unless it is already there (an update the listener did not see: a
/// test's, or one handed over directly).
pub async fn store(conn: &mut SqliteConnection, update: &Update, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO inbound_updates (update_id, payload, received_at) VALUES (?, ?, ?)")
        .bind(i64::from(update.id.0))
        .bind(serde_json::to_string(update)?)
        .bind(millis(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores a batch of updates in one statement (the listener's, per `getUpdates`).
pub async fn store_batch(writer: &Writer, updates: &[&Update], now: DateTime<Utc>) -> Result<()> {
    let rows = updates
        .iter()
        .map(|u| Ok((i64::from(u.id.0), serde_json::to_string(u)?)))
        .collect::<std::result::Result<Vec<_>, serde_json::Error>>()?;
    sqlx::query(
        "INSERT OR IGNORE INTO inbound_updates (update_id, payload, received_at)
         SELECT value ->> 0, value ->> 1, ? FROM json_each(?)",
    )
    .bind(millis(now))
    .bind(serde_json::to_string(&rows)?)
    .execute(&mut *writer.lock().await)
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

/// Marks the updates whose handlers only replied (no `Work`) done, many in one statement:
/// whoever finds the writer free marks everything waiting so far (group commit). Each
/// caller returns once its own update is marked. An update a crash left unmarked is
/// answered again at start: a second copy of a reply, never a second change (changes mark
/// their update in their own transaction).
#[derive(Debug, Default)]
pub struct DoneMarks {
    waiting: std::sync::Mutex<Vec<i64>>,
    turn: tokio::sync::Mutex<()>,
}

impl DoneMarks {
    pub async fn mark(&self, writer: &Writer, update_id: i64, now: DateTime<Utc>) -> Result<()> {
        lock(&self.waiting).push(update_id);
        let _turn = self.turn.lock().await;
        let ids = std::mem::take(&mut *lock(&self.waiting));
        if ids.is_empty() {
            return Ok(()); // the turn before this one marked it
        }
        sqlx::query(
            "UPDATE inbound_updates SET done_at = ? WHERE done_at IS NULL AND update_id IN (SELECT value FROM json_each(?))",
        )
        .bind(millis(now))
        .bind(serde_json::to_string(&ids)?)
        .execute(&mut *writer.lock().await)
        .await?;
        Ok(())
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Updates taken but not finished (a crash or a kill -9 during their handling), oldest first.
pub async fn unfinished(app: &App, now: DateTime<Utc>) -> Result<Vec<Update>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT update_id, payload FROM inbound_updates WHERE done_at IS NULL ORDER BY update_id")
            .fetch_all(&app.pool)
            .await?;
    let mut updates = Vec::with_capacity(rows.len());
    for (id, payload) in rows {
        match serde_json::from_str::<Update>(&payload) {
            Ok(update) => updates.push(update),
            Err(err) => {
                // Unreadable (an older teloxide's shape): nothing can be done with it.
                tracing::warn!(update_id = id, %err, "stored update unreadable; dropped");
                mark_done(&mut *app.writer.lock().await, id, now).await?;
            }
        }
    }
    Ok(updates)
}

/// Handles the unfinished updates through the same handler tree, one at a time, in order.
pub async fn replay(bot: &Bot, me: &Me, app: &Arc<App>, handler: &UpdateHandler<Error>) -> Result<usize> {
    let updates = unfinished(app, app.now()).await?;
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
