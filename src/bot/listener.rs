//! The update listener: teloxide's long polling, with two things added.
//!
//! 1. **Stored before confirmed.** Each batch `getUpdates` returned is written to
//!    `inbound_updates` in one statement (`inbound::store_batch`) before any of it is handed
//!    on. teloxide's polling builds the next request (whose `offset` confirms this batch to
//!    Telegram) only when it is polled again after the batch is used up, and sends it only
//!    when that request is polled: both happen after the batch is stored.
//! 2. **A bound on updates in flight** ([`Admission`]). The dispatcher pulls updates as fast
//!    as the listener gives them, into a queue per chat (64 each) and a task per chat; with
//!    100,000 updates waiting at Telegram from 5,000 chats, every one of them was in memory
//!    at once (419 MiB). Here an update is handed on only when fewer than
//!    [`Admission::LIMIT`] are being handled; the rest wait at Telegram, where they cost
//!    us nothing. The guard frees the place when the update is done.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use futures::stream::{self, BoxStream, StreamExt};
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, Polling, UpdateListener};
use teloxide::RequestError;
use tokio::sync::Semaphore;

use crate::bot::inbound;
use crate::App;

/// Places for updates being handled.
#[derive(Debug)]
pub struct Admission {
    places: Arc<Semaphore>,
    /// The updates that took a place (a test's or a replayed update took none).
    admitted: Mutex<HashSet<u32>>,
}

impl Default for Admission {
    fn default() -> Self {
        Admission { places: Arc::new(Semaphore::new(Self::LIMIT)), admitted: Mutex::default() }
    }
}

impl Admission {
    /// Enough to keep the database and the Bot API busy; small enough that a backlog of any
    /// size costs a few megabytes.
    pub const LIMIT: usize = 256;

    /// Waits for a place for `update`.
    pub async fn admit(&self, update: &Update) {
        if let Ok(permit) = self.places.acquire().await {
            permit.forget();
            lock(&self.admitted).insert(update.id.0);
        }
    }

    /// `update` is done: its place is free (if it took one).
    pub fn done(&self, update: &Update) {
        if lock(&self.admitted).remove(&update.id.0) {
            self.places.add_permits(1);
        }
    }

    /// How many updates hold a place now.
    pub fn in_flight(&self) -> usize {
        lock(&self.admitted).len()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Long polling that stores each batch before handing it on, one update at a time as
/// places free up.
pub struct DurablePolling {
    inner: Polling<Bot>,
    app: Arc<App>,
}

impl DurablePolling {
    pub fn new(inner: Polling<Bot>, app: Arc<App>) -> Self {
        Self { inner, app }
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

type Item = std::result::Result<Update, RequestError>;

impl<'a> AsUpdateStream<'a> for DurablePolling {
    type StreamErr = RequestError;
    type Stream = BoxStream<'a, Item>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let (store, admit) = (Arc::clone(&self.app), Arc::clone(&self.app));
        self.inner
            .as_stream()
            // What one `getUpdates` returned (the stream is ready until the batch is used up).
            .ready_chunks(100)
            .then(move |items: Vec<Item>| {
                let app = Arc::clone(&store);
                async move {
                    let updates: Vec<&Update> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
                    if !updates.is_empty() {
                        store_patiently(&app, &updates).await;
                    }
                    drop(updates);
                    stream::iter(items)
                }
            })
            .flatten()
            .then(move |item: Item| {
                let app = Arc::clone(&admit);
                async move {
                    // The dispatcher drops an update it cannot read before any handler
                    // sees it: such an update would never free its place.
                    if let Some(update) = item.as_ref().ok().filter(|u| !matches!(u.kind, UpdateKind::Error(_))) {
                        app.admission.admit(update).await;
                    }
                    item
                }
            })
            .boxed()
    }
}

/// The database is local: a failure to store is a full disk or a file gone read-only. Try
/// for a while; if it still fails, hand the updates on anyway (handled, but not crash-safe).
async fn store_patiently(app: &App, updates: &[&Update]) {
    for attempt in 0..20u64 {
        match inbound::store_batch(&app.writer, updates, app.now()).await {
            Ok(()) => return,
            Err(err) => {
                tracing::error!(updates = updates.len(), attempt, %err, "could not store incoming updates");
                tokio::time::sleep(std::time::Duration::from_millis(100 * (attempt + 1))).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;

    use super::*;

    fn update(id: u32) -> Update {
        serde_json::from_value(serde_json::json!({
            "update_id": id,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private", "first_name": "A"},
                        "from": {"id": 7, "is_bot": false, "first_name": "A"}, "text": "hello"}
        }))
        .unwrap()
    }

    #[tokio::test]
    async fn no_more_than_the_limit_are_handed_on_until_one_is_done() {
        let admission = Admission::default();
        for id in 0..Admission::LIMIT as u32 {
            admission.admit(&update(id)).await;
        }
        assert_eq!(admission.in_flight(), Admission::LIMIT);
        let next = update(Admission::LIMIT as u32);
        // (a fresh cooperative budget: an exhausted one makes any wait return "not yet")
        tokio::task::yield_now().await;
        assert!(admission.admit(&next).now_or_never().is_none(), "the next one waits for a place");
        admission.done(&update(3));
        tokio::task::yield_now().await;
        assert!(admission.admit(&next).now_or_never().is_some(), "a place freed is taken");
        assert_eq!(admission.in_flight(), Admission::LIMIT);
    }

    #[tokio::test]
    async fn an_update_that_took_no_place_frees_none() {
        let admission = Admission::default();
        for id in 0..Admission::LIMIT as u32 {
            admission.admit(&update(id)).await;
        }
        // A replayed update, or a test's, never went through the listener.
        admission.done(&update(99_999));
        admission.done(&update(0));
        admission.done(&update(0)); // done twice frees once
        assert_eq!(admission.in_flight(), Admission::LIMIT - 1);
        tokio::task::yield_now().await;
        assert!(admission.admit(&update(500)).now_or_never().is_some());
        assert!(admission.admit(&update(501)).now_or_never().is_none());
    }
}
