//! The outbox sender when Telegram misbehaves, timed at the loopback stub: a 429 holds
//! even the sends already picked when it came.

use std::time::{Duration, Instant};

use linli::outbox::{self, Limits, OutMessage, Sender};

use crate::botapi_stub::{Behaviour, StubApi};
use crate::outbox::{fast, queue};
use crate::*;

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
        outbox::enqueue_now(world.pool(), due, chat, OutMessage::text("picked"), Default::default()).await.unwrap();
    }
    // Long enough for the hanging request.
    let limits = Limits { send_timeout: Duration::from_secs(5), ..fast() };
    let sender = Sender::new(stub.bot(), world.pool().clone(), limits);
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
