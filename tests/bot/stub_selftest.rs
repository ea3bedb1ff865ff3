//! The loopback Bot API stub (`tests/support/botapi_stub.rs`) does what Telegram does, as
//! far as the tests that lean on it assume: `getUpdates` forgets what an offset confirms and
//! wakes a long poll on a new update, a real teloxide `Bot` and `Dispatcher` understand
//! every answer, and the scripted failures reach teloxide as the errors Telegram causes.

use std::time::{Duration, Instant};

use teloxide::prelude::*;
use teloxide::types::{BotCommand, CallbackQueryId, InputFile, MessageEntityKind, UpdateKind};
use teloxide::update_listeners::Polling;
use teloxide::RequestError;

use crate::botapi_stub::{Behaviour, StubApi, BOT_ID, BOT_USERNAME};

fn text_of(update: &Update) -> Option<&str> {
    match &update.kind {
        UpdateKind::Message(m) => m.text(),
        _ => None,
    }
}

#[tokio::test]
async fn get_updates_returns_from_the_offset_and_forgets_what_it_confirms() {
    let stub = StubApi::start().await;
    let bot = stub.bot();
    for text in ["/start", "你好", "third"] {
        stub.push_update(StubApi::private_text(7, "zh-CN", text));
    }
    let all = bot.get_updates().await.unwrap();
    assert_eq!(all.iter().map(|u| u.id.0).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(stub.confirmed_offset(), 0, "asking without an offset confirms nothing");
    assert_eq!(text_of(&all[1]), Some("你好"));

    let rest = bot.get_updates().offset(3).await.unwrap();
    assert_eq!(rest.iter().map(|u| u.id.0).collect::<Vec<_>>(), vec![3]);
    assert_eq!(stub.confirmed_offset(), 3);
    let again = bot.get_updates().await.unwrap();
    assert_eq!(again.iter().map(|u| u.id.0).collect::<Vec<_>>(), vec![3], "1 and 2 are gone for good");

    assert!(bot.get_updates().offset(4).await.unwrap().is_empty());
    assert_eq!((stub.confirmed_offset(), stub.pending_updates()), (4, 0));
    assert_eq!(stub.push_update(StubApi::private_text(7, "zh-CN", "later")), 4, "ids keep counting");
    let limited = bot.get_updates().offset(4).limit(1).await.unwrap();
    assert_eq!(limited.len(), 1);
}

#[tokio::test]
async fn a_command_arrives_with_its_bot_command_entity() {
    let stub = StubApi::start().await;
    stub.push_update(StubApi::private_text(8, "en", "/order 3号楼"));
    let update = stub.bot().get_updates().await.unwrap().remove(0);
    let UpdateKind::Message(message) = update.kind else { panic!("a message") };
    assert_eq!(message.chat.id, ChatId(8));
    let from = message.from.as_ref().unwrap();
    assert_eq!((from.id, from.language_code.as_deref()), (UserId(8), Some("en")));
    let entity = &message.entities().unwrap()[0];
    assert_eq!((entity.kind.clone(), entity.offset, entity.length), (MessageEntityKind::BotCommand, 0, 6));
}

#[tokio::test]
async fn a_long_poll_waits_and_wakes_as_soon_as_an_update_is_pushed() {
    let stub = StubApi::start().await;
    let bot = stub.bot();
    let poll = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().timeout(10).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!poll.is_finished(), "an empty queue holds the poll");
    let pushed = Instant::now();
    stub.push_update(StubApi::private_text(7, "zh-CN", "wake up"));
    let updates = tokio::time::timeout(Duration::from_secs(5), poll).await.unwrap().unwrap().unwrap();
    assert!(pushed.elapsed() < Duration::from_secs(2), "woke {:?} after the push", pushed.elapsed());
    assert_eq!(text_of(&updates[0]), Some("wake up"));

    let started = Instant::now();
    assert!(bot.get_updates().offset(2).timeout(1).await.unwrap().is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900), "the requested timeout is honoured");
}

async fn next_text(texts: &mut tokio::sync::mpsc::UnboundedReceiver<String>) -> String {
    tokio::time::timeout(Duration::from_secs(5), texts.recv()).await.unwrap().unwrap()
}

#[tokio::test]
async fn teloxide_polling_handles_pushed_updates_and_confirms_them_when_it_stops() {
    let stub = StubApi::start().await;
    stub.push_update(StubApi::private_text(7, "zh-CN", "/start"));
    let (seen, mut texts) = tokio::sync::mpsc::unbounded_channel::<String>();
    let handler = Update::filter_message().endpoint(move |m: Message| {
        let seen = seen.clone();
        async move {
            seen.send(m.text().unwrap_or_default().to_owned()).unwrap();
            respond(())
        }
    });
    let mut dispatcher = Dispatcher::builder(stub.bot(), handler).build();
    let shutdown = dispatcher.shutdown_token();
    let listener = Polling::builder(stub.bot()).timeout(Duration::from_secs(5)).build();
    let running = tokio::spawn(async move {
        dispatcher.dispatch_with_listener(listener, LoggingErrorHandler::new()).await;
    });
    assert_eq!(next_text(&mut texts).await, "/start");
    stub.push_update(StubApi::private_text(7, "zh-CN", "second"));
    assert_eq!(next_text(&mut texts).await, "second");
    shutdown.shutdown().unwrap().await;
    running.await.unwrap();
    assert_eq!(stub.confirmed_offset(), 3, "teloxide confirms the last update it handled on the way out");
    assert_eq!(stub.pending_updates(), 0);
}

#[tokio::test]
async fn a_teloxide_bot_understands_every_answer() {
    let stub = StubApi::start().await;
    let bot = stub.bot();
    let me = bot.get_me().await.unwrap();
    assert_eq!((me.id, me.username()), (UserId(BOT_ID as u64), BOT_USERNAME));
    assert!(me.is_bot);

    let sent = bot.send_message(ChatId(9), "你好").await.unwrap();
    assert_eq!((sent.chat.id, sent.text()), (ChatId(9), Some("你好")));
    let edited = bot.edit_message_text(ChatId(9), sent.id, "改过").await.unwrap();
    assert_eq!((edited.id, edited.text()), (sent.id, Some("改过")));
    bot.edit_message_reply_markup(ChatId(9), sent.id).await.unwrap();
    let doc = InputFile::memory(b"\xEF\xBB\xBFa,b\r\n".to_vec()).file_name("pick-list.csv");
    let document = bot.send_document(ChatId(-10), doc).caption("拣货单").await.unwrap();
    assert_eq!(document.caption(), Some("拣货单"));
    bot.pin_chat_message(ChatId(-10), document.id).await.unwrap();

    assert_eq!(bot.get_chat(ChatId(9)).await.unwrap().id, ChatId(9));
    assert_eq!(bot.get_chat_member(ChatId(-10), UserId(9)).await.unwrap().user.id, UserId(9));
    bot.set_my_commands([BotCommand::new("start", "开始")]).await.unwrap();
    bot.delete_webhook().await.unwrap();
    bot.answer_callback_query(CallbackQueryId("42".into())).await.unwrap();
    assert_eq!(bot.get_webhook_info().await.unwrap().pending_update_count, 0);

    let to_group = stub.delivered_to(-10);
    assert_eq!(to_group[0].method.to_lowercase(), "senddocument");
    assert_eq!(to_group[0].text.as_deref(), Some("拣货单"), "the caption of a multipart body");
    assert_eq!(stub.calls("getMe"), 1);
    assert_eq!(stub.calls("answercallbackquery"), 1);
}

#[tokio::test]
async fn scripted_failures_reach_teloxide_as_telegrams_errors() {
    let stub = StubApi::start().await;
    let bot = stub.bot();
    stub.script(5, vec![Behaviour::RetryAfter(3), Behaviour::Blocked, Behaviour::ServerErrorNoDelay]);
    match bot.send_message(ChatId(5), "1").await {
        Err(RequestError::RetryAfter(wait)) => assert_eq!(wait.seconds(), 3),
        other => panic!("expected RetryAfter, got {other:?}"),
    }
    assert!(matches!(bot.send_message(ChatId(5), "2").await, Err(RequestError::Api(_))));
    assert!(bot.send_message(ChatId(5), "3").await.is_err());
    bot.send_message(ChatId(5), "4").await.unwrap();
    let answered: Vec<u16> = stub.received().iter().map(|r| r.answered).collect();
    assert_eq!(answered, vec![429, 403, 500, 200]);
}

#[tokio::test]
async fn a_hung_send_goes_through_when_released() {
    let stub = StubApi::start().await;
    stub.script(6, vec![Behaviour::Hang]);
    let send = tokio::spawn({
        let bot = stub.bot();
        async move { bot.send_message(ChatId(6), "held").await }
    });
    while stub.received().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!send.is_finished(), "held until released");
    assert_eq!(stub.received()[0].answered, 0);
    stub.release_hangs();
    let message = tokio::time::timeout(Duration::from_secs(5), send).await.unwrap().unwrap().unwrap();
    assert_eq!(message.text(), Some("held"));
    assert_eq!(stub.delivered_to(6).len(), 1);
}

#[tokio::test]
async fn a_hung_send_whose_client_gave_up_is_never_answered() {
    let stub = StubApi::start().await;
    stub.script(6, vec![Behaviour::Hang]);
    let impatient = stub.bot_with_timeout(Duration::from_millis(300));
    assert!(impatient.send_message(ChatId(6), "lost").await.is_err(), "the client times out");
    tokio::time::sleep(Duration::from_millis(200)).await;
    stub.release_hangs();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(stub.received().iter().map(|r| r.answered).collect::<Vec<_>>(), vec![0]);
}
