//! Errands for isolated households: the request in both languages with wrong input at each
//! step, commands in a group. Claims (the race, privacy, done and confirm), urgent pages and
//! the fever button, and the garbage round have their own files in `errands/`.

mod claims;
mod erase;
mod rounds;
mod urgent;

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use linli::bot::CallbackData;
use linli::clock::ManualClock;
use linli::health::errands::buttons::Cb;
use linli::health::errands::model::{Kind, NOTE_MAX};
use linli::i18n::Lang;
use linli::people::store as people;
use teloxide_tests::{MockGroupChat, MockMessageText};

use crate::*;

/// Residents of 帝湖社区: 3号楼 2单元301 (Chinese, with a phone), 3号楼 1单元101 (English).
const RES: u64 = 7001;
const RES_EN: u64 = 7002;
/// Another household, 5号楼 502.
const RES5: u64 = 7003;
/// Approved volunteers of 帝湖; VOL1 is checked in at a checkpoint now (on duty).
const VOL1: u64 = 7101;
const VOL2: u64 = 7102;
/// An approved volunteer of 学府社区.
const XUEFU_VOL: u64 = 7103;
const OFFICIAL: u64 = 7201;
const PHONE: &str = "13800138000";

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Errands {
    world: World,
    app: Arc<linli::App>,
    clock: Arc<ManualClock>,
    dihu: i64,
    b3: i64,
    b5: i64,
}

/// Sunday 2026-11-29 10:00 in Shanghai.
async fn errands() -> Errands {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let (b3, b5) = (world.building(dihu, "3号楼").await, world.building(dihu, "5号楼").await);
    let clock = ManualClock::new(utc("2026-11-29T02:00:00Z"));
    let app = linli::App::with_clock(world.app.db(), world.app.settings.clone(), clock.clone());
    let pool = world.pool();
    for (user, name, lang) in [
        (RES, "王芳", Lang::ZhCn),
        (RES_EN, "Anna", Lang::En),
        (RES5, "赵磊", Lang::ZhCn),
        (VOL1, "李明", Lang::ZhCn),
        (VOL2, "张伟", Lang::ZhCn),
        (XUEFU_VOL, "孙丽", Lang::ZhCn),
        (OFFICIAL, "刘书记", Lang::ZhCn),
    ] {
        people::upsert_user(&mut pool.acquire().await.unwrap(), Utc::now(), user as i64, name, lang, true)
            .await
            .unwrap();
    }
    for (user, building, unit_room, phone) in
        [(RES, b3, "2单元301", Some(PHONE)), (RES_EN, b3, "1单元101", None), (RES5, b5, "502", None)]
    {
        sqlx::query(
            "INSERT INTO residents (user_id, community_id, building_id, unit_room, household_size, phone, registered_at, household)
             VALUES (?, ?, ?, ?, 2, ?, 0, ?)",
        )
        .bind(user as i64)
        .bind(dihu)
        .bind(building)
        .bind(unit_room)
        .bind(phone)
        .bind(linli::people::model::household_key(unit_room))
        .execute(pool)
        .await
        .unwrap();
    }
    for (user, community, role) in [
        (VOL1, dihu, "volunteer"),
        (VOL2, dihu, "volunteer"),
        (XUEFU_VOL, xuefu, "volunteer"),
        (OFFICIAL, dihu, "official"),
    ] {
        sqlx::query(
            "INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, ?, 'approved', 'now')",
        )
        .bind(user as i64)
        .bind(community)
        .bind(role)
        .execute(pool)
        .await
        .unwrap();
    }
    // VOL1 checked in at 08:00 on a shift 08:00–16:00 today: on duty.
    let (checkpoint,): (i64,) =
        sqlx::query_as("INSERT INTO checkpoints (community_id, name) VALUES (?, '东门') RETURNING id")
            .bind(dihu)
            .fetch_one(pool)
            .await
            .unwrap();
    let (template,): (i64,) = sqlx::query_as(
        "INSERT INTO shift_templates (checkpoint_id, start_minute, end_minute, capacity) VALUES (?, 480, 960, 2) RETURNING id",
    )
    .bind(checkpoint)
    .fetch_one(pool)
    .await
    .unwrap();
    let (shift,): (i64,) = sqlx::query_as(
        "INSERT INTO shifts (template_id, checkpoint_id, community_id, day, start_at, end_at, capacity, taken)
         VALUES (?, ?, ?, '2026-11-29', ?, ?, 2, 1) RETURNING id",
    )
    .bind(template)
    .bind(checkpoint)
    .bind(dihu)
    .bind(utc("2026-11-29T00:00:00Z").timestamp_millis())
    .bind(utc("2026-11-29T08:00:00Z").timestamp_millis())
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO shift_claims (shift_id, user_id, senior, claimed_at, checked_in_at) VALUES (?, ?, 0, 0, ?)",
    )
    .bind(shift)
    .bind(VOL1 as i64)
    .bind(utc("2026-11-29T00:00:00Z").timestamp_millis())
    .execute(pool)
    .await
    .unwrap();
    Errands { world, app, clock, dihu, b3, b5 }
}

impl Errands {
    fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    fn today(&self) -> NaiveDate {
        self.app.today()
    }

    /// Marks a household isolated from today for 14 days (an official's marking: active).
    async fn isolate(&self, building_id: i64, unit_room: &str) {
        use linli::health::isolation::{model, store};
        let mut conn = self.world.pool().acquire().await.unwrap();
        let new = store::NewIsolation {
            community_id: self.dihu,
            building_id,
            unit_room,
            kind: model::Kind::Home,
            starts_on: self.today(),
            ends_on: self.today() + Duration::days(13),
            declared_by: None,
            decided_by: Some(OFFICIAL as i64),
        };
        let marked = store::mark(&mut conn, self.app.now(), &new).await.unwrap();
        assert!(matches!(marked, store::Marked::Created(_)), "{marked:?}");
    }

    /// An errand asked for through the bot (kind, then the note or "no note", confirm).
    /// Mock bots run one at a time: drop any other before calling this.
    async fn ask(&self, user: u64, kind: Kind, note: Option<&str>) -> i64 {
        let lang = if user == RES_EN { "en" } else { "zh" };
        // Every mock bot numbers its updates from 42: forget them before and after.
        self.world.forget_update_ids().await;
        let mut bot = self.bot(text(user, lang, "/errand"));
        bot.dispatch().await;
        bot.update(tap(user, lang, Cb::ErrandKind(kind)));
        bot.dispatch().await;
        match note {
            Some(note) => bot.update(text(user, lang, note)),
            None => bot.update(tap(user, lang, Cb::NoNote)),
        }
        bot.dispatch().await;
        bot.update(tap(user, lang, Cb::ConfirmErrand));
        bot.dispatch().await;
        self.world.forget_update_ids().await;
        self.last_errand().await
    }

    async fn last_errand(&self) -> i64 {
        let (id,): (i64,) = sqlx::query_as("SELECT max(id) FROM errands").fetch_one(self.world.pool()).await.unwrap();
        id
    }

    /// (status, claimed_by, note) of an errand.
    async fn errand(&self, id: i64) -> (String, Option<i64>, String) {
        sqlx::query_as("SELECT status, claimed_by, note FROM errands WHERE id = ?")
            .bind(id)
            .fetch_one(self.world.pool())
            .await
            .unwrap()
    }

    /// The messages queued for `chat`, with the errands buttons under each.
    async fn queued(&self, chat: u64) -> Vec<(String, Vec<Cb>)> {
        let queued = self.world.queued_texts(chat).await;
        queued.into_iter().map(|(text, kb)| (text, kb.map(|k| cbs(&k)).unwrap_or_default())).collect()
    }

    fn runner(&self) -> linli::jobs::Runner {
        linli::jobs::Runner::new(self.app.clone(), linli::health::errands::jobs::register(linli::jobs::Registry::new()))
    }

    /// Runs every job due now.
    async fn run_due_jobs(&self) {
        let runner = self.runner();
        while runner.tick().await.unwrap() > 0 {}
    }
}

/// The errands buttons of a keyboard, decoded.
fn cbs(kb: &teloxide::types::InlineKeyboardMarkup) -> Vec<Cb> {
    decoded(kb)
}

/// The errands buttons under the last message the bot sent.
fn buttons(bot: &TestBot) -> Vec<Cb> {
    last_buttons(bot)
}

#[tokio::test]
async fn a_resident_asks_for_medicine_and_an_empty_or_too_long_note_is_asked_again() {
    let e = errands().await;
    let mut bot = e.bot(text(RES, "zh", "/errand"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "errands.ask.kind"));
    assert_eq!(buttons(&bot), Kind::ALL.map(Cb::ErrandKind).to_vec());
    // Typing instead of choosing a kind.
    bot.update(text(RES, "zh", "买药"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "common.use_buttons"));

    bot.update(tap(RES, "zh", Cb::ErrandKind(Kind::Medicine)));
    bot.dispatch().await;
    let question = trf(ZH, "errands.ask.medicine", &[("max", &NOTE_MAX.to_string())]);
    assert_eq!(last_text(&bot), question);
    assert!(!buttons(&bot).contains(&Cb::NoNote), "medicine has no 'no note'");
    // "No note" from an older message is refused for medicine.
    bot.update(tap(RES, "zh", Cb::NoNote));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    for (wrong, why) in [
        ("   ".to_owned(), tr(ZH, "errands.note.required")),
        ("药".repeat(NOTE_MAX + 1), trf(ZH, "errands.note.too_long", &[("max", &NOTE_MAX.to_string())])),
    ] {
        bot.update(text(RES, "zh", &wrong));
        bot.dispatch().await;
        assert_eq!(texts(&bot), vec![why, question.clone()], "{wrong}");
    }
    bot.update(text(RES, "zh", " 布洛芬缓释胶囊 1 盒 "));
    bot.dispatch().await;
    let summary = last_text(&bot);
    assert!(summary.starts_with(&trf(ZH, "errands.ask.summary", &[("kind", "买药"), ("address", "3号楼 2单元301")])));
    assert!(summary.contains(&trf(ZH, "errands.ask.summary_note", &[("note", "布洛芬缓释胶囊 1 盒")])), "{summary}");
    bot.update(tap(RES, "zh", Cb::ConfirmErrand));
    bot.dispatch().await;
    let id = e.last_errand().await;
    assert_eq!(last_text(&bot), trf(ZH, "errands.created", &[("id", &id.to_string())]));
    assert_eq!(e.errand(id).await, ("open".to_owned(), None, "布洛芬缓释胶囊 1 盒".to_owned()));
    // A second tap of the confirm makes nothing more.
    bot.update(tap(RES, "zh", Cb::ConfirmErrand));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert_eq!(e.last_errand().await, id);
    // The volunteer on duty hears of it (kind and building only); the one off duty does not.
    let told = e.queued(VOL1).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, trf(ZH, "errands.page.new", &[("kind", "买药"), ("building", "3号楼")]));
    assert_eq!(told[0].1, vec![Cb::ClaimErrand(id)]);
    assert!(e.queued(VOL2).await.is_empty());
}

#[tokio::test]
async fn an_english_resident_asks_for_someone_to_talk_to_and_cancels_it() {
    let e = errands().await;
    let mut bot = e.bot(text(RES_EN, "en", "/errand"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "errands.ask.kind"));
    bot.update(tap(RES_EN, "en", Cb::ErrandKind(Kind::Talk)));
    bot.dispatch().await;
    let question =
        trf(EN, "errands.ask.note", &[("kind", &tr(EN, "errands.kind.talk")), ("max", &NOTE_MAX.to_string())]);
    assert_eq!(last_text(&bot), question);
    bot.update(text(RES_EN, "en", &"x".repeat(NOTE_MAX + 1)));
    bot.dispatch().await;
    assert_eq!(
        texts(&bot),
        vec![trf(EN, "errands.note.too_long", &[("max", &NOTE_MAX.to_string())]), question.clone()]
    );
    bot.update(tap(RES_EN, "en", Cb::NoNote));
    bot.dispatch().await;
    let summary = last_text(&bot);
    assert!(summary.contains("Building 3 1单元101"), "{summary}");
    assert!(!summary.contains("Note"), "{summary}");
    bot.update(tap(RES_EN, "en", Cb::ConfirmErrand));
    bot.dispatch().await;
    let id = e.last_errand().await;
    assert_eq!(last_text(&bot), trf(EN, "errands.created", &[("id", &id.to_string())]));

    bot.update(text(RES_EN, "en", "/myerrands"));
    bot.dispatch().await;
    let mine = last_text(&bot);
    assert!(mine.starts_with(&tr(EN, "errands.mine.header")), "{mine}");
    assert!(mine.contains(&tr(EN, "errands.status.open")), "{mine}");
    assert_eq!(buttons(&bot), vec![Cb::CancelErrand(id)]);
    bot.update(tap(RES_EN, "en", Cb::CancelErrand(id)));
    bot.dispatch().await;
    assert_eq!(e.errand(id).await.0, "open", "asked first, not cancelled yet");
    bot.update(tap(RES_EN, "en", Cb::ConfirmCancelErrand(id)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(EN, "errands.mine.cancelled", &[("id", &id.to_string())]));
    assert_eq!(e.errand(id).await.0, "cancelled");
    bot.update(tap(RES_EN, "en", Cb::ConfirmCancelErrand(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "errands.mine.already_cancelled")));
    // Someone else's errand cannot be cancelled by a forged tap.
    drop(bot); // one mock bot at a time
    let other = e.ask(RES, Kind::Other, None).await;
    let mut bot = e.bot(tap(RES_EN, "en", Cb::ConfirmCancelErrand(other)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "errands.mine.cannot_cancel")));
    assert_eq!(e.errand(other).await.0, "open");
}

#[tokio::test]
async fn someone_not_registered_is_told_to_register_first() {
    let e = errands().await;
    let mut bot = e.bot(text(VOL2, "zh", "/errand"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "errands.not_registered"));
    bot.update(text(RES, "zh", "/errands"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "errands.board.only_volunteers"));
}

fn group_text(id: u64, text: &str) -> MockMessageText {
    MockMessageText::new().text(text).from(user(id, "zh")).chat(MockGroupChat::new().id(-100_777).build())
}

#[tokio::test]
async fn errand_commands_in_a_group_get_the_private_chat_button_and_nothing_else() {
    let e = errands().await;
    e.ask(RES, Kind::Medicine, Some("布洛芬")).await;
    let mut bot = e.bot(group_text(RES, "大家好"));
    bot.dispatch().await;
    for (who, command) in [(RES, "/errand"), (RES, "/myerrands"), (VOL1, "/errands"), (OFFICIAL, "/errands")] {
        bot.update(group_text(who, command));
        bot.dispatch().await;
        let sent = &bot.get_responses().sent_messages_text;
        assert_eq!(sent.len(), 1, "{command}");
        assert_eq!(sent[0].message.text(), Some(tr(ZH, "people.group.go_private").as_str()), "{command}");
        let keyboard = format!("{:?}", sent[0].bot_request.reply_markup);
        assert!(keyboard.contains(&tr(ZH, "people.group.open_private")), "{command}: {keyboard}");
        assert!(!keyboard.contains("布洛芬") && !keyboard.contains("301"), "{keyboard}");
    }
}
