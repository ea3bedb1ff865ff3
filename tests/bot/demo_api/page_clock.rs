//! The page's clock controls and its event long poll.

use std::time::{Duration, Instant};

use chrono::{Duration as Span, NaiveTime, TimeZone, Timelike};
use chrono_tz::Asia::Shanghai;
use serde_json::json;

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

    let seq = page.seq().await;
    for bad in [json!({"to": "yesterday"}), json!({"to": ""})] {
        let (status, body) = page.post("api/clock", bad.clone()).await;
        assert_eq!((status, &body["ok"]), (400, &json!(false)), "{bad}: {body}");
    }
    let wrong_shape = page.client.post(format!("{}api/clock", page.base)).json(&json!({"hours": 3})).send().await;
    assert!(wrong_shape.unwrap().status().is_client_error());
    let after = page.get("api/state").await;
    assert!((0..5_000).contains(&(after["now"].as_i64().unwrap() - now)), "refused moves move nothing");
    let clocks = page.events_since(seq).await.into_iter().filter(|e| e["kind"] == "clock").count();
    assert_eq!(clocks, 0);
}

#[tokio::test]
async fn the_event_poll_answers_at_once_or_when_something_happens() {
    let running = empty_demo().await;
    let page = Page::new(&running);
    let since = page.seq().await;
    page.post_ok(&format!("api/chats/{EMMA}/send"), json!({"text": "ping"})).await;
    let started = Instant::now();
    let answer = page.get(&format!("api/events?since={since}")).await;
    assert!(started.elapsed() < Duration::from_secs(1), "answered at once: {:?}", started.elapsed());
    let event = answer["events"].as_array().unwrap().iter().find(|e| e["kind"] == "message").unwrap().clone();
    assert_eq!((&event["message"]["text"], &event["message"]["chat_id"]), (&json!("ping"), &json!(EMMA)));
    assert!(answer["seq"].as_u64().unwrap() > since);

    // A poll with nothing new waits, and wakes when the clock moves.
    let mut latest = answer["seq"].as_u64().unwrap();
    let poll = |since: u64| {
        let (client, url) = (page.client.clone(), format!("{}api/events?since={since}", page.base));
        tokio::spawn(async move { client.get(url).send().await.unwrap().json::<serde_json::Value>().await.unwrap() })
    };
    // The bot's answer to "ping" may still be arriving: wait for a quiet poll first.
    let mut waiting = poll(latest);
    let quiet = Instant::now() + Duration::from_secs(10);
    loop {
        tokio::time::sleep(Duration::from_millis(400)).await;
        if !waiting.is_finished() {
            break;
        }
        latest = waiting.await.unwrap()["seq"].as_u64().unwrap();
        assert!(Instant::now() < quiet, "the demo never went quiet");
        waiting = poll(latest);
    }
    let moved = Instant::now();
    page.post("api/clock", json!({"to": "hour"})).await;
    let woke = tokio::time::timeout(Duration::from_secs(3), waiting).await.unwrap().unwrap();
    assert!(moved.elapsed() < Duration::from_secs(2), "woke {:?} after the event", moved.elapsed());
    assert!(woke["events"].as_array().unwrap().iter().any(|e| e["kind"] == "clock"), "{woke}");
    assert!(woke["seq"].as_u64().unwrap() > latest);

    let (seq, events) = running.demo.hub.events_after(u64::MAX - 1, Duration::from_secs(5)).await;
    assert!(events.is_empty() && seq < u64::MAX - 1, "a poll from the future (a restarted demo) answers at once");
}
