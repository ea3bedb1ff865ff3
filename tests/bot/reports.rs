//! The daily report: a day with activity and a zero report, both checked against the data
//! put in; submitting once; the deadline's reminder, the administrators' list and the
//! automatic submission; a late submission; who may see and submit; the day typed.

mod chain;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use linli::clock::{millis, ManualClock};
use linli::i18n::Lang;
use linli::people::store as people;
use linli::reports::buttons::{code_day, day_code, Cb};

use crate::roles::make_member;
use crate::*;

/// Officials of 帝湖社区 (Chinese) and 学府社区 (English); a volunteer; residents of 帝湖.
pub const DIHU_OFFICIAL: u64 = 7300;
pub const XUEFU_OFFICIAL: u64 = 7301;
const VOLUNTEER: u64 = 7302;
const R1: u64 = 7311;
const R2: u64 = 7312;
const R3: u64 = 7313;

pub struct Town {
    pub world: World,
    pub app: Arc<linli::App>,
    pub clock: Arc<ManualClock>,
    pub dihu: i64,
    pub xuefu: i64,
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Sunday 2026-11-29 in Shanghai; the clock at 21:05 (13:05Z), when reports are read.
pub async fn town() -> Town {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let clock = ManualClock::new(utc("2026-11-29T13:05:00Z"));
    let app = linli::App::with_clock(world.app.db(), world.app.settings.clone(), clock.clone());
    make_member(&world, DIHU_OFFICIAL, dihu, "official", "approved").await;
    make_member(&world, XUEFU_OFFICIAL, xuefu, "official", "approved").await;
    sqlx::query("UPDATE users SET lang = 'en' WHERE id = ?")
        .bind(XUEFU_OFFICIAL as i64)
        .execute(world.pool())
        .await
        .unwrap();
    make_member(&world, VOLUNTEER, dihu, "volunteer", "approved").await;
    world.add_user(ADMIN, "Admin", Lang::ZhCn).await;
    Town { world, app, clock, dihu, xuefu }
}

impl Town {
    pub fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    pub async fn exec(&self, sql: &str) {
        sqlx::query(sql).execute(self.world.pool()).await.unwrap();
    }

    async fn resident(&self, id: u64, unit_room: &str, at: &str) {
        let b3 = self.world.building(self.dihu, "3号楼").await;
        people::upsert_user(
            &mut self.world.pool().acquire().await.unwrap(),
            utc(at),
            id as i64,
            &format!("居民{id}"),
            Lang::ZhCn,
            true,
        )
        .await
        .unwrap();
        let mut conn = self.world.pool().acquire().await.unwrap();
        let new =
            people::NewResident { community_id: self.dihu, building_id: b3, unit_room, household_size: 2, phone: None };
        assert!(people::save_resident(&mut conn, utc(at), id as i64, &new).await.unwrap());
    }

    /// A day in 帝湖社区, each figure known:
    /// - residents: 3 in 2 households (3号楼 2单元301 ×2, 302), one registered today;
    /// - 2单元301 isolated; 2 temperature reports today, one of them a fever (4 expected at
    ///   21:05: two people, two prompts passed);
    /// - orders: 3 placed today, 1 of them delivered today; 1 placed yesterday 09:12 still
    ///   open (the oldest); 1 delivered yesterday (not today's);
    /// - errands: 1 open, 1 done today;
    /// - shifts: 2 today, one fully staffed (2 people, 8 h each), one short of 2 with a no-show;
    /// - a notice sent today to 4 people, 3 confirmed (75%);
    /// - last night's round: 北门 on duty, 南门 nobody (note, photo), 西门 not visited (it
    ///   was visited tonight, which is tomorrow's report).
    pub async fn busy_day(&self) {
        self.resident(R1, "2单元301", "2026-11-20T02:00:00Z").await;
        self.resident(R2, "2单元301", "2026-11-20T02:00:00Z").await;
        self.resident(R3, "2单元302", "2026-11-29T03:00:00Z").await;
        let (d, b3) = (self.dihu, self.world.building(self.dihu, "3号楼").await);
        let ms = |s: &str| millis(utc(s));
        self.exec(&format!(
            "INSERT INTO isolations (community_id, building_id, household, unit_room, kind, starts_on, ends_on, status, created_at)
             VALUES ({d}, {b3}, '2单元301', '2单元301', 'home', '2026-11-25', '2026-12-08', 'active', 0)"
        ))
        .await;
        for (user, slot, tenths, fever) in [(R1, "morning", 366, 0), (R2, "morning", 385, 1)] {
            self.exec(&format!(
                "INSERT INTO temperature_reports (community_id, building_id, household, user_id, day, slot, tenths, fever, reported_by, reported_at)
                 VALUES ({d}, {b3}, '2单元301', {user}, '2026-11-29', '{slot}', {tenths}, {fever}, {user}, {})",
                ms("2026-11-29T00:30:00Z")
            ))
            .await;
        }
        let orders = [
            ("delivered", "2026-11-29", "2026-11-29T01:00:00Z", Some("2026-11-29T05:00:00Z")),
            ("placed", "2026-11-29", "2026-11-29T02:00:00Z", None),
            ("packed", "2026-11-29", "2026-11-29T03:00:00Z", None),
            ("accepted", "2026-11-28", "2026-11-28T01:12:00Z", None),
            ("received", "2026-11-28", "2026-11-28T01:00:00Z", Some("2026-11-28T06:00:00Z")),
        ];
        for (status, day, placed, delivered) in orders {
            let delivered = delivered.map_or("NULL".to_owned(), |t| ms(t).to_string());
            self.exec(&format!(
                "INSERT INTO orders (resident_id, community_id, building_id, placed_by, status, total_fen, day, placed_at, updated_at, household, delivered_at)
                 VALUES ({R1}, {d}, {b3}, {R1}, '{status}', 1000, '{day}', {p}, {p}, '2单元301', {delivered})",
                p = ms(placed)
            ))
            .await;
        }
        for (status, done) in [("open", "NULL".to_owned()), ("confirmed", ms("2026-11-29T04:00:00Z").to_string())] {
            self.exec(&format!(
                "INSERT INTO errands (community_id, building_id, household, unit_room, requester, opened_by, kind, status, done_at, created_at)
                 VALUES ({d}, {b3}, '2单元301', '2单元301', {R1}, {R1}, 'garbage', '{status}', {done}, {})",
                ms("2026-11-29T01:00:00Z")
            ))
            .await;
        }
        self.exec(&format!(
            "INSERT INTO checkpoints (id, community_id, name, name_en) VALUES (91, {d}, '北门', 'North Gate'), (92, {d}, '南门', 'South Gate'), (93, {d}, '西门', NULL)"
        ))
        .await;
        // Last night's round: 北门 on duty, 南门 nobody there (called, with a photo), 西门 not visited.
        self.exec(&format!(
            "INSERT INTO supervision_visits (checkpoint_id, community_id, night, outcome, people, note, photo, visited_by, visited_at)
             VALUES (91, {d}, '2026-11-28', 'ok', 2, NULL, NULL, {DIHU_OFFICIAL}, 0),
                    (92, {d}, '2026-11-28', 'nobody', 0, '电话无人接', 'photo-file-id', {DIHU_OFFICIAL}, 0),
                    (93, {d}, '2026-11-29', 'ok', 2, NULL, NULL, {DIHU_OFFICIAL}, 0)"
        ))
        .await;
        self.exec("INSERT INTO shift_templates (id, checkpoint_id, start_minute, end_minute, capacity, min_senior) VALUES (91, 91, 480, 960, 2, 1), (92, 91, 960, 1439, 3, 1)").await;
        for (id, template, taken, seniors, start, end) in [
            (91, 91, 2, 1, "2026-11-29T00:00:00Z", "2026-11-29T08:00:00Z"),
            (92, 92, 1, 1, "2026-11-29T08:00:00Z", "2026-11-29T15:59:00Z"),
        ] {
            let cap = if id == 91 { 2 } else { 3 };
            self.exec(&format!(
                "INSERT INTO shifts (id, template_id, checkpoint_id, community_id, day, start_at, end_at, capacity, min_senior, taken, seniors_taken)
                 VALUES ({id}, {template}, 91, {d}, '2026-11-29', {}, {}, {cap}, 1, {taken}, {seniors})",
                ms(start),
                ms(end)
            ))
            .await;
        }
        let (start, end) = (ms("2026-11-29T00:00:00Z"), ms("2026-11-29T08:00:00Z"));
        self.exec(&format!(
            "INSERT INTO shift_claims (shift_id, user_id, senior, claimed_at, checked_in_at, checked_out_at, no_show)
             VALUES (91, {R1}, 1, 0, {start}, {end}, 0), (91, {R2}, 0, 0, {start}, {end}, 0), (92, {R3}, 1, 0, NULL, NULL, 1)"
        ))
        .await;
        self.exec(&format!(
            "INSERT INTO notices (id, community_id, author_id, body, audience, status, send_at, sent_at, recipients, created_at)
             VALUES (91, {d}, {DIHU_OFFICIAL}, '停水通知', '\"All\"', 'sent', {t}, {t}, 4, {t})",
            t = ms("2026-11-29T02:00:00Z")
        ))
        .await;
        self.exec(&format!(
            "INSERT INTO notice_recipients (notice_id, user_id) VALUES (91, {R1}), (91, {R2}), (91, {R3}), (91, {VOLUNTEER})"
        ))
        .await;
        self.exec(&format!(
            "INSERT INTO notice_acks (notice_id, user_id, acked_at) VALUES (91, {R1}, 0), (91, {R2}, 0), (91, {R3}, 0)"
        ))
        .await;
    }

    pub async fn submitted(&self) -> Vec<(i64, String, Option<i64>, bool)> {
        sqlx::query_as("SELECT community_id, day, submitted_by, late FROM daily_reports ORDER BY community_id, day")
            .fetch_all(self.world.pool())
            .await
            .unwrap()
    }

    pub async fn run_jobs_at(&self, at: &str) {
        let mut conn = self.world.pool().acquire().await.unwrap();
        (linli::reports::SLICE.setup.unwrap())(&mut conn, &self.app).await.unwrap();
        drop(conn);
        let runner =
            linli::jobs::Runner::new(self.app.clone(), linli::reports::jobs::register(linli::jobs::Registry::new()));
        self.clock.set(utc(at));
        while runner.tick().await.unwrap() > 0 {}
    }
}

#[tokio::test]
async fn a_days_report_states_each_figure_of_the_data() {
    let t = town().await;
    t.busy_day().await;
    let mut bot = t.bot(text(DIHU_OFFICIAL, "zh", "/report"));
    bot.dispatch().await;
    let got = texts(&bot).join("\n");
    let line = |key: &str, args: &[(&str, &str)]| trf(ZH, key, args);
    for want in [
        line("reports.title", &[("community", "帝湖社区"), ("day", "11月29日"), ("as_of", "21:05")]),
        line("reports.people", &[("residents", "3"), ("households", "2"), ("registered", "1")]),
        line("reports.health", &[("isolated", "1"), ("reported", "2"), ("expected", "4"), ("fevers", "1")]),
        line("reports.orders", &[("placed", "3"), ("delivered", "1"), ("open", "3")])
            + &line("reports.orders_oldest", &[("at", "11月28日 09:12")]),
        line("reports.errands", &[("open", "1"), ("done", "1"), ("overdue", "0")]),
        line("reports.shifts", &[("total", "2"), ("covered", "1"), ("free", "2"), ("no_shows", "1"), ("hours", "16")]),
        line("reports.notices", &[("sent", "1"), ("recipients", "4"), ("confirmed", "3"), ("percent", "75")]),
        line("reports.round", &[("night", "11月28日"), ("visited", "2"), ("checkpoints", "3"), ("problems", "1")]),
        line("reports.round_problem", &[("checkpoint", "南门"), ("kind", &tr(ZH, "supervision.kind.nobody"))])
            + &line("reports.round_note", &[("note", "电话无人接")])
            + " 📷",
        line("reports.round_not_visited", &[("names", "西门")]),
        line("reports.standing.open", &[("due", "22:00"), ("auto", "23:00")]),
    ] {
        assert!(got.contains(&want), "missing {want:?} in:\n{got}");
    }
    assert!(!got.contains(&tr(ZH, "reports.zero")), "{got}");
    // The text comes with its buttons; the chart follows as a photo named in the caption.
    let responses = bot.get_responses();
    let text_message = responses.sent_messages.iter().find(|m| m.text().is_some()).unwrap();
    let buttons = text_message.reply_markup().map(decoded::<Cb>).unwrap_or_default();
    assert_eq!(buttons[0], Cb::Submit { community: t.dihu, day: day_code(t.app.today()) });
    let photos = &responses.sent_messages_photo;
    assert_eq!(photos.len(), 1);
    assert_eq!(
        photos[0].bot_request.caption.as_deref(),
        Some(trf(ZH, "reports.chart_caption", &[("community", "帝湖社区")]).as_str())
    );
    // Nothing about the day after today.
    assert_eq!(buttons.len(), 2, "{buttons:?}");
}

#[tokio::test]
async fn a_day_when_nothing_happened_is_a_zero_report_that_says_so() {
    let t = town().await;
    t.busy_day().await; // in 帝湖社区; 学府社区 had nothing
    let mut bot = t.bot(text(XUEFU_OFFICIAL, "en", "/report"));
    bot.dispatch().await;
    let got = last_text(&bot);
    assert!(
        got.starts_with(&trf(
            EN,
            "reports.title",
            &[("community", "Xuefu Community"), ("day", "Nov 29"), ("as_of", "21:05")]
        )),
        "{got}"
    );
    assert!(got.contains(&tr(EN, "reports.zero")), "{got}");
    assert!(
        got.contains(&trf(EN, "reports.people", &[("residents", "0"), ("households", "0"), ("registered", "0")])),
        "{got}"
    );
    assert!(got.contains(&tr(EN, "reports.health_none")) && got.contains(&tr(EN, "reports.shifts_none")), "{got}");
    assert!(got.contains(&trf(EN, "reports.notices_none", &[("sent", "0")])), "{got}");
    assert!(!got.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "no Chinese for an English reader: {got}");
}

#[tokio::test]
async fn a_submitted_report_keeps_its_figures_and_a_second_tap_submits_nothing() {
    let t = town().await;
    t.busy_day().await;
    let today = day_code(t.app.today());
    let mut bot = t.bot(tap(DIHU_OFFICIAL, "zh", Cb::Submit { community: t.dihu, day: today }));
    bot.dispatch().await;
    assert_eq!(t.submitted().await, vec![(t.dihu, "2026-11-29".to_owned(), Some(DIHU_OFFICIAL as i64), false)]);
    let edited =
        bot.get_responses().edited_messages_text.last().map(|m| m.message.text().unwrap_or_default().to_owned());
    let shown = edited.unwrap_or_else(|| last_text(&bot));
    assert!(
        shown.contains(&trf(ZH, "reports.standing.submitted", &[("name", "User7300"), ("at", "21:05")])),
        "{shown}"
    );

    // Later activity does not change what was submitted.
    t.exec("UPDATE orders SET status = 'delivered', delivered_at = 1 WHERE status = 'placed'").await;
    t.clock.set(utc("2026-11-29T13:30:00Z"));
    bot.update(text(DIHU_OFFICIAL, "zh", "/report"));
    bot.dispatch().await;
    let got = last_text(&bot);
    assert!(got.contains(&trf(ZH, "reports.orders", &[("placed", "3"), ("delivered", "1"), ("open", "3")])), "{got}");
    assert!(!last_buttons::<Cb>(&bot).iter().any(|b| matches!(b, Cb::Submit { .. })), "no second submit button");

    bot.update(tap(DIHU_OFFICIAL, "zh", Cb::Submit { community: t.dihu, day: today }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "reports.already_submitted")));
    assert_eq!(t.submitted().await.len(), 1);
}

#[tokio::test]
async fn only_a_communitys_officials_see_and_submit_its_report() {
    let t = town().await;
    t.busy_day().await;
    let today = day_code(t.app.today());
    let mut bot = t.bot(text(VOLUNTEER, "zh", "/report"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));
    for (who, lang, cb) in [
        (XUEFU_OFFICIAL, EN, Cb::Submit { community: t.dihu, day: today }),
        (VOLUNTEER, ZH, Cb::Open { community: t.dihu, day: today }),
        (XUEFU_OFFICIAL, EN, Cb::Chain(today)),
    ] {
        bot.update(tap(who, lang, cb));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(lang, "people.not_allowed")), "{who} {cb:?}");
    }
    // A day that does not exist, or has not come.
    for day in [i64::MAX, today + 1] {
        bot.update(tap(DIHU_OFFICIAL, "zh", Cb::Submit { community: t.dihu, day }));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")), "{day}");
    }
    bot.update(text(DIHU_OFFICIAL, "zh", "/reports"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));
    assert!(t.submitted().await.is_empty());
    assert_eq!(code_day(today), Some(t.app.today()));
}

#[tokio::test]
async fn a_day_is_typed_as_people_write_it_and_a_wrong_one_says_what_to_type() {
    let t = town().await;
    t.busy_day().await;
    let mut bot = t.bot(text(DIHU_OFFICIAL, "zh", "/report 昨天"));
    bot.dispatch().await;
    let got = last_text(&bot);
    let title =
        trf(ZH, "reports.title", &[("community", "帝湖社区"), ("day", "11月28日"), ("as_of", "11月29日 00:00")]);
    assert!(got.starts_with(&title), "{got}");
    assert!(got.contains(&tr(ZH, "reports.standing.open_late")), "a past day unsubmitted: {got}");
    // Yesterday: one order placed (the one still open) and one delivered.
    assert!(got.contains(&trf(ZH, "reports.orders", &[("placed", "2"), ("delivered", "1"), ("open", "1")])), "{got}");
    bot.update(text(DIHU_OFFICIAL, "zh", "/report 明年"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "reports.bad_day", &[("typed", "明年")]));
    bot.update(text(XUEFU_OFFICIAL, "en", "/report 2026-12-01"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "reports.future_day"));
}

#[tokio::test]
async fn last_nights_round_reads_in_english_with_the_checkpoints_english_names() {
    let t = town().await;
    t.busy_day().await;
    make_member(&t.world, 7320, t.dihu, "official", "approved").await;
    t.exec("UPDATE users SET lang = 'en' WHERE id = 7320").await;
    let mut bot = t.bot(text(7320, "en", "/report"));
    bot.dispatch().await;
    let got = last_text(&bot);
    let want = [
        trf(EN, "reports.round", &[("night", "Nov 28"), ("visited", "2"), ("checkpoints", "3"), ("problems", "1")]),
        trf(EN, "reports.round_problem", &[("checkpoint", "South Gate"), ("kind", &tr(EN, "supervision.kind.nobody"))]),
        trf(EN, "reports.round_not_visited", &[("names", "西门")]),
    ];
    for w in want {
        assert!(got.contains(&w), "missing {w:?} in:\n{got}");
    }
}

#[tokio::test]
async fn the_charts_fourteen_days_count_each_day_of_the_data() {
    let t = town().await;
    t.busy_day().await;
    let mut conn = t.world.pool().acquire().await.unwrap();
    let days = linli::reports::trend::trend(&mut conn, t.dihu, t.app.today(), t.app.settings.timezone).await.unwrap();
    assert_eq!(days.len(), 14);
    assert_eq!(days[0].day.to_string(), "2026-11-16");
    let (yesterday, today) = (&days[12], &days[13]);
    assert_eq!((yesterday.delivered, yesterday.temperatures, yesterday.shifts_total), (1, 0, 0));
    assert_eq!(
        (today.delivered, today.temperatures, today.fevers, today.shifts_covered, today.shifts_total),
        (1, 2, 1, 1, 2)
    );
    assert!(days[..12].iter().all(|d| d.delivered == 0 && d.temperatures == 0 && d.shifts_total == 0));
    let png = linli::chart::render(Lang::En, &days).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}
