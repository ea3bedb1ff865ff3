//! The chats the demo keeps: who is in them and every message, in two shapes — the page's
//! (the contract in `docs/demo.md`) and Telegram's (what the bot gets back from `sendMessage`,
//! and inside updates).

use serde::Serialize;
use serde_json::{json, Value};

use super::telegram;

/// Someone the page can be: a person in a private chat with the bot, or a group.
#[derive(Clone, Debug, Serialize)]
pub struct Persona {
    pub chat_id: i64,
    pub kind: Kind,
    pub title: String,
    /// Already in the persona's language: "居民 · 3号楼", "Volunteer".
    pub role: String,
    /// The language of the page's chrome for this chat: `zh-CN` or `en`.
    pub lang: &'static str,
    pub avatar: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
    /// A person's own phone number (shared with the "share my phone number" button).
    #[serde(skip)]
    pub phone: Option<String>,
    /// Where "share location" puts a person: near their checkpoint, and far from it.
    #[serde(skip)]
    pub places: Option<[(f64, f64); 2]>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Private,
    Group,
}

#[derive(Clone, Debug, Serialize)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
}

impl Persona {
    /// Someone in a private chat with the bot (the chat's id is theirs).
    pub fn person(chat_id: i64, title: &str, role: String, lang: &'static str, phone: Option<&str>) -> Persona {
        Persona {
            chat_id,
            kind: Kind::Private,
            title: title.to_owned(),
            role,
            lang,
            avatar: title.chars().next().map(String::from).unwrap_or_default(),
            members: Vec::new(),
            phone: phone.map(str::to_owned),
            places: None,
        }
    }

    /// The Telegram user behind a private chat (`language_code` as Telegram's apps send it).
    pub fn user(&self) -> Value {
        let lang = if self.lang == "en" { "en" } else { "zh-hans" };
        json!({"id": self.chat_id, "is_bot": false, "first_name": self.title, "language_code": lang})
    }

    /// The chat as it appears inside a message.
    pub fn chat(&self) -> Value {
        match self.kind {
            Kind::Private => json!({"id": self.chat_id, "type": "private", "first_name": self.title}),
            Kind::Group => json!({"id": self.chat_id, "type": "supergroup", "title": self.title}),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum From {
    Bot,
    User,
}

#[derive(Clone, Debug, Serialize)]
pub struct FileRef {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(skip)]
    pub file_id: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Contact {
    pub phone: String,
    pub name: String,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplyButton {
    pub text: String,
    pub request_contact: bool,
    pub request_location: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplyKeyboard {
    pub rows: Vec<Vec<ReplyButton>>,
    pub one_time: bool,
}

/// One message, as the page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub chat_id: i64,
    pub message_id: i64,
    pub from: From,
    /// Who wrote it (the user id; the bot's for the bot).
    #[serde(skip)]
    pub from_id: i64,
    pub sender: String,
    /// Unix milliseconds on the bot's clock.
    pub date: i64,
    pub edited: bool,
    pub text: Option<String>,
    pub html: bool,
    pub inline_keyboard: Option<Value>,
    pub reply_keyboard: Option<ReplyKeyboard>,
    pub remove_keyboard: bool,
    pub photo: Option<FileRef>,
    pub document: Option<FileRef>,
    pub contact: Option<Contact>,
    pub location: Option<Location>,
}

impl Message {
    pub fn new(chat_id: i64, from: From, from_id: i64, sender: &str, date: i64) -> Message {
        Message {
            chat_id,
            message_id: 0,
            from,
            from_id,
            sender: sender.to_owned(),
            date,
            edited: false,
            text: None,
            html: false,
            inline_keyboard: None,
            reply_keyboard: None,
            remove_keyboard: false,
            photo: None,
            document: None,
            contact: None,
            location: None,
        }
    }

    /// Reads a send or edit request's `reply_markup` (an object, or JSON text in a
    /// multipart request): an inline keyboard stays with the message; a reply keyboard or
    /// its removal is what the chat's keyboard becomes.
    pub fn set_markup(&mut self, markup: Option<&Value>) {
        let parsed;
        let markup = match markup {
            Some(Value::String(text)) => {
                parsed = serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
                &parsed
            }
            Some(other) => other,
            None => &Value::Null,
        };
        self.inline_keyboard = markup.get("inline_keyboard").cloned();
        self.remove_keyboard = markup.get("remove_keyboard").and_then(Value::as_bool).unwrap_or(false);
        self.reply_keyboard = markup.get("keyboard").and_then(Value::as_array).map(|rows| ReplyKeyboard {
            rows: rows
                .iter()
                .map(|row| row.as_array().map(|r| r.iter().map(reply_button).collect()).unwrap_or_default())
                .collect(),
            one_time: markup.get("one_time_keyboard").and_then(Value::as_bool).unwrap_or(false),
        });
    }

    /// The message as Telegram would hand it to the bot.
    pub fn telegram(&self, chat: &Persona, user: Option<&Value>) -> Value {
        let from = match (self.from, user) {
            (From::User, Some(user)) => user.clone(),
            _ => telegram::bot_user(),
        };
        let mut m = json!({"message_id": self.message_id, "date": self.date / 1000, "chat": chat.chat(), "from": from});
        if self.edited {
            m["edit_date"] = json!(self.date / 1000);
        }
        let caption = self.photo.is_some() || self.document.is_some();
        if let Some(text) = &self.text {
            m[if caption { "caption" } else { "text" }] = json!(text);
            if self.from == From::User && text.starts_with('/') {
                // Entity offsets and lengths count UTF-16 code units.
                let command = text.split_whitespace().next().unwrap_or(text);
                m["entities"] = json!([{"type": "bot_command", "offset": 0, "length": command.encode_utf16().count()}]);
            }
        }
        if let Some(keyboard) = &self.inline_keyboard {
            m["reply_markup"] = json!({"inline_keyboard": keyboard});
        }
        if let Some(photo) = &self.photo {
            m["photo"] =
                json!([{"file_id": photo.file_id, "file_unique_id": photo.file_id, "width": 640, "height": 480}]);
        }
        if let Some(doc) = &self.document {
            m["document"] = json!({"file_id": doc.file_id, "file_unique_id": doc.file_id, "file_name": doc.file_name});
        }
        if let Some(c) = &self.contact {
            m["contact"] = json!({"phone_number": c.phone, "first_name": c.name, "user_id": self.from_id});
        }
        if let Some(l) = &self.location {
            m["location"] = json!({"latitude": l.latitude, "longitude": l.longitude});
        }
        m
    }

    /// What an edit compares: Telegram refuses an edit that changes nothing.
    pub fn content(&self) -> (Option<&String>, Option<&Value>) {
        (self.text.as_ref(), self.inline_keyboard.as_ref())
    }
}

fn reply_button(b: &Value) -> ReplyButton {
    match b {
        Value::String(text) => ReplyButton { text: text.clone(), request_contact: false, request_location: false },
        _ => ReplyButton {
            text: b.get("text").and_then(Value::as_str).unwrap_or_default().to_owned(),
            request_contact: b.get("request_contact").and_then(Value::as_bool).unwrap_or(false),
            request_location: b.get("request_location").and_then(Value::as_bool).unwrap_or(false),
        },
    }
}

/// A chat: its persona, its history, its pinned message.
#[derive(Debug)]
pub struct Chat {
    pub persona: Persona,
    pub messages: Vec<Message>,
    pub pinned: Option<i64>,
    /// Messages, edits and answered taps of the bot here (the demo's script waits on it).
    pub bot_activity: u64,
}

impl Chat {
    pub fn new(persona: Persona) -> Chat {
        Chat { persona, messages: Vec::new(), pinned: None, bot_activity: 0 }
    }

    /// Appends `message` with the chat's next id (Telegram numbers messages per chat).
    pub fn push(&mut self, mut message: Message) -> Message {
        if message.from == From::Bot {
            self.bot_activity += 1;
        }
        message.message_id = self.messages.last().map_or(1, |m| m.message_id + 1);
        self.messages.push(message.clone());
        message
    }

    pub fn get_mut(&mut self, message_id: i64) -> Option<&mut Message> {
        self.messages.iter_mut().find(|m| m.message_id == message_id)
    }

    pub fn get(&self, message_id: i64) -> Option<&Message> {
        self.messages.iter().find(|m| m.message_id == message_id)
    }
}
