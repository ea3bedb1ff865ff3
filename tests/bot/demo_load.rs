//! The demo's Bot API as a load harness, without the page: people the page does not list,
//! a flood of updates queued at once, and every answer counted (the throughput issue's
//! benchmarks build on this).

use std::time::{Duration, Instant};

use linli::demo::{self, Options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_updates_from_many_chats_gets_exactly_one_answer_each() {
    const PEOPLE: i64 = 200;
    const EACH: usize = 3;
    const FIRST: i64 = 50_000;
    let settings = linli::config::Settings::default();
    let running = demo::start(settings, Options { db: None, port: 0, populate: false }).await.unwrap();
    let hub = &running.demo.hub;
    for i in 0..PEOPLE {
        hub.add_person(FIRST + i, &format!("居民{i}"), "zh-CN");
    }
    let before = hub.bot_activity();
    let started = Instant::now();
    for _ in 0..EACH {
        for i in 0..PEOPLE {
            let (_, update) = hub.user_message(FIRST + i, FIRST + i, |m| m.text = Some("/help".into())).unwrap();
            assert!(update.is_some(), "a private message is an update for the bot");
        }
    }
    let expected = PEOPLE as u64 * EACH as u64;
    let deadline = Instant::now() + Duration::from_secs(120);
    while hub.bot_activity() - before < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    // A moment more: a duplicate answer would show up now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hub.bot_activity() - before, expected, "every update answered once");
    let st = hub.lock();
    for i in 0..PEOPLE {
        let chat = &st.chats[&(FIRST + i)];
        assert_eq!(chat.bot_activity, EACH as u64, "chat {} got one answer per message", FIRST + i);
    }
    eprintln!("{expected} updates from {PEOPLE} chats answered in {took:?} (debug build, not a benchmark)");
}
