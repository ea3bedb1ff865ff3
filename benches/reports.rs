//! Daily report benchmark (issue 13). Prints its figures; run with
//! `cargo bench --bench reports`.
//!
//! One community at full size: 10,000 households (20,000 residents) in 100 buildings;
//! 30 days of history ending today (2026-11-29, read at 21:00 Shanghai time):
//! - orders: one per household every 3 days (100,000), delivered the next day, the last
//!   day's still under way;
//! - 64 checkpoints × 3 shifts a day (5,760 shifts) with 3 people each, checked in and out;
//! - 1,000 households isolated (2,000 people) all month, two temperature reports each a
//!   day (120,000 reports), one in fifty a fever;
//! - 10 errands a day; one notice a day to every resident (600,000 deliveries), 70% confirmed.
//!
//! (1) `reports::figures::gather` — the whole report — for today and for a past day, 50
//!     runs each, p50/p99. Goal < 200 ms.
//! (2) `reports::trend::trend` — the chart's 14 days — 50 runs, p50/p99; with the drawing
//!     the chart's goal is < 300 ms.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use linli::clock::{day_bounds, millis, ManualClock};
use sqlx::SqlitePool;

const HOUSEHOLDS: i64 = 10_000;
const BUILDINGS: usize = 100;
const DAYS: i64 = 30;
const CHECKPOINTS: i64 = 64;
const ISOLATED: i64 = 1_000;
const RUNS: usize = 50;
const FIRST_USER: i64 = 30_000_001;

fn community_file() -> String {
    let buildings: Vec<String> = (1..=BUILDINGS).map(|b| format!("\"{b}号楼\"")).collect();
    format!(
        "[subdistrict]\nname = \"航海西路街道\"\nname_en = \"Hanghai West Road Subdistrict\"\ntimezone = \"Asia/Shanghai\"\n\n\
         [[community]]\nname = \"帝湖社区\"\nname_en = \"Dihu Community\"\nbuildings = [{}]\n",
        buildings.join(", ")
    )
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// Runs `sql` with `?1` = community, `?2` = first day's start (ms), `?3` = first day.
async fn fill(pool: &SqlitePool, community: i64, sql: &str) {
    let first = today() - chrono::Days::new(DAYS as u64 - 1);
    let start = millis(day_bounds(first, chrono_tz::Asia::Shanghai).0);
    let t = Instant::now();
    let done = sqlx::query(sql).bind(community).bind(start).bind(first).execute(pool).await.unwrap();
    let table = sql.split_whitespace().skip_while(|w| *w != "INTO").nth(1).unwrap_or("?");
    println!("  {table:<20} {:>9} rows in {:>6.2} s", done.rows_affected(), t.elapsed().as_secs_f64());
}

/// The numbers 0..`count` as the table `n(i)`. Days are numbered 0..30 from the first;
/// day `d` starts at `?2 + d * 86400000` and its date is `date(?3, '+d days')`.
fn series(count: i64) -> String {
    format!("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {count} - 1)")
}

async fn world(dir: &std::path::Path) -> (std::sync::Arc<linli::App>, i64) {
    let db = linli::db::connect(&dir.join("reports.db")).await.unwrap();
    let pool = linli::db::fixture_pool(&dir.join("reports.db")).await.unwrap();
    linli::community::import(&db.write, &linli::community::CommunityFile::parse(&community_file()).unwrap())
        .await
        .unwrap();
    let (c,): (i64,) =
        sqlx::query_as("SELECT id FROM communities WHERE name = '帝湖社区'").fetch_one(&pool).await.unwrap();
    println!("building the community:");
    let (h, u, days) = (HOUSEHOLDS, FIRST_USER, DAYS);
    fill(
        &pool,
        c,
        &format!(
            "{s} INSERT INTO users (id, display_name, lang, created_at)
        SELECT {u} + i, '居民' || i, CASE WHEN i % 4 = 3 THEN 'en' ELSE 'zh-CN' END, 0 FROM n WHERE i < {h} * 2",
            s = series(h * 2)
        ),
    )
    .await;
    fill(&pool, c, &format!("{s}, b AS (SELECT id, row_number() OVER (ORDER BY position, id) - 1 AS k FROM buildings WHERE community_id = ?1)
        INSERT INTO residents (user_id, community_id, building_id, unit_room, household, household_size, registered_at)
        SELECT {u} + i, ?1, b.id, 'h' || (i / 2), 'h' || (i / 2), 2, ?2 - 86400000 FROM n JOIN b ON b.k = (i / 2) % {BUILDINGS}
        WHERE i < {h} * 2", s = series(h * 2))).await;
    fill(&pool, c, &format!("{s}, b AS (SELECT id, row_number() OVER (ORDER BY position, id) - 1 AS k FROM buildings WHERE community_id = ?1)
        INSERT INTO isolations (community_id, building_id, household, unit_room, kind, starts_on, ends_on, status, created_at)
        SELECT ?1, b.id, 'h' || i, 'h' || i, 'home', ?3, date(?3, '+40 days'), 'active', ?2 FROM n JOIN b ON b.k = i % {BUILDINGS}
        WHERE i < {ISOLATED}", s = series(ISOLATED))).await;
    // One order per household every third day: household i orders on days i % 3, +3, …
    fill(&pool, c, &format!("{s}, b AS (SELECT id, row_number() OVER (ORDER BY position, id) - 1 AS k FROM buildings WHERE community_id = ?1)
        INSERT INTO orders (resident_id, community_id, building_id, placed_by, status, total_fen, day, placed_at, updated_at, household, delivered_at)
        SELECT {u} + (i % {h}) * 2, ?1, b.id, {u} + (i % {h}) * 2,
               CASE WHEN d = {days} - 1 THEN 'placed' ELSE 'received' END, 5800, date(?3, '+' || d || ' days'),
               ?2 + d * 86400000 + 36000000, ?2 + d * 86400000 + 36000000, 'h' || (i % {h}),
               CASE WHEN d = {days} - 1 THEN NULL ELSE ?2 + (d + 1) * 86400000 + 36000000 END
        FROM (SELECT i, (i % 3) + 3 * (i / {h}) AS d FROM n WHERE i < {h} * 10) x
        JOIN b ON b.k = (i % {h}) % {BUILDINGS} WHERE d < {days}", s = series(h * 10))).await;
    fill(&pool, c, &format!("{s} INSERT INTO checkpoints (id, community_id, name) SELECT 1000 + i, ?1, '卡口' || i FROM n WHERE i < {CHECKPOINTS}", s = series(CHECKPOINTS))).await;
    fill(&pool, c, &format!("{s} INSERT INTO shift_templates (id, checkpoint_id, start_minute, end_minute, capacity, min_senior)
        SELECT 1000 + i, 1000 + i / 3, (i % 3) * 480, ((i % 3) * 480 + 480) % 1440, 3, 1 FROM n WHERE i < {CHECKPOINTS} * 3", s = series(CHECKPOINTS * 3))).await;
    fill(&pool, c, &format!("{s} INSERT INTO shifts (id, template_id, checkpoint_id, community_id, day, start_at, end_at, capacity, min_senior, taken, seniors_taken)
        SELECT 1 + i, 1000 + i % ({CHECKPOINTS} * 3), 1000 + (i % ({CHECKPOINTS} * 3)) / 3, ?1, date(?3, '+' || (i / ({CHECKPOINTS} * 3)) || ' days'),
               ?2 + (i / ({CHECKPOINTS} * 3)) * 86400000 + (i % 3) * 28800000, ?2 + (i / ({CHECKPOINTS} * 3)) * 86400000 + (i % 3 + 1) * 28800000,
               3, 1, CASE WHEN i % 10 = 0 THEN 2 ELSE 3 END, 1
        FROM n WHERE i < {CHECKPOINTS} * 3 * {days}", s = series(CHECKPOINTS * 3 * days))).await;
    fill(&pool, c, &format!("{s} INSERT INTO shift_claims (shift_id, user_id, senior, claimed_at, checked_in_at, checked_out_at, no_show)
        SELECT s.id, {u} + ((s.id * 3 + k.i) % ({h} * 2)), k.i = 0, s.start_at - 86400000, s.start_at, s.end_at, 0
        FROM shifts s JOIN (SELECT i FROM n WHERE i < 3) k ON k.i < s.taken", s = series(3))).await;
    fill(&pool, c, &format!("{s} INSERT INTO temperature_reports (community_id, building_id, household, user_id, day, slot, tenths, fever, reported_by, reported_at)
        SELECT ?1, r.building_id, r.household, r.user_id, date(?3, '+' || (n.i / 2) || ' days'), CASE n.i % 2 WHEN 0 THEN 'morning' ELSE 'afternoon' END,
               CASE WHEN (r.user_id + n.i) % 50 = 0 THEN 381 ELSE 365 END, (r.user_id + n.i) % 50 = 0, r.user_id, ?2 + (n.i / 2) * 86400000 + 3600000
        FROM residents r JOIN isolations iso ON iso.building_id = r.building_id AND iso.household = r.household
        JOIN n ON n.i < {days} * 2", s = series(days * 2))).await;
    fill(&pool, c, &format!("{s}, b AS (SELECT id FROM buildings WHERE community_id = ?1 LIMIT 1)
        INSERT INTO errands (community_id, building_id, household, unit_room, requester, opened_by, kind, status, done_at, created_at)
        SELECT ?1, b.id, 'h' || i, 'h' || i, {u} + i * 2, {u} + i * 2, 'medicine', CASE WHEN i % 10 < 8 THEN 'confirmed' ELSE 'open' END,
               CASE WHEN i % 10 < 8 THEN ?2 + (i / 10) * 86400000 + 7200000 END, ?2 + (i / 10) * 86400000 + 3600000
        FROM n, b WHERE i < {days} * 10", s = series(days * 10))).await;
    fill(&pool, c, &format!("{s} INSERT INTO notices (id, community_id, author_id, body, audience, status, send_at, sent_at, recipients, created_at)
        SELECT 1 + i, ?1, {u}, '通知' || i, '\"All\"', 'sent', ?2 + i * 86400000 + 7200000, ?2 + i * 86400000 + 7200000, {h} * 2, ?2 FROM n WHERE i < {days}", s = series(days))).await;
    fill(
        &pool,
        c,
        "INSERT INTO notice_recipients (notice_id, user_id)
        SELECT notices.id, r.user_id FROM notices, residents r",
    )
    .await;
    fill(
        &pool,
        c,
        "INSERT INTO notice_acks (notice_id, user_id, acked_at)
        SELECT notice_id, user_id, 0 FROM notice_recipients WHERE user_id % 10 < 7",
    )
    .await;
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    // 21:00 on the last day, Shanghai.
    let clock = ManualClock::new(DateTime::parse_from_rfc3339("2026-11-29T13:00:00Z").unwrap().with_timezone(&Utc));
    (linli::App::with_clock(db, linli::config::Settings::default(), clock), c)
}

fn summary(name: &str, mut times: Vec<Duration>, goal_ms: Option<f64>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (p50, p99, worst) = (ms(times[times.len() / 2]), ms(times[times.len() * 99 / 100]), ms(times[times.len() - 1]));
    let verdict = match goal_ms {
        Some(goal) if p99 < goal => format!("goal < {goal} ms: ok"),
        Some(goal) => format!("goal < {goal} ms: FAIL"),
        None => "(no goal of its own)".to_owned(),
    };
    println!("{name:<44} p50 {p50:>7.1} ms  p99 {p99:>7.1} ms  worst {worst:>7.1} ms  {verdict}");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (app, c) = world(dir.path()).await;
    let mut conn = app.pool.acquire().await.unwrap();
    let now = app.now();

    let report = linli::reports::figures::gather(&mut conn, &app, c, today(), now).await.unwrap();
    println!("\ntoday's report: {report:?}");
    assert_eq!(report.people.households, HOUSEHOLDS);
    assert_eq!(report.health.isolated, ISOLATED);
    assert_eq!(report.shifts.total, CHECKPOINTS * 3);
    assert!(report.orders.placed > 3_000 && report.orders.delivered > 3_000, "{:?}", report.orders);
    println!();

    for (name, day) in
        [("daily report, today (as of 21:00)", today()), ("daily report, a past day", today() - chrono::Days::new(10))]
    {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            let r = linli::reports::figures::gather(&mut conn, &app, c, day, now).await.unwrap();
            times.push(t.elapsed());
            assert_eq!(r.day, day);
        }
        summary(name, times, Some(200.0));
    }

    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        let days = linli::reports::trend::trend(&mut conn, c, today(), app.settings.timezone).await.unwrap();
        times.push(t.elapsed());
        assert_eq!(days.len(), 14);
        assert!(days[0].delivered > 0 && days[13].temperatures > 0, "{days:?}");
    }
    summary("the chart's 14 days (the query)", times, None);
}
