//! The Bot API's own JSON shapes and errors, as the demo answers the bot: teloxide
//! deserialises every answer into its types, so a missing required field would be an
//! error on the bot's side (`tests/bot/demo_api.rs` calls each method through a real
//! `teloxide::Bot`).

use serde_json::{json, Value};

/// The demo bot's user id, and the first half of its token.
pub const BOT_ID: i64 = 7_000_000_001;
pub const BOT_USERNAME: &str = "linli_demo_bot";
pub const BOT_NAME: &str = "Linli 邻里";
/// Shaped like a real token, so `linli run`'s token check accepts it too.
pub const TOKEN: &str = "7000000001:DemoTokenForTheLoopbackBotApi";

/// `{"ok":true,"result":…}`
pub fn ok(result: Value) -> Value {
    json!({"ok": true, "result": result})
}

/// `{"ok":false,"error_code":…,"description":…}`, as Telegram words its errors.
pub fn error(code: u16, description: &str) -> Value {
    json!({"ok": false, "error_code": code, "description": description})
}

pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": BOT_NAME, "username": BOT_USERNAME})
}

/// The answer to `getMe`.
pub fn me() -> Value {
    me_of(bot_user())
}

/// `getMe`'s answer for a bot `user` (the test stub's bot has its own id).
pub fn me_of(user: Value) -> Value {
    let mut me = user;
    me["can_join_groups"] = json!(true);
    me["can_read_all_group_messages"] = json!(false);
    me["supports_inline_queries"] = json!(false);
    me["can_connect_to_business"] = json!(false);
    me["has_main_web_app"] = json!(false);
    me
}

/// The answer to `getChat` (a ChatFullInfo) for a chat as it appears in messages.
pub fn chat_full_info(chat: Value) -> Value {
    let mut info = chat;
    info["accent_color_id"] = json!(0);
    info["max_reaction_count"] = json!(11);
    info["accepted_gift_types"] =
        json!({"unlimited_gifts": false, "limited_gifts": false, "unique_gifts": false, "premium_subscription": false});
    info
}

pub const CHAT_NOT_FOUND: &str = "Bad Request: chat not found";
pub const NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
pub const MESSAGE_TO_EDIT_NOT_FOUND: &str = "Bad Request: message to edit not found";
pub const EMPTY_TEXT: &str = "Bad Request: message text is empty";
pub const QUERY_TOO_OLD: &str = "Bad Request: query is too old and response timeout expired or query ID is invalid";
pub const NOT_FOUND: &str = "Not Found";
