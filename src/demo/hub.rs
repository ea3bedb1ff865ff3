//! The demo's one shared state: the chats and their histories, the bot's command menus,
//! the files it sent, the updates waiting for `getUpdates`, and the numbered events the
//! page long-polls for. The Bot API side (`botapi.rs`) and the page side (`page.rs`) both
//! change it through here.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::watch;

use super::chat::{Chat, From, Kind, Message, Persona};
use super::inbox::Inbox;
use crate::clock::{millis, SharedClock};

/// How many events the page can catch up on after a reconnect.
const KEEP_EVENTS: usize = 2000;

/// Something the page should show.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Message { message: Message },
    Edit { message: Message },
    Toast { chat_id: i64, text: String },
    Alert { chat_id: i64, text: String },
    Pin { chat_id: i64, message: Message },
    Commands,
    Clock { now: i64, now_text: String },
    Queued { queued: i64 },
}

/// A file the bot sent, served to the page at `/files/<id>`.
#[derive(Clone, Debug)]
pub struct File {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// `setMyCommands`' scopes the page can show, with their `language_code` ("" for none).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Chat(i64),
    AllPrivateChats(String),
    AllGroupChats(String),
    Default(String),
}

#[derive(Clone, Debug, Serialize)]
pub struct Command {
    pub command: String,
    pub description: String,
}

#[derive(Default)]
pub struct State {
    pub chats: BTreeMap<i64, Chat>,
    /// The chats in the page's order.
    pub order: Vec<i64>,
    pub commands: HashMap<Scope, Vec<Command>>,
    pub files: HashMap<String, File>,
    /// Callback query id → the chat whose button was pressed.
    pub queries: HashMap<String, i64>,
    next_query: u64,
    events: VecDeque<(u64, Event)>,
    seq: u64,
}

impl State {
    pub fn chat(&mut self, chat_id: i64) -> Option<&mut Chat> {
        self.chats.get_mut(&chat_id)
    }

    pub fn new_query(&mut self, chat_id: i64) -> String {
        self.next_query += 1;
        let id = format!("demo{}", self.next_query);
        self.queries.insert(id.clone(), chat_id);
        id
    }

    pub fn add_file(&mut self, file: File) -> String {
        let id = format!("f{}", self.files.len() + 1);
        self.files.insert(id.clone(), file);
        id
    }

    /// The menu a person sees in `chat_id`: the chat's own, else the one for private (or
    /// group) chats, else the default — each in their language before the one without
    /// (Telegram's order of scopes; a private chats' menu is never a group's).
    pub fn menu(&self, chat_id: i64, lang: &str) -> Vec<Command> {
        let lang = lang.split('-').next().unwrap_or_default().to_owned();
        let group = self.chats.get(&chat_id).is_some_and(|c| c.persona.kind == Kind::Group);
        let kind: fn(String) -> Scope = if group { Scope::AllGroupChats } else { Scope::AllPrivateChats };
        [
            Scope::Chat(chat_id),
            kind(lang.clone()),
            kind(String::new()),
            Scope::Default(lang),
            Scope::Default(String::new()),
        ]
        .iter()
        .find_map(|s| self.commands.get(s))
        .cloned()
        .unwrap_or_default()
    }

    fn record(&mut self, event: Event) -> u64 {
        self.seq += 1;
        self.events.push_back((self.seq, event));
        while self.events.len() > KEEP_EVENTS {
            self.events.pop_front();
        }
        self.seq
    }
}

pub struct Hub {
    state: Mutex<State>,
    pub inbox: Inbox,
    seq: watch::Sender<u64>,
    pub clock: SharedClock,
}

impl Hub {
    pub fn new(personas: Vec<Persona>, clock: SharedClock) -> Hub {
        let order = personas.iter().map(|p| p.chat_id).collect();
        let chats = personas.into_iter().map(|p| (p.chat_id, Chat::new(p))).collect();
        Hub {
            state: Mutex::new(State { chats, order, ..State::default() }),
            inbox: Inbox::new(),
            seq: watch::Sender::new(0),
            clock,
        }
    }

    /// A person the page does not list (load tests: thousands of residents), with their
    /// private chat; nothing happens if they exist already.
    pub fn add_person(&self, user_id: i64, name: &str, lang: &'static str) {
        let persona = Persona::person(user_id, name, String::new(), lang, None);
        self.lock().chats.entry(user_id).or_insert_with(|| Chat::new(persona));
    }

    /// Messages, edits and answered taps of the bot in all chats together.
    pub fn bot_activity(&self) -> u64 {
        self.lock().chats.values().map(|c| c.bot_activity).sum()
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn now_ms(&self) -> i64 {
        millis(self.clock.now())
    }

    /// Records `event` and wakes the page's long polls.
    pub fn emit(&self, event: Event) {
        let seq = self.lock().record(event);
        self.seq.send_replace(seq);
    }

    pub fn seq(&self) -> u64 {
        *self.seq.borrow()
    }

    /// The events after `since`, waiting up to `wait` for one if there are none yet.
    pub async fn events_after(&self, since: u64, wait: Duration) -> (u64, Vec<Event>) {
        let mut changed = self.seq.subscribe();
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            {
                let st = self.lock();
                let events: Vec<Event> = st.events.iter().filter(|(s, _)| *s > since).map(|(_, e)| e.clone()).collect();
                if !events.is_empty() || tokio::time::Instant::now() >= deadline || since > st.seq {
                    return (st.seq, events);
                }
            }
            if tokio::time::timeout_at(deadline, changed.changed()).await.is_err() {
                return (self.seq(), Vec::new());
            }
        }
    }

    /// A person writes in a chat: the message joins the history and, unless it is plain
    /// text in a group (the bot's privacy mode only sees commands there), becomes an
    /// update for the bot. Returns the message and the update's id, or `None` for an
    /// unknown chat or person.
    pub fn user_message(
        &self,
        chat_id: i64,
        from: i64,
        fill: impl FnOnce(&mut Message),
    ) -> Option<(Message, Option<i64>)> {
        let now = self.now_ms();
        let (message, update) = {
            let mut st = self.lock();
            let user = st.chats.get(&from)?.persona.clone();
            let chat = st.chat(chat_id)?;
            let mut message = Message::new(chat_id, From::User, from, &user.title, now);
            fill(&mut message);
            let message = chat.push(message);
            let command = message.text.as_deref().is_some_and(|t| t.starts_with('/'));
            let private = chat.persona.chat_id == from;
            let update =
                (private || command).then(|| json!({"message": message.telegram(&chat.persona, Some(&user.user()))}));
            (message, update)
        };
        let id = update.map(|u| self.inbox.push(u));
        self.emit(Event::Message { message: message.clone() });
        Some((message, id))
    }

    /// A person taps an inline button: a callback query for the bot, if the message exists
    /// and carries that button (a page can only press what it was shown). Returns the
    /// update's id.
    pub fn press(&self, chat_id: i64, message_id: i64, data: &str, from: i64) -> Result<i64, &'static str> {
        let update = {
            let mut st = self.lock();
            let user = st.chats.get(&from).ok_or("unknown person")?.persona.user();
            let chat = st.chats.get(&chat_id).ok_or("unknown chat")?;
            let message = chat.get(message_id).ok_or("unknown message")?;
            let has = message.inline_keyboard.as_ref().and_then(Value::as_array).is_some_and(|rows| {
                rows.iter().filter_map(Value::as_array).flatten().any(|b| b["callback_data"].as_str() == Some(data))
            });
            if !has {
                return Err("that message has no such button");
            }
            let message = message.telegram(&chat.persona, None);
            let id = st.new_query(chat_id);
            json!({"callback_query": {"id": id, "from": user, "message": message, "chat_instance": format!("ci{chat_id}"), "data": data}})
        };
        Ok(self.inbox.push(update))
    }
}

/// The pinned message of a chat.
pub fn pinned(chat: &Chat) -> Option<Message> {
    chat.pinned.and_then(|id| chat.get(id)).cloned()
}
