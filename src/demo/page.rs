//! The web chat page and its JSON API (the contract is in `docs/demo.md`): the static
//! files are compiled into the binary, so the demo needs nothing but itself.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::chat::{Contact, Kind, Location, Message};
use super::hub::{pinned, Event, Hub};
use super::Demo;
use crate::i18n::Lang;

/// How long the page's long poll waits before answering "nothing new".
const POLL: Duration = Duration::from_secs(25);

/// The page's own words (`demo.page.*` in `locales/`), sent to it in both languages.
const WORDS: &[&str] = &[
    "title",
    "bot_time",
    "clock_hour",
    "clock_evening",
    "clock_morning",
    "queued",
    "chats",
    "placeholder",
    "send",
    "menu",
    "edited",
    "pinned",
    "back",
    "send_as",
    "no_commands",
    "empty",
    "photo",
    "file",
    "contact",
    "location",
    "download",
    "choose_location",
    "near",
    "far",
    "cancel",
    "ok",
    "failed",
];

fn words(lang: Lang) -> Value {
    let pairs = WORDS.iter().map(|k| ((*k).to_owned(), json!(crate::tr(lang.code(), &format!("demo.page.{k}")))));
    Value::Object(pairs.collect())
}

pub fn routes() -> Router<Arc<Demo>> {
    Router::new()
        .route("/", get(|| file("text/html; charset=utf-8", include_str!("page/index.html"))))
        .route("/app.js", get(|| file("text/javascript; charset=utf-8", include_str!("page/app.js"))))
        .route("/render.js", get(|| file("text/javascript; charset=utf-8", include_str!("page/render.js"))))
        .route("/live.js", get(|| file("text/javascript; charset=utf-8", include_str!("page/live.js"))))
        .route("/app.css", get(|| file("text/css; charset=utf-8", include_str!("page/app.css"))))
        .route("/api/state", get(state))
        .route("/api/events", get(events))
        .route("/api/chats/{chat_id}/messages", get(messages))
        .route("/api/chats/{chat_id}/send", post(send))
        .route("/api/chats/{chat_id}/press", post(press))
        .route("/api/chats/{chat_id}/contact", post(contact))
        .route("/api/chats/{chat_id}/location", post(location))
        .route("/api/clock", post(clock))
        .route("/files/{file_id}", get(download))
}

async fn file(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

fn refuse(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({"ok": false, "error": error}))).into_response()
}

async fn state(State(demo): State<Arc<Demo>>) -> Response {
    let hub = &demo.hub;
    let personas: Vec<Value> = {
        let st = hub.lock();
        st.order
            .iter()
            .filter_map(|id| st.chats.get(id))
            .map(|chat| {
                let mut p = json!(chat.persona);
                p["commands"] = json!(st.menu(chat.persona.chat_id, chat.persona.lang));
                p["pinned"] = json!(pinned(chat));
                p["last"] = json!(chat.messages.last());
                p
            })
            .collect()
    };
    let (now, now_text) = demo.now_text();
    let queued = demo.queued().await;
    let strings = json!({"zh": words(Lang::ZhCn), "en": words(Lang::En)});
    Json(json!({"personas": personas, "strings": strings, "now": now, "now_text": now_text, "tz": demo.tz.name(), "seq": hub.seq(), "queued": queued}))
        .into_response()
}

#[derive(Deserialize)]
struct Since {
    since: Option<u64>,
}

async fn events(State(demo): State<Arc<Demo>>, Query(q): Query<Since>) -> Response {
    let (seq, events) = demo.hub.events_after(q.since.unwrap_or_default(), POLL).await;
    Json(json!({"seq": seq, "events": events})).into_response()
}

async fn messages(State(demo): State<Arc<Demo>>, Path(chat_id): Path<i64>) -> Response {
    match demo.hub.lock().chats.get(&chat_id) {
        Some(chat) => Json(json!(chat.messages)).into_response(),
        None => refuse(StatusCode::NOT_FOUND, "unknown chat"),
    }
}

#[derive(Deserialize)]
struct Send {
    text: String,
    from: Option<i64>,
}

/// Who speaks: in a private chat its person, in a group the chosen member (by default the
/// first); someone who is not in the group is refused.
fn speaker(hub: &Hub, chat_id: i64, from: Option<i64>) -> Result<i64, (StatusCode, &'static str)> {
    let st = hub.lock();
    let persona = &st.chats.get(&chat_id).ok_or((StatusCode::NOT_FOUND, "unknown chat"))?.persona;
    match (persona.kind, from) {
        (Kind::Private, _) => Ok(chat_id),
        (Kind::Group, Some(f)) if persona.members.iter().any(|m| m.user_id == f) => Ok(f),
        (Kind::Group, Some(_)) => Err((StatusCode::BAD_REQUEST, "that person is not in this group")),
        (Kind::Group, None) => {
            persona.members.first().map(|m| m.user_id).ok_or((StatusCode::BAD_REQUEST, "no members"))
        }
    }
}

fn sent(message: Option<(Message, Option<i64>)>) -> Response {
    match message {
        Some((message, _)) => Json(json!({"ok": true, "message": message})).into_response(),
        None => refuse(StatusCode::NOT_FOUND, "unknown chat"),
    }
}

async fn send(State(demo): State<Arc<Demo>>, Path(chat_id): Path<i64>, Json(body): Json<Send>) -> Response {
    let text = body.text.trim_end().to_owned();
    if text.trim().is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "empty message");
    }
    let from = match speaker(&demo.hub, chat_id, body.from) {
        Ok(from) => from,
        Err((status, why)) => return refuse(status, why),
    };
    sent(demo.hub.user_message(chat_id, from, |m| m.text = Some(text)))
}

#[derive(Deserialize)]
struct Press {
    message_id: i64,
    data: String,
    from: Option<i64>,
}

async fn press(State(demo): State<Arc<Demo>>, Path(chat_id): Path<i64>, Json(body): Json<Press>) -> Response {
    let from = match speaker(&demo.hub, chat_id, body.from) {
        Ok(from) => from,
        Err((status, why)) => return refuse(status, why),
    };
    match demo.hub.press(chat_id, body.message_id, &body.data, from) {
        Ok(_) => Json(json!({"ok": true})).into_response(),
        Err(why) => refuse(StatusCode::BAD_REQUEST, why),
    }
}

/// The person shares their own phone number (the "share my phone number" button).
async fn contact(State(demo): State<Arc<Demo>>, Path(chat_id): Path<i64>) -> Response {
    let persona = demo.hub.lock().chats.get(&chat_id).map(|c| c.persona.clone());
    let Some(persona) = persona.filter(|p| p.kind == Kind::Private) else {
        return refuse(StatusCode::NOT_FOUND, "unknown private chat");
    };
    let phone = persona.phone.clone().unwrap_or_default();
    sent(demo.hub.user_message(chat_id, chat_id, |m| m.contact = Some(Contact { phone, name: persona.title.clone() })))
}

#[derive(Deserialize)]
struct Near {
    near: bool,
}

/// The person shares where they are: by their checkpoint, or far from it.
async fn location(State(demo): State<Arc<Demo>>, Path(chat_id): Path<i64>, Json(body): Json<Near>) -> Response {
    let places = demo.hub.lock().chats.get(&chat_id).and_then(|c| c.persona.places);
    let Some([near, far]) = places else { return refuse(StatusCode::NOT_FOUND, "this person has no checkpoint") };
    let (latitude, longitude) = if body.near { near } else { far };
    sent(demo.hub.user_message(chat_id, chat_id, |m| m.location = Some(Location { latitude, longitude })))
}

#[derive(Deserialize)]
struct To {
    to: String,
}

async fn clock(State(demo): State<Arc<Demo>>, Json(body): Json<To>) -> Response {
    if !demo.move_clock(&body.to) {
        return refuse(StatusCode::BAD_REQUEST, "to must be hour, evening or morning");
    }
    let (now, now_text) = demo.now_text();
    demo.hub.emit(Event::Clock { now, now_text: now_text.clone() });
    Json(json!({"now": now, "now_text": now_text})).into_response()
}

async fn download(State(demo): State<Arc<Demo>>, Path(file_id): Path<String>) -> Response {
    let Some(file) = demo.hub.lock().files.get(&file_id).cloned() else {
        return refuse(StatusCode::NOT_FOUND, "no such file");
    };
    let content_type = match file.name.rsplit('.').next() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("csv") => "text/csv; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    };
    // The name as RFC 5987 UTF-8 (Chinese file names), with an ASCII fallback.
    let encoded: String = file
        .name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"download.{}\"; filename*=UTF-8''{encoded}",
        file.name.rsplit('.').next().unwrap_or("bin")
    );
    ([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], file.bytes)
        .into_response()
}
