//! The Telegram Bot API the real bot talks to in the demo: `POST /bot<token>/<method>`
//! with a JSON or multipart body, answered with Telegram's shapes and errors. Every method
//! Linli calls is here; an unknown one gets Telegram's 404, never a 5xx.

use std::sync::Arc;

use axum::body::{to_bytes, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::chat::{FileRef, From, Message};
use super::hub::{Command, Event, File, Hub, Scope};
use super::telegram::{self as tg, ok};

/// A request's parameters, and the file it uploaded (multipart), if any.
pub struct Params {
    pub fields: Value,
    pub upload: Option<File>,
}

impl Params {
    fn int(&self, key: &str) -> Option<i64> {
        let value = self.fields.get(key)?;
        value.as_i64().or_else(|| value.as_str()?.trim().parse().ok())
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    /// An object parameter: JSON in a JSON body, JSON text in a multipart one.
    fn object(&self, key: &str) -> Option<Value> {
        match self.fields.get(key)? {
            Value::String(text) => serde_json::from_str(text).ok(),
            other => Some(other.clone()),
        }
    }

    fn flag(&self, key: &str) -> bool {
        match self.fields.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        }
    }
}

type Answer = Result<Value, (u16, &'static str)>;

/// Every request that is not the page's: `/bot<token>/<method>`.
pub async fn handle(State(hub): State<Arc<Hub>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let mut parts = path.trim_matches('/').splitn(2, '/');
    let (Some(token), Some(method)) = (parts.next(), parts.next()) else {
        return reply(404, tg::error(404, tg::NOT_FOUND));
    };
    if token != format!("bot{}", tg::TOKEN) {
        return reply(401, tg::error(401, "Unauthorized"));
    }
    let method = method.to_ascii_lowercase();
    let params = params(request).await;
    let answer = match method.as_str() {
        "getme" => Ok(tg::me()),
        "getupdates" => {
            let (offset, limit, timeout) = (params.int("offset"), params.int("limit"), params.int("timeout"));
            Ok(hub.inbox.long_poll(offset, limit, timeout).await)
        }
        "deletewebhook" | "setmycommands" | "sendchataction" | "deletemessage" => simple(&hub, &method, &params),
        "getwebhookinfo" => {
            Ok(json!({"url": "", "has_custom_certificate": false, "pending_update_count": hub.inbox.pending()}))
        }
        "getmycommands" => Ok(json!([])),
        "sendmessage" | "sendphoto" | "senddocument" => send(&hub, &method, params),
        "editmessagetext" | "editmessagereplymarkup" => edit(&hub, &method, &params),
        "answercallbackquery" => answer_query(&hub, &params),
        "pinchatmessage" => pin(&hub, &params),
        "getchat" => chat_info(&hub, &params),
        "getchatmember" => member(&hub, &params),
        _ => Err((404, tg::NOT_FOUND)),
    };
    match answer {
        Ok(result) => reply(200, ok(result)),
        Err((code, description)) => reply(code, tg::error(code, description)),
    }
}

fn simple(hub: &Hub, method: &str, params: &Params) -> Answer {
    if method == "setmycommands" {
        let scope = params.object("scope").unwrap_or(Value::Null);
        let lang = params.str("language_code").unwrap_or_default().to_owned();
        let scope = match scope["type"].as_str() {
            Some("chat") => Scope::Chat(scope["chat_id"].as_i64().ok_or((400, "Bad Request: chat_id is empty"))?),
            Some("all_private_chats") => Scope::AllPrivateChats(lang),
            Some("all_group_chats") => Scope::AllGroupChats(lang),
            None | Some("default") => Scope::Default(lang),
            // Administrators' and one member's menus: accepted, but nobody on the page sees them.
            Some(_) => return Ok(json!(true)),
        };
        let commands: Vec<Command> = params
            .object("commands")
            .and_then(|c| c.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|c| Command {
                command: format!("/{}", c["command"].as_str().unwrap_or_default()),
                description: c["description"].as_str().unwrap_or_default().to_owned(),
            })
            .collect();
        hub.lock().commands.insert(scope, commands);
        hub.emit(Event::Commands);
    }
    Ok(json!(true))
}

fn send(hub: &Hub, method: &str, params: Params) -> Answer {
    let chat_id = params.int("chat_id").ok_or((400, tg::CHAT_NOT_FOUND))?;
    let now = hub.now_ms();
    let message = {
        let mut st = hub.lock();
        if !st.chats.contains_key(&chat_id) {
            return Err((400, tg::CHAT_NOT_FOUND));
        }
        let mut message = Message::new(chat_id, From::Bot, tg::BOT_ID, tg::BOT_NAME, now);
        let text = params.str(if method == "sendmessage" { "text" } else { "caption" }).map(str::to_owned);
        if method == "sendmessage" && text.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err((400, tg::EMPTY_TEXT));
        }
        message.text = text;
        message.html = params.str("parse_mode").is_some_and(|m| m.eq_ignore_ascii_case("html"));
        message.set_markup(params.fields.get("reply_markup"));
        if method != "sendmessage" {
            let field = if method == "sendphoto" { "photo" } else { "document" };
            let file_id = match params.upload {
                Some(file) => st.add_file(file),
                // A file sent before, by its id.
                None => params
                    .str(field)
                    .filter(|id| st.files.contains_key(*id))
                    .map(str::to_owned)
                    .ok_or((400, "Bad Request: wrong file identifier/HTTP URL specified"))?,
            };
            let file_name = st.files.get(&file_id).map(|f| f.name.clone());
            let file = FileRef { url: format!("/files/{file_id}"), file_name, file_id };
            if method == "sendphoto" {
                message.photo = Some(file);
            } else {
                message.document = Some(file);
            }
        }
        let Some(chat) = st.chat(chat_id) else { return Err((400, tg::CHAT_NOT_FOUND)) };
        let message = chat.push(message);
        (message.telegram(&chat.persona, None), message)
    };
    hub.emit(Event::Message { message: message.1 });
    Ok(message.0)
}

fn edit(hub: &Hub, method: &str, params: &Params) -> Answer {
    let chat_id = params.int("chat_id").ok_or((400, tg::CHAT_NOT_FOUND))?;
    let message_id = params.int("message_id").ok_or((400, tg::MESSAGE_TO_EDIT_NOT_FOUND))?;
    let now = hub.now_ms();
    let (result, message) = {
        let mut st = hub.lock();
        let chat = st.chat(chat_id).ok_or((400, tg::CHAT_NOT_FOUND))?;
        let persona = chat.persona.clone();
        let message =
            chat.get_mut(message_id).filter(|m| m.from == From::Bot).ok_or((400, tg::MESSAGE_TO_EDIT_NOT_FOUND))?;
        let mut edited = message.clone();
        if method == "editmessagetext" {
            let text = params.str("text").filter(|t| !t.trim().is_empty()).ok_or((400, tg::EMPTY_TEXT))?;
            edited.text = Some(text.to_owned());
            edited.html = params.str("parse_mode").is_some_and(|m| m.eq_ignore_ascii_case("html"));
        }
        // An edit can only change the inline keyboard: a reply keyboard the message brought
        // (or removed) stays in force.
        edited.set_markup(params.fields.get("reply_markup"));
        edited.reply_keyboard = message.reply_keyboard.clone();
        edited.remove_keyboard = message.remove_keyboard;
        if edited.content() == message.content() {
            return Err((400, tg::NOT_MODIFIED));
        }
        edited.edited = true;
        edited.date = now;
        *message = edited.clone();
        chat.bot_activity += 1;
        (edited.telegram(&persona, None), edited)
    };
    hub.emit(Event::Edit { message });
    Ok(result)
}

fn answer_query(hub: &Hub, params: &Params) -> Answer {
    let id = params.str("callback_query_id").unwrap_or_default();
    let chat_id = {
        let mut st = hub.lock();
        let chat_id = st.queries.remove(id).ok_or((400, tg::QUERY_TOO_OLD))?;
        if let Some(chat) = st.chat(chat_id) {
            chat.bot_activity += 1;
        }
        chat_id
    };
    if let Some(text) = params.str("text").filter(|t| !t.is_empty()) {
        let text = text.to_owned();
        hub.emit(if params.flag("show_alert") {
            Event::Alert { chat_id, text }
        } else {
            Event::Toast { chat_id, text }
        });
    }
    Ok(json!(true))
}

fn pin(hub: &Hub, params: &Params) -> Answer {
    let chat_id = params.int("chat_id").ok_or((400, tg::CHAT_NOT_FOUND))?;
    let message_id = params.int("message_id").unwrap_or_default();
    let message = {
        let mut st = hub.lock();
        let chat = st.chat(chat_id).ok_or((400, tg::CHAT_NOT_FOUND))?;
        let message = chat.get(message_id).cloned().ok_or((400, "Bad Request: message to pin not found"))?;
        chat.pinned = Some(message_id);
        message
    };
    hub.emit(Event::Pin { chat_id, message });
    Ok(json!(true))
}

fn chat_info(hub: &Hub, params: &Params) -> Answer {
    let chat_id = params.int("chat_id").ok_or((400, tg::CHAT_NOT_FOUND))?;
    let st = hub.lock();
    let chat = st.chats.get(&chat_id).ok_or((400, tg::CHAT_NOT_FOUND))?;
    Ok(tg::chat_full_info(chat.persona.chat()))
}

/// Everyone listed in a group is a member; the bot is an administrator (it pins notices).
fn member(hub: &Hub, params: &Params) -> Answer {
    let chat_id = params.int("chat_id").ok_or((400, tg::CHAT_NOT_FOUND))?;
    let user_id = params.int("user_id").ok_or((400, "Bad Request: user not found"))?;
    let st = hub.lock();
    let chat = st.chats.get(&chat_id).ok_or((400, tg::CHAT_NOT_FOUND))?;
    if user_id == tg::BOT_ID {
        return Ok(json!({"status": "administrator", "user": tg::bot_user(), "can_be_edited": false,
            "is_anonymous": false, "can_manage_chat": true, "can_delete_messages": true, "can_manage_video_chats": false,
            "can_restrict_members": false, "can_promote_members": false, "can_change_info": false,
            "can_invite_users": true, "can_post_stories": false, "can_edit_stories": false, "can_delete_stories": false,
            "can_pin_messages": true}));
    }
    let member = chat.persona.chat_id == user_id || chat.persona.members.iter().any(|m| m.user_id == user_id);
    let user = st.chats.get(&user_id).map(|c| c.persona.user()).ok_or((400, "Bad Request: user not found"))?;
    Ok(json!({"status": if member { "member" } else { "left" }, "user": user}))
}

fn reply(code: u16, body: Value) -> Response {
    (StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST), Json(body)).into_response()
}

/// The parameters as one JSON object: the JSON body as sent, or the text parts of a
/// multipart body as strings, and its file part.
pub async fn params(request: Request) -> Params {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = to_bytes(request.into_body(), 1 << 20).await.unwrap_or_else(|_| Bytes::new());
        return Params { fields: serde_json::from_slice(&body).unwrap_or(Value::Null), upload: None };
    }
    let mut fields = Map::new();
    let mut upload = None;
    if let Ok(mut form) = Multipart::from_request(request, &()).await {
        while let Ok(Some(field)) = form.next_field().await {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    if let Ok(bytes) = field.bytes().await {
                        upload = Some(File { name: file_name, bytes: bytes.to_vec() });
                    }
                }
                None => {
                    if let Ok(value) = field.text().await {
                        fields.insert(name, Value::String(value));
                    }
                }
            }
        }
    }
    Params { fields: Value::Object(fields), upload }
}
