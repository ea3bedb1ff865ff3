//! Isolated households: an official marks an address (everyone registered there is
//! covered, including whoever registers later), a resident declares and an official
//! confirms once, the officials' list, lifting, the CSV, the nightly end, and who may not.

mod list;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use linli::clock::ManualClock;
use linli::health::isolation::buttons::Cb;
use linli::health::isolation::model::Kind;
use linli::health::isolation::store as isolation;
use linli::i18n::Lang;
use linli::people::store as people;

use crate::roles::make_member;
use crate::*;

const OFFICIAL: u64 = 7100;
/// An official of 学府社区, not of 帝湖社区.
const XUEFU_OFFICIAL: u64 = 7101;
const VOLUNTEER: u64 = 7150;
/// 3号楼 2单元301, Chinese.
const R1: u64 = 7201;
/// The same household, typed "2单元 301", English.
const R2: u64 = 7202;
/// The neighbours, 3号楼 2单元302.
const R3: u64 = 7203;
/// Registers at 2单元301 after it was marked.
const LATER: u64 = 7204;

pub struct Homes {
    pub world: World,
    pub app: Arc<linli::App>,
    pub clock: Arc<ManualClock>,
    pub dihu: i64,
    pub b3: i64,
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 帝湖社区 on Sunday 2026-11-29, 10:00 in Shanghai, with its officials, a volunteer and
/// three residents of 3号楼.
pub async fn homes() -> Homes {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let b3 = world.building(dihu, "3号楼").await;
    let clock = ManualClock::new(utc("2026-11-29T02:00:00Z"));
    let app = linli::App::with_clock(world.app.db(), world.app.settings.clone(), clock.clone());
    make_member(&world, OFFICIAL, dihu, "official", "approved").await;
    make_member(&world, XUEFU_OFFICIAL, xuefu, "official", "approved").await;
    make_member(&world, VOLUNTEER, dihu, "volunteer", "approved").await;
    let homes = Homes { world, app, clock, dihu, b3 };
    homes.resident(R1, Lang::ZhCn, "2单元301").await;
    homes.resident(R2, Lang::En, "2单元 301").await;
    homes.resident(R3, Lang::ZhCn, "2单元302").await;
    homes
}

impl Homes {
    pub fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    /// A resident of 3号楼 at `unit_room`, named "居民<id>".
    pub async fn resident(&self, id: u64, lang: Lang, unit_room: &str) {
        people::upsert_user(
            &mut self.world.pool().acquire().await.unwrap(),
            Utc::now(),
            id as i64,
            &format!("居民{id}"),
            lang,
            true,
        )
        .await
        .unwrap();
        let mut conn = self.world.pool().acquire().await.unwrap();
        let new = people::NewResident {
            community_id: self.dihu,
            building_id: self.b3,
            unit_room,
            household_size: 2,
            phone: Some("13800000000"),
        };
        assert!(people::save_resident(&mut conn, Utc::now(), id as i64, &new).await.unwrap());
    }

    /// Marks 3号楼 `unit_room` isolated from today for `days` days, as an official would.
    pub async fn isolate(&self, unit_room: &str, days: u16) -> i64 {
        let today = self.app.today();
        let mut conn = self.world.pool().acquire().await.unwrap();
        let new = isolation::NewIsolation {
            community_id: self.dihu,
            building_id: self.b3,
            unit_room,
            kind: Kind::Home,
            starts_on: today,
            ends_on: linli::health::isolation::model::end_after(today, days),
            declared_by: None,
            decided_by: Some(OFFICIAL as i64),
        };
        match isolation::mark(&mut conn, self.app.now(), &new).await.unwrap() {
            isolation::Marked::Created(id) => id,
            other => panic!("not marked: {other:?}"),
        }
    }

    pub async fn isolated(&self, user: u64) -> bool {
        let mut conn = self.world.pool().acquire().await.unwrap();
        isolation::isolation_of(&mut conn, user as i64, self.app.today()).await.unwrap().is_some()
    }

    async fn statuses(&self) -> Vec<(String, String)> {
        sqlx::query_as("SELECT status, ends_on FROM isolations ORDER BY id").fetch_all(self.world.pool()).await.unwrap()
    }
}

/// The isolation slice's buttons under the last message the bot sent.
pub fn buttons(bot: &TestBot) -> Vec<Cb> {
    last_buttons(bot)
}

async fn say(bot: &mut TestBot, who: u64, lang: &str, what: &str) -> String {
    bot.update(text(who, lang, what));
    bot.dispatch().await;
    texts(bot).join("\n")
}

async fn press(bot: &mut TestBot, who: u64, lang: &str, cb: Cb) -> String {
    bot.update(tap(who, lang, cb));
    bot.dispatch().await;
    texts(bot).join("\n")
}

#[tokio::test]
async fn an_official_marks_a_household_with_every_wrong_answer_re_asked_and_everyone_there_is_covered() {
    let h = homes().await;
    let mut bot = h.bot(text(OFFICIAL, "zh", "/isolate"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "isolation.ask.building"));
    assert!(buttons(&bot).contains(&Cb::Building(h.b3)));
    press(&mut bot, OFFICIAL, "zh", Cb::Building(h.b3)).await;
    assert!(last_text(&bot).starts_with("3号楼"), "{}", last_text(&bot));

    // An address with no letters or digits, then the real one.
    let got = say(&mut bot, OFFICIAL, "zh", "🏠🏠").await;
    assert!(got.contains(&trf(ZH, "isolation.ask.unit_room", &[("address", "3号楼 ")])), "{got}");
    let got = say(&mut bot, OFFICIAL, "zh", "2单元301").await;
    assert!(got.contains(&trf(ZH, "isolation.registered_here", &[("people", "2 人")])), "{got}");
    assert_eq!(
        buttons(&bot)[..3],
        [Cb::ChooseKind(Kind::Home), Cb::ChooseKind(Kind::Monitoring), Cb::ChooseKind(Kind::Sealed)]
    );

    // Typing at a button step says to use the buttons.
    assert_eq!(say(&mut bot, OFFICIAL, "zh", "居家").await, tr(ZH, "common.use_buttons"));
    press(&mut bot, OFFICIAL, "zh", Cb::ChooseKind(Kind::Home)).await;
    assert_eq!(last_text(&bot), tr(ZH, "isolation.ask.start"));

    // Start: nonsense, a future date, then a typed date two days ago.
    let got = say(&mut bot, OFFICIAL, "zh", "明天").await;
    assert!(got.starts_with(&tr(ZH, "isolation.error.not_a_date")) && got.ends_with(&tr(ZH, "isolation.ask.start")));
    let got = say(&mut bot, OFFICIAL, "zh", "12月5日").await;
    assert!(got.starts_with(&tr(ZH, "isolation.error.start_in_future")), "{got}");
    say(&mut bot, OFFICIAL, "zh", "11月27日").await;
    assert_eq!(last_text(&bot), trf(ZH, "isolation.ask.end", &[("start", "11月27日")]));
    assert_eq!(buttons(&bot)[..3], [Cb::Length(7), Cb::Length(14), Cb::Length(21)]);

    // End: before the start, too long, then 14 days by the button.
    let got = say(&mut bot, OFFICIAL, "zh", "11-20").await;
    assert!(got.starts_with(&tr(ZH, "isolation.error.end_before_start")), "{got}");
    let got = say(&mut bot, OFFICIAL, "zh", "2027-03-01").await;
    assert!(got.starts_with(&trf(ZH, "isolation.error.too_long", &[("days", "60")])), "{got}");
    press(&mut bot, OFFICIAL, "zh", Cb::Length(14)).await;
    let summary = "3号楼 2单元301 · 居家隔离 · 11月27日–12月10日（共 14 天）";
    assert_eq!(last_text(&bot), trf(ZH, "isolation.ask.confirm", &[("summary", summary)]));
    assert!(h.statuses().await.is_empty(), "nothing is recorded before the confirmation");

    press(&mut bot, OFFICIAL, "zh", Cb::Confirm).await;
    assert_eq!(last_text(&bot), trf(ZH, "isolation.marked", &[("isolation", summary), ("people", "2 人")]));
    assert_eq!(h.statuses().await, vec![("active".to_owned(), "2026-12-10".to_owned())]);
    // A second tap on the same confirmation records nothing more.
    bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert_eq!(h.statuses().await.len(), 1);

    // Everyone registered at the address, however they typed it, is covered and told in
    // their language; the neighbours are not.
    assert!(h.isolated(R1).await && h.isolated(R2).await && !h.isolated(R3).await);
    let zh = h.world.queued_texts(R1).await;
    assert_eq!(zh.len(), 1);
    let told =
        trf(ZH, "isolation.told.marked", &[("isolation", summary), ("morning", "08:00"), ("afternoon", "14:00")]);
    assert_eq!(zh[0].0, told);
    let en = h.world.queued_texts(R2).await;
    assert!(en[0].0.contains("Building 3 2单元301 · home isolation · Nov 27–Dec 10 (14 days)"), "{}", en[0].0);
    assert!(en[0].0.contains("08:00") && en[0].0.contains("14:00"), "the settings' times: {}", en[0].0);
    assert!(h.world.queued_texts(R3).await.is_empty());

    // Whoever registers at that address later is covered too.
    h.resident(LATER, Lang::ZhCn, "2单元301 ").await;
    assert!(h.isolated(LATER).await);

    // Marking the same household again is refused with what is there.
    say(&mut bot, OFFICIAL, "zh", "/isolate").await;
    press(&mut bot, OFFICIAL, "zh", Cb::Building(h.b3)).await;
    let got = say(&mut bot, OFFICIAL, "zh", "2单元 301").await;
    assert!(got.contains(&trf(ZH, "isolation.already_open", &[("isolation", summary)])), "{got}");
}

#[tokio::test]
async fn an_isolated_households_only_notice_now_reaches_them_and_no_one_else() {
    let h = homes().await;
    h.isolate("2单元301", 14).await;
    let audience = linli::notices::model::Audience {
        roles: linli::notices::model::RoleSel::Everyone,
        scope: linli::notices::model::Scope::Community(h.dihu),
        isolated_only: true,
        groups: false,
    };
    let mut conn = h.world.pool().acquire().await.unwrap();
    let today = h.app.today();
    let got = linli::notices::store::recipients(&mut conn, &audience, today).await.unwrap();
    assert_eq!(got, vec![R1 as i64, R2 as i64]);
    // After its last day nobody is isolated any more, even before the nightly job ran.
    let after = linli::health::isolation::model::end_after(today, 15);
    assert!(linli::notices::store::recipients(&mut conn, &audience, after).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_resident_declares_in_english_and_one_official_decision_counts() {
    let h = homes().await;
    make_member(&h.world, 7102, h.dihu, "official", "approved").await;
    let mut bot = h.bot(text(R2, "en", "/isolation"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(EN, "isolation.status.none", &[("address", "Building 3 2单元 301")]));
    assert_eq!(buttons(&bot), vec![Cb::Declare]);
    press(&mut bot, R2, "en", Cb::Declare).await;
    assert_eq!(last_text(&bot), trf(EN, "isolation.ask.kind", &[("address", "Building 3 2单元 301")]));
    // A button of another step is refused.
    bot.update(tap(R2, "en", Cb::Length(7)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "common.stale_button")));
    press(&mut bot, R2, "en", Cb::ChooseKind(Kind::Monitoring)).await;
    press(&mut bot, R2, "en", Cb::Start(0)).await;
    press(&mut bot, R2, "en", Cb::Length(7)).await;
    let summary = "Building 3 2单元 301 · home health monitoring · Nov 29–Dec 5 (7 days)";
    assert_eq!(last_text(&bot), trf(EN, "isolation.ask.confirm_declare", &[("summary", summary)]));
    press(&mut bot, R2, "en", Cb::Confirm).await;
    assert_eq!(last_text(&bot), trf(EN, "isolation.declared", &[("isolation", summary)]));
    assert!(!h.isolated(R2).await, "a declaration counts once an official confirms it");

    // Both officials are asked, with the decision buttons.
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM isolations").fetch_one(h.world.pool()).await.unwrap();
    for official in [OFFICIAL, 7102] {
        let asked = h.world.queued_texts(official).await;
        assert!(asked[0].0.contains("User7202") && asked[0].0.contains("居家健康监测"), "{}", asked[0].0);
        let kb = asked[0].1.as_ref().unwrap();
        assert_eq!(kb.inline_keyboard[0].len(), 2);
    }
    // Not an official of this community: refused.
    bot.update(tap(XUEFU_OFFICIAL, "zh", Cb::Accept(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    bot.update(tap(OFFICIAL, "zh", Cb::Accept(id)));
    bot.dispatch().await;
    assert!(h.isolated(R1).await && h.isolated(R2).await, "the whole household");
    // The other official's tap, later, changes nothing.
    bot.update(tap(7102, "zh", Cb::Decline(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "isolation.already_decided")));
    assert_eq!(h.statuses().await[0].0, "active");
    let told = h.world.queued_texts(R2).await;
    assert!(told.last().unwrap().0.starts_with("🏠 The community confirmed"), "{told:?}");

    // /isolation now says so, with the days left.
    let got = say(&mut bot, R2, "en", "/isolation").await;
    assert!(got.contains(summary) && got.contains("7 days left"), "{got}");
    // Declaring again is refused with what is there.
    let got = press(&mut bot, R2, "en", Cb::Declare).await;
    assert!(got.contains(&trf(EN, "isolation.already_open", &[("isolation", summary)])), "{got}");
}

#[tokio::test]
async fn an_isolation_ends_after_its_last_day_and_the_household_is_told() {
    let h = homes().await;
    h.isolate("2单元301", 1).await;
    assert!(h.isolated(R1).await);
    let mut conn = h.world.pool().acquire().await.unwrap();
    (linli::health::isolation::SLICE.setup.unwrap())(&mut conn, &h.app).await.unwrap();
    drop(conn);
    let runner = linli::jobs::Runner::new(h.app.clone(), linli::bot::slice::job_registry());
    // 00:01 next day in Shanghai.
    h.clock.set(utc("2026-11-29T16:01:30Z"));
    while runner.tick().await.unwrap() > 0 {}
    assert_eq!(h.statuses().await[0].0, "ended");
    assert!(!h.isolated(R1).await);
    let told = h.world.queued_texts(R2).await;
    assert!(told.last().unwrap().0.starts_with("🏠 Your household's isolation is over"), "{told:?}");
}

#[tokio::test]
async fn only_the_communitys_officials_mark_list_or_lift() {
    let h = homes().await;
    let id = h.isolate("2单元301", 14).await;
    let mut bot = h.bot(text(R1, "zh", "/help"));
    bot.dispatch().await;
    for (who, command) in [(R1, "/isolated"), (VOLUNTEER, "/isolate"), (R3, "/isolate")] {
        bot.update(text(who, "zh", command));
        bot.dispatch().await;
        assert_eq!(
            texts(&bot),
            vec![tr(ZH, "people.not_allowed")],
            "{who} {command}: {:?}",
            bot.get_responses().sent_messages
        );
    }
    for (who, cb) in [(R1, Cb::Household(id)), (XUEFU_OFFICIAL, Cb::Lift(id)), (VOLUNTEER, Cb::LiftConfirm(id))] {
        bot.update(tap(who, "zh", cb));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")), "{who} {cb:?}");
    }
    assert_eq!(h.statuses().await[0].0, "active");
    // A dialogue button without the dialogue (forged, or after /cancel) is refused.
    bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert_eq!(day("2026-12-12"), linli::health::isolation::model::end_after(h.app.today(), 14));
}
