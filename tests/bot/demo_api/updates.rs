//! `getUpdates` as Telegram answers it, on the demo's Bot API alone (its hub, with no bot
//! running against it, so the test is the only one that takes updates): what a persona says
//! or presses arrives as teloxide's `Update`s, an offset confirms, a long poll wakes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use linli::clock::OffsetClock;
use linli::demo::hub::Hub;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, MessageEntityKind, UpdateKind};

use super::*;

/// The demo's Bot API without its page or its bot, and a bot to call it.
async fn bot_api_only() -> (Arc<Hub>, Bot, tokio::task::JoinHandle<()>) {
    let hub = Arc::new(Hub::new(linli::demo::world::personas(), Arc::new(OffsetClock::default())));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = axum::Router::new().fallback(linli::demo::botapi::handle).with_state(hub.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (hub, linli::demo::bot_for(addr).unwrap(), server)
}

fn say(hub: &Hub, chat: i64, from: i64, text: &str) -> Option<i64> {
    hub.user_message(chat, from, |m| m.text = Some(text.to_owned())).unwrap().1
}

#[tokio::test]
async fn what_personas_say_and_press_arrives_through_get_updates() {
    let (hub, bot, server) = bot_api_only().await;
    let first = say(&hub, EMMA, EMMA, "/start").unwrap();
    assert_eq!(say(&hub, GROUP, WANG_FANG, "大家好"), None, "privacy mode: plain text in a group is not the bot's");
    let command = say(&hub, GROUP, LIU_MIN, "/link 3号楼").unwrap();
    let markup = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback("好", "demo:ok")]]);
    let asked = bot.send_message(ChatId(ZHANG_WEI), "确认？").reply_markup(markup).await.unwrap();
    assert_eq!(
        hub.press(ZHANG_WEI, asked.id.0.into(), "demo:forged", ZHANG_WEI),
        Err("that message has no such button")
    );
    let pressed = hub.press(ZHANG_WEI, asked.id.0.into(), "demo:ok", ZHANG_WEI).unwrap();
    assert_eq!((command, pressed), (first + 1, first + 2), "update ids count up");

    let updates = bot.get_updates().await.unwrap();
    assert_eq!(updates.iter().map(|u| i64::from(u.id.0)).collect::<Vec<_>>(), vec![first, command, pressed]);
    let UpdateKind::Message(start) = &updates[0].kind else { panic!("{:?}", updates[0]) };
    let from = start.from.as_ref().unwrap();
    assert_eq!(
        (start.chat.id, from.id, from.language_code.as_deref()),
        (ChatId(EMMA), UserId(EMMA as u64), Some("en"))
    );
    assert!(start.chat.is_private());
    assert_eq!(start.entities().unwrap()[0].kind, MessageEntityKind::BotCommand);

    let UpdateKind::Message(link) = &updates[1].kind else { panic!("{:?}", updates[1]) };
    assert!(link.chat.is_supergroup() && link.chat.id == ChatId(GROUP));
    assert_eq!((link.from.as_ref().unwrap().id, link.text()), (UserId(LIU_MIN as u64), Some("/link 3号楼")));
    assert_eq!((link.entities().unwrap()[0].offset, link.entities().unwrap()[0].length), (0, 5));

    let UpdateKind::CallbackQuery(query) = &updates[2].kind else { panic!("{:?}", updates[2]) };
    assert_eq!((query.from.id, query.data.as_deref()), (UserId(ZHANG_WEI as u64), Some("demo:ok")));
    let message = query.regular_message().unwrap();
    assert_eq!((message.id, message.chat.id), (asked.id, ChatId(ZHANG_WEI)));
    bot.answer_callback_query(query.id.clone()).await.unwrap();

    // An offset confirms everything below it, for good.
    let rest = bot.get_updates().offset(pressed as i32).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(hub.inbox.confirmed(), pressed);
    assert!(bot.get_updates().offset(pressed as i32 + 1).await.unwrap().is_empty());
    assert_eq!(hub.inbox.pending(), 0);
    server.abort();
}

#[tokio::test]
async fn a_long_poll_wakes_when_a_persona_writes() {
    let (hub, bot, server) = bot_api_only().await;
    let poll = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().timeout(10).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!poll.is_finished(), "an empty queue holds the poll");
    let written = Instant::now();
    say(&hub, WANG_FANG, WANG_FANG, "在吗").unwrap();
    let updates = tokio::time::timeout(Duration::from_secs(5), poll).await.unwrap().unwrap().unwrap();
    assert!(written.elapsed() < Duration::from_secs(2), "woke {:?} after the message", written.elapsed());
    assert_eq!(message_text(&updates[0]), Some("在吗"));

    let started = Instant::now();
    assert!(bot.get_updates().offset(updates[0].id.0 as i32 + 1).timeout(1).await.unwrap().is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900), "the requested timeout is honoured");
    server.abort();
}
