//! A loopback fake Telegram Bot API server for tests and benchmarks of outgoing traffic.
//!
//! Why it exists: `teloxide_tests`' mock answers every request with success, at once. The
//! outbox must be tested against what the real Bot API does to senders: `429 Too Many
//! Requests` with `retry_after`, `403` for blocked or deleted users, `400 chat not found`,
//! `5xx`, slow answers and answers that never come. This stub is a minimal HTTP/1.1 server
//! (keep-alive, `Content-Length` or chunked bodies, one task per connection) bound to
//! `127.0.0.1:0`; a test scripts what happens per chat, points a real `teloxide::Bot` at it
//! and afterwards inspects every request it received.
//!
//! Include it with `#[path = "../support/botapi_stub.rs"] mod botapi_stub;`.
//!
//! Notes:
//! - Method names are matched case-insensitively (teloxide sends `SendMessage`, Telegram
//!   documents `sendMessage`); [`Received::method`] is the name exactly as sent.
//! - Only requests that carry a `chat_id` are recorded, scripted and (for `send*`) rate
//!   limited; `getMe` and others without a chat are answered and not recorded.
//! - [`Behaviour::ServerError`] answers HTTP status 500, and teloxide then sleeps 10 s before
//!   returning the error (`DELAY_ON_SERVER_ERROR` in teloxide-core). Use
//!   [`Behaviour::ServerErrorNoDelay`] for the same `RequestError` without that sleep.
//! - A `Slow` request is recorded as answered 200 when it arrives: Telegram has delivered it
//!   even if the client gives up waiting (the duplicate-send case).
//! - The server and all its connections stop when the [`StubApi`] is dropped.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use teloxide::Bot;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The token of [`StubApi::bot`]; the stub accepts any token.
pub const TOKEN: &str = "123456:TESTTOKEN";
const BOT_ID: i64 = 123456;
const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

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
    /// Never answer (the client times out); the connection is held until the client closes it.
    Hang,
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
    /// HTTP-ish status answered: 200, 429, 403, 400, 500, or 0 for `Hang`.
    pub answered: u16,
}

/// Rate limits to enforce (Telegram's: [`Enforce::telegram`]). 0 means unlimited.
#[derive(Clone, Debug)]
pub struct Enforce {
    pub global_per_sec: usize,
    pub private_per_sec: usize,
    pub group_per_min: usize,
}

impl Enforce {
    /// 30 messages/s overall, 1/s per private chat, 20/min per group.
    pub fn telegram() -> Enforce {
        Enforce { global_per_sec: 30, private_per_sec: 1, group_per_min: 20 }
    }
}

#[derive(Default)]
struct State {
    scripts: HashMap<i64, VecDeque<Behaviour>>,
    default: Option<Behaviour>,
    received: Vec<Received>,
    last_message_id: i32,
    limits: Option<Enforce>,
    global: VecDeque<Instant>,
    per_chat: HashMap<i64, VecDeque<Instant>>,
    connections: usize,
}

impl State {
    /// Whole seconds to wait (at least 1) if a send to `chat_id` now would exceed a limit.
    fn limited(&mut self, chat_id: i64, now: Instant) -> Option<u32> {
        let limits = self.limits.clone()?;
        let (window, max) = if chat_id < 0 { (MINUTE, limits.group_per_min) } else { (SECOND, limits.private_per_sec) };
        let chat = self.per_chat.entry(chat_id).or_default();
        let waits = [over(&mut self.global, SECOND, limits.global_per_sec, now), over(chat, window, max, now)];
        waits.into_iter().flatten().max().map(|wait| (wait.as_secs_f64().ceil() as u32).max(1))
    }

    /// Counts a send answered 200 against the limits.
    fn count(&mut self, chat_id: i64, now: Instant) {
        if self.limits.is_some() {
            self.global.push_back(now);
            self.per_chat.entry(chat_id).or_default().push_back(now);
        }
    }
}

/// Forgets entries older than `window`; if `max` or more are left, how long until there is room.
fn over(times: &mut VecDeque<Instant>, window: Duration, max: usize, now: Instant) -> Option<Duration> {
    while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
        times.pop_front();
    }
    if max == 0 || times.len() < max {
        return None;
    }
    times.get(times.len() - max).map(|t| window.saturating_sub(now.duration_since(*t)))
}

/// The running stub. Dropping it stops the server.
pub struct StubApi {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
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
        let state = Arc::new(Mutex::new(State { limits, ..State::default() }));
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        StubApi { addr, state, task }
    }

    /// `http://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// A bot talking to this stub (teloxide's default 17 s timeout, no proxy).
    pub fn bot(&self) -> Bot {
        self.bot_with_timeout(Duration::from_secs(17))
    }

    /// A bot talking to this stub whose requests time out after `timeout` (for `Hang`).
    pub fn bot_with_timeout(&self, timeout: Duration) -> Bot {
        let client = teloxide::net::default_reqwest_settings().no_proxy().timeout(timeout).build();
        let client = client.unwrap_or_else(|e| panic!("reqwest client: {e}"));
        Bot::with_client(TOKEN, client).set_api_url(self.url().parse().unwrap_or_else(|e| panic!("stub url: {e}")))
    }

    /// Behaviours for the next requests to `chat_id`, one per request, in order; then the default.
    pub fn script(&self, chat_id: i64, behaviours: Vec<Behaviour>) {
        self.lock().scripts.entry(chat_id).or_default().extend(behaviours);
    }

    /// The behaviour for every request not covered by a script (initially `Ok`).
    pub fn script_all(&self, behaviour: Behaviour) {
        self.lock().default = Some(behaviour);
    }

    /// Every recorded request, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    /// The recorded requests answered 200.
    pub fn delivered(&self) -> Vec<Received> {
        self.lock().received.iter().filter(|r| r.answered == 200).cloned().collect()
    }

    /// The recorded requests to `chat_id` answered 200.
    pub fn delivered_to(&self, chat_id: i64) -> Vec<Received> {
        self.delivered().into_iter().filter(|r| r.chat_id == chat_id).collect()
    }

    pub fn count_status(&self, status: u16) -> usize {
        self.lock().received.iter().filter(|r| r.answered == status).count()
    }

    /// TCP connections accepted so far (fewer than requests: the client keeps them alive).
    pub fn connections(&self) -> usize {
        self.lock().connections
    }

    /// Stops the server and every open connection.
    pub async fn stop(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for StubApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<Mutex<State>>) {
    // Connections live in this JoinSet, so aborting this task aborts them all.
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((sock, _)) => {
                    let _ = sock.set_nodelay(true);
                    state.lock().unwrap_or_else(|e| e.into_inner()).connections += 1;
                    conns.spawn(serve(sock, Arc::clone(&state)));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

struct Request {
    path: String,
    content_type: String,
    body: Vec<u8>,
    close: bool,
}

/// Wait this long, then answer this HTTP status and body; `None`: never answer.
type Reply = Option<(Duration, u16, Value)>;

async fn serve(mut sock: TcpStream, state: Arc<Mutex<State>>) {
    let mut buf = Vec::new();
    while let Some(req) = read_request(&mut sock, &mut buf).await {
        let Some((delay, http, body)) = decide(&state, &req) else {
            // Hang: hold the connection until the client gives up and closes it.
            let mut scratch = [0u8; 1024];
            while matches!(sock.read(&mut scratch).await, Ok(n) if n > 0) {}
            return;
        };
        tokio::time::sleep(delay).await;
        let body = body.to_string();
        let reason = match http {
            200 => "OK",
            400 => "Bad Request",
            403 => "Forbidden",
            429 => "Too Many Requests",
            _ => "Internal Server Error",
        };
        let connection = if req.close { "close" } else { "keep-alive" };
        let head = format!(
            "HTTP/1.1 {http} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: {connection}\r\n\r\n",
            body.len()
        );
        if sock.write_all(&[head.as_bytes(), body.as_bytes()].concat()).await.is_err() || req.close {
            return;
        }
    }
}

fn decide(state: &Mutex<State>, req: &Request) -> Reply {
    let method = req.path.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_owned();
    let lower = method.to_ascii_lowercase();
    let (chat_id, text) = params(req);
    if lower == "getme" {
        let me = json!({"id": BOT_ID, "is_bot": true, "first_name": "Stub", "username": "stub_bot",
            "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
            "can_connect_to_business": false, "has_main_web_app": false});
        return Some((Duration::ZERO, 200, json!({"ok": true, "result": me})));
    }
    let Some(chat_id) = chat_id else {
        return Some((Duration::ZERO, 200, json!({"ok": true, "result": true})));
    };
    let now = Instant::now();
    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
    let sends = lower.starts_with("send") && lower != "sendchataction";
    let behaviour = match if sends { st.limited(chat_id, now) } else { None } {
        Some(secs) => Behaviour::RetryAfter(secs),
        None => {
            let scripted = st.scripts.get_mut(&chat_id).and_then(VecDeque::pop_front);
            scripted.or_else(|| st.default.clone()).unwrap_or(Behaviour::Ok)
        }
    };
    let err = |code: u16, description: &str| json!({"ok": false, "error_code": code, "description": description});
    let (answered, http, body) = match behaviour {
        Behaviour::Ok | Behaviour::Slow(_) => {
            let result = if sends {
                st.count(chat_id, now);
                st.last_message_id += 1;
                message(st.last_message_id, &lower, chat_id, text.clone())
            } else {
                json!(true)
            };
            (200, 200, json!({"ok": true, "result": result}))
        }
        Behaviour::RetryAfter(s) => {
            let mut body = err(429, &format!("Too Many Requests: retry after {s}"));
            body["parameters"] = json!({"retry_after": s});
            (429, 429, body)
        }
        Behaviour::Blocked => (403, 403, err(403, "Forbidden: bot was blocked by the user")),
        Behaviour::Deactivated => (403, 403, err(403, "Forbidden: user is deactivated")),
        Behaviour::ChatNotFound => (400, 400, err(400, "Bad Request: chat not found")),
        Behaviour::ServerError => (500, 500, err(500, "Internal Server Error")),
        Behaviour::ServerErrorNoDelay => (500, 200, err(500, "Internal Server Error")),
        Behaviour::Hang => (0, 0, Value::Null),
    };
    st.received.push(Received { method, chat_id, text, at: now, answered });
    let delay = if let Behaviour::Slow(delay) = behaviour { delay } else { Duration::ZERO };
    (answered != 0).then_some((delay, http, body))
}

/// A Message as Telegram returns it for a successful `send*` (teloxide must deserialize it).
fn message(id: i32, method: &str, chat_id: i64, text: Option<String>) -> Value {
    let chat = if chat_id < 0 {
        json!({"id": chat_id, "type": "group", "title": "Stub group"})
    } else {
        json!({"id": chat_id, "type": "private", "first_name": "Stub user"})
    };
    let date = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let from = json!({"id": BOT_ID, "is_bot": true, "first_name": "Stub", "username": "stub_bot"});
    let mut m = json!({"message_id": id, "date": date, "chat": chat, "from": from});
    let file = json!({"file_id": format!("file{id}"), "file_unique_id": format!("u{id}"), "file_size": 3});
    let key = match method {
        "senddocument" => {
            m["document"] = file;
            "caption"
        }
        "sendphoto" => {
            m["photo"] = json!([{"file_id": file["file_id"], "file_unique_id": file["file_unique_id"], "width": 1, "height": 1}]);
            "caption"
        }
        _ => "text",
    };
    if let Some(t) = text.or_else(|| (key == "text").then(String::new)) {
        m[key] = json!(t);
    }
    m
}

/// `chat_id` and `text` (or `caption`) of a JSON or multipart body.
fn params(req: &Request) -> (Option<i64>, Option<String>) {
    let (chat, text) = if req.content_type.contains("multipart/form-data") {
        (part(&req.body, "chat_id"), part(&req.body, "text").or_else(|| part(&req.body, "caption")))
    } else {
        let v: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let field = |k: &str| v.get(k).map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned));
        (field("chat_id"), field("text").or_else(|| field("caption")))
    };
    (chat.and_then(|c| c.trim().parse().ok()), text)
}

/// The value of a multipart text part; file parts are never parsed.
fn part(body: &[u8], name: &str) -> Option<String> {
    let at = find(body, format!("form-data; name=\"{name}\"").as_bytes())?;
    let start = at + find(&body[at..], b"\r\n\r\n")? + 4;
    let end = start + find(&body[start..], b"\r\n--")?;
    Some(String::from_utf8_lossy(&body[start..end]).into_owned())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn read_request(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    let head = take_until(sock, buf, b"\r\n\r\n").await?;
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_owned();
    let (mut len, mut chunked, mut close, mut content_type) = (0, false, false, String::new());
    for (name, value) in lines.filter_map(|l| l.split_once(':')) {
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => len = value.parse().ok()?,
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "connection" => close = value.eq_ignore_ascii_case("close"),
            "content-type" => content_type = value.to_owned(),
            _ => {}
        }
    }
    let body = if chunked {
        let mut body = Vec::new();
        loop {
            let line = String::from_utf8_lossy(&take_until(sock, buf, b"\r\n").await?).into_owned();
            let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
            if size == 0 {
                while !take_until(sock, buf, b"\r\n").await?.is_empty() {}
                break body;
            }
            body.extend_from_slice(&take(sock, buf, size + 2).await?[..size]);
        }
    } else {
        take(sock, buf, len).await?
    };
    Some(Request { path, content_type, body, close })
}

/// Reads until `buf` holds `delim`; returns what came before it and consumes both.
async fn take_until(sock: &mut TcpStream, buf: &mut Vec<u8>, delim: &[u8]) -> Option<Vec<u8>> {
    loop {
        if let Some(i) = find(buf, delim) {
            let out = buf[..i].to_vec();
            buf.drain(..i + delim.len());
            return Some(out);
        }
        fill(sock, buf).await?;
    }
}

/// Reads until `buf` holds `n` bytes; returns and consumes them.
async fn take(sock: &mut TcpStream, buf: &mut Vec<u8>, n: usize) -> Option<Vec<u8>> {
    while buf.len() < n {
        fill(sock, buf).await?;
    }
    Some(buf.drain(..n).collect())
}

async fn fill(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 16 * 1024];
    match sock.read(&mut chunk).await {
        Ok(n) if n > 0 => {
            buf.extend_from_slice(&chunk[..n]);
            Some(())
        }
        _ => None,
    }
}
