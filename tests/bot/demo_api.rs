//! `linli demo` behaves like Telegram towards the real bot and like the page's HTTP
//! contract towards the page: a real `teloxide::Bot` calls the demo's Bot API, `reqwest`
//! calls the page's JSON API, and the real bot (which `demo::start` runs) answers what the
//! personas say. Every demo here starts empty (`populate: false`) on a free port, except
//! the one test that plays the whole script.

mod bot_api;
mod bot_api_files;
mod end_to_end;
mod page_api;
mod page_clock;
mod updates;

use std::time::{Duration, Instant};

use linli::config::Settings;
use linli::demo::{self, Options, Running};
use serde_json::{json, Value};
use teloxide::types::{Update, UpdateKind};
use teloxide::Bot;

pub use linli::demo::world::{ADMIN, EMMA, GROUP, LIU_MIN, LI_XIUYING, WANG_FANG, ZHANG_WEI};

/// An empty demo on a free port, its bot started (its default menus are set, so nothing
/// it does at start races with a test).
pub async fn empty_demo() -> Running {
    let running = demo::start(Settings::default(), Options { db: None, port: 0, populate: false }).await.unwrap();
    assert_ne!(running.addr.port(), 0, "port 0 binds a free port and reports it");
    let page = Page::new(&running);
    wait_for(Duration::from_secs(10), "the bot's default menus", || async {
        let state = page.get("api/state").await;
        let emma = persona(&state, EMMA);
        (!emma["commands"].as_array().unwrap().is_empty()).then_some(())
    })
    .await;
    running
}

/// A teloxide bot that talks to `running`'s Bot API.
pub fn bot(running: &Running) -> Bot {
    demo::bot_for(running.addr).unwrap()
}

/// The page's side: plain HTTP to the demo's JSON API.
pub struct Page {
    pub client: reqwest::Client,
    pub base: String,
}

impl Page {
    pub fn new(running: &Running) -> Page {
        // The machine may have proxy variables set: loopback must not go through them.
        Page { client: reqwest::Client::builder().no_proxy().build().unwrap(), base: running.url() }
    }

    pub async fn get(&self, path: &str) -> Value {
        let (status, body) = self.get_status(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    pub async fn get_status(&self, path: &str) -> (u16, Value) {
        let response = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self.client.post(format!("{}{path}", self.base)).json(&body).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// POSTs and expects `{ok: true, …}`.
    pub async fn post_ok(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.post(path, body).await;
        assert_eq!((status, &answer["ok"]), (200, &json!(true)), "POST {path}: {answer}");
        answer
    }

    pub async fn messages(&self, chat_id: i64) -> Vec<Value> {
        self.get(&format!("api/chats/{chat_id}/messages")).await.as_array().unwrap().clone()
    }

    pub async fn seq(&self) -> u64 {
        self.get("api/state").await["seq"].as_u64().unwrap()
    }

    /// The events after `since` (answered at once when there are some).
    pub async fn events_since(&self, since: u64) -> Vec<Value> {
        self.get(&format!("api/events?since={since}")).await["events"].as_array().unwrap().clone()
    }
}

pub fn persona(state: &Value, chat_id: i64) -> Value {
    state["personas"].as_array().unwrap().iter().find(|p| p["chat_id"] == chat_id).unwrap().clone()
}

/// Polls `probe` every 50 ms until it yields, failing after `limit` with `what`.
pub async fn wait_for<T, F, Fut>(limit: Duration, what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every update the running bot has taken from the demo's `getUpdates` (its durable
/// listener stores each one, as teloxide parsed it, before confirming its offset).
pub async fn received(running: &Running) -> Vec<Update> {
    let payloads: Vec<String> = sqlx::query_scalar("SELECT payload FROM inbound_updates ORDER BY update_id")
        .fetch_all(&running.app.pool)
        .await
        .unwrap();
    payloads.iter().map(|p| serde_json::from_str(p).unwrap()).collect()
}

/// Waits until the bot has received an update that `pick` accepts.
pub async fn receives(running: &Running, what: &str, pick: impl Fn(&Update) -> bool) -> Update {
    wait_for(Duration::from_secs(5), what, || async { received(running).await.into_iter().find(|u| pick(u)) }).await
}

pub fn message_text(update: &Update) -> Option<&str> {
    match &update.kind {
        UpdateKind::Message(m) => m.text(),
        _ => None,
    }
}
