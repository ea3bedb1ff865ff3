//! The outbox sender when Telegram misbehaves, timed at the loopback stub: a 429 holds
//! even the sends already picked when it came, and a real HTTP 500 (on which teloxide
//! itself would sleep 10 s) is retried on the documented backoff without holding up the
//! chats that work.

use std::time::{Duration, Instant};

use linli::outbox::{self, Limits, OutMessage, Sender};

use crate::botapi_stub::{Behaviour, StubApi};
use crate::outbox::{fast, queue};
use crate::*;

/// Runs `sender` until `done` holds (at most `secs`), then stops it.
async fn run_until(sender: Sender, secs: u64, done: impl Fn() -> bool) {
    let running = tokio::spawn(async move { sender.run().await });
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "timed out after {secs} s");
        assert!(!running.is_finished(), "the sender stopped");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    running.abort();
}

#[tokio::test]
async fn rows_picked_before_a_429_wait_until_it_ends() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    // Chat 1's request hangs until the test releases it with "429, retry after 2".
    stub.script(1, vec![Behaviour::HangThenRetryAfter(2)]);
    queue(&world, 1, "refused").await;
    // Ten rows due in 0.3 s, while chat 1's request is still waiting.
    let started = Instant::now();
    let due = chrono::Utc::now() + chrono::Duration::milliseconds(300);
    for chat in 100..110 {
        outbox::enqueue_now(&world.app.writer, due, chat, OutMessage::text("picked"), Default::default())
            .await
            .unwrap();
    }
    // Long enough for the hanging request.
    let limits = Limits { send_timeout: Duration::from_secs(5), ..fast() };
    let sender = Sender::new(stub.bot(), world.app.db(), limits);
    let running = tokio::spawn(async move { sender.run().await });
    while stub.received().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // While the database is busy (here: this write lock), the sender picks the due rows
    // and takes their slots, but cannot mark them `sending` yet; the 429 comes meanwhile.
    let lock = world.pool().begin_with("BEGIN IMMEDIATE").await.unwrap();
    tokio::time::sleep_until((started + Duration::from_millis(900)).into()).await;
    stub.release_hangs();
    let refused_at = Instant::now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    lock.rollback().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while stub.delivered().len() < 11 {
        assert!(Instant::now() < deadline && !running.is_finished(), "{:?}", stub.received());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    running.abort();
    let early: Vec<Duration> = stub
        .received()
        .iter()
        .filter(|r| r.at > refused_at)
        .map(|r| r.at - refused_at)
        .filter(|after| *after < Duration::from_secs(2))
        .collect();
    assert!(early.is_empty(), "sent {early:?} after Telegram asked for a 2 s pause");
}

#[tokio::test]
async fn a_server_error_is_retried_on_the_backoff_schedule_and_holds_no_slot() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    // Four groups whose sends fail with a real HTTP 500 three times, queued first; three
    // people with four messages each (one a second per person is the configured rate).
    let failing: Vec<i64> = (1..=4).map(|i| -500 - i).collect();
    for &group in &failing {
        stub.script(group, vec![Behaviour::ServerError; 3]);
        queue(&world, group, "after three 500s").await;
    }
    let healthy: Vec<i64> = (1..=3).map(|i| 600 + i).collect();
    for i in 0..4 {
        for &person in &healthy {
            queue(&world, person, &format!("message {i}")).await;
        }
    }
    let base = Duration::from_millis(200);
    // As many slots as failing chats: a 500 that held its slot would stop everyone.
    let limits =
        Limits { base_backoff: base, max_in_flight: 4, idle_poll: Duration::from_millis(10), ..Limits::default() };
    let sender = Sender::new(stub.bot(), world.app.db(), limits);
    run_until(sender, 60, || stub.delivered().len() == failing.len() + 4 * healthy.len()).await;

    let received = stub.received();
    let first = received[0].at;
    let timeline: Vec<(i64, u16, Duration)> = received.iter().map(|r| (r.chat_id, r.answered, r.at - first)).collect();
    let slack = Duration::from_millis(400);
    for &group in &failing {
        let at: Vec<Instant> = received.iter().filter(|r| r.chat_id == group).map(|r| r.at).collect();
        assert_eq!(at.len(), 4, "three 500s, then sent");
        for (k, gap) in at.windows(2).map(|w| w[1] - w[0]).enumerate() {
            let due = base * (1 << k);
            assert!(
                gap + Duration::from_millis(5) >= due && gap <= due + slack,
                "retry {} of {group} came {gap:?} after the 500; the backoff says {due:?}: {timeline:?}",
                k + 1
            );
        }
    }
    for &person in &healthy {
        let at: Vec<Instant> = received.iter().filter(|r| r.chat_id == person).map(|r| r.at).collect();
        assert_eq!(at.len(), 4);
        assert!(at[0] - first <= slack, "{person}'s first message waited behind the 500s: {timeline:?}");
        for gap in at.windows(2).map(|w| w[1] - w[0]) {
            assert!(gap <= Duration::from_secs(1) + slack, "{person}'s messages came {gap:?} apart: {timeline:?}");
        }
    }
}
