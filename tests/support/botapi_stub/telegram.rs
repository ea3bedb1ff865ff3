//! The JSON shapes of the Bot API that the stub answers with or hands to a bot: teloxide
//! deserialises every answer into its own types, so a missing required field is an error
//! on the bot's side, not here. `tests/bot/stub_selftest.rs` checks each shape by calling
//! the method through a real `teloxide::Bot`.

use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::{BOT_ID, BOT_USERNAME};

const BOT_FIRST_NAME: &str = "Linli";

/// Ids for messages in pushed updates. Telegram numbers messages per chat; unique ids
/// over the whole process are a valid special case.
static INBOUND_MESSAGE_ID: AtomicI32 = AtomicI32::new(1);

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The envelopes are the demo's Bot API's: one definition of Telegram's answers.
pub use linli::demo::telegram::{error, ok};

/// 429 "Too Many Requests" with `parameters.retry_after`.
pub fn retry_after(secs: u32) -> Value {
    let mut body = error(429, &format!("Too Many Requests: retry after {secs}"));
    body["parameters"] = json!({"retry_after": secs});
    body
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME})
}

/// The answer to `getMe`.
pub fn me() -> Value {
    linli::demo::telegram::me_of(bot_user())
}

/// A person with this id: `User<id>`, speaking `lang`.
pub fn user(id: i64, lang: &str) -> Value {
    json!({"id": id, "is_bot": false, "first_name": format!("User{id}"), "language_code": lang})
}

/// A chat as it appears inside a Message: negative ids are groups, as the stub's rate
/// limits assume.
pub fn chat(chat_id: i64) -> Value {
    if chat_id < 0 {
        json!({"id": chat_id, "type": "group", "title": "Stub group"})
    } else {
        json!({"id": chat_id, "type": "private", "first_name": format!("User{chat_id}")})
    }
}

/// The answer to `getChat` (a ChatFullInfo).
pub fn chat_full_info(chat_id: i64) -> Value {
    linli::demo::telegram::chat_full_info(chat(chat_id))
}

/// The answer to `getChatMember`: the asked-for user, an ordinary member.
pub fn chat_member(user_id: i64) -> Value {
    json!({"status": "member", "user": user(user_id, "zh-CN")})
}

/// A Message the bot sent (or edited) in `chat_id`: `send*` and `edit*` answer with one.
/// `method` is lower case; documents and photos carry `text` as their caption.
pub fn sent_message(id: i64, method: &str, chat_id: i64, text: Option<String>) -> Value {
    let mut m = json!({"message_id": id, "date": now(), "chat": chat(chat_id), "from": bot_user()});
    if method.starts_with("edit") {
        m["edit_date"] = json!(now());
    }
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

/// An update (without `update_id`) in which user `user_id` writes `text` to the bot in
/// their private chat. A text starting with `/` carries a `bot_command` entity over its
/// first word, as Telegram sends it.
pub fn private_text(user_id: i64, lang: &str, text: &str) -> Value {
    let message_id = INBOUND_MESSAGE_ID.fetch_add(1, Ordering::Relaxed);
    let mut message = json!({
        "message_id": message_id,
        "date": now(),
        "chat": chat(user_id),
        "from": user(user_id, lang),
        "text": text,
    });
    if text.starts_with('/') {
        let command = text.split_whitespace().next().unwrap_or(text);
        // Entity offsets and lengths count UTF-16 code units.
        let length = command.encode_utf16().count();
        message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": length}]);
    }
    json!({"message": message})
}
