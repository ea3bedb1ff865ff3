//! Checkpoint shifts: capacity, the party-member rule, overlaps, the release cutoff,
//! swaps, reminders and no-shows with the test clock, location check-in, forged taps.
//! Attendance (no-shows replaced, check-outs nobody made), the texts (settings, English,
//! plurals) and the officials' setup have their own files in `shifts/`.

mod attendance;
mod profile;
mod setup;
mod texts;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use linli::clock::ManualClock;
use linli::community::{import, CommunityFile};
use linli::i18n::Lang;
use linli::people::store as people;
use linli::shifts::buttons::Cb;
use teloxide_tests::{MockMessageLocation, MockPrivateChat};

use crate::roles::queued_for;
use crate::*;

const PLAIN: u64 = 6001; // neither party member nor experienced
const PLAIN2: u64 = 6002;
const PARTY: u64 = 6003;
const PENDING: u64 = 6004;
const XUEFU_VOL: u64 = 6005;
/// An approved volunteer who reads English.
const EN_VOL: u64 = 6006;
const OFFICIAL: u64 = 6100;
/// A registered resident who never volunteered.
const RESIDENT: u64 = 6200;

const CHECKPOINTS: &str = r#"
[subdistrict]
name = "航海西路街道"
name_en = "Hanghai West Road Subdistrict"
timezone = "Asia/Shanghai"

[[community]]
name = "帝湖社区"
name_en = "Dihu Community"
buildings = ["1号楼"]

  [[community.checkpoint]]
  name = "帝湖花园西王府门口"
  name_en = "Dihu Garden West Gate"
  latitude = 34.7566
  longitude = 113.5937
  radius_m = 150
    [[community.checkpoint.shift]]
    start = "08:00"
    end = "16:00"
    capacity = 2
    min_senior = 1

  [[community.checkpoint]]
  name = "东门"
  name_en = "East Gate"
    [[community.checkpoint.shift]]
    start = "08:00"
    end = "16:00"
    capacity = 2
    min_senior = 0

[[community]]
name = "学府社区"
name_en = "Xuefu Community"
buildings = ["1号楼"]
"#;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Duty {
    world: World,
    app: Arc<linli::App>,
    clock: Arc<ManualClock>,
    /// 帝湖花园西王府门口 and 东门, tomorrow 08:00–16:00 Shanghai.
    west: i64,
    east: i64,
}

async fn duty() -> Duty {
    duty_with(linli::config::ShiftRules::default()).await
}

/// The duty world with these shift settings (reminder hours, release cutoff).
async fn duty_with(rules: linli::config::ShiftRules) -> Duty {
    let world = World::new().await;
    import(&world.app.writer, &CommunityFile::parse(CHECKPOINTS).unwrap()).await.unwrap();
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    // Friday 2026-11-27 08:00 in Shanghai.
    let clock = ManualClock::new(utc("2026-11-27T00:00:00Z"));
    let settings = linli::config::Settings { shifts: rules, ..world.app.settings.clone() };
    let app = linli::App::with_clock(world.app.db(), settings, clock.clone());
    for (user, community, role, status, party) in [
        (PLAIN, dihu, "volunteer", "approved", false),
        (PLAIN2, dihu, "volunteer", "approved", false),
        (PARTY, dihu, "volunteer", "approved", true),
        (PENDING, dihu, "volunteer", "pending", true),
        (XUEFU_VOL, xuefu, "volunteer", "approved", true),
        (EN_VOL, dihu, "volunteer", "approved", false),
        (OFFICIAL, dihu, "official", "approved", false),
    ] {
        let lang = if user == EN_VOL { Lang::En } else { Lang::ZhCn };
        people::upsert_user(
            &mut world.pool().acquire().await.unwrap(),
            chrono::Utc::now(),
            user as i64,
            &format!("志愿者{user}"),
            lang,
            true,
        )
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO memberships (user_id, community_id, role, status, party_member, created_at) VALUES (?, ?, ?, ?, ?, 'now')",
        )
        .bind(user as i64)
        .bind(community)
        .bind(role)
        .bind(status)
        .bind(party)
        .execute(world.pool())
        .await
        .unwrap();
    }
    let mut conn = world.pool().acquire().await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    linli::shifts::store::generate(&mut conn, chrono::Utc::now(), today, 3, chrono_tz::Asia::Shanghai).await.unwrap();
    drop(conn);
    let shift = |name: &'static str| {
        let pool = world.pool().clone();
        async move {
            let (id,): (i64,) = sqlx::query_as(
                "SELECT s.id FROM shifts s JOIN checkpoints c ON c.id = s.checkpoint_id WHERE c.name = ? AND s.day = '2026-11-28'",
            )
            .bind(name)
            .fetch_one(&pool)
            .await
            .unwrap();
            id
        }
    };
    let (west, east) = (shift("帝湖花园西王府门口").await, shift("东门").await);
    Duty { world, app, clock, west, east }
}

impl Duty {
    fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    async fn claims(&self, shift: i64) -> Vec<i64> {
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT user_id FROM shift_claims WHERE shift_id = ? ORDER BY user_id")
            .bind(shift)
            .fetch_all(self.world.pool())
            .await
            .unwrap();
        rows.into_iter().map(|(u,)| u).collect()
    }

    fn runner(&self) -> linli::jobs::Runner {
        linli::jobs::Runner::new(self.app.clone(), linli::shifts::jobs::register(linli::jobs::Registry::new()))
    }

    /// The shifts slice's recurring jobs, as at the bot's start.
    async fn start_jobs(&self) {
        let mut conn = self.world.pool().acquire().await.unwrap();
        (linli::shifts::SLICE.setup.unwrap())(&mut conn, &self.app).await.unwrap();
    }

    /// The messages queued for `chat`, with the shifts buttons under each.
    async fn queued(&self, chat: u64) -> Vec<(String, Vec<Cb>)> {
        let queued = self.world.queued_texts(chat).await;
        queued.into_iter().map(|(text, kb)| (text, kb.map(|k| cbs(&k)).unwrap_or_default())).collect()
    }
}

/// The shifts buttons of a keyboard, decoded.
fn cbs(kb: &teloxide::types::InlineKeyboardMarkup) -> Vec<Cb> {
    decoded(kb)
}

/// The shifts buttons under the last message the bot sent.
fn buttons(bot: &TestBot) -> Vec<Cb> {
    last_buttons(bot)
}

#[tokio::test]
async fn capacity_party_member_rule_and_overlaps_hold() {
    let d = duty().await;
    let mut bot = d.bot(text(PLAIN, "zh", "/shifts"));
    bot.dispatch().await;
    bot.update(tap(PLAIN, "zh", Cb::ShiftDay { day: 1, page: 0 }));
    bot.dispatch().await;
    let board = last_text(&bot);
    assert!(board.contains("帝湖花园西王府门口 08:00–16:00 0/2") && board.contains("还需1名党员"), "{board}");

    bot.update(tap(PLAIN, "zh", Cb::ClaimShift(d.west)));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with("已认领：帝湖花园西王府门口"));
    // The last place is kept for a party member or experienced volunteer.
    bot.update(tap(PLAIN2, "zh", Cb::ClaimShift(d.west)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(trf(ZH, "shifts.refused.needs_senior", &[("missing", "1")])));
    bot.update(tap(PARTY, "zh", Cb::ClaimShift(d.west)));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with("已认领"));
    bot.update(tap(PLAIN2, "zh", Cb::ClaimShift(d.west)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "shifts.refused.full")));
    // One claim per volunteer per shift; no overlapping shifts.
    bot.update(tap(PLAIN, "zh", Cb::ClaimShift(d.west)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "shifts.refused.already")));
    bot.update(tap(PLAIN, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "shifts.refused.overlaps")));
    assert_eq!(d.claims(d.west).await, vec![PLAIN as i64, PARTY as i64]);
    let (taken, seniors): (i64, i64) = sqlx::query_as("SELECT taken, seniors_taken FROM shifts WHERE id = ?")
        .bind(d.west)
        .fetch_one(d.world.pool())
        .await
        .unwrap();
    assert_eq!((taken, seniors), (2, 1));
}

#[tokio::test]
async fn unapproved_and_other_community_volunteers_are_refused() {
    let d = duty().await;
    let mut bot = d.bot(tap(PENDING, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "shifts.refused.not_approved")));
    // A 学府 volunteer forging a claim on a 帝湖 shift.
    bot.update(tap(XUEFU_VOL, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "shifts.refused.other_community")));
    assert!(d.claims(d.east).await.is_empty());
}

#[tokio::test]
async fn release_cutoff_swap_and_forged_taps_on_someone_elses_claim() {
    let d = duty().await;
    let mut bot = d.bot(tap(PLAIN, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    // Another volunteer cannot release, check in or take what was not offered.
    for forged in [Cb::ReleaseShift(d.east), Cb::CheckIn(d.east), Cb::CheckOut(d.east)] {
        bot.update(tap(PLAIN2, "zh", forged));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(ZH, "shifts.not_yours")), "{forged:?}");
    }
    bot.update(tap(PLAIN2, "zh", Cb::TakeOffer { shift_id: d.east, giver: PLAIN as i64 }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "shifts.offer_gone")));
    // Nor can a volunteer remove someone, as officials can.
    bot.update(tap(PLAIN2, "zh", Cb::RemoveFromShift { shift_id: d.east, user_id: PLAIN as i64 }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    assert_eq!(d.claims(d.east).await, vec![PLAIN as i64]);

    // An hour before the start, releasing is closed to the volunteer…
    d.clock.set(utc("2026-11-27T23:00:00Z"));
    bot.update(tap(PLAIN, "zh", Cb::ReleaseShift(d.east)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(trf(ZH, "shifts.release_cutoff", &[("cutoff", "2 小时"), ("deadline", "06:00")])));
    // …but a swap is still possible: offer, someone takes it, both are told.
    bot.update(tap(PLAIN, "zh", Cb::OfferShift(d.east)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "shifts.offered"));
    // It is now 07:00 on the shift's day in Shanghai: "today" on the board.
    bot.update(tap(PLAIN2, "zh", Cb::ShiftDay { day: 0, page: 0 }));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("有人转让"), "{}", last_text(&bot));
    bot.update(tap(PLAIN2, "zh", Cb::TakeOffer { shift_id: d.east, giver: PLAIN as i64 }));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with("您已接替"));
    assert_eq!(d.claims(d.east).await, vec![PLAIN2 as i64]);
    let told = queued_for(&d.world, PLAIN).await;
    assert!(told.last().unwrap().0.contains("接替了您"), "{told:?}");

    // An official can still remove someone after the cutoff; the volunteer is told.
    bot.update(tap(OFFICIAL, "zh", Cb::RemoveFromShift { shift_id: d.east, user_id: PLAIN2 as i64 }));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "shifts.removed"));
    assert!(d.claims(d.east).await.is_empty());
    assert!(queued_for(&d.world, PLAIN2).await.last().unwrap().0.starts_with("社区工作人员取消了"));
}

#[tokio::test]
async fn reminders_and_the_no_show_alert_follow_the_clock() {
    let d = duty().await;
    // Claimed 16 h before the start: both reminders are ahead.
    let mut bot = d.bot(tap(PLAIN, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    let runner = d.runner();
    let start = utc("2026-11-28T00:00:00Z");
    d.clock.set(start - Duration::hours(12) - Duration::seconds(1));
    runner.tick().await.unwrap(); // today's shifts' no-show checks (nobody on them)
    assert!(queued_for(&d.world, PLAIN).await.is_empty(), "not before 12 h");
    d.clock.set(start - Duration::hours(12));
    assert_eq!(runner.tick().await.unwrap(), 1);
    let reminders = queued_for(&d.world, PLAIN).await;
    assert_eq!(reminders.len(), 1);
    assert!(reminders[0].0.contains("东门") && reminders[0].0.contains("08:00–16:00"), "{}", reminders[0].0);
    d.clock.set(start - Duration::hours(1));
    runner.tick().await.unwrap();
    assert_eq!(queued_for(&d.world, PLAIN).await.len(), 2);

    // Nobody checks in: 15 minutes after the start the officials are alerted.
    d.clock.set(start + Duration::minutes(14));
    runner.tick().await.unwrap();
    assert!(queued_for(&d.world, OFFICIAL).await.is_empty());
    d.clock.set(start + Duration::minutes(15));
    runner.tick().await.unwrap();
    let alerts = queued_for(&d.world, OFFICIAL).await;
    assert_eq!(alerts.len(), 1, "one alert for the one shift with a no-show");
    assert!(alerts[0].0.contains("东门") && alerts[0].0.contains("User6001"), "{}", alerts[0].0);
    let (no_show,): (bool,) = sqlx::query_as("SELECT no_show FROM shift_claims WHERE shift_id = ?")
        .bind(d.east)
        .fetch_one(d.world.pool())
        .await
        .unwrap();
    assert!(no_show, "the absence is recorded");
}

#[tokio::test]
async fn the_roster_marks_gaps_and_missing_party_members_for_officials_only() {
    let d = duty().await;
    let mut bot = d.bot(tap(PLAIN, "zh", Cb::ClaimShift(d.west)));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::RosterDay(1)));
    bot.dispatch().await;
    let roster = last_text(&bot);
    assert!(roster.contains("❗ 1. 帝湖花园西王府门口 08:00–16:00 1/2"), "{roster}");
    assert!(roster.contains("⚠️ 2. 东门 08:00–16:00 0/2"), "{roster}");
    bot.update(text(PLAIN, "zh", "/roster"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));
    // The official assigns a party member to the gap; the volunteer is told.
    bot.update(tap(OFFICIAL, "zh", Cb::Assign { shift_id: d.west, user_id: PARTY as i64 }));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "shifts.assigned"));
    assert_eq!(d.claims(d.west).await, vec![PLAIN as i64, PARTY as i64]);
    assert!(queued_for(&d.world, PARTY).await[0].0.starts_with("社区工作人员为您安排了班次"));
}
