//! A loopback fake Telegram Bot API server for tests and benchmarks of a bot's traffic.
//!
//! Why it exists: `teloxide_tests`' mock answers every request with success, at once, and
//! never goes through HTTP. The outbox must be tested against what the real Bot API does
//! to senders: `429 Too Many Requests` with `retry_after`, `403` for blocked or deleted
//! users, `400 chat not found`, `5xx`, slow answers and answers that never come; and the
//! bot's intake against `getUpdates`, whose `offset` is the only acknowledgement Telegram
//! gets. HTTP is axum's and hyper's business; this file only scripts the answers. A test
//! points a real `teloxide::Bot` at [`StubApi::url`], scripts what happens per chat, pushes
//! updates, and afterwards inspects every request the stub received.
//!
//! Include it with `#[path = "../support/botapi_stub.rs"] mod botapi_stub;`.
//!
//! Notes:
//! - Method names are matched case-insensitively (teloxide sends `SendMessage`, Telegram
//!   documents `sendMessage`); [`Received::method`] is the name exactly as sent.
//! - Only requests that carry a `chat_id` are recorded, scripted and (for `send*`) rate
//!   limited; `getMe`, `getUpdates` and others without a chat are answered with success
//!   and only counted ([`StubApi::calls`]).
//! - [`Behaviour::ServerError`] answers HTTP status 500, and a teloxide request then sleeps 10 s
//!   before returning the error (`DELAY_ON_SERVER_ERROR` in teloxide-core; the outbox posts
//!   its own requests and does not). Use [`Behaviour::ServerErrorNoDelay`] for the same
//!   `RequestError` without that sleep.
//! - A `Slow` request is recorded as answered 200 when it arrives: Telegram has delivered it
//!   even if the client gives up waiting (the duplicate-send case).
//! - The server and all its connections stop when the [`StubApi`] is dropped.
#![allow(dead_code)]

#[path = "botapi_stub/watch.rs"]
mod counters;
#[path = "botapi_stub/limits.rs"]
mod limits;
#[path = "botapi_stub/telegram.rs"]
mod telegram;

use std::collections::{HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::{json, Value};
use teloxide::Bot;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// `getUpdates` with Telegram's offset semantics: the demo's Bot API has the same.
use linli::demo::inbox as updates;

pub use counters::Watch;
pub use limits::Enforce;

/// The bot's user id (`getMe`), also the first half of [`TOKEN`].
pub const BOT_ID: i64 = 123456;
pub const BOT_USERNAME: &str = "linli_test_bot";
/// The token of [`StubApi::bot`]; the stub accepts any token. Shaped like a real one, so
/// `linli run` with `TELOXIDE_TOKEN` = this and `TELOXIDE_API_URL` = [`StubApi::url`]
/// passes its own token check.
pub const TOKEN: &str = "123456:AAStubTokenForLoopbackTests";

/// What the stub does for one request to a chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Behaviour {
    Ok,
    /// 429 with `parameters.retry_after` = secs.
    RetryAfter(u32),
    /// 403 "Forbidden: bot was blocked by the user".
    Blocked,
    /// 403 "Forbidden: user is deactivated".
    Deactivated,
    /// 400 "Bad Request: chat not found".
    ChatNotFound,
    /// 500 "Internal Server Error" with HTTP status 500 (teloxide sleeps 10 s on it).
    ServerError,
    /// The same JSON body as `ServerError` but HTTP status 200, so teloxide returns at once.
    ServerErrorNoDelay,
    /// Wait this long, then answer Ok.
    Slow(Duration),
    /// Answer nothing until [`StubApi::release_hangs`], then Ok (if the client is still
    /// waiting: a client that gave up and closed the connection is never answered).
    Hang,
    /// Like `Hang`, but the release answers 429 with `retry_after` = secs: the test decides
    /// the instant Telegram asks the bot to slow down.
    HangThenRetryAfter(u32),
}

/// One request the stub received.
#[derive(Clone, Debug)]
pub struct Received {
    /// The method as it appeared in the URL, e.g. `SendMessage`.
    pub method: String,
    pub chat_id: i64,
    /// `text`, or else `caption` (documents, photos).
    pub text: Option<String>,
    pub at: Instant,
    /// HTTP-ish status answered: 200, 429, 403, 400, 500, or 0 for a `Hang` not released.
    pub answered: u16,
    /// The request carried `allow_paid_broadcast: true`.
    pub paid: bool,
}

#[derive(Default)]
struct State {
    scripts: HashMap<i64, VecDeque<Behaviour>>,
    default: Option<Behaviour>,
    received: Vec<Received>,
    calls: HashMap<String, usize>,
    last_message_id: i64,
    limits: Option<limits::Windows>,
    connections: usize,
}

impl State {
    /// The success answer to a chat request: a sent or edited Message, counted against the
    /// limits, or what the other chat methods return.
    fn succeed(&mut self, method: &str, chat_id: i64, params: &Value, now: Instant) -> Value {
        match method {
            "getchat" => telegram::chat_full_info(chat_id),
            "getchatmember" => telegram::chat_member(int(params, "user_id").unwrap_or(chat_id)),
            "getchatadministrators" => json!([]),
            "getchatmembercount" => json!(2),
            _ if sends(method) => {
                if let Some(limits) = &mut self.limits {
                    limits.count(chat_id, limits::asks_paid(params), now);
                }
                self.last_message_id += 1;
                telegram::sent_message(self.last_message_id, method, chat_id, text(params))
            }
            _ if method.starts_with("edit") => {
                let id = int(params, "message_id").unwrap_or_default();
                telegram::sent_message(id, method, chat_id, text(params))
            }
            _ => json!(true),
        }
    }
}

/// `send*` methods that post a message (and so count against the rate limits).
fn sends(method: &str) -> bool {
    method.starts_with("send") && method != "sendchataction"
}

/// What the handlers share: the scripted state, the updates for `getUpdates`, and a
/// wake-up for hung requests waiting for their release.
struct Stub {
    state: Mutex<State>,
    inbox: updates::Inbox,
    released: watch::Sender<()>,
    watch: Watch,
}

impl Stub {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The running stub. Dropping it stops the server.
pub struct StubApi {
    addr: SocketAddr,
    stub: Arc<Stub>,
    task: JoinHandle<()>,
}

impl StubApi {
    /// A stub without rate limits.
    pub async fn start() -> StubApi {
        Self::start_with(None).await
    }

    /// A stub answering 429 to a `send*` request that would exceed a limit in a sliding window
    /// (1 s overall and per private chat, id > 0; 60 s per group, id < 0), counting only requests
    /// answered 200. `retry_after` is the whole seconds until the window has room (at least 1).
    pub async fn start_enforcing(limits: Enforce) -> StubApi {
        Self::start_with(Some(limits)).await
    }

    async fn start_with(limits: Option<Enforce>) -> StubApi {
        let bound = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.and_then(|l| Ok((l.local_addr()?, l)));
        let (addr, listener) = bound.unwrap_or_else(|e| panic!("stub cannot listen on 127.0.0.1:0: {e}"));
        let stub = Arc::new(Stub {
            state: Mutex::new(State { limits: limits.map(limits::Windows::new), ..State::default() }),
            inbox: updates::Inbox::new(),
            released: watch::Sender::new(()),
            watch: Watch::default(),
        });
        let router = Router::new().fallback(answer).with_state(Arc::clone(&stub));
        let task = tokio::spawn(accept_loop(listener, router, Arc::clone(&stub)));
        StubApi { addr, stub, task }
    }

    /// `http://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// A bot talking to this stub (teloxide's default 17 s timeout, no proxy).
    pub fn bot(&self) -> Bot {
        self.bot_with_timeout(Duration::from_secs(17))
    }

    /// A bot talking to this stub whose requests time out after `timeout` (for `Hang`; a
    /// long poll must be shorter than it).
    pub fn bot_with_timeout(&self, timeout: Duration) -> Bot {
        let client = teloxide::net::default_reqwest_settings().no_proxy().timeout(timeout).build();
        let client = client.unwrap_or_else(|e| panic!("reqwest client: {e}"));
        Bot::with_client(TOKEN, client).set_api_url(self.url().parse().unwrap_or_else(|e| panic!("stub url: {e}")))
    }

    /// Behaviours for the next requests to `chat_id`, one per request, in order; then the default.
    pub fn script(&self, chat_id: i64, behaviours: Vec<Behaviour>) {
        self.stub.lock().scripts.entry(chat_id).or_default().extend(behaviours);
    }

    /// The behaviour for every request not covered by a script (initially `Ok`).
    pub fn script_all(&self, behaviour: Behaviour) {
        self.stub.lock().default = Some(behaviour);
    }

    /// Answers every request held by `Behaviour::Hang` so far with Ok.
    pub fn release_hangs(&self) {
        self.stub.released.send_replace(());
    }

    /// Queues an update for `getUpdates`, numbered from 1 unless it has an `update_id`, and
    /// wakes a waiting long poll. Returns its `update_id`.
    pub fn push_update(&self, update: Value) -> i64 {
        self.stub.inbox.push(update)
    }

    /// An update in which `user_id` writes `text` to the bot in private, for [`Self::push_update`].
    pub fn private_text(user_id: i64, lang: &str, text: &str) -> Value {
        telegram::private_text(user_id, lang, text)
    }

    /// The highest `offset` a `getUpdates` has sent (0 before any): every update with a
    /// lower id is confirmed, and Telegram would never deliver it again.
    pub fn confirmed_offset(&self) -> i64 {
        self.stub.inbox.confirmed()
    }

    /// Updates queued and not yet confirmed.
    pub fn pending_updates(&self) -> usize {
        self.stub.inbox.pending()
    }

    /// Every recorded request, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.stub.lock().received.clone()
    }

    /// The recorded requests answered 200.
    pub fn delivered(&self) -> Vec<Received> {
        self.stub.lock().received.iter().filter(|r| r.answered == 200).cloned().collect()
    }

    /// The recorded requests to `chat_id` answered 200.
    pub fn delivered_to(&self, chat_id: i64) -> Vec<Received> {
        self.delivered().into_iter().filter(|r| r.chat_id == chat_id).collect()
    }

    pub fn count_status(&self, status: u16) -> usize {
        self.stub.lock().received.iter().filter(|r| r.answered == status).count()
    }

    /// Requests of any kind to `method` (case-insensitive), recorded or not.
    pub fn calls(&self, method: &str) -> usize {
        self.stub.lock().calls.get(&method.to_ascii_lowercase()).copied().unwrap_or_default()
    }

    /// TCP connections accepted so far (fewer than requests: the client keeps them alive).
    pub fn connections(&self) -> usize {
        self.stub.lock().connections
    }

    /// Counts to wait on (replies per chat, in all, `getUpdates` calls) without scanning
    /// [`Self::received`].
    pub fn watch(&self) -> &Watch {
        &self.stub.watch
    }

    /// Stops the server and every open connection.
    pub async fn stop(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

impl Drop for StubApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves each connection in a task of its own JoinSet, so aborting this task closes them
/// all (axum's `serve` would leave them running), and counts the connections.
async fn accept_loop(listener: TcpListener, router: Router, stub: Arc<Stub>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((sock, _)) => {
                    let _ = sock.set_nodelay(true);
                    stub.lock().connections += 1;
                    let service = TowerToHyperService::new(router.clone());
                    conns.spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(sock), service));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

/// Every request: `POST /bot<token>/<Method>` with a JSON or multipart body.
async fn answer(axum::extract::State(stub): axum::extract::State<Arc<Stub>>, request: Request) -> Response {
    let method = request.uri().path().trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_owned();
    let lower = method.to_ascii_lowercase();
    let params = params(request).await;
    *stub.lock().calls.entry(lower.clone()).or_default() += 1;
    match lower.as_str() {
        "getme" => reply(200, telegram::ok(telegram::me())),
        "getupdates" => {
            stub.watch.polled();
            let (offset, limit, timeout) = (int(&params, "offset"), int(&params, "limit"), int(&params, "timeout"));
            reply(200, telegram::ok(stub.inbox.long_poll(offset, limit, timeout).await))
        }
        "getwebhookinfo" => {
            let pending = stub.inbox.pending();
            let info = json!({"url": "", "has_custom_certificate": false, "pending_update_count": pending});
            reply(200, telegram::ok(info))
        }
        "getmycommands" => reply(200, telegram::ok(json!([]))),
        _ => match int(&params, "chat_id") {
            Some(chat_id) => to_chat(&stub, method, chat_id, &params).await,
            None => reply(200, telegram::ok(json!(true))),
        },
    }
}

/// A request to one chat: scripted, rate limited if it sends, recorded.
async fn to_chat(stub: &Stub, method: String, chat_id: i64, params: &Value) -> Response {
    // Subscribed before the request is recorded, so a release right after is not missed.
    let mut released = stub.released.subscribe();
    let lower = method.to_ascii_lowercase();
    let (index, behaviour, http, body) = decide(&mut stub.lock(), method, chat_id, params);
    let delivered = matches!(behaviour, Behaviour::Ok | Behaviour::Slow(_));
    match behaviour {
        Behaviour::Slow(delay) => tokio::time::sleep(delay).await,
        Behaviour::Hang => {
            // Dropped with the connection when the client gives up and closes it.
            let _ = released.changed().await;
            let mut st = stub.lock();
            let result = st.succeed(&lower, chat_id, params, Instant::now());
            st.received[index].answered = 200;
            drop(st);
            stub.watch.delivered(&lower, chat_id);
            return reply(200, telegram::ok(result));
        }
        Behaviour::HangThenRetryAfter(secs) => {
            let _ = released.changed().await;
            stub.lock().received[index].answered = 429;
            return reply(429, telegram::retry_after(secs));
        }
        _ => {}
    }
    if delivered {
        stub.watch.delivered(&lower, chat_id);
    }
    reply(http, body)
}

/// What to do with a request to a chat, and its answer (HTTP status and body); records it
/// and returns the index of that record.
fn decide(st: &mut State, method: String, chat_id: i64, params: &Value) -> (usize, Behaviour, u16, Value) {
    let lower = method.to_ascii_lowercase();
    let now = Instant::now();
    let paid = limits::asks_paid(params);
    let limited = st.limits.as_mut().filter(|_| sends(&lower)).and_then(|l| l.limited(chat_id, paid, now));
    let behaviour = match limited {
        Some(secs) => Behaviour::RetryAfter(secs),
        None => {
            let scripted = st.scripts.get_mut(&chat_id).and_then(VecDeque::pop_front);
            scripted.or_else(|| st.default.clone()).unwrap_or(Behaviour::Ok)
        }
    };
    let (answered, http, body) = match &behaviour {
        Behaviour::Ok | Behaviour::Slow(_) => (200, 200, telegram::ok(st.succeed(&lower, chat_id, params, now))),
        &Behaviour::RetryAfter(s) => (429, 429, telegram::retry_after(s)),
        Behaviour::Blocked => (403, 403, telegram::error(403, "Forbidden: bot was blocked by the user")),
        Behaviour::Deactivated => (403, 403, telegram::error(403, "Forbidden: user is deactivated")),
        Behaviour::ChatNotFound => (400, 400, telegram::error(400, "Bad Request: chat not found")),
        Behaviour::ServerError => (500, 500, telegram::error(500, "Internal Server Error")),
        Behaviour::ServerErrorNoDelay => (500, 200, telegram::error(500, "Internal Server Error")),
        Behaviour::Hang | Behaviour::HangThenRetryAfter(_) => (0, 0, Value::Null),
    };
    st.received.push(Received { method, chat_id, text: text(params), at: now, answered, paid });
    (st.received.len() - 1, behaviour, http, body)
}

fn reply(http: u16, body: Value) -> Response {
    (StatusCode::from_u16(http).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), Json(body)).into_response()
}

/// The request's parameters as one JSON object: the JSON body as sent, or the text parts of
/// a multipart body as strings (read as the demo's Bot API reads them).
async fn params(request: Request) -> Value {
    linli::demo::botapi::params(request).await.fields
}

/// `text`, or else `caption`.
fn text(params: &Value) -> Option<String> {
    let field = |k: &str| params.get(k).map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned));
    field("text").or_else(|| field("caption"))
}

/// An integer parameter, sent as a JSON number or (multipart) as text.
fn int(params: &Value, key: &str) -> Option<i64> {
    let value = params.get(key)?;
    value.as_i64().or_else(|| value.as_str()?.trim().parse().ok())
}
