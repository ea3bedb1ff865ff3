//! Paid broadcast benchmark (issue 15, goal 4). Prints its figures; run with
//! `cargo bench --bench broadcast`.
//!
//! (1) 100,000 registered residents over 4 communities (inserted in one transaction), one
//!     urgent notice to every resident of the subdistrict queued through the notices' own
//!     path (`notices::job::send_now`), drained by the real `outbox::Sender` with
//!     `paid_per_sec = 1000` against the loopback Bot API stub enforcing Telegram's limits
//!     (free 30/s, paid 1000/s, 1/s per private chat) and answering after 60 ms (a round
//!     trip to Telegram). Goal: all delivered in under 2 minutes, 0 × 429, at most one send
//!     to a chat in any 1 s, everyone exactly once, every copy a paid broadcast.
//! (2) For contrast, the same notice to 1,000 residents with paid sending off (the free
//!     30/s), and what that rate means for 100,000.
//!
//! Sizes for a quick run: `BROADCAST_PAID_N=20000 BROADCAST_FREE_N=300 cargo bench --bench broadcast`;
//! `BROADCAST_RTT_MS` sets the stub's answer delay.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/botapi_stub.rs"]
mod botapi_stub;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use botapi_stub::{Behaviour, Enforce, Received, StubApi};
use linli::notices::model::{Audience, RoleSel, Scope};
use linli::notices::{job, store};
use linli::outbox::{Limits, Sender};
use sqlx::SqlitePool;

const SUBDISTRICT: &str = r#"
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
buildings = ["1号楼", "2号楼", "3号楼", "4号楼", "5号楼", "6号楼", "7号楼", "8号楼", "9号楼", "10号楼"]

[[community]]
name = "银河社区"
name_en = "Yinhe Community"
buildings = ["1号楼", "2号楼", "3号楼", "4号楼", "5号楼", "6号楼", "7号楼", "8号楼", "9号楼", "10号楼"]

[[community]]
name = "航海社区"
name_en = "Hanghai Community"
buildings = ["1号楼", "2号楼", "3号楼", "4号楼", "5号楼", "6号楼", "7号楼", "8号楼", "9号楼", "10号楼"]
"#;

const BODY: &str = "紧急通知：今晚20:00起全街道实行临时静默管理，请居民非必要不外出。\
                    生活物资由社区统一配送，急需就医请拨打社区值班电话。—— 航海西路街道办事处";

/// Telegram user ids of the residents: 20_000_001, 20_000_002, …
const FIRST_USER: i64 = 20_000_001;

fn env_or(name: &str, default: i64) -> i64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Peak resident memory of this process so far, in MiB (Linux).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// A fresh database with the subdistrict and `n` residents spread over all its buildings,
/// inserted in one transaction; every fourth speaks English.
async fn world(dir: &std::path::Path, name: &str, n: i64) -> linli::db::Db {
    let db = linli::db::connect(&dir.join(name)).await.unwrap();
    let pool = linli::db::fixture_pool(&dir.join(name)).await.unwrap();
    linli::community::import(&db.write, &linli::community::CommunityFile::parse(SUBDISTRICT).unwrap()).await.unwrap();
    let buildings: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, community_id FROM buildings ORDER BY id").fetch_all(&pool).await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let mut tx = pool.begin().await.unwrap();
    for i in 0..n {
        let id = FIRST_USER + i;
        let lang = if i % 4 == 3 { "en" } else { "zh-CN" };
        sqlx::query("INSERT INTO users (id, display_name, lang, created_at) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(format!("居民{i}"))
            .bind(lang)
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
        let (building, community) = buildings[i as usize % buildings.len()];
        sqlx::query(
            "INSERT INTO residents (user_id, community_id, building_id, unit_room, household_size, registered_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(community)
        .bind(building)
        .bind(format!("{}单元{}室", i % 6 + 1, 101 + i % 1800))
        .bind(1 + i % 5)
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    pool.close().await;
    db
}

/// Stores an urgent notice to every resident of the subdistrict and sends it now, in one
/// transaction, as the compose dialogue does. Returns the seconds it took.
async fn urgent_notice(db: &linli::db::Db, n: i64) -> f64 {
    let audience =
        Audience { roles: RoleSel::Residents, scope: Scope::Subdistrict, isolated_only: false, groups: false };
    let started = Instant::now();
    let now = chrono::Utc::now();
    let mut tx = db.write.begin().await.unwrap();
    let new =
        store::NewNotice { author_id: 1, body: BODY, media: None, audience: &audience, urgent: true, send_at: now };
    let id = store::create(&mut tx, now, &new).await.unwrap();
    let (people, groups) = job::send_now(&mut tx, id, now, now.date_naive()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((people, groups), (n as u64, 0), "every resident, no groups");
    started.elapsed().as_secs_f64()
}

/// The most requests that arrived within any 1-second window.
fn max_per_second(at: &mut [Instant]) -> usize {
    at.sort();
    let mut best = 0;
    let mut start = 0;
    for end in 0..at.len() {
        while at[end].duration_since(at[start]) >= Duration::from_secs(1) {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

/// Delivery checked: everyone exactly once, nobody else, and every row `sent`. Returns the
/// most sends to one chat in any 1 s.
async fn check(pool: &SqlitePool, delivered: &[Received], n: i64) -> usize {
    let mut per_chat: HashMap<i64, Vec<Instant>> = HashMap::new();
    for r in delivered {
        per_chat.entry(r.chat_id).or_default().push(r.at);
    }
    assert_eq!(delivered.len() as i64, n, "delivered count");
    assert_eq!(per_chat.len() as i64, n, "every resident got it");
    assert!(per_chat.keys().all(|c| (FIRST_USER..FIRST_USER + n).contains(c)), "nobody else");
    let (sent,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM outbox WHERE status = 'sent'").fetch_one(pool).await.unwrap();
    assert_eq!(sent, n, "every row sent");
    per_chat.values_mut().map(|at| max_per_second(at)).max().unwrap_or(0)
}

struct Run {
    secs: f64,
    enqueue: f64,
    setup: f64,
    delivered: Vec<Received>,
    status_429: usize,
    most_per_sec: usize,
    per_chat: usize,
}

async fn run(dir: &std::path::Path, name: &str, n: i64, rtt: Duration, paid_per_sec: usize) -> Run {
    let setup = Instant::now();
    let db = world(dir, name, n).await;
    let setup = setup.elapsed().as_secs_f64();
    let enqueue = urgent_notice(&db, n).await;
    let stub = StubApi::start_enforcing(Enforce::telegram()).await;
    stub.script_all(Behaviour::Slow(rtt));
    let started = Instant::now();
    Sender::new(stub.bot(), db.clone(), Limits { paid_per_sec, ..Limits::default() }).drain().await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    let delivered = stub.delivered();
    let per_chat = check(&db.read, &delivered, n).await;
    let mut at: Vec<Instant> = stub.received().iter().map(|r| r.at).collect();
    db.close().await;
    Run {
        secs,
        enqueue,
        setup,
        status_429: stub.count_status(429),
        most_per_sec: max_per_second(&mut at),
        per_chat,
        delivered,
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let rtt = Duration::from_millis(env_or("BROADCAST_RTT_MS", 60) as u64);

    // (1) Paid broadcast at 1000/s.
    let n = env_or("BROADCAST_PAID_N", 100_000);
    let r = run(dir.path(), "paid.db", n, rtt, 1000).await;
    let paid = r.delivered.iter().filter(|d| d.paid).count();
    let first = r.delivered.iter().map(|d| d.at).min().unwrap();
    let span = r.delivered.iter().map(|d| d.at).max().unwrap().duration_since(first);
    println!(
        "(1) paid broadcast on (1000/s), enforcing stub (free 30/s, paid 1000/s, 1/s per chat), {} ms round trip: \
         urgent notice to {n} residents (residents inserted in {:.1} s; notice queued in {:.2} s) delivered in \
         {:.1} s = {:.0} msg/s (goal < 120 s: {}); first to last arrival {:.1} s = {:.0} msg/s; \
         most in any 1 s window: {}; 429s: {} (goal 0); most sends to one chat in any 1 s: {} (goal ≤ 1); \
         paid broadcasts: {paid} of {}; each resident got it exactly once; peak RSS {:.0} MiB",
        rtt.as_millis(),
        r.setup,
        r.enqueue,
        r.secs,
        n as f64 / r.secs,
        if r.secs < 120.0 { "met" } else { "MISSED" },
        span.as_secs_f64(),
        (n - 1) as f64 / span.as_secs_f64(),
        r.most_per_sec,
        r.status_429,
        r.per_chat,
        r.delivered.len(),
        peak_mib(),
    );
    assert_eq!(r.status_429, 0, "no 429");
    assert!(r.per_chat <= 1, "one send per chat per second");
    assert_eq!(paid as i64, n, "every copy went as a paid broadcast");
    let paid_secs = r.secs;
    drop(r);

    // (2) The same notice with paid sending off: the free 30/s.
    let n_free = env_or("BROADCAST_FREE_N", 1_000);
    let r = run(dir.path(), "free.db", n_free, rtt, 0).await;
    let rate = n_free as f64 / r.secs;
    println!(
        "(2) paid broadcast off (free 30/s), same stub: urgent notice to {n_free} residents delivered in {:.1} s = \
         {rate:.1} msg/s; most in any 1 s window: {}; 429s: {}; paid broadcasts: {}; \
         at this rate {n} residents would take {:.0} s = {:.0} min (paid: {:.0} s)",
        r.secs,
        r.most_per_sec,
        r.status_429,
        r.delivered.iter().filter(|d| d.paid).count(),
        n as f64 / rate,
        n as f64 / rate / 60.0,
        paid_secs,
    );
    assert!(r.delivered.iter().all(|d| !d.paid), "nothing paid with the setting off");
}
