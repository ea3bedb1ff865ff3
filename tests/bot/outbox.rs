//! The outbox sender against a loopback fake Bot API that can answer 429, 403, 400, 5xx,
//! slowly or never: what is sent, retried, blocked or failed, and that Telegram's limits
//! hold in every window.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use linli::outbox::{self, Limits, OutMessage, Priority, Sender};

use crate::botapi_stub::{Behaviour, Enforce, StubApi};

use crate::*;

pub(crate) fn fast() -> Limits {
    Limits {
        base_backoff: Duration::from_millis(50),
        send_timeout: Duration::from_millis(400),
        idle_poll: Duration::from_millis(10),
        ..Limits::unthrottled()
    }
}

pub(crate) async fn queue(world: &World, chat: i64, text: &str) -> i64 {
    queue_with(world, chat, OutMessage::text(text), outbox::Options::default()).await
}

async fn queue_with(world: &World, chat: i64, msg: OutMessage, opts: outbox::Options) -> i64 {
    outbox::enqueue_now(&world.app.writer, chrono::Utc::now(), chat, msg, opts).await.unwrap()[0]
}

async fn row(world: &World, id: i64) -> (String, Option<i64>, Option<String>, i64) {
    sqlx::query_as("SELECT status, telegram_message_id, error, attempts FROM outbox WHERE id = ?")
        .bind(id)
        .fetch_one(world.pool())
        .await
        .unwrap()
}

async fn drain(world: &World, stub: &StubApi, limits: Limits) {
    let sender = Sender::new(stub.bot(), world.app.db(), limits);
    tokio::time::timeout(Duration::from_secs(30), sender.drain()).await.expect("drain finishes").unwrap();
}

#[tokio::test]
async fn an_edit_changes_the_message_it_names_and_a_waiting_edit_is_replaced_not_doubled() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    let edit = |text: &str| OutMessage::edit(77, text);
    let first = queue_with(&world, -12, edit("接龙 1 户"), Default::default()).await;
    let mut conn = world.pool().acquire().await.unwrap();
    assert!(outbox::replace_pending(&mut conn, first, &edit("接龙 2 户")).await.unwrap(), "still waiting: replaced");
    drop(conn);
    drain(&world, &stub, fast()).await;
    let edits: Vec<_> = stub.delivered().into_iter().filter(|r| r.method == "EditMessageText").collect();
    assert_eq!(edits.len(), 1, "one edit went out, with the newest text");
    assert_eq!(edits[0].text.as_deref(), Some("接龙 2 户"));
    assert_eq!(row(&world, first).await.0, "sent");
    let mut conn = world.pool().acquire().await.unwrap();
    assert!(!outbox::replace_pending(&mut conn, first, &edit("接龙 3 户")).await.unwrap(), "sent: queue a new one");
    assert!(matches!(
        outbox::enqueue(&mut conn, chrono::Utc::now(), -12, edit(&"长".repeat(5000)), Default::default()).await,
        Err(linli::Error::MessageTooLong { .. })
    ));
}

#[tokio::test]
async fn messages_are_sent_with_telegrams_message_id() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    let a = queue(&world, 11, "你好").await;
    let b = queue(&world, -12, "群通知").await;
    let doc = queue_with(
        &world,
        13,
        OutMessage::document("拣货单.csv", b"\xEF\xBB\xBFa,b\n".to_vec(), None),
        Default::default(),
    )
    .await;
    drain(&world, &stub, fast()).await;
    for id in [a, b, doc] {
        let (status, message_id, _, _) = row(&world, id).await;
        assert_eq!(status, "sent");
        assert!(message_id.is_some());
    }
    let got: HashMap<i64, (String, Option<String>)> =
        stub.delivered().into_iter().map(|r| (r.chat_id, (r.method.to_lowercase(), r.text))).collect();
    assert_eq!(got[&11], ("sendmessage".into(), Some("你好".into())));
    assert_eq!(got[&-12].1.as_deref(), Some("群通知"));
    assert_eq!(got[&13].0, "senddocument");
}

#[tokio::test]
async fn nothing_is_sent_before_retry_after() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    stub.script(21, vec![Behaviour::RetryAfter(2)]);
    let first = queue(&world, 21, "first").await;
    let limits = Limits { max_in_flight: 1, ..fast() };
    for i in 0..3 {
        queue(&world, 30 + i, "later").await;
    }
    drain(&world, &stub, limits).await;
    let received = stub.received();
    let refused = received.iter().find(|r| r.answered == 429).expect("a 429").at;
    for r in received.iter().filter(|r| r.at > refused) {
        assert!(r.at.duration_since(refused) >= Duration::from_secs(2), "sent {:?} after the 429", r.at - refused);
    }
    assert_eq!(row(&world, first).await.0, "sent");
    assert_eq!(stub.delivered().len(), 4);
}

#[tokio::test]
async fn blocked_and_deactivated_users_are_marked_and_skipped() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    for (user, behaviour) in [(41_i64, Behaviour::Blocked), (42, Behaviour::Deactivated)] {
        linli::people::store::upsert_user(
            &mut world.pool().acquire().await.unwrap(),
            chrono::Utc::now(),
            user,
            "x",
            linli::i18n::Lang::ZhCn,
            true,
        )
        .await
        .unwrap();
        stub.script(user, vec![behaviour]);
    }
    let ids: Vec<i64> = vec![queue(&world, 41, "1").await, queue(&world, 41, "2").await, queue(&world, 42, "3").await];
    drain(&world, &stub, fast()).await;
    for id in ids {
        assert_eq!(row(&world, id).await.0, "blocked");
    }
    assert_eq!(stub.received().iter().filter(|r| r.chat_id == 41).count(), 1, "not retried");
    let (unreachable,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM users WHERE unreachable = 1").fetch_one(world.pool()).await.unwrap();
    assert_eq!(unreachable, 2);
    // Later messages to them are blocked at once, without a request.
    let later = queue(&world, 41, "4").await;
    assert_eq!(row(&world, later).await.0, "blocked");
    let stats = outbox::stats(world.pool(), chrono::Utc::now(), None).await.unwrap();
    assert_eq!((stats.blocked, stats.pending), (4, 0));
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_then_fail_and_bad_requests_fail_at_once() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    stub.script(51, vec![Behaviour::ServerErrorNoDelay]);
    stub.script(52, vec![Behaviour::ServerErrorNoDelay; 10]);
    stub.script(53, vec![Behaviour::ChatNotFound]);
    let recovers = queue(&world, 51, "a").await;
    let gives_up = queue(&world, 52, "b").await;
    let bad = queue(&world, 53, "c").await;
    drain(&world, &stub, fast()).await;
    assert_eq!(row(&world, recovers).await.0, "sent");
    let (status, _, error, attempts) = row(&world, gives_up).await;
    assert_eq!((status.as_str(), attempts), ("failed", 5));
    assert!(error.unwrap().contains("after 5 attempts"));
    assert_eq!(stub.received().iter().filter(|r| r.chat_id == 52).count(), 5, "bounded retries");
    let to_52: Vec<Instant> = stub.received().iter().filter(|r| r.chat_id == 52).map(|r| r.at).collect();
    let gaps: Vec<Duration> = to_52.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.windows(2).all(|g| g[1] > g[0]), "backoff grows: {gaps:?}");
    let (status, _, error, _) = row(&world, bad).await;
    assert_eq!(status, "failed");
    assert!(error.unwrap().contains("chat not found"));
    assert_eq!(stub.received().iter().filter(|r| r.chat_id == 53).count(), 1);
}

#[tokio::test]
async fn a_timed_out_send_is_retried_at_most_once() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    stub.script(61, vec![Behaviour::Hang]);
    stub.script(62, vec![Behaviour::Hang, Behaviour::Hang, Behaviour::Hang]);
    let second_try = queue(&world, 61, "a").await;
    let twice = queue(&world, 62, "b").await;
    drain(&world, &stub, fast()).await;
    assert_eq!(row(&world, second_try).await.0, "sent");
    let (status, _, error, _) = row(&world, twice).await;
    assert_eq!(status, "failed");
    assert!(error.unwrap().contains("timed out twice"));
    assert_eq!(stub.received().iter().filter(|r| r.chat_id == 62).count(), 2);
}

#[tokio::test]
async fn a_restart_mid_drain_resends_only_the_rows_in_flight() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    stub.script_all(Behaviour::Slow(Duration::from_millis(200)));
    let mut ids = Vec::new();
    for chat in 0..40 {
        ids.push(queue(&world, 1000 + chat, &format!("m{chat}")).await);
    }
    let limits = Limits { max_in_flight: 8, ..fast() };
    let sender = Sender::new(stub.bot(), world.app.db(), limits.clone());
    let running = tokio::spawn(async move { sender.run().await });
    while stub.received().len() < 12 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    running.abort(); // kill -9, as far as the database can tell
    let _ = running.await;
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, status, message FROM outbox").fetch_all(world.pool()).await.unwrap();
    let in_flight = rows.iter().filter(|r| r.1 == "sending").count();
    let sent_before: Vec<String> = rows
        .iter()
        .filter(|r| r.1 == "sent")
        .map(|r| serde_json::from_str::<OutMessage>(&r.2).unwrap())
        .map(|m| match m.content {
            outbox::Content::Text { text, .. } => text,
            _ => unreachable!(),
        })
        .collect();
    assert!(in_flight > 0 && in_flight <= 8, "{in_flight} rows were in flight");
    assert!(!sent_before.is_empty());

    let restarted = Sender::new(stub.bot(), world.app.db(), limits);
    assert_eq!(restarted.recover().await.unwrap() as usize, in_flight);
    tokio::time::timeout(Duration::from_secs(30), restarted.drain()).await.unwrap().unwrap();

    let mut times: HashMap<String, usize> = HashMap::new();
    for r in stub.delivered() {
        *times.entry(r.text.unwrap()).or_default() += 1;
    }
    assert_eq!(times.len(), 40, "every message went out");
    for text in &sent_before {
        assert_eq!(times[text], 1, "{text} was sent before the kill and not again");
    }
    let duplicates: usize = times.values().map(|n| n - 1).sum();
    assert!(duplicates <= in_flight, "{duplicates} duplicates, {in_flight} in flight");
    for id in ids {
        assert_eq!(row(&world, id).await.0, "sent");
    }
}

#[tokio::test]
async fn telegrams_limits_hold_in_every_window() {
    let world = World::new().await;
    let stub = StubApi::start_enforcing(Enforce::telegram()).await;
    for chat in 0..45 {
        queue(&world, 2000 + chat, "each").await;
    }
    for i in 0..3 {
        queue(&world, 7, &format!("same chat {i}")).await;
        queue(&world, -77, &format!("group {i}")).await;
    }
    // Telegram's rates with a wider jitter margin than the default 15 ms: CI runs many
    // tests at once on 2 cores, and the stub measures arrivals, not starts.
    let limits =
        Limits { idle_poll: Duration::from_millis(10), margin: Duration::from_millis(100), ..Limits::default() };
    drain(&world, &stub, limits).await;
    let received = stub.received();
    assert_eq!(stub.count_status(429), 0, "the stub enforcing Telegram's limits never refused");
    assert_eq!(received.len(), 51);
    for (i, r) in received.iter().enumerate() {
        let in_window = received[i..].iter().filter(|s| s.at.duration_since(r.at) < Duration::from_secs(1)).count();
        assert!(in_window <= 30, "{in_window} sends within 1 s");
    }
    let same: Vec<Instant> = received.iter().filter(|r| r.chat_id == 7).map(|r| r.at).collect();
    assert!(same.windows(2).all(|w| w[1] - w[0] >= Duration::from_secs(1)), "1 per second per chat");
    let texts: Vec<String> = received.iter().filter(|r| r.chat_id == 7).filter_map(|r| r.text.clone()).collect();
    assert_eq!(texts, vec!["same chat 0", "same chat 1", "same chat 2"], "a chat's messages keep their order");
}

#[tokio::test]
async fn urgent_messages_go_first_and_long_text_arrives_whole_and_in_order() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    for i in 0..5 {
        queue(&world, 300 + i, "normal").await;
    }
    let urgent = outbox::Options {
        priority: Priority::Urgent,
        subject: Some(outbox::Subject { kind: "notice", id: 9 }),
        paid: false,
    };
    queue_with(&world, 399, OutMessage::text("紧急通知"), urgent).await;
    let long = format!("{}\n", "楼".repeat(2999)).repeat(3);
    let parts = outbox::enqueue_now(
        &world.app.writer,
        chrono::Utc::now(),
        400,
        OutMessage::text(long.clone()),
        Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(parts.len(), 3);
    drain(&world, &stub, Limits { max_in_flight: 1, ..fast() }).await;
    let delivered = stub.delivered();
    assert_eq!(delivered[0].text.as_deref(), Some("紧急通知"), "urgent first");
    let joined: String = delivered.iter().filter(|r| r.chat_id == 400).filter_map(|r| r.text.clone()).collect();
    assert_eq!(joined, long);
    let notice =
        outbox::stats(world.pool(), chrono::Utc::now(), Some(outbox::Subject { kind: "notice", id: 9 })).await.unwrap();
    assert_eq!((notice.sent, notice.pending), (1, 0), "progress is counted per subject");
}

#[tokio::test]
async fn officials_see_the_queue_with_slash_outbox() {
    let world = World::new().await;
    queue(&world, 5, "waiting").await;
    let mut bot = world.bot(text(ADMIN, "en", "/outbox"));
    bot.dispatch().await;
    let reply = last_text(&bot);
    assert!(reply.contains("Waiting: 1") && reply.contains("Sent: 0"), "{reply}");
    bot.update(text(5, "en", "/outbox"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "people.not_allowed"));
}

#[tokio::test]
async fn a_real_http_500_is_retried() {
    // teloxide would wait 10 s after a 5xx before returning the error; the outbox reads it
    // at once (`outbox_faults` times the retries).
    let world = World::new().await;
    let stub = StubApi::start().await;
    stub.script(71, vec![Behaviour::ServerError]);
    let id = queue(&world, 71, "after a 500").await;
    let sender = Sender::new(stub.bot(), world.app.db(), Limits { send_timeout: Duration::from_secs(20), ..fast() });
    tokio::time::timeout(Duration::from_secs(40), sender.drain()).await.unwrap().unwrap();
    let (status, _, _, attempts) = row(&world, id).await;
    assert_eq!((status.as_str(), attempts), ("sent", 1));
    assert_eq!(stub.received().iter().map(|r| r.answered).collect::<Vec<_>>(), vec![500, 200]);
}

/// The "zero 429s" assertions above mean something only if the stub really enforces.
#[tokio::test]
async fn the_enforcing_stub_refuses_what_telegram_would() {
    use teloxide::prelude::*;
    let stub = StubApi::start_enforcing(Enforce::telegram()).await;
    let bot = stub.bot();
    bot.send_message(ChatId(5), "1").await.unwrap();
    assert!(bot.send_message(ChatId(5), "2").await.is_err(), "second message to a person within 1 s");
    for i in 0..20 {
        bot.send_message(ChatId(-42), i.to_string()).await.unwrap();
    }
    assert!(bot.send_message(ChatId(-42), "21st").await.is_err(), "21st message to a group within a minute");
    let sends: Vec<_> = (100..140)
        .map(|c| {
            let bot = bot.clone();
            tokio::spawn(async move { bot.send_message(ChatId(c), "g").await })
        })
        .collect();
    let mut ok = 0;
    for s in sends {
        ok += usize::from(s.await.unwrap().is_ok());
    }
    assert!(ok <= 30, "at most 30 per second overall ({ok} of 40 at once went through)");
    assert_eq!(stub.count_status(429), 2 + 40 - ok);
}
