//! Counters a load test can wait on without reading [`super::StubApi::received`]: messages
//! delivered per chat and in all (`send*` and `edit*` answered 200), and `getUpdates` calls.
//!
//! Why: a benchmark that waits for the n-th reply to each of thousands of chats would
//! otherwise clone and scan every recorded request per wait, and the stub (in the same
//! process as the benchmark's clock) would become the bottleneck it measures. Each count is
//! a `tokio::sync::watch` channel, so a waiter sleeps until its own chat's count changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

#[derive(Default)]
pub struct Watch {
    chats: Mutex<HashMap<i64, Arc<watch::Sender<usize>>>>,
    total: watch::Sender<usize>,
    polls: watch::Sender<usize>,
}

impl Watch {
    fn chats(&self) -> MutexGuard<'_, HashMap<i64, Arc<watch::Sender<usize>>>> {
        self.chats.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn chat(&self, chat_id: i64) -> Arc<watch::Sender<usize>> {
        Arc::clone(self.chats().entry(chat_id).or_insert_with(|| Arc::new(watch::Sender::new(0))))
    }

    /// A message (`send*` or `edit*`, lower case) delivered to `chat_id`.
    pub fn delivered(&self, method: &str, chat_id: i64) {
        if method.starts_with("edit") || super::sends(method) {
            self.chat(chat_id).send_modify(|n| *n += 1);
            self.total.send_modify(|n| *n += 1);
        }
    }

    /// A `getUpdates` call arrived.
    pub fn polled(&self) {
        self.polls.send_modify(|n| *n += 1);
    }

    /// Messages delivered to `chat_id` so far.
    pub fn count(&self, chat_id: i64) -> usize {
        *self.chat(chat_id).borrow()
    }

    /// Messages delivered to every chat so far.
    pub fn total(&self) -> usize {
        *self.total.borrow()
    }

    /// Waits until `chat_id` has had at least `n` messages; returns the count then.
    pub async fn chat_reaches(&self, chat_id: i64, n: usize) -> usize {
        let mut rx = self.chat(chat_id).subscribe();
        rx.wait_for(|c| *c >= n).await.map_or(0, |c| *c)
    }

    /// Waits until all chats together have had at least `n` messages.
    pub async fn total_reaches(&self, n: usize) -> usize {
        let mut rx = self.total.subscribe();
        rx.wait_for(|c| *c >= n).await.map_or(0, |c| *c)
    }

    /// `getUpdates` calls so far.
    pub fn polls(&self) -> usize {
        *self.polls.borrow()
    }

    /// Waits until at least `n` `getUpdates` calls have arrived.
    pub async fn polls_reach(&self, n: usize) {
        let mut rx = self.polls.subscribe();
        let _ = rx.wait_for(|c| *c >= n).await;
    }
}
