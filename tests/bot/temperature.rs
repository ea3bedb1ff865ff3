//! Temperatures twice a day for isolated households: the prompts at both times with the
//! test clock (every account of an isolated household, no one else), the fever alert to
//! the officials only, the missed-report reminder after an hour and the officials' list
//! after two, the read API the officials' view uses, and the erasure of a person's
//! temperatures. The reporting dialogue, household members and privacy in groups are in
//! `temperature/`.

mod dialogue;
mod family;

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use linli::clock::ManualClock;
use linli::health::isolation::model::Kind;
use linli::health::isolation::store::{mark, NewIsolation};
use linli::health::temperature::buttons::Cb;
use linli::health::temperature::model::{Slot, SlotOf};
use linli::health::temperature::store;
use linli::i18n::Lang;
use linli::people::store as people;

use crate::*;

/// 帝湖社区 3号楼 2单元301, isolated: a Chinese and an English reader.
const HOME_ZH: u64 = 7001;
const HOME_EN: u64 = 7002;
/// Next door (2单元302), not isolated.
const NEIGHBOUR: u64 = 7003;
/// 学府社区, not isolated.
const ELSEWHERE: u64 = 7004;
const OFFICIAL: u64 = 7100;
const EN_OFFICIAL: u64 = 7101;
/// An approved volunteer of 帝湖 who is no resident.
const VOLUNTEER: u64 = 7200;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A local time on Sunday 29 November 2026 in Shanghai.
fn at(hhmm: &str) -> DateTime<Utc> {
    utc(&format!("2026-11-29T{hhmm}:00+08:00"))
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

struct Ward {
    world: World,
    app: Arc<linli::App>,
    clock: Arc<ManualClock>,
    dihu: i64,
}

async fn ward() -> Ward {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let b3 = world.building(dihu, "3号楼").await;
    let x1 = world.building(xuefu, "1号楼").await;
    let clock = ManualClock::new(at("07:00"));
    let app = linli::App::with_clock(world.app.db(), world.app.settings.clone(), clock.clone());
    let mut conn = world.pool().acquire().await.unwrap();
    for (user, name, lang, community, building, unit_room) in [
        (HOME_ZH, "王芳", Lang::ZhCn, dihu, b3, "2单元301"),
        (HOME_EN, "Li Wei", Lang::En, dihu, b3, "2单元 301"),
        (NEIGHBOUR, "张伟", Lang::ZhCn, dihu, b3, "2单元302"),
        (ELSEWHERE, "刘洋", Lang::ZhCn, xuefu, x1, "101"),
    ] {
        people::upsert_user(&mut world.pool().acquire().await.unwrap(), Utc::now(), user as i64, name, lang, true)
            .await
            .unwrap();
        let r = people::NewResident {
            community_id: community,
            building_id: building,
            unit_room,
            household_size: 3,
            phone: Some("13800000000"),
        };
        assert!(people::save_resident(&mut conn, Utc::now(), user as i64, &r).await.unwrap());
    }
    for (user, role, lang) in
        [(OFFICIAL, "official", Lang::ZhCn), (EN_OFFICIAL, "official", Lang::En), (VOLUNTEER, "volunteer", Lang::ZhCn)]
    {
        people::upsert_user(
            &mut world.pool().acquire().await.unwrap(),
            Utc::now(),
            user as i64,
            &format!("干部{user}"),
            lang,
            true,
        )
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, ?, 'approved', 'now')",
        )
        .bind(user as i64)
        .bind(dihu)
        .bind(role)
        .execute(world.pool())
        .await
        .unwrap();
    }
    let isolation = NewIsolation {
        community_id: dihu,
        building_id: b3,
        unit_room: "2单元301",
        kind: Kind::Home,
        starts_on: day() - Duration::days(2),
        ends_on: day() + Duration::days(11),
        declared_by: None,
        decided_by: None,
    };
    mark(&mut conn, Utc::now(), &isolation).await.unwrap();
    drop(conn);
    Ward { world, app, clock, dihu }
}

impl Ward {
    fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    /// The slice's daily jobs, as at the bot's start.
    async fn start_jobs(&self) {
        let mut conn = self.world.pool().acquire().await.unwrap();
        (linli::health::temperature::SLICE.setup.unwrap())(&mut conn, &self.app).await.unwrap();
    }

    /// Moves the clock to `hhmm` and runs whatever became due.
    async fn run_at(&self, hhmm: &str) {
        self.clock.set(at(hhmm));
        let runner = linli::jobs::Runner::new(self.app.clone(), linli::bot::slice::job_registry());
        while runner.tick().await.unwrap() > 0 {}
    }

    async fn queued(&self, chat: u64) -> Vec<(String, Vec<Cb>)> {
        let queued = self.world.queued_texts(chat).await;
        queued.into_iter().map(|(text, kb)| (text, kb.map(|k| cbs(&k)).unwrap_or_default())).collect()
    }

    /// (user or member, tenths, symptoms) of the day's reports of a slot.
    async fn reports(&self, slot: &str) -> Vec<(Option<i64>, Option<i64>, i64, i64)> {
        sqlx::query_as(
            "SELECT user_id, member_id, tenths, symptoms FROM temperature_reports WHERE day = ? AND slot = ? ORDER BY id",
        )
        .bind(day())
        .bind(slot)
        .fetch_all(self.world.pool())
        .await
        .unwrap()
    }

    async fn name_of(&self, user: u64) -> String {
        people_name(self.world.pool(), user).await
    }

    /// Adds a member to the isolated household (3号楼 2单元301).
    async fn add_member(&self, name: &str) -> i64 {
        let b3 = self.world.building(self.dihu, "3号楼").await;
        let household = store::Household { community_id: self.dihu, building_id: b3, key: "2单元301".into() };
        let mut conn = self.world.pool().acquire().await.unwrap();
        store::add_member(&mut conn, Utc::now(), &household, name, HOME_ZH as i64).await.unwrap().unwrap()
    }
}

/// A morning prompt's value tapped by `user` (Chinese), for `whom` when the household has
/// members, with no symptoms.
async fn report_tapped(bot: &mut TestBot, user: u64, tenths: u16, whom: Option<i64>) {
    bot.update(tap(user, "zh", quick(Slot::Morning, tenths)));
    bot.dispatch().await;
    if let Some(whom) = whom {
        bot.update(tap(user, "zh", Cb::Whom(whom)));
        bot.dispatch().await;
    }
    bot.update(tap(user, "zh", Cb::NoSymptoms));
    bot.dispatch().await;
}

async fn people_name(pool: &sqlx::SqlitePool, user: u64) -> String {
    let (name,): (String,) =
        sqlx::query_as("SELECT display_name FROM users WHERE id = ?").bind(user as i64).fetch_one(pool).await.unwrap();
    name
}

/// The temperature buttons of a keyboard, decoded.
fn cbs(kb: &teloxide::types::InlineKeyboardMarkup) -> Vec<Cb> {
    decoded(kb)
}

/// The temperature buttons under the last message the bot sent.
fn buttons(bot: &TestBot) -> Vec<Cb> {
    last_buttons(bot)
}

fn slot_of(slot: Slot) -> SlotOf {
    SlotOf { day: day(), slot }
}

fn quick(slot: Slot, tenths: u16) -> Cb {
    Cb::Quick { day: slot_of(slot).day_number(), slot, tenths }
}

fn slot_label(lang: Lang, slot: Slot) -> String {
    linli::health::temperature::view::slot_label(lang, slot_of(slot))
}

#[tokio::test]
async fn prompts_at_both_times_reach_every_account_of_an_isolated_household_and_no_one_else() {
    let w = ward().await;
    w.start_jobs().await;
    w.start_jobs().await; // a restart schedules nothing twice
    w.run_at("07:59").await;
    assert!(w.queued(HOME_ZH).await.is_empty(), "nothing before the morning prompt");
    w.run_at("08:00").await;
    for (user, lang) in [(HOME_ZH, Lang::ZhCn), (HOME_EN, Lang::En)] {
        let queued = w.queued(user).await;
        assert_eq!(queued.len(), 1, "{user}: {queued:?}");
        let (text, buttons) = &queued[0];
        let expected = trf(lang.code(), "temperature.prompt.text", &[("slot", &slot_label(lang, Slot::Morning))]);
        assert_eq!(*text, expected);
        // 36.2 … 37.2, then "≥ 37.3" and "other", all for this morning.
        assert_eq!(buttons.len(), 13, "{buttons:?}");
        assert_eq!(buttons[0], quick(Slot::Morning, 362));
        assert_eq!(buttons[10], quick(Slot::Morning, 372));
        assert_eq!(buttons[12], Cb::Other { day: slot_of(Slot::Morning).day_number(), slot: Slot::Morning });
    }
    for other in [NEIGHBOUR, ELSEWHERE, OFFICIAL, VOLUNTEER] {
        assert!(w.queued(other).await.is_empty(), "{other} is not isolated");
    }
    w.run_at("14:00").await;
    let afternoon = w.queued(HOME_ZH).await;
    // The morning prompt, the morning reminder (09:00: nobody reported), the afternoon one.
    let last = afternoon.last().unwrap();
    assert_eq!(last.0, trf(ZH, "temperature.prompt.text", &[("slot", &slot_label(Lang::ZhCn, Slot::Afternoon))]));
    assert_eq!(last.1[0], quick(Slot::Afternoon, 362));
    let prompts = afternoon.iter().filter(|(t, _)| t.starts_with("【体温上报】")).count();
    assert_eq!(prompts, 2, "{afternoon:?}");
    assert!(w.queued(NEIGHBOUR).await.is_empty());
}

#[tokio::test]
async fn a_fever_alerts_the_officials_at_once_in_their_language_and_not_the_volunteers() {
    let w = ward().await;
    w.clock.set(at("08:30"));
    let mut bot =
        w.bot(tap(HOME_ZH, "zh", Cb::Other { day: slot_of(Slot::Morning).day_number(), slot: Slot::Morning }));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "temperature.ask_value", &[("slot", &slot_label(Lang::ZhCn, Slot::Morning))]));
    bot.update(text(HOME_ZH, "zh", "38.2"));
    bot.dispatch().await;
    bot.update(tap(HOME_ZH, "zh", Cb::Toggle(linli::health::temperature::model::Symptom::Cough)));
    bot.dispatch().await;
    bot.update(tap(HOME_ZH, "zh", Cb::SymptomsDone));
    bot.dispatch().await;
    let told = last_text(&bot);
    assert!(told.ends_with(&tr(ZH, "temperature.fever_told")), "{told}");
    let name = w.name_of(HOME_ZH).await;
    for (official, lang) in [(OFFICIAL, Lang::ZhCn), (EN_OFFICIAL, Lang::En)] {
        // At once when the value is saved (before the symptoms are asked), then again with
        // the symptoms given.
        let queued = w.queued(official).await;
        assert_eq!(queued.len(), 2, "{queued:?}");
        let building = if lang == Lang::En { "Building 3" } else { "3号楼" };
        for (alert, symptoms) in [
            (&queued[0].0, tr(lang.code(), "temperature.symptoms_pending")),
            (&queued[1].0, tr(lang.code(), "temperature.symptom.cough")),
        ] {
            let expected = trf(
                lang.code(),
                "temperature.fever_alert",
                &[
                    ("address", &format!("{building} 2单元301")),
                    ("name", &name),
                    ("temp", "38.2℃"),
                    ("symptoms", &symptoms),
                    ("phone", "13800000000"),
                ],
            );
            assert_eq!(*alert, expected);
        }
    }
    let (urgent,): (i64,) = sqlx::query_as("SELECT count(*) FROM outbox WHERE chat_id = ? AND priority = 10")
        .bind(OFFICIAL as i64)
        .fetch_one(w.world.pool())
        .await
        .unwrap();
    assert_eq!(urgent, 2, "the alerts overtake the queue");
    // Each alert carries the errands slice's button: open medical help for the household.
    use linli::bot::CallbackData;
    let (_, Some(kb)) = &w.world.queued_texts(OFFICIAL).await[0] else { panic!("the alert has a keyboard") };
    let data: Vec<_> = kb
        .inline_keyboard
        .iter()
        .flatten()
        .filter_map(|b| match &b.kind {
            teloxide::types::InlineKeyboardButtonKind::CallbackData(d) => {
                linli::health::errands::buttons::Cb::decode(d)
            }
            _ => None,
        })
        .collect();
    assert_eq!(data, vec![linli::health::errands::buttons::Cb::MedicalHelp(HOME_ZH as i64)]);
    assert!(w.queued(VOLUNTEER).await.is_empty(), "volunteers never see a temperature");
    // Changed within the slot but still a fever: no second alert; back to normal and up
    // again: a new one.
    for (value, alerts) in [("38.5", 2), ("36.8", 2), ("37.5", 3)] {
        bot.update(text(HOME_ZH, "zh", "/temp"));
        bot.dispatch().await;
        bot.update(text(HOME_ZH, "zh", value));
        bot.dispatch().await;
        bot.update(tap(HOME_ZH, "zh", Cb::NoSymptoms));
        bot.dispatch().await;
        assert_eq!(w.queued(OFFICIAL).await.len(), alerts, "after {value}");
    }
    assert_eq!(w.reports("morning").await, vec![(Some(HOME_ZH as i64), None, 375, 0)], "one row, changed");
}

#[tokio::test]
async fn missed_reports_remind_the_household_after_an_hour_and_reach_the_officials_after_two() {
    let w = ward().await;
    w.add_member("王小明").await;
    w.start_jobs().await;
    w.run_at("08:00").await;
    // The Chinese reader reports for herself; her English housemate and the child do not.
    let mut bot = w.bot(text(HOME_ZH, "zh", "/help"));
    report_tapped(&mut bot, HOME_ZH, 365, Some(0)).await;
    let (zh_name, en_name) = (w.name_of(HOME_ZH).await, w.name_of(HOME_EN).await);
    w.run_at("08:59").await;
    assert_eq!(w.queued(HOME_EN).await.len(), 1, "no reminder before the hour");
    w.run_at("09:00").await;
    for (user, lang) in [(HOME_ZH, Lang::ZhCn), (HOME_EN, Lang::En)] {
        let queued = w.queued(user).await;
        let (reminder, buttons) = queued.last().unwrap();
        let sep = if lang == Lang::En { ", " } else { "、" };
        let names = format!("{en_name}{sep}王小明");
        let expected =
            trf(lang.code(), "temperature.reminder", &[("slot", &slot_label(lang, Slot::Morning)), ("names", &names)]);
        assert_eq!(*reminder, expected, "{user}");
        assert!(!reminder.contains(&zh_name), "who reported is not named");
        assert_eq!(buttons[0], quick(Slot::Morning, 362));
    }
    assert!(w.queued(NEIGHBOUR).await.is_empty());
    assert!(w.queued(OFFICIAL).await.is_empty(), "officials wait for the second hour");
    w.run_at("10:00").await;
    let list = w.queued(OFFICIAL).await;
    assert_eq!(list.len(), 1, "{list:?}");
    let header =
        trf(ZH, "temperature.missing.header", &[("slot", &slot_label(Lang::ZhCn, Slot::Morning)), ("count", "2")]);
    assert_eq!(list[0].0, format!("{header}\n3号楼\n· 2单元301 {en_name}、王小明"));
    let en_list = &w.queued(EN_OFFICIAL).await[0].0;
    assert!(en_list.contains("\nBuilding 3\n· 2单元301 "), "{en_list}");
    assert!(w.queued(VOLUNTEER).await.is_empty(), "the list is for officials only");
}

#[tokio::test]
async fn the_officials_figures_count_subjects_and_reports_of_the_slots_due() {
    let w = ward().await;
    let b3 = w.world.building(w.dihu, "3号楼").await;
    w.add_member("王奶奶").await;
    assert_eq!(store::slots_due(&w.app, at("07:59")), 0);
    assert_eq!(store::slots_due(&w.app, at("08:00")), 1);
    assert_eq!(store::slots_due(&w.app, at("20:00")), 2);
    w.clock.set(at("09:00"));
    let mut bot = w.bot(text(HOME_ZH, "zh", "/help"));
    report_tapped(&mut bot, HOME_ZH, 380, Some(0)).await;
    let mut conn = w.world.pool().acquire().await.unwrap();
    let households = store::household_reports(&mut conn, w.dihu, day(), 1).await.unwrap();
    assert_eq!(
        households,
        vec![store::HouseholdReports {
            building_id: b3,
            household: "2单元301".into(),
            expected: 3,
            reported: 1,
            fevers: 1
        }]
    );
    let figures = store::day_figures(&mut conn, w.dihu, day(), 2).await.unwrap();
    assert_eq!(figures, store::DayFigures { expected: 6, reported: 1, fevers: 1 });
    let xuefu = w.world.community("学府社区").await;
    assert_eq!(store::day_figures(&mut conn, xuefu, day(), 2).await.unwrap(), store::DayFigures::default());
}

#[tokio::test]
async fn erasing_a_person_deletes_their_temperatures_and_keeps_the_members_they_added() {
    let w = ward().await;
    let child = w.add_member("王小明").await;
    w.clock.set(at("09:00"));
    let mut bot = w.bot(text(HOME_ZH, "zh", "/help"));
    report_tapped(&mut bot, HOME_ZH, 365, Some(0)).await;
    report_tapped(&mut bot, HOME_ZH, 366, Some(child)).await;
    assert_eq!(w.reports("morning").await.len(), 2);
    let mut conn = w.world.pool().acquire().await.unwrap();
    let who = linli::bot::slice::Erasing { user_id: HOME_ZH as i64, anonymous_id: -5, now: Utc::now() };
    let erasures = (linli::health::temperature::SLICE.erase.unwrap())(&mut conn, &w.app, who).await.unwrap();
    assert!(erasures.is_empty());
    assert_eq!(w.reports("morning").await, vec![(None, Some(child), 366, 0)], "the child's report stays");
    let (added_by,): (i64,) = sqlx::query_as("SELECT added_by FROM household_members WHERE id = ?")
        .bind(child)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(added_by, -5);
    let (reported_by,): (i64,) =
        sqlx::query_as("SELECT reported_by FROM temperature_reports").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(reported_by, -5);
}
