//! Integration tests: the real handler tree against teloxide_tests' mock Bot API, and
//! HTTP traffic against the loopback Bot API stub (`tests/support`), each test with its
//! own SQLite file. One test binary (modules per slice) keeps link time low.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../support/botapi_stub.rs"]
mod botapi_stub;
mod crash;
mod demo_api;
mod demo_browser;
mod demo_load;
mod erase;
mod errands;
mod exports;
mod group_commands;
mod groupbuy;
mod groupbuy_delivery;
mod groupbuy_lead;
mod groupbuy_open;
mod groups;
mod guard;
mod idle;
mod isolation;
mod jobs;
mod locales;
mod notices;
mod orders;
mod orders_fixes;
mod outbox;
mod outbox_faults;
mod paid_broadcast;
mod read_only_db;
mod registration;
mod reports;
mod roles;
mod scope;
mod setup;
mod shifts;
mod structure;
mod stub_selftest;
mod supervision;
mod temperature;
#[path = "../support/webdriver.rs"]
mod webdriver;
mod webdriver_selftest;

use std::sync::Arc;

use linli::bot::{schema, CallbackData};
use linli::config::Settings;
use linli::people::store;
use linli::{community, db, App, Error};
use teloxide::dptree::deps;
use teloxide::types::User;
use teloxide_tests::{MockBot, MockCallbackQuery, MockMessageText, MockPrivateChat, MockUser};

pub const ADMIN: u64 = 900_000_001;
/// The mock bot every test drives.
pub type TestBot = MockBot<Error, teloxide_tests::mock_bot::DistributionKey>;

pub const ZH: &str = "zh-CN";
pub const EN: &str = "en";

pub const FIXTURE: &str = r#"
[subdistrict]
name = "航海西路街道"
name_en = "Hanghai West Road Subdistrict"
timezone = "Asia/Shanghai"

[[community]]
name = "帝湖社区"
name_en = "Dihu Community"
buildings = ["1号楼", "2号楼", "3号楼", "4号楼", "5号楼", "6号楼", "7号楼", "8号楼", "9号楼", "10号楼"]

[[community]]
name = "学府社区"
name_en = "Xuefu Community"
buildings = ["1号楼"]
"#;

pub struct World {
    pub app: Arc<App>,
    fixtures: sqlx::SqlitePool,
    _dir: tempfile::TempDir,
}

impl World {
    pub async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("linli.db");
        let db = db::connect(&path).await.unwrap();
        community::import(&db.write, &community::CommunityFile::parse(FIXTURE).unwrap()).await.unwrap();
        let fixtures = db::fixture_pool(&path).await.unwrap();
        let settings = Settings { admins: vec![ADMIN as i64], ..Settings::default() };
        World { app: App::new(db, settings), fixtures, _dir: dir }
    }

    /// A writable connection for the tests' own inserts and reads (the app's readers are
    /// `query_only`; the bot writes through its one writer).
    pub fn pool(&self) -> &sqlx::SqlitePool {
        &self.fixtures
    }

    /// The text messages queued in the outbox for `chat`, oldest first, with their keyboards
    /// (photos and documents left out: `queued_files`).
    pub async fn queued_texts(&self, chat: u64) -> Vec<(String, Option<teloxide::types::InlineKeyboardMarkup>)> {
        self.queued(chat)
            .await
            .into_iter()
            .filter_map(|m| match m.content {
                linli::outbox::Content::Text { text, .. } => Some((text, m.keyboard)),
                _ => None,
            })
            .collect()
    }

    /// The photos and documents queued for `chat`, oldest first: (caption, attachment bytes).
    pub async fn queued_files(&self, chat: u64) -> Vec<(Option<String>, Vec<u8>)> {
        let rows: Vec<(String, Option<Vec<u8>>)> =
            sqlx::query_as("SELECT message, attachment FROM outbox WHERE chat_id = ? ORDER BY id")
                .bind(chat as i64)
                .fetch_all(self.pool())
                .await
                .unwrap();
        rows.into_iter()
            .filter_map(|(json, bytes)| {
                let m: linli::outbox::OutMessage = serde_json::from_str(&json).unwrap();
                match m.content {
                    linli::outbox::Content::Photo { caption, .. }
                    | linli::outbox::Content::Document { caption, .. } => Some((caption, bytes.unwrap_or_default())),
                    linli::outbox::Content::Text { .. } | linli::outbox::Content::Edit { .. } => None,
                }
            })
            .collect()
    }

    async fn queued(&self, chat: u64) -> Vec<linli::outbox::OutMessage> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT message FROM outbox WHERE chat_id = ? ORDER BY id")
            .bind(chat as i64)
            .fetch_all(self.pool())
            .await
            .unwrap();
        rows.into_iter().map(|(json,)| serde_json::from_str(&json).unwrap()).collect()
    }

    pub async fn community(&self, name: &str) -> i64 {
        store::communities(self.pool()).await.unwrap().into_iter().find(|c| c.name == name).unwrap().id
    }

    pub async fn building(&self, community: i64, name: &str) -> i64 {
        store::find_building(self.pool(), community, name).await.unwrap().unwrap().id
    }

    /// Every mock bot numbers its updates from 42, while Telegram never reuses an id: a
    /// test that starts a second mock bot (a "restart") forgets the ids seen so far.
    pub async fn forget_update_ids(&self) {
        sqlx::query("DELETE FROM inbound_updates").execute(self.pool()).await.unwrap();
    }

    /// Someone who has written to the bot in private (a row in `users`).
    pub async fn add_user(&self, id: u64, name: &str, lang: linli::i18n::Lang) {
        store::upsert_user(&mut self.pool().acquire().await.unwrap(), chrono::Utc::now(), id as i64, name, lang, true)
            .await
            .unwrap();
    }

    /// A registered resident of `building` (household of 2), saved as `/register` saves one.
    pub async fn add_resident(
        &self,
        id: u64,
        name: &str,
        lang: linli::i18n::Lang,
        building: i64,
        unit_room: &str,
        phone: Option<&str>,
    ) {
        self.add_user(id, name, lang).await;
        let (community_id,): (i64,) = sqlx::query_as("SELECT community_id FROM buildings WHERE id = ?")
            .bind(building)
            .fetch_one(self.pool())
            .await
            .unwrap();
        let new = store::NewResident { community_id, building_id: building, unit_room, household_size: 2, phone };
        let mut conn = self.pool().acquire().await.unwrap();
        assert!(store::save_resident(&mut conn, chrono::Utc::now(), id as i64, &new).await.unwrap());
    }

    /// A group chat linked to `community`, or to one of its buildings, speaking `lang`.
    pub async fn link_group(
        &self,
        chat: i64,
        community: i64,
        building: Option<i64>,
        title: &str,
        lang: linli::i18n::Lang,
    ) {
        let mut conn = self.pool().acquire().await.unwrap();
        store::link_chat(&mut conn, chrono::Utc::now(), chat, community, building, title, 1, lang).await.unwrap();
    }

    pub fn bot(&self, update: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = MockBot::new(update, schema());
        bot.dependencies(deps![self.app.clone()]);
        bot
    }
}

pub fn user(id: u64, lang: &str) -> User {
    MockUser::new().id(id).first_name(format!("User{id}")).language_code(lang.to_owned()).build()
}

fn private_chat(id: u64) -> teloxide::types::Chat {
    MockPrivateChat::new().id(id as i64).build()
}

/// A text message from `id` in their private chat with the bot.
pub fn text(id: u64, lang: &str, text: &str) -> MockMessageText {
    MockMessageText::new().text(text).from(user(id, lang)).chat(private_chat(id))
}

/// A tap on a button carrying `data`, in `id`'s private chat.
pub fn tap_raw(id: u64, lang: &str, data: &str) -> MockCallbackQuery {
    let message = MockMessageText::new().text("buttons").from(user(id, lang)).chat(private_chat(id)).build();
    MockCallbackQuery::new().data(data.to_owned()).from(user(id, lang)).message(message)
}

pub fn tap(id: u64, lang: &str, cb: impl CallbackData) -> MockCallbackQuery {
    tap_raw(id, lang, &cb.encode())
}

pub fn tr(lang: &str, key: &str) -> String {
    linli::tr(lang, key)
}

/// The texts the bot sent in the last dispatch.
pub fn texts(bot: &TestBot) -> Vec<String> {
    bot.get_responses().sent_messages.iter().filter_map(|m| m.text().map(str::to_owned)).collect()
}

pub fn last_text(bot: &TestBot) -> String {
    texts(bot).pop().unwrap_or_default()
}

/// The alert text of the last answered button tap, if any.
pub fn alert(bot: &TestBot) -> Option<String> {
    bot.get_responses().answered_callback_queries.last().and_then(|a| a.text.clone())
}

/// The buttons of type `C` (a slice's `Cb`) on a keyboard, decoded; others left out.
pub fn decoded<C: CallbackData>(kb: &teloxide::types::InlineKeyboardMarkup) -> Vec<C> {
    kb.inline_keyboard
        .iter()
        .flatten()
        .filter_map(|b| match &b.kind {
            teloxide::types::InlineKeyboardButtonKind::CallbackData(data) => C::decode(data),
            _ => None,
        })
        .collect()
}

/// The buttons of type `C` under the last message the bot sent.
pub fn last_buttons<C: CallbackData>(bot: &TestBot) -> Vec<C> {
    let responses = bot.get_responses();
    responses.sent_messages.last().and_then(|m| m.reply_markup()).map(decoded).unwrap_or_default()
}

/// `tr` with `%{name}` arguments filled in, as the bot renders them.
pub fn trf(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = tr(lang, key);
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), value);
    }
    s
}
