//! The Bot API's side of `getUpdates` (the demo's, and the test stub's), with Telegram's semantics: updates wait in a queue
//! until a request's `offset` confirms them; a request for `offset` N forgets every update
//! with an id below N for good and returns the rest (at most `limit`, default 100),
//! waiting up to `timeout` seconds for one to arrive if there is none.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::Instant;

/// Telegram's own cap on one batch.
const MAX_BATCH: i64 = 100;

/// The queue, and a wake-up for the long polls waiting on it.
pub struct Inbox {
    queue: Mutex<Queue>,
    pushed: watch::Sender<()>,
}

#[derive(Default)]
struct Queue {
    updates: VecDeque<Value>,
    last_id: i64,
    confirmed: i64,
    /// An update was pushed with an id below an earlier one: confirming must look at all.
    unordered: bool,
}

impl Default for Inbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Inbox {
    pub fn new() -> Inbox {
        Inbox { queue: Mutex::default(), pushed: watch::Sender::new(()) }
    }

    /// Numbers the next updates after `id` (update ids only grow: a bot that kept its
    /// database drops an update whose id it has handled before).
    pub fn continue_after(&self, id: i64) {
        let mut queue = self.lock();
        queue.last_id = queue.last_id.max(id);
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends `update`, giving it the next `update_id` unless it has one, and wakes the
    /// waiting polls; returns its id.
    pub fn push(&self, mut update: Value) -> i64 {
        let mut queue = self.lock();
        let id = match update.get("update_id").and_then(Value::as_i64) {
            Some(id) => id,
            None => {
                update["update_id"] = json!(queue.last_id + 1);
                queue.last_id + 1
            }
        };
        queue.unordered |= id < queue.last_id;
        queue.last_id = queue.last_id.max(id);
        queue.updates.push_back(update);
        drop(queue);
        self.pushed.send_replace(());
        id
    }

    /// Answers one `getUpdates`: confirms what `offset` confirms, then returns what is left,
    /// waiting up to `timeout` seconds for a push if nothing is.
    pub async fn long_poll(&self, offset: Option<i64>, limit: Option<i64>, timeout: Option<i64>) -> Value {
        let limit = limit.unwrap_or(MAX_BATCH).clamp(1, MAX_BATCH) as usize;
        let deadline = Instant::now() + Duration::from_secs(timeout.unwrap_or_default().max(0) as u64);
        // Subscribed before looking, so a push between the look and the wait wakes the wait.
        let mut pushed = self.pushed.subscribe();
        loop {
            let batch = {
                let mut queue = self.lock();
                queue.confirm(offset);
                queue.updates.iter().take(limit).cloned().collect::<Vec<_>>()
            };
            if !batch.is_empty() || Instant::now() >= deadline {
                return Value::Array(batch);
            }
            let _ = tokio::time::timeout_at(deadline, pushed.changed()).await;
        }
    }

    /// The highest offset a `getUpdates` confirmed (0 before any did).
    pub fn confirmed(&self) -> i64 {
        self.lock().confirmed
    }

    /// Updates not yet confirmed.
    pub fn pending(&self) -> usize {
        self.lock().updates.len()
    }
}

impl Queue {
    /// Forgets what `offset` confirms. A negative offset keeps only the last `-offset`
    /// updates, as Telegram does (teloxide's `drop_pending_updates` sends -1).
    fn confirm(&mut self, offset: Option<i64>) {
        match offset {
            Some(offset) if offset < 0 => {
                let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
                while self.updates.len() > keep {
                    self.updates.pop_front();
                }
                let first = self.updates.front().map_or(self.last_id + 1, id);
                self.confirmed = self.confirmed.max(first);
            }
            Some(offset) if self.unordered => {
                self.updates.retain(|u| id(u) >= offset);
                self.confirmed = self.confirmed.max(offset);
            }
            Some(offset) => {
                // In id order: what is confirmed is at the front (a backlog of 100,000
                // is not scanned on every poll).
                while self.updates.front().is_some_and(|u| id(u) < offset) {
                    self.updates.pop_front();
                }
                self.confirmed = self.confirmed.max(offset);
            }
            None => {}
        }
    }
}

fn id(update: &Value) -> i64 {
    update.get("update_id").and_then(Value::as_i64).unwrap_or_default()
}
