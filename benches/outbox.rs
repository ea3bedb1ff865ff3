//! Outbox benchmark (issue 3). Prints its figures; run with `cargo bench --bench outbox`.
//!
//! (a) unthrottled drain of 10,000 messages against a loopback Bot API that answers at
//!     once — how fast the sender itself is (goal ≥ 2,000 msg/s);
//! (b) 900 messages to 900 chats at Telegram's default limits against a stub that
//!     enforces them — goal ≥ 97 % of 30 msg/s and zero 429s;
//! (c) peak memory (VmHWM) of each, reset between runs.
//!
//! The stub answers at once in (a) (the sender's own cost) and after 60 ms in (a') and
//! (b), a round trip to Telegram: with 64 requests in flight, (a') is bounded by 64/RTT.
//! Every run checks that each message arrived exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/botapi_stub.rs"]
mod botapi_stub;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use botapi_stub::{Behaviour, Enforce, Received, StubApi};
use linli::outbox::{self, Limits, OutMessage, Sender};

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

/// Starts a new peak-memory measurement (Linux: writing 5 to clear_refs resets VmHWM).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Every message arrived, none twice.
fn check_exactly_once(delivered: &[Received], n: i64) {
    let texts: HashSet<&str> = delivered.iter().filter_map(|r| r.text.as_deref()).collect();
    assert_eq!(delivered.len() as i64, n, "delivered count");
    assert_eq!(texts.len() as i64, n, "no duplicates");
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

async fn fill(pool: &sqlx::SqlitePool, n: i64, text: &str) -> f64 {
    let started = Instant::now();
    let mut tx = pool.begin().await.unwrap();
    for chat in 0..n {
        outbox::enqueue(
            &mut tx,
            chrono::Utc::now(),
            1_000_000 + chat,
            OutMessage::text(format!("{text} #{chat}")),
            Default::default(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    started.elapsed().as_secs_f64()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();

    // (a) Unthrottled: the sender is the only limit.
    reset_peak();
    let db = linli::db::connect(&dir.path().join("a.db")).await.unwrap();
    let pool = linli::db::fixture_pool(&dir.path().join("a.db")).await.unwrap();
    let stub = StubApi::start().await;
    let n = 10_000;
    let enqueue_secs = fill(&pool, n, "通知").await;
    let started = Instant::now();
    Sender::new(stub.bot(), db.clone(), Limits::unthrottled()).drain().await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    check_exactly_once(&stub.delivered(), n);
    println!(
        "(a) unthrottled, instant answers: enqueued {n} in {:.3} s ({:.0}/s); drained in {secs:.2} s = {:.0} msg/s (goal ≥ 2000); peak RSS {:.1} MiB",
        enqueue_secs,
        n as f64 / enqueue_secs,
        n as f64 / secs,
        peak_mib()
    );
    drop(stub);
    pool.close().await;

    // (a') The same with a 60 ms round trip.
    let db = linli::db::connect(&dir.path().join("a2.db")).await.unwrap();
    let pool = linli::db::fixture_pool(&dir.path().join("a2.db")).await.unwrap();
    let stub = StubApi::start().await;
    stub.script_all(Behaviour::Slow(Duration::from_millis(60)));
    fill(&pool, n, "通知").await;
    let started = Instant::now();
    Sender::new(stub.bot(), db.clone(), Limits::unthrottled()).drain().await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    check_exactly_once(&stub.delivered(), n);
    println!(
        "(a') unthrottled, 60 ms round trip, 64 in flight: {n} in {secs:.2} s = {:.0} msg/s (bound 64/0.06 = 1067)",
        n as f64 / secs
    );
    drop(stub);
    pool.close().await;

    // (b) Telegram's limits, against a stub that enforces them.
    reset_peak();
    let db = linli::db::connect(&dir.path().join("b.db")).await.unwrap();
    let pool = linli::db::fixture_pool(&dir.path().join("b.db")).await.unwrap();
    let stub = StubApi::start_enforcing(Enforce::telegram()).await;
    stub.script_all(Behaviour::Slow(Duration::from_millis(60)));
    let n = 900;
    fill(&pool, n, "核酸检测通知").await;
    let started = Instant::now();
    Sender::new(stub.bot(), db.clone(), Limits::default()).drain().await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    let delivered = stub.delivered();
    check_exactly_once(&delivered, n);
    // Rate over the span Telegram saw: first to last arrival, n - 1 intervals.
    let span = delivered.last().unwrap().at.duration_since(delivered.first().unwrap().at).as_secs_f64();
    let rate = (delivered.len() - 1) as f64 / span;
    let overall = delivered.len() as f64 / secs;
    println!(
        "(b) default limits: {} messages to {n} chats in {secs:.2} s = {overall:.2} msg/s ({:.1} % of 30); \
         between first and last arrival {rate:.2} msg/s ({:.1} %) (goal ≥ 97 %); most in any 1 s window: {}; \
         429s: {} (goal 0); peak RSS {:.1} MiB",
        delivered.len(),
        overall / 30.0 * 100.0,
        rate / 30.0 * 100.0,
        max_per_second(&stub.received()),
        stub.count_status(429),
        peak_mib()
    );
}
