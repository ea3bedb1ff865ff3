//! Notices benchmark (issue 6). Prints its figures; run with `cargo bench --bench notices`.
//!
//! (1) Enqueue: one community with 20 buildings and 10,000 residents (a quarter of them
//!     English speakers), then — in one transaction, as the compose dialogue does — store a
//!     notice to every resident of the community and send it now (`notices::job::send_now`:
//!     recipients fixed, one outbox row each), and commit. Timed from `begin` to the end of
//!     `commit`; goal < 1 s. Three trials, each on a fresh database.
//! (2) Delivery: a fresh database with 1,000 residents, the same notice, drained by the
//!     outbox sender at Telegram's default limits against a loopback Bot API that enforces
//!     them (30/s overall, 1/s per chat, 20/min per group) and answers after 60 ms (a round
//!     trip to Telegram). Goal: within 3 % of 1,000 / 30 s = 33.33 s, i.e. ≤ 34.33 s, and
//!     zero 429 answers.
//!
//! Every run checks that each recipient got exactly one message, in their language.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/botapi_stub.rs"]
mod botapi_stub;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use botapi_stub::{Behaviour, Enforce, Received, StubApi};
use linli::i18n::Lang;
use linli::notices::model::{Audience, RoleSel, Scope};
use linli::notices::{job, store, view};
use linli::outbox::{Content, Limits, Sender};
use sqlx::SqlitePool;

const COMMUNITY: &str = r#"
[subdistrict]
name = "航海西路街道"
name_en = "Hanghai West Road Subdistrict"
timezone = "Asia/Shanghai"

[[community]]
name = "帝湖社区"
name_en = "Dihu Community"
buildings = ["1号楼", "2号楼", "3号楼", "4号楼", "5号楼", "6号楼", "7号楼", "8号楼", "9号楼", "10号楼",
             "11号楼", "12号楼", "13号楼", "14号楼", "15号楼", "16号楼", "17号楼", "18号楼", "19号楼", "20号楼"]
"#;

const BODY: &str = "各位居民：明天（11月28日）上午8点至11点在小区南门广场进行全员核酸检测，请按楼栋顺序错峰前往，\
                    全程佩戴口罩，保持一米间距，带好身份证或健康码。居家隔离户由医护人员上门采样，请保持电话畅通。\
                    谢谢大家的配合！—— 帝湖社区居委会";

/// Telegram user ids of the residents: 10_000_001, 10_000_002, …
const FIRST_USER: i64 = 10_000_001;

/// A fresh database with one community and `n` residents spread over its buildings;
/// every fourth resident speaks English. Returns the pool and the community id.
async fn world(dir: &std::path::Path, name: &str, n: i64) -> (linli::db::Db, i64) {
    let db = linli::db::connect(&dir.join(name)).await.unwrap();
    let pool = linli::db::fixture_pool(&dir.join(name)).await.unwrap();
    linli::community::import(&db.write, &linli::community::CommunityFile::parse(COMMUNITY).unwrap()).await.unwrap();
    let (community,): (i64,) =
        sqlx::query_as("SELECT id FROM communities WHERE name = '帝湖社区'").fetch_one(&pool).await.unwrap();
    let buildings: Vec<(i64,)> = sqlx::query_as("SELECT id FROM buildings WHERE community_id = ? ORDER BY position")
        .bind(community)
        .fetch_all(&pool)
        .await
        .unwrap();
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
        let building = buildings[i as usize % buildings.len()].0;
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
    (db, community)
}

fn audience(community: i64) -> Audience {
    Audience { roles: RoleSel::Residents, scope: Scope::Community(community), isolated_only: false, groups: false }
}

/// Times of one create + send + commit, in seconds.
struct Enqueued {
    notice: i64,
    create: f64,
    send: f64,
    commit: f64,
    total: f64,
}

/// Stores a notice to every resident of `community` and sends it now, in one transaction.
async fn create_and_send(db: &linli::db::Db, community: i64, n: i64) -> Enqueued {
    let audience = audience(community);
    let started = Instant::now();
    let mut tx = db.write.begin().await.unwrap();
    let notice = store::create(
        &mut tx,
        chrono::Utc::now(),
        &store::NewNotice {
            author_id: 1,
            body: BODY,
            media: None,
            audience: &audience,
            urgent: false,
            send_at: chrono::Utc::now(),
        },
    )
    .await
    .unwrap();
    let created = Instant::now();
    let (people, groups) =
        job::send_now(&mut tx, notice, chrono::Utc::now(), chrono::Utc::now().date_naive()).await.unwrap();
    let sent = Instant::now();
    tx.commit().await.unwrap();
    let done = Instant::now();
    assert_eq!((people, groups), (n as u64, 0), "send_now reached everyone, no groups");
    Enqueued {
        notice,
        create: (created - started).as_secs_f64(),
        send: (sent - created).as_secs_f64(),
        commit: (done - sent).as_secs_f64(),
        total: (done - started).as_secs_f64(),
    }
}

/// The notice has `n` pending outbox rows and `n` fixed recipients, one per resident, and
/// every resident's row holds the text of their language (two distinct texts in all).
async fn check_enqueued(pool: &SqlitePool, notice: i64, n: i64) {
    let (rows, chats): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT chat_id) FROM outbox
         WHERE subject_kind = 'notice' AND subject_id = ? AND status = 'pending'",
    )
    .bind(notice)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!((rows, chats), (n, n), "one pending outbox row per resident");
    let (strangers,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM outbox o WHERE subject_id = ? AND NOT EXISTS (SELECT 1 FROM residents r WHERE r.user_id = o.chat_id)",
    )
    .bind(notice)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(strangers, 0, "rows only for residents");
    let (recipients,): (i64,) = sqlx::query_as("SELECT count(*) FROM notice_recipients WHERE notice_id = ?")
        .bind(notice)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(recipients, n, "recipients fixed");
    let by_lang: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT u.lang, o.message, count(*) FROM outbox o JOIN users u ON u.id = o.chat_id
         WHERE o.subject_id = ? GROUP BY u.lang, o.message ORDER BY u.lang",
    )
    .bind(notice)
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(by_lang.len(), 2, "one text per language: {by_lang:?}");
    assert_ne!(by_lang[0].1, by_lang[1].1, "the languages get different texts");
    assert_eq!(by_lang.iter().find(|r| r.0 == "en").map(|r| r.2), Some(n / 4), "a quarter in English");
}

/// The median time from one arrival to the 30th after it: the limiter's window (1 s plus
/// a 15 ms margin) plus however late the sender starts a send once a slot is free.
fn median_30_apart(received: &[Received]) -> f64 {
    let at: Vec<Instant> = received.iter().map(|r| r.at).collect();
    let mut d: Vec<f64> = at.windows(31).map(|w| w[30].duration_since(w[0]).as_secs_f64()).collect();
    d.sort_by(f64::total_cmp);
    d.get(d.len() / 2).copied().unwrap_or_default()
}

/// The most requests that arrived within any 1-second window.
fn max_per_second(received: &[Received]) -> usize {
    let mut at: Vec<Instant> = received.iter().map(|r| r.at).collect();
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

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();

    // (1) Enqueue a notice for 10,000 residents.
    let n = 10_000;
    let mut totals = Vec::new();
    for trial in 1..=3 {
        let setup = Instant::now();
        let (db, community) = world(dir.path(), &format!("enqueue{trial}.db"), n).await;
        let setup = setup.elapsed().as_secs_f64();
        let e = create_and_send(&db, community, n).await;
        check_enqueued(&db.read, e.notice, n).await;
        println!(
            "(1) trial {trial}: notice to {n} residents enqueued in {:.3} s ({:.0}/s) = create {:.1} ms + send_now {:.1} ms \
             + commit {:.1} ms (goal < 1 s) [setup of {n} residents: {setup:.2} s]",
            e.total,
            n as f64 / e.total,
            e.create * 1e3,
            e.send * 1e3,
            e.commit * 1e3,
        );
        totals.push(e.total);
        db.close().await;
    }
    let worst = totals.iter().copied().fold(0.0, f64::max);
    let best = totals.iter().copied().fold(f64::MAX, f64::min);
    println!(
        "(1) enqueue {n}: {best:.3}–{worst:.3} s over {} fresh databases; goal < 1 s: {}",
        totals.len(),
        if worst < 1.0 { "met" } else { "MISSED" }
    );

    // (2) Deliver a notice to 1,000 residents at Telegram's default limits.
    let n = 1_000;
    let (db, community) = world(dir.path(), "deliver.db", n).await;
    let e = create_and_send(&db, community, n).await;
    check_enqueued(&db.read, e.notice, n).await;
    let stub = StubApi::start_enforcing(Enforce::telegram()).await;
    stub.script_all(Behaviour::Slow(Duration::from_millis(60)));
    let started = Instant::now();
    Sender::new(stub.bot(), db.clone(), Limits::default()).drain().await.unwrap();
    let secs = started.elapsed().as_secs_f64();

    // Exactly one message per recipient, none to anyone else, each in their language.
    let delivered = stub.delivered();
    let mut per_chat: HashMap<i64, usize> = HashMap::new();
    for r in &delivered {
        *per_chat.entry(r.chat_id).or_default() += 1;
    }
    let expected: HashSet<i64> = (FIRST_USER..FIRST_USER + n).collect();
    assert_eq!(delivered.len() as i64, n, "delivered count");
    assert_eq!(per_chat.keys().copied().collect::<HashSet<_>>(), expected, "every resident, nobody else");
    assert!(per_chat.values().all(|c| *c == 1), "nobody twice");
    let text = |lang| match view::render(lang, BODY, None, false, e.notice, false).content {
        Content::Text { text, .. } => text,
        other => panic!("a text notice renders as text: {other:?}"),
    };
    let (zh, en) = (text(Lang::ZhCn), text(Lang::En));
    let mut english = 0;
    for r in &delivered {
        let want = if (r.chat_id - FIRST_USER) % 4 == 3 { &en } else { &zh };
        assert_eq!(r.text.as_ref(), Some(want), "chat {} got the text of its language", r.chat_id);
        english += usize::from(want == &en);
    }
    let (sent,): (i64,) = sqlx::query_as("SELECT count(*) FROM outbox WHERE subject_id = ? AND status = 'sent'")
        .bind(e.notice)
        .fetch_one(&db.read)
        .await
        .unwrap();
    assert_eq!(sent, n, "every row sent");

    let ideal = n as f64 / 30.0;
    let span = delivered.last().unwrap().at.duration_since(delivered.first().unwrap().at).as_secs_f64();
    let ideal_span = (n - 1) as f64 / 30.0;
    println!(
        "(2) default limits, enforcing stub, 60 ms round trip: notice to {n} residents (enqueued in {:.3} s) delivered in \
         {secs:.2} s = {:.2} msg/s = {:.1} % of the ideal {ideal:.2} s (goal ≤ 103 %, ≤ {:.2} s: {}); \
         first to last arrival {span:.2} s = {:.2} msg/s ({:.1} % of the ideal {ideal_span:.2} s); \
         most in any 1 s window: {}; from one arrival to the 30th after it: median {:.0} ms (limiter window \
         1015 ms); 429s: {} (goal 0); requests: {}; each resident got exactly one message in their language \
         ({english} in English)",
        e.total,
        n as f64 / secs,
        secs / ideal * 100.0,
        ideal * 1.03,
        if secs <= ideal * 1.03 { "met" } else { "MISSED" },
        (n - 1) as f64 / span,
        span / ideal_span * 100.0,
        max_per_second(&stub.received()),
        median_30_apart(&delivered) * 1e3,
        stub.count_status(429),
        stub.received().len(),
    );
}
