//! Writes sent rows back in batches. At Telegram's paid-broadcast rate (up to 1000
//! messages a second) one `UPDATE` per sent row was one write transaction per message,
//! each waiting its turn for SQLite's single writer against everything else the bot
//! writes. Here a task whose send succeeded hands the row over, and one writer marks
//! everything that arrived during its previous write in one set-based statement.
//!
//! A handed-over row stays `sending`, its chat busy and its id in the sender's own set
//! (the sweep leaves it alone) until it is written: a crash in between sends it again,
//! like a crash mid-send — at least once, duplicates bounded by what was in flight or
//! waiting here (about one write's worth of sends).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::clock::millis;
use crate::outbox::sender::{InFlight, Shared};
use crate::Result;

/// Bounds one statement's JSON parameter (about 30 bytes a row).
const MAX_BATCH: usize = 2000;

/// A row Telegram accepted, with its message id; dropping it (after the write) frees its
/// chat.
pub(super) struct Delivered {
    pub(super) id: i64,
    pub(super) message_id: i32,
    pub(super) guard: InFlight,
}

pub(super) type Handoff = mpsc::UnboundedSender<Delivered>;

/// Starts the writer; it ends once every `Handoff` is dropped and what they sent is written.
pub(super) fn start(shared: Arc<Shared>) -> (Handoff, JoinHandle<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (tx, tokio::spawn(write_batches(shared, rx)))
}

async fn write_batches(shared: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Delivered>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(more) => batch.push(more),
                Err(_) => break,
            }
        }
        write_with_retries(&shared, &batch).await;
        // Dropping the batch's guards frees its chats for their next rows.
    }
}

/// A busy database is tried a few times before the rows are left to the sweep (which
/// sends them again: at least once), as for any other outcome.
async fn write_with_retries(s: &Shared, batch: &[Delivered]) {
    let mut wait = Duration::from_millis(100);
    for attempt in 1..=5 {
        match write(s, batch).await {
            Ok(()) => return,
            Err(err) => {
                tracing::error!(rows = batch.len(), attempt, %err, "could not record sent outbox rows");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
        }
    }
}

async fn write(s: &Shared, batch: &[Delivered]) -> Result<()> {
    let rows: Vec<(i64, i32)> = batch.iter().map(|d| (d.id, d.message_id)).collect();
    debug_assert!(batch.iter().all(|d| d.guard.row_id == d.id));
    // One lookup by primary key per element (json_each drives the join).
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = ?1, telegram_message_id = json_extract(j.value, '$[1]'),
                           error = NULL
         FROM json_each(?2) j WHERE outbox.id = json_extract(j.value, '$[0]')",
    )
    .bind(millis(s.clock.now()))
    .bind(serde_json::to_string(&rows)?)
    .execute(&mut *s.writer.lock().await)
    .await?;
    Ok(())
}
