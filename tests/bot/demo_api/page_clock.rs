//! The page's clock controls and its event long poll.

use std::time::{Duration, Instant};

use chrono::{Duration as Span, NaiveTime, TimeZone, Timelike};
use chrono_tz::Asia::Shanghai;
use serde_json::json;
use teloxide::prelude::Requester;

use super::*;

fn local(ms: i64) -> chrono::DateTime<chrono_tz::Tz> {
    Shanghai.timestamp_millis_opt(ms).unwrap()
}

/// Moves the clock; returns the page's `now` before and after, and checks the answer, the
/// state and the `clock` event agree.
async fn move_clock(page: &Page, to: &str) -> (i64, i64) {
    let state = page.get("api/state").await;
    let (before, since) = (state["now"].as_i64().unwrap(), state["seq"].as_u64().unwrap());
    let answer = page.post("api/clock", json!({"to": to})).await.1;
    let now = answer["now"].as_i64().unwrap();
    assert!(!answer["now_text"].as_str().unwrap().is_empty());
    let clocks: Vec<_> = page.events_since(since).await.into_iter().filter(|e| e["kind"] == "clock").collect();
    assert_eq!(clocks, vec![json!({"kind": "clock", "now": now, "now_text": answer["now_text"]})]);
    let after = page.get("api/state").await["now"].as_i64().unwrap();
    assert!((0..5_000).contains(&(after - now)), "the state's clock is the moved one: {now} → {after}");
    (before, now)
}

#[tokio::test]
async fn the_clock_moves_an_hour_to_the_evening_and_to_tomorrow_morning() {
    let running = empty_demo().await;
    let page = Page::new(&running);
    let state = page.get("api/state").await;
    assert_eq!(state["tz"], "Asia/Shanghai");
    let real = chrono::Utc::now().timestamp_millis();
    assert!((state["now"].as_i64().unwrap() - real).abs() < 5_000, "the clock starts at real time");

    let (before, now) = move_clock(&page, "hour").await;
    assert!((3_600_000..3_605_000).contains(&(now - before)), "+1 h: {}", now - before);

    let (before, now) = move_clock(&page, "evening").await;
    let (from, to) = (local(before), local(now));
    assert_eq!(to.time(), NaiveTime::from_hms_opt(20, 0, 0).unwrap(), "{to}");
    assert!(now > before && now - before <= 24 * 3_600_000, "the next 20:00 after {from}: {to}");
    let expected_day = if from.hour() < 20 { from.date_naive() } else { from.date_naive() + Span::days(1) };
    assert_eq!(to.date_naive(), expected_day);

    // At 20:00 exactly (just moved there), the next evening is tomorrow's.
    let (_, next) = move_clock(&page, "evening").await;
    assert_eq!(local(next).date_naive(), to.date_naive() + Span::days(1));
    assert_eq!(local(next).time(), NaiveTime::from_hms_opt(20, 0, 0).unwrap());

    let (before, now) = move_clock(&page, "morning").await;
    assert_eq!(local(now).date_naive(), local(before).date_naive() + Span::days(1));
    assert_eq!(local(now).time(), NaiveTime::from_hms_opt(7, 45, 0).unwrap());
    let bot_now = running.app.clock.now().timestamp_millis();
    assert!((0..5_000).contains(&(bot_now - now)), "the bot's own clock moved too");

    // After midnight (07:45 + 18 h = 01:45), the next 07:45 is this morning's.
    for _ in 0..18 {
        move_clock(&page, "hour").await;
    }
    let (before, now) = move_clock(&page, "morning").await;
    assert_eq!(local(before).time().hour(), 1, "{}", local(before));
    assert_eq!(local(now).date_naive(), local(before).date_naive(), "this morning: {}", local(now));
    assert_eq!(local(now).time(), NaiveTime::from_hms_opt(7, 45, 0).unwrap());

    let seq = page.seq().await;
    for bad in [json!({"to": "yesterday"}), json!({"to": ""})] {
        let (status, body) = page.post("api/clock", bad.clone()).await;
        assert_eq!((status, &body["ok"]), (400, &json!(false)), "{bad}: {body}");
    }
    let wrong_shape = page.client.post(format!("{}api/clock", page.base)).json(&json!({"hours": 3})).send().await;
    assert!(wrong_shape.unwrap().status().is_client_error());
    let after = page.get("api/state").await;
    assert!((0..5_000).contains(&(after["now"].as_i64().unwrap() - now)), "refused moves move nothing");
    // Asked of the hub without waiting: the page's poll would wait 25 s for nothing.
    let (_, events) = running.demo.hub.events_after(seq, Duration::ZERO).await;
    assert!(!events.iter().any(|e| matches!(e, linli::demo::hub::Event::Clock { .. })), "{events:?}");
}

#[tokio::test]
async fn the_event_poll_answers_at_once_or_when_something_happens() {
    let running = empty_demo().await;
    let page = Page::new(&running);
    let since = page.seq().await;
    // Sent by the Bot API (the running bot does not answer its own messages): after it the
    // demo is quiet.
    bot(&running).send_message(teloxide::types::ChatId(EMMA), "ping").await.unwrap();
    let started = Instant::now();
    let answer = page.get(&format!("api/events?since={since}")).await;
    assert!(started.elapsed() < Duration::from_secs(1), "answered at once: {:?}", started.elapsed());
    let events = answer["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{answer}");
    assert_eq!((&events[0]["kind"], &events[0]["message"]["text"]), (&json!("message"), &json!("ping")));
    let latest = answer["seq"].as_u64().unwrap();
    assert_eq!(latest, since + 1);

    // A poll with nothing new waits, and wakes when something happens.
    let waiting = {
        let (client, url) = (page.client.clone(), format!("{}api/events?since={latest}", page.base));
        tokio::spawn(async move { client.get(url).send().await.unwrap().json::<serde_json::Value>().await.unwrap() })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "nothing new: the poll waits");
    let moved = Instant::now();
    page.post("api/clock", json!({"to": "hour"})).await;
    let woke = tokio::time::timeout(Duration::from_secs(3), waiting).await.unwrap().unwrap();
    assert!(moved.elapsed() < Duration::from_secs(2), "woke {:?} after the event", moved.elapsed());
    assert_eq!(woke["events"][0]["kind"], "clock", "{woke}");
    assert_eq!(woke["seq"], latest + 1);

    let (seq, events) = running.demo.hub.events_after(u64::MAX - 1, Duration::from_secs(5)).await;
    assert!(events.is_empty() && seq < u64::MAX - 1, "a poll from the future (a restarted demo) answers at once");
}
