//! The JSON shapes of the Bot API that the stub answers with or hands to a bot: teloxide
//! deserialises every answer into its own types, so a missing required field is an error
//! on the bot's side, not here.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::{BOT_ID, BOT_USERNAME};

const BOT_FIRST_NAME: &str = "Linli";

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `{"ok":true,"result":…}`
pub fn ok(result: Value) -> Value {
    json!({"ok": true, "result": result})
}

/// `{"ok":false,"error_code":…,"description":…}`
pub fn error(code: u16, description: &str) -> Value {
    json!({"ok": false, "error_code": code, "description": description})
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME})
}

/// The answer to `getMe`.
pub fn me() -> Value {
    let mut me = bot_user();
    me["can_join_groups"] = json!(true);
    me["can_read_all_group_messages"] = json!(false);
    me["supports_inline_queries"] = json!(false);
    me["can_connect_to_business"] = json!(false);
    me["has_main_web_app"] = json!(false);
    me
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

/// A Message the bot sent in `chat_id`: `send*` answers with one.
/// `method` is lower case; documents and photos carry `text` as their caption.
pub fn sent_message(id: i64, method: &str, chat_id: i64, text: Option<String>) -> Value {
    let mut m = json!({"message_id": id, "date": now(), "chat": chat(chat_id), "from": bot_user()});
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
