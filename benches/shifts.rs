//! Shifts benchmark (issue 5). Prints its figures; run with `cargo bench --bench shifts`.
//!
//! One community with 64 checkpoints × 3 shift templates (00:00, 08:00, 16:00; capacity 2,
//! at least 1 party member or experienced volunteer), imported from a generated community
//! file, and 30 days of shifts (5,760) generated as the scheduler does. About 60 % of the
//! shifts hold claims (bulk SQL: full, half-full with a senior, half-full without one);
//! claims on shifts that already started are checked in, one in ten a no-show.
//!
//! (1) 200 simultaneous claims on one shift of capacity k (k = 2 and 4, five bursts
//!     each, a fresh shift every burst): 200 tokio tasks, one per senior volunteer (party
//!     members, so the composition rule never refuses), released together by a barrier,
//!     each making the claim as the handler makes it — `BEGIN IMMEDIATE` on the
//!     application's one writing connection (`db::Writer`), `shifts::store::claim`, commit —
//!     and timing its own call. Exactly k must be accepted; prints refusals by kind and
//!     p50/p99/max latency (goal: p99 < 100 ms). Then a mixed crowd (half not senior) on
//!     k = 2; the same 200 claims one after another (the work of one claim without
//!     contention); and, for comparison, the burst as it was before issue 15: each claim on
//!     a connection of its own from an 8-connection pool, the waiting ones sleeping in
//!     SQLite's busy handler.
//! (2) The roster of one local day (`coverage_between`, 192 shifts; also with its text
//!     lines) and the nightly report at 20:00 (`nightly_report` + `render`), each 200 times
//!     after 10 warm-ups; prints p50/p99 (goal < 50 ms each).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use linli::clock::millis;
use linli::community::{self, CommunityFile};
use linli::db::Writer;
use linli::i18n::Lang;
use linli::shifts::store::{self, ClaimError};
use linli::shifts::{jobs, view};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use tokio::sync::Barrier;

const TZ: chrono_tz::Tz = chrono_tz::Asia::Shanghai;
const CHECKPOINTS: usize = 64;
const DAYS: u32 = 30;
const CLAIMERS: usize = 200;
/// Bursts per capacity.
const TRIALS: usize = 5;
/// Volunteers holding the bulk claims; the first third are party members, the next 60
/// experienced.
const FILL_VOLUNTEERS: i64 = 600;
const SENIOR_CLAIMERS: i64 = 10_001;
const MIXED_CLAIMERS: i64 = 20_001;

fn start_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn local(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    TZ.from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap()).unwrap().with_timezone(&Utc)
}

fn community_file() -> String {
    let mut s = String::from(
        "[subdistrict]\nname = \"航海西路街道\"\nname_en = \"Hanghai West Road Subdistrict\"\ntimezone = \"Asia/Shanghai\"\n\n\
         [[community]]\nname = \"帝湖社区\"\nname_en = \"Dihu Community\"\nbuildings = [\"1号楼\", \"2号楼\", \"3号楼\"]\n",
    );
    for i in 1..=CHECKPOINTS {
        write!(s, "\n  [[community.checkpoint]]\n  name = \"第{i}号卡点 帝湖花园西王府门口\"\n").unwrap();
        if i % 2 == 0 {
            write!(s, "  latitude = 34.75{i:02}\n  longitude = 113.59{i:02}\n").unwrap();
        }
        for (start, end) in [("00:00", "08:00"), ("08:00", "16:00"), ("16:00", "00:00")] {
            write!(
                s,
                "    [[community.checkpoint.shift]]\n    start = \"{start}\"\n    end = \"{end}\"\n    capacity = 2\n    min_senior = 1\n"
            )
            .unwrap();
        }
    }
    s
}

async fn add_volunteer(tx: &mut sqlx::SqliteConnection, community: i64, id: i64, party: bool, experienced: bool) {
    sqlx::query("INSERT INTO users (id, display_name, lang, created_at) VALUES (?, ?, 'zh-CN', ?)")
        .bind(id)
        .bind(format!("志愿者{id}"))
        .bind(chrono::Utc::now().timestamp_millis())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO memberships (user_id, community_id, role, status, party_member, experienced, created_at)
         VALUES (?, ?, 'volunteer', 'approved', ?, ?, ?)",
    )
    .bind(id)
    .bind(community)
    .bind(party)
    .bind(experienced)
    .bind(chrono::Utc::now().timestamp_millis())
    .execute(&mut *tx)
    .await
    .unwrap();
}

/// A small deterministic hash, so every run fills the same shifts.
fn mix(x: i64) -> u64 {
    let mut z = (x as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Claims on ~60 % of the shifts; returns (shifts with claims, claims).
async fn fill(pool: &SqlitePool, community: i64, report_now: DateTime<Utc>, keep_empty: &[i64]) -> (usize, usize) {
    let shifts: Vec<(i64, i64)> = sqlx::query_as("SELECT id, start_at FROM shifts WHERE community_id = ? ORDER BY id")
        .bind(community)
        .fetch_all(pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let (mut filled, mut claims) = (0, 0);
    let (mut senior_next, mut other_next) = (0i64, 0i64);
    for (id, start_at) in shifts {
        if keep_empty.contains(&id) {
            continue;
        }
        let r = mix(id) % 100;
        // 35 %: full (a senior and a non-senior); 15 %: one senior; 10 %: one non-senior
        // (the composition is missing); 40 %: empty.
        let people: Vec<(i64, bool)> = match r {
            0..35 => vec![(1 + senior_next % 260, true), (261 + other_next % 340, false)],
            35..50 => vec![(1 + senior_next % 260, true)],
            50..60 => vec![(261 + other_next % 340, false)],
            _ => vec![],
        };
        if people.is_empty() {
            continue;
        }
        senior_next += 1;
        other_next += 1;
        filled += 1;
        let started = start_at < millis(report_now);
        for (user, senior) in &people {
            let no_show = started && mix(id * 7 + user).is_multiple_of(10);
            let checked_in = (started && !no_show).then_some(start_at - 5 * 60_000);
            sqlx::query(
                "INSERT INTO shift_claims (shift_id, user_id, senior, claimed_at, checked_in_at, no_show)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(user)
            .bind(senior)
            .bind(start_at - 3 * 86_400_000)
            .bind(checked_in)
            .bind(no_show)
            .execute(&mut *tx)
            .await
            .unwrap();
            claims += 1;
        }
        let seniors = people.iter().filter(|(_, s)| *s).count() as i64;
        sqlx::query("UPDATE shifts SET taken = ?, seniors_taken = ? WHERE id = ?")
            .bind(people.len() as i64)
            .bind(seniors)
            .bind(id)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    (filled, claims)
}

/// Nearest-rank percentile of sorted durations.
fn pct(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(pct(times, 50.0)),
        ms(pct(times, 99.0)),
        ms(*times.last().unwrap())
    )
}

fn kind(e: &ClaimError) -> String {
    let s = format!("{e:?}");
    let s = s.strip_prefix("Refused(").map(|r| r.trim_end_matches(')')).unwrap_or(&s).to_string();
    s.split([' ', '{', '(']).next().unwrap_or_default().to_string()
}

/// The shift at `checkpoint` (1-based position) starting at local `hour` on `day`,
/// emptied and set to capacity `k`.
async fn prepare_shift(pool: &SqlitePool, community: i64, day: NaiveDate, checkpoint: usize, hour: u32, k: i64) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT s.id FROM shifts s JOIN checkpoints c ON c.id = s.checkpoint_id
         WHERE s.community_id = ? AND s.start_at = ? ORDER BY c.id LIMIT 1 OFFSET ?",
    )
    .bind(community)
    .bind(millis(local(day, hour)))
    .bind((checkpoint - 1) as i64)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM shift_claims WHERE shift_id = ?").bind(id).execute(pool).await.unwrap();
    sqlx::query("UPDATE shifts SET taken = 0, seniors_taken = 0, capacity = ? WHERE id = ?")
        .bind(k)
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    id
}

struct Trial {
    accepted: usize,
    refusals: BTreeMap<String, usize>,
    latencies: Vec<Duration>,
    wall: Duration,
}

/// Where a claim's transaction runs.
#[derive(Clone)]
enum Claimer {
    /// The application's one writing connection, as the handler claims.
    Writer(Writer),
    /// A connection of its own from a pool, as claims ran before issue 15.
    Pool(SqlitePool),
}

impl Claimer {
    /// One claim in its own `BEGIN IMMEDIATE` transaction.
    async fn claim(&self, shift: i64, user: i64, now: DateTime<Utc>) -> Result<(), ClaimError> {
        match self {
            Claimer::Writer(writer) => {
                let mut tx = writer.begin().await.unwrap();
                let outcome = store::claim(&mut tx, shift, user, None, now).await.unwrap();
                tx.commit().await.unwrap();
                outcome
            }
            Claimer::Pool(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
                let outcome = store::claim(&mut tx, shift, user, None, now).await.unwrap();
                tx.commit().await.unwrap();
                outcome
            }
        }
    }

    /// Opens every connection of a pool, so no claim pays for opening one.
    async fn warm(&self) {
        if let Claimer::Pool(pool) = self {
            let mut held = Vec::new();
            for _ in 0..pool.options().get_max_connections() {
                held.push(pool.acquire().await.unwrap());
            }
        }
    }
}

/// `users` claim `shift` all at once.
async fn burst(claimer: &Claimer, shift: i64, users: &[i64], now: DateTime<Utc>) -> Trial {
    claimer.warm().await;
    let barrier = Arc::new(Barrier::new(users.len()));
    let mut tasks = Vec::new();
    for &user in users {
        let (claimer, barrier) = (claimer.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let started = Instant::now();
            let outcome = claimer.claim(shift, user, now).await;
            (outcome, started, Instant::now())
        }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    let first = results.iter().map(|r| r.1).min().unwrap();
    let last = results.iter().map(|r| r.2).max().unwrap();
    collect(results.into_iter().map(|(o, s, e)| (o, e - s)), last - first)
}

/// The same claims one after another.
async fn sequential(claimer: &Claimer, shift: i64, users: &[i64], now: DateTime<Utc>) -> Trial {
    claimer.warm().await;
    let all = Instant::now();
    let mut results = Vec::new();
    for &user in users {
        let started = Instant::now();
        let outcome = claimer.claim(shift, user, now).await;
        results.push((outcome, started.elapsed()));
    }
    collect(results.into_iter(), all.elapsed())
}

fn collect(results: impl Iterator<Item = (Result<(), ClaimError>, Duration)>, wall: Duration) -> Trial {
    let mut t = Trial { accepted: 0, refusals: BTreeMap::new(), latencies: Vec::new(), wall };
    for (outcome, latency) in results {
        match outcome {
            Ok(()) => t.accepted += 1,
            Err(e) => *t.refusals.entry(kind(&e)).or_default() += 1,
        }
        t.latencies.push(latency);
    }
    t
}

async fn check_shift(pool: &SqlitePool, shift: i64, k: i64) -> (i64, i64, i64) {
    let (taken, seniors): (i64, i64) = sqlx::query_as("SELECT taken, seniors_taken FROM shifts WHERE id = ?")
        .bind(shift)
        .fetch_one(pool)
        .await
        .unwrap();
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM shift_claims WHERE shift_id = ?")
        .bind(shift)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(taken, k, "taken == capacity");
    assert_eq!(rows, k, "one claim row per accepted claim");
    (taken, seniors, rows)
}

/// Runs `$body` 10 times to warm up, then `$n` times timed.
macro_rules! time_n {
    ($n:expr, $body:block) => {{
        for _ in 0..10 {
            $body
        }
        let mut times = Vec::with_capacity($n);
        for _ in 0..$n {
            let started = Instant::now();
            $body
            times.push(started.elapsed());
        }
        times
    }};
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = linli::db::connect(&dir.path().join("shifts.db")).await.unwrap();
    let pool = linli::db::fixture_pool(&dir.path().join("shifts.db")).await.unwrap();

    // The community, its shifts and volunteers.
    let setup = Instant::now();
    let file = CommunityFile::parse(&community_file()).unwrap();
    let imported = community::import(&db.write, &file).await.unwrap();
    assert_eq!(imported.checkpoints, CHECKPOINTS);
    let (community,): (i64,) =
        sqlx::query_as("SELECT id FROM communities WHERE name = '帝湖社区'").fetch_one(&pool).await.unwrap();
    let generated = {
        let mut tx = pool.begin().await.unwrap();
        let n = store::generate(&mut tx, chrono::Utc::now(), start_day(), DAYS, TZ).await.unwrap();
        tx.commit().await.unwrap();
        n
    };
    assert_eq!(generated, (CHECKPOINTS * 3) as u64 * u64::from(DAYS));
    {
        let mut tx = pool.begin().await.unwrap();
        for id in 1..=FILL_VOLUNTEERS {
            add_volunteer(&mut tx, community, id, id <= 200, (201..=260).contains(&id)).await;
        }
        for i in 0..CLAIMERS as i64 {
            add_volunteer(&mut tx, community, SENIOR_CLAIMERS + i, true, false).await;
            add_volunteer(&mut tx, community, MIXED_CLAIMERS + i, i % 2 == 0, false).await;
        }
        tx.commit().await.unwrap();
    }

    // The report is due at 20:00 on day 15; claims are made then too, for shifts later on.
    let report_day = start_day().checked_add_days(Days::new(14)).unwrap();
    let now = local(report_day, 20);
    let claim_day = |n: u64| report_day.checked_add_days(Days::new(n)).unwrap();
    // Trial shifts, each fresh: (day offset, checkpoint, hour). Distinct (day, hour)
    // slots, so a volunteer who wins several never holds two that overlap.
    let plan: Vec<(u64, usize, u32)> = (0..30).map(|i: usize| (2 + i as u64 / 3, i + 1, [0, 8, 16][i % 3])).collect();
    let mut keep_empty = Vec::new();
    for &(d, cp, h) in &plan {
        keep_empty.push(prepare_shift(&pool, community, claim_day(d), cp, h, 2).await);
    }
    let (filled, claims) = fill(&pool, community, now, &keep_empty).await;
    let (jobs_n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs").fetch_one(&pool).await.unwrap();
    println!(
        "setup: {CHECKPOINTS} checkpoints × 3 templates, {generated} shifts over {DAYS} days, {} volunteers, \
         {filled} shifts with claims ({:.1} %), {claims} claims, {jobs_n} jobs; {:.2} s",
        FILL_VOLUNTEERS + 2 * CLAIMERS as i64,
        filled as f64 / generated as f64 * 100.0,
        setup.elapsed().as_secs_f64()
    );

    // (1) 200 simultaneous claims.
    let seniors: Vec<i64> = (0..CLAIMERS as i64).map(|i| SENIOR_CLAIMERS + i).collect();
    let mixed: Vec<i64> = (0..CLAIMERS as i64).map(|i| MIXED_CLAIMERS + i).collect();
    let mut plan = plan.into_iter();
    let writer = Claimer::Writer(db.write.clone());
    for k in [2i64, 4] {
        let mut all = Vec::new();
        for trial in 1..=TRIALS {
            let (d, cp, h) = plan.next().unwrap();
            let shift = prepare_shift(&pool, community, claim_day(d), cp, h, k).await;
            let mut t = burst(&writer, shift, &seniors, now).await;
            assert_eq!(t.accepted as i64, k, "exactly k accepted");
            check_shift(&pool, shift, k).await;
            all.extend_from_slice(&t.latencies);
            println!(
                "(1) k={k} trial {trial}: 200 simultaneous claims → {} accepted (goal {k}), refused {:?}; \
                 {}; all done in {:.1} ms",
                t.accepted,
                t.refusals,
                summary(&mut t.latencies),
                ms(t.wall)
            );
        }
        println!("(1) k={k}, {TRIALS} trials ({} claims): {} (goal p99 < 100 ms)", all.len(), summary(&mut all));
    }

    let (d, cp, h) = plan.next().unwrap();
    let shift = prepare_shift(&pool, community, claim_day(d), cp, h, 2).await;
    let mut t = burst(&writer, shift, &mixed, now).await;
    assert_eq!(t.accepted, 2);
    let (_, seniors_on, _) = check_shift(&pool, shift, 2).await;
    assert!(seniors_on >= 1, "the composition rule held");
    println!(
        "(1) k=2, mixed crowd (100 seniors, 100 not): {} accepted, {seniors_on} of them senior; refused {:?}; {}",
        t.accepted,
        t.refusals,
        summary(&mut t.latencies)
    );

    let (d, cp, h) = plan.next().unwrap();
    let shift = prepare_shift(&pool, community, claim_day(d), cp, h, 2).await;
    let mut t = sequential(&writer, shift, &seniors, now).await;
    assert_eq!(t.accepted, 2);
    let accepted: Vec<Duration> = t.latencies[..2].to_vec();
    println!(
        "(1) the same 200 claims one after another (k=2): the 2 accepted {:.2} / {:.2} ms; all 200: {}; total {:.1} ms",
        ms(accepted[0]),
        ms(accepted[1]),
        summary(&mut t.latencies),
        ms(t.wall)
    );

    // Before issue 15, for comparison: each claim on a connection of its own from an
    // 8-connection pool; the waiting ones sleep in SQLite's busy handler (1, 2, 5 … 100 ms)
    // until BEGIN IMMEDIATE gets the write lock.
    let options = SqliteConnectOptions::from_str("sqlite:")
        .unwrap()
        .filename(dir.path().join("shifts.db"))
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    let eight = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.unwrap();
    let before = Claimer::Pool(eight.clone());
    let mut all = Vec::new();
    let mut walls = Vec::new();
    for _ in 0..3 {
        let (d, cp, h) = plan.next().unwrap();
        let shift = prepare_shift(&pool, community, claim_day(d), cp, h, 2).await;
        let t = burst(&before, shift, &seniors, now).await;
        assert_eq!(t.accepted, 2);
        check_shift(&pool, shift, 2).await;
        all.extend_from_slice(&t.latencies);
        walls.push(format!("{:.1}", ms(t.wall)));
    }
    println!(
        "(1) k=2 burst as before issue 15, each claim on its own connection of an 8-connection pool, 3 trials: \
         {}; all done in {} ms",
        summary(&mut all),
        walls.join(" / ")
    );
    eight.close().await;

    // (2) Roster and nightly report.
    let mut conn = pool.acquire().await.unwrap();
    let roster_day = report_day.checked_add_days(Days::new(1)).unwrap();
    let (from, to) = store::day_bounds(roster_day, TZ);
    let rows = store::coverage_between(&mut conn, community, from, to).await.unwrap();
    assert_eq!(rows.len(), CHECKPOINTS * 3);
    let attention = rows.iter().filter(|s| s.coverage().gap > 0 || s.coverage().lacks_senior()).count();
    let mut query_times = time_n!(200, {
        let rows = store::coverage_between(&mut conn, community, from, to).await.unwrap();
        assert_eq!(rows.len(), CHECKPOINTS * 3);
    });
    println!(
        "(2) /roster query for one day ({} shifts, {attention} needing attention), 200 runs: {} (goal < 50 ms)",
        rows.len(),
        summary(&mut query_times)
    );
    let mut text_len = 0;
    let mut roster_times = time_n!(200, {
        let rows = store::coverage_between(&mut conn, community, from, to).await.unwrap();
        let mut text = String::new();
        for (i, s) in rows.iter().enumerate() {
            text.push('\n');
            text.push_str(&view::roster_line(Lang::ZhCn, i + 1, s, TZ, now));
        }
        text_len = text.chars().count();
    });
    println!(
        "(2) /roster query + its {} lines ({text_len} characters), 200 runs: {} (goal < 50 ms)",
        rows.len(),
        summary(&mut roster_times)
    );

    let (day_start, _) = store::day_bounds(report_day, TZ);
    let (tomorrow_start, _) = store::day_bounds(roster_day, TZ);
    let night_end = tomorrow_start + chrono::Duration::hours(8);
    let report = jobs::nightly_report(&mut conn, community, now, night_end, day_start).await.unwrap();
    let (gaps, no_shows) = (report.gaps.len(), report.no_shows.len());
    let rendered = report.render(Lang::ZhCn, "帝湖社区", TZ);
    let mut report_times = time_n!(200, {
        let report = jobs::nightly_report(&mut conn, community, now, night_end, day_start).await.unwrap();
        let text = report.render(Lang::ZhCn, "帝湖社区", TZ);
        assert!(!text.is_empty());
    });
    println!(
        "(2) nightly report at 20:00 + render ({gaps} gaps tonight, {no_shows} no-shows today, {} characters), \
         200 runs: {} (goal < 50 ms)",
        rendered.chars().count(),
        summary(&mut report_times)
    );
}
