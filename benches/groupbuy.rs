//! Group buy benchmark (issue 14). Prints its figures; run with `cargo bench --bench groupbuy`.
//!
//! The whole bot (`cli::serve`: dispatcher, guard, handlers, scheduler, outbox sender)
//! against the loopback Bot API stub, on a fresh database: one community of 20 buildings ×
//! 100 households, one group linked to the whole community, one group buy announced in it.
//! Each household joins as a person does: `/start gb_<id>` (the group's button), ➕ on the
//! first item, "join" — three updates in its private chat.
//!
//! (1) Paced: the 2,000 households start one every 30 ms, all within one minute.
//! (2) A burst: 2,000 households join a second buy, every update queued at once — the
//!     most joins per second the bot records.
//!
//! For each: joins/s (households / time from the first update to the last join stored),
//! the latency of one join (its "join" update queued → its row stored) p50/p99, then once
//! the tally has settled: every household recorded exactly once (rows, households and units
//! on the buy), the group's edits (how many, the most in any 60 s, 429s), and the group's
//! final text against a fresh render of the database (the "time left" line aside).
//! The stub enforces no limit on private replies here (each join is three answers in one
//! chat within a second; that is issue 15's subject); the outbox keeps its own limits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/botapi_stub.rs"]
mod botapi_stub;

use std::time::{Duration, Instant};

use botapi_stub::{Enforce, StubApi};
use linli::bot::CallbackData;
use linli::groupbuy::join::buttons::Cb;
use linli::groupbuy::model::{Caps, Delivery, MinKind, Minimum};
use linli::groupbuy::store::{self, NewBuy, NewItem};
use serde_json::{json, Value};

const BUILDINGS: i64 = 20;
const PER_BUILDING: i64 = 100;
const HOUSEHOLDS: i64 = BUILDINGS * PER_BUILDING;
const FIRST_USER: i64 = 20_000_001;
const GROUP: i64 = -5_000;
const PACE: Duration = Duration::from_millis(30);

fn community_file() -> String {
    let buildings: Vec<String> = (1..=BUILDINGS).map(|b| format!("\"{b}号楼\"")).collect();
    format!(
        "[subdistrict]\nname = \"航海西路街道\"\nname_en = \"Hanghai West Road Subdistrict\"\ntimezone = \"Asia/Shanghai\"\n\n[[community]]\nname = \"帝湖社区\"\nname_en = \"Dihu Community\"\nbuildings = [{}]\n",
        buildings.join(", ")
    )
}

async fn residents(pool: &sqlx::SqlitePool, community: i64) {
    let buildings: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM buildings WHERE community_id = ? ORDER BY position, id")
            .bind(community)
            .fetch_all(pool)
            .await
            .unwrap();
    let mut tx = pool.begin().await.unwrap();
    for n in 0..HOUSEHOLDS {
        let user = FIRST_USER + n;
        let building = buildings[(n / PER_BUILDING) as usize].0;
        let unit_room = format!("{}单元{}", n % 4 + 1, 101 + n % PER_BUILDING);
        sqlx::query("INSERT INTO users (id, display_name, lang, created_at) VALUES (?, ?, 'zh-CN', 0)")
            .bind(user)
            .bind(format!("User{user}"))
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO residents (user_id, community_id, building_id, unit_room, household_size, registered_at, household)
             VALUES (?, ?, ?, ?, 2, 0, ?)",
        )
        .bind(user)
        .bind(community)
        .bind(building)
        .bind(&unit_room)
        .bind(linli::people::model::household_key(&unit_room))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO linked_chats (chat_id, community_id, building_id, title, linked_by, linked_at, lang)
         VALUES (?, ?, NULL, '帝湖社区群', 1, 0, 'zh-CN')",
    )
    .bind(GROUP)
    .bind(community)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn announce(app: &linli::App, community: i64, title: &str) -> i64 {
    let buy = NewBuy {
        community_id: community,
        leader_id: 1,
        title: title.into(),
        items: vec![
            NewItem { name: "蔬菜套餐".into(), unit: "份".into(), price_fen: 5800 },
            NewItem { name: "鸡蛋".into(), unit: "盒".into(), price_fen: 1500 },
        ],
        caps: Caps { household: 3, total: None },
        minimum: Minimum { kind: MinKind::Households, count: 100 },
        deadline: app.now() + chrono::Duration::hours(2),
        delivery: Delivery::Door,
        pickup: None,
        chats: vec![GROUP],
        bot_url: "https://t.me/linli_bot".into(),
    };
    let mut tx = app.pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    let id = linli::groupbuy::announce(&mut tx, app, app.now(), &buy).await.unwrap();
    tx.commit().await.unwrap();
    id
}

fn tap(user: i64, n: i64, data: String) -> Value {
    let message = json!({
        "message_id": 1, "date": 0, "text": "buttons",
        "chat": {"id": user, "type": "private", "first_name": format!("User{user}")},
        "from": {"id": 7_000_000_001_i64, "is_bot": true, "first_name": "Linli", "username": "linli_bot"},
    });
    json!({"callback_query": {
        "id": format!("q{user}-{n}"), "chat_instance": format!("ci{user}"), "data": data, "message": message,
        "from": {"id": user, "is_bot": false, "first_name": format!("User{user}"), "language_code": "zh-CN"},
    }})
}

/// Queues one household's three updates; returns when its "join" was queued.
fn push_household(stub: &StubApi, user: i64, buy: i64, item: i64) -> Instant {
    stub.push_update(StubApi::private_text(user, "zh-CN", &format!("/start gb_{buy}")));
    stub.push_update(tap(user, 1, Cb::SetQty { buy, item, to: 1 }.encode()));
    let at = Instant::now();
    stub.push_update(tap(user, 2, Cb::SaveJoin(buy).encode()));
    at
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn joined(pool: &sqlx::SqlitePool, buy: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM group_buy_joins WHERE buy_id = ?")
        .bind(buy)
        .fetch_one(pool)
        .await
        .unwrap();
    n
}

async fn run(label: &str, stub: &StubApi, app: &linli::App, community: i64, paced: bool) {
    let buy = announce(app, community, label).await;
    let item = store::items(&app.pool, buy).await.unwrap()[0].id;
    let edits_before = stub.received().iter().filter(|r| r.chat_id == GROUP && r.method == "EditMessageText").count();
    let wall = std::time::SystemTime::now();
    let started = Instant::now();
    let mut queued_at = Vec::new();
    for n in 0..HOUSEHOLDS {
        if paced {
            tokio::time::sleep_until((started + PACE * n as u32).into()).await;
        }
        queued_at.push(push_household(stub, FIRST_USER + n, buy, item));
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    while joined(&app.pool, buy).await < HOUSEHOLDS && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    // Latency: the join row's time (the app's clock, unix ms) minus when its update was queued.
    let epoch_ms = wall.duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT user_id, joined_at FROM group_buy_joins WHERE buy_id = ?")
        .bind(buy)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let mut latency: Vec<f64> = rows
        .iter()
        .map(|(user, at)| {
            let queued = epoch_ms + queued_at[(user - FIRST_USER) as usize].duration_since(started).as_millis() as i64;
            (at - queued) as f64
        })
        .collect();
    latency.sort_by(f64::total_cmp);
    // The tally settles within a few seconds of the last join.
    tokio::time::sleep(Duration::from_secs(8)).await;
    let current = store::buy(&app.pool, buy).await.unwrap().unwrap();
    let received = stub.received();
    let edits: Vec<_> =
        received.iter().filter(|r| r.chat_id == GROUP && r.method == "EditMessageText").skip(edits_before).collect();
    let limited = received.iter().filter(|r| r.chat_id == GROUP && r.answered == 429).count();
    let most_in_a_minute = edits
        .iter()
        .map(|first| edits.iter().filter(|r| r.at >= first.at && r.at < first.at + Duration::from_secs(60)).count())
        .max()
        .unwrap_or(0);
    let last = edits.last().and_then(|r| r.text.clone()).unwrap_or_default();
    let mut conn = app.pool.acquire().await.unwrap();
    let fresh =
        linli::groupbuy::tally::message(&mut conn, app, app.now(), &current, linli::i18n::Lang::ZhCn).await.unwrap();
    let fresh = match fresh.content {
        linli::outbox::Content::Text { text, .. } => text,
        _ => String::new(),
    };
    let without_clock = |t: &str| t.lines().filter(|l| !l.starts_with('⏰')).collect::<Vec<_>>().join("\n");
    let final_ok = !last.is_empty() && without_clock(&last) == without_clock(&fresh);
    let once = rows.len() as i64 == HOUSEHOLDS && current.households == HOUSEHOLDS && current.taken == HOUSEHOLDS;
    println!(
        "{label}: {HOUSEHOLDS} households joined in {:.1} s = {:.1} joins/s; one join p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        took.as_secs_f64(),
        HOUSEHOLDS as f64 / took.as_secs_f64(),
        percentile(&latency, 0.5),
        percentile(&latency, 0.99),
        latency.last().copied().unwrap_or(0.0),
    );
    println!(
        "  recorded exactly once: {once} ({} rows, buy says {} households / {} units); group edits: {} (most in any 60 s: {most_in_a_minute}, limit 20), 429s: {limited}; final text correct: {final_ok}",
        rows.len(),
        current.households,
        current.taken,
        edits.len(),
    );
    assert!(
        once && final_ok && most_in_a_minute <= 20 && limited == 0,
        "{label} FAILED\n--- last edit\n{last}\n--- fresh\n{fresh}"
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = linli::db::connect(&dir.path().join("linli.db")).await.unwrap();
    let pool = linli::db::fixture_pool(&dir.path().join("linli.db")).await.unwrap();
    linli::community::import(&db.write, &linli::community::CommunityFile::parse(&community_file()).unwrap())
        .await
        .unwrap();
    let (community,): (i64,) = sqlx::query_as("SELECT id FROM communities").fetch_one(&pool).await.unwrap();
    residents(&pool, community).await;
    let stub = StubApi::start_enforcing(Enforce {
        global_per_sec: 1_000_000,
        private_per_sec: 1_000_000,
        group_per_min: 20,
        paid_per_sec: 0,
    })
    .await;
    let app = linli::App::new(db, linli::config::Settings::default());
    let serving = tokio::spawn(linli::cli::serve(stub.bot(), app.clone(), linli::outbox::Limits::default()));
    run("paced (one household every 30 ms)", &stub, &app, community, true).await;
    run("burst (all queued at once)", &stub, &app, community, false).await;
    serving.abort();
}
