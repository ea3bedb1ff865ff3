//! The page's JSON API against a running demo: what a persona sends, presses or shares
//! joins the chat's history and reaches the real bot (which `demo::start` runs; what it
//! took from `getUpdates` is read back from its `inbound_updates`, as teloxide parsed it).

use serde_json::json;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, UpdateKind};

use super::*;

fn message(update: &Update) -> Option<&Message> {
    match &update.kind {
        UpdateKind::Message(m) => Some(m),
        _ => None,
    }
}

#[tokio::test]
async fn a_private_message_reaches_the_bot_as_its_person() {
    let running = empty_demo().await;
    let page = Page::new(&running);
    let sent = page.post_ok(&format!("api/chats/{WANG_FANG}/send"), json!({"text": "你好，在吗？  "})).await;
    let shown = &sent["message"];
    assert_eq!(
        (&shown["from"], &shown["sender"], &shown["text"]),
        (&json!("user"), &json!("王芳"), &json!("你好，在吗？"))
    );
    assert_eq!((&shown["chat_id"], &shown["html"]), (&json!(WANG_FANG), &json!(false)));
    assert_eq!(page.messages(WANG_FANG).await[0]["message_id"], shown["message_id"]);

    let update = receives(&running, "王芳's message", |u| message_text(u) == Some("你好，在吗？")).await;
    let m = message(&update).unwrap();
    let from = m.from.as_ref().unwrap();
    assert_eq!((m.chat.id, m.id.0), (ChatId(WANG_FANG), shown["message_id"].as_i64().unwrap() as i32));
    assert_eq!((from.id, from.first_name.as_str(), from.is_bot), (UserId(WANG_FANG as u64), "王芳", false));
    assert!(from.language_code.as_deref().unwrap().starts_with("zh"));

    assert_eq!(page.post(&format!("api/chats/{WANG_FANG}/send"), json!({"text": " \n "})).await.0, 400);
    let (status, body) = page.post("api/chats/4242/send", json!({"text": "hi"})).await;
    assert_eq!((status, &body["ok"]), (404, &json!(false)), "{body}");
    assert_eq!(page.get_status("api/chats/4242/messages").await.0, 404);
}

#[tokio::test]
async fn in_the_group_the_bot_gets_commands_but_not_chatter() {
    let running = empty_demo().await;
    let page = Page::new(&running);
    let chatter = page.post_ok(&format!("api/chats/{GROUP}/send"), json!({"text": "大家好", "from": WANG_FANG})).await;
    assert_eq!(chatter["message"]["sender"], "王芳");
    let command = page.post_ok(&format!("api/chats/{GROUP}/send"), json!({"text": "/help", "from": ZHANG_WEI})).await;
    assert_eq!(command["message"]["sender"], "张伟");
    let default = page.post_ok(&format!("api/chats/{GROUP}/send"), json!({"text": "默认"})).await;
    assert_eq!(default["message"]["sender"], "刘敏", "the group's first member by default");
    let (status, body) = page.post(&format!("api/chats/{GROUP}/send"), json!({"text": "/help", "from": ADMIN})).await;
    assert_eq!((status, &body["ok"]), (400, &json!(false)), "陈主任 is not in the group: {body}");

    let update = receives(&running, "the /help in the group", |u| message_text(u) == Some("/help")).await;
    let m = message(&update).unwrap();
    assert!(m.chat.is_supergroup() && m.chat.id == ChatId(GROUP));
    assert_eq!(m.from.as_ref().unwrap().id, UserId(ZHANG_WEI as u64));
    // Updates are numbered in order: had the chatter before the command been delivered, the
    // bot would have it by now too.
    let texts: Vec<_> = received(&running).await.iter().filter_map(|u| message_text(u).map(str::to_owned)).collect();
    assert!(!texts.iter().any(|t| t == "大家好"), "{texts:?}");
    let history = page.messages(GROUP).await;
    let texts: Vec<_> = history.iter().filter(|m| m["from"] == "user").map(|m| m["text"].clone()).collect();
    assert_eq!(texts, vec![json!("大家好"), json!("/help"), json!("默认")], "the page shows everything said");
}

#[tokio::test]
async fn a_press_is_a_callback_query_only_for_a_button_the_message_carries() {
    let running = empty_demo().await;
    let (bot, page) = (bot(&running), Page::new(&running));
    let markup = InlineKeyboardMarkup::new(vec![vec![
        InlineKeyboardButton::callback("是", "demo:yes"),
        InlineKeyboardButton::url("Map", "https://example.org/".parse().unwrap()),
    ]]);
    let asked = bot.send_message(ChatId(LI_XIUYING), "确认下单？").reply_markup(markup).await.unwrap();
    let plain = bot.send_message(ChatId(LI_XIUYING), "no buttons").await.unwrap();
    let press = |message_id: i32, data: &str| json!({"message_id": message_id, "data": data});
    let path = format!("api/chats/{LI_XIUYING}/press");
    for forged in
        [press(asked.id.0, "demo:no"), press(asked.id.0, "https://example.org/"), press(plain.id.0, "demo:yes")]
    {
        let (status, body) = page.post(&path, forged.clone()).await;
        assert_eq!((status, &body["ok"]), (400, &json!(false)), "{forged}: {body}");
    }
    assert_eq!(page.post(&path, press(99, "demo:yes")).await.0, 400, "no such message");
    assert_eq!(page.post("api/chats/4242/press", press(asked.id.0, "demo:yes")).await.0, 404);
    page.post_ok(&path, press(asked.id.0, "demo:yes")).await;

    let update = receives(&running, "the callback query", |u| matches!(u.kind, UpdateKind::CallbackQuery(_))).await;
    let UpdateKind::CallbackQuery(query) = &update.kind else { unreachable!() };
    assert_eq!((query.from.id, query.data.as_deref()), (UserId(LI_XIUYING as u64), Some("demo:yes")));
    let on = query.regular_message().unwrap();
    assert_eq!((on.id, on.chat.id), (asked.id, ChatId(LI_XIUYING)));
    let queries = received(&running).await.iter().filter(|u| matches!(u.kind, UpdateKind::CallbackQuery(_))).count();
    assert_eq!(queries, 1, "refused presses reach nobody");
}

#[tokio::test]
async fn a_contact_is_the_personas_own_number() {
    let running = empty_demo().await;
    let page = Page::new(&running);
    let shared = page.post_ok(&format!("api/chats/{LI_XIUYING}/contact"), json!({})).await;
    assert_eq!(shared["message"]["contact"], json!({"phone": "13900139002", "name": "李秀英"}));
    assert_eq!((&shared["message"]["from"], &shared["message"]["text"]), (&json!("user"), &json!(null)));

    let update = receives(&running, "the contact", |u| message(u).and_then(Message::contact).is_some()).await;
    let m = message(&update).unwrap();
    let contact = m.contact().unwrap();
    assert_eq!((contact.phone_number.as_str(), contact.user_id), ("13900139002", Some(UserId(LI_XIUYING as u64))));
    assert_eq!((m.chat.id, m.from.as_ref().unwrap().id), (ChatId(LI_XIUYING), UserId(LI_XIUYING as u64)));
    assert_eq!(page.post(&format!("api/chats/{GROUP}/contact"), json!({})).await.0, 404, "a group has no phone");
}

/// Metres between two points on the Earth.
fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

#[tokio::test]
async fn a_location_is_near_or_far_from_the_checkpoint() {
    let running = empty_demo().await;
    let page = Page::new(&running);
    let (lat, lon, radius): (f64, f64, i64) =
        sqlx::query_as("SELECT latitude, longitude, radius_m FROM checkpoints WHERE name = '帝湖花园西王府门口'")
            .fetch_one(&running.app.pool)
            .await
            .unwrap();
    let path = format!("api/chats/{ZHANG_WEI}/location");
    for near in [true, false] {
        let shared = page.post_ok(&path, json!({"near": near})).await;
        let at = &shared["message"]["location"];
        let point = (at["latitude"].as_f64().unwrap(), at["longitude"].as_f64().unwrap());
        let metres = distance(point, (lat, lon));
        assert_eq!(metres <= radius as f64, near, "{point:?} is {metres:.0} m from the checkpoint");
        let update = receives(&running, "the location", |u| {
            message(u).and_then(Message::location).is_some_and(|l| (l.latitude, l.longitude) == point)
        })
        .await;
        assert_eq!(message(&update).unwrap().chat.id, ChatId(ZHANG_WEI));
    }
    let (status, body) = page.post(&format!("api/chats/{WANG_FANG}/location"), json!({"near": true})).await;
    assert_eq!((status, &body["ok"]), (404, &json!(false)), "王芳 has no checkpoint: {body}");
}
