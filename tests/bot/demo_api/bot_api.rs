//! The demo's Bot API through a real `teloxide::Bot`: teloxide deserialises every answer
//! and maps every error as it would Telegram's, and the page shows what the bot sent.

use serde_json::json;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, BotCommandScope, ButtonRequest, ChatMemberKind, InlineKeyboardButton, InlineKeyboardMarkup,
    KeyboardButton, KeyboardMarkup, KeyboardRemove, MessageId, ParseMode, Recipient,
};
use teloxide::{ApiError, RequestError};

use super::*;

#[tokio::test]
async fn get_me_is_the_demo_bot() {
    let running = empty_demo().await;
    let me = bot(&running).get_me().await.unwrap();
    assert_eq!((me.id, me.username()), (UserId(7_000_000_001), "linli_demo_bot"));
    assert!(me.user.is_bot);
}

#[tokio::test]
async fn send_message_numbers_per_chat_and_the_page_shows_html_and_both_keyboards() {
    let running = empty_demo().await;
    let (bot, page) = (bot(&running), Page::new(&running));
    let inline = InlineKeyboardMarkup::new(vec![
        vec![InlineKeyboardButton::callback("确认", "demo:yes"), InlineKeyboardButton::callback("取消", "demo:no")],
        vec![InlineKeyboardButton::url("Map", "https://example.org/map".parse().unwrap())],
    ]);
    let first = bot
        .send_message(ChatId(WANG_FANG), "<b>你好</b> & welcome")
        .parse_mode(ParseMode::Html)
        .reply_markup(inline)
        .await
        .unwrap();
    assert_eq!((first.chat.id, first.text()), (ChatId(WANG_FANG), Some("<b>你好</b> & welcome")));
    assert!(first.from.as_ref().unwrap().is_bot);
    let keyboard = vec![
        vec![KeyboardButton::new("📱 Share my phone number").request(ButtonRequest::Contact)],
        vec![KeyboardButton::new("📍 Share location").request(ButtonRequest::Location), KeyboardButton::new("Skip")],
    ];
    let second = bot
        .send_message(ChatId(WANG_FANG), "plain")
        .reply_markup(KeyboardMarkup::new(keyboard).one_time_keyboard())
        .await
        .unwrap();
    assert_eq!(second.id.0, first.id.0 + 1, "ids count up in a chat");
    let other = bot.send_message(ChatId(LI_XIUYING), "x").await.unwrap();
    assert_eq!(other.id, MessageId(1), "every chat numbers its own messages");
    let removed = bot.send_message(ChatId(WANG_FANG), "done").reply_markup(KeyboardRemove::new()).await.unwrap();

    let history = page.messages(WANG_FANG).await;
    assert_eq!(history.len(), 3);
    let shown = &history[0];
    assert_eq!(shown["message_id"], first.id.0);
    assert_eq!((&shown["from"], &shown["sender"]), (&json!("bot"), &json!("Linli 邻里")));
    assert_eq!((&shown["text"], &shown["html"]), (&json!("<b>你好</b> & welcome"), &json!(true)));
    assert_eq!(
        shown["inline_keyboard"],
        json!([
            [{"text": "确认", "callback_data": "demo:yes"}, {"text": "取消", "callback_data": "demo:no"}],
            [{"text": "Map", "url": "https://example.org/map"}]
        ])
    );
    assert_eq!((&shown["reply_keyboard"], &shown["remove_keyboard"]), (&json!(null), &json!(false)));
    assert_eq!((&history[1]["html"], &history[1]["inline_keyboard"]), (&json!(false), &json!(null)));
    assert_eq!(
        history[1]["reply_keyboard"],
        json!({"one_time": true, "rows": [
            [{"text": "📱 Share my phone number", "request_contact": true, "request_location": false}],
            [{"text": "📍 Share location", "request_contact": false, "request_location": true},
             {"text": "Skip", "request_contact": false, "request_location": false}]
        ]})
    );
    assert_eq!(history[2]["message_id"], removed.id.0);
    assert_eq!((&history[2]["remove_keyboard"], &history[2]["reply_keyboard"]), (&json!(true), &json!(null)));
    let state = page.get("api/state").await;
    assert_eq!(persona(&state, WANG_FANG)["last"]["text"], "done", "the chat list previews the last message");
}

#[tokio::test]
async fn errors_are_telegrams() {
    let running = empty_demo().await;
    let bot = bot(&running);
    let unknown = bot.send_message(ChatId(424_242), "hello").await.unwrap_err();
    assert!(matches!(unknown, RequestError::Api(ApiError::ChatNotFound)), "{unknown:?}");
    let empty = bot.send_message(ChatId(WANG_FANG), " ").await.unwrap_err();
    assert!(matches!(empty, RequestError::Api(ApiError::MessageTextIsEmpty)), "{empty:?}");

    let markup = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback("A", "demo:a")]]);
    let sent = bot.send_message(ChatId(WANG_FANG), "same").reply_markup(markup.clone()).await.unwrap();
    let same = bot.edit_message_text(ChatId(WANG_FANG), sent.id, "same").reply_markup(markup.clone()).await;
    assert!(matches!(same, Err(RequestError::Api(ApiError::MessageNotModified))), "{same:?}");
    let missing = bot.edit_message_text(ChatId(WANG_FANG), MessageId(999), "new").await.unwrap_err();
    assert!(matches!(missing, RequestError::Api(ApiError::MessageToEditNotFound)), "{missing:?}");
    let elsewhere = bot.edit_message_text(ChatId(424_242), sent.id, "new").await.unwrap_err();
    assert!(matches!(elsewhere, RequestError::Api(ApiError::ChatNotFound)), "{elsewhere:?}");
    assert!(Page::new(&running).messages(WANG_FANG).await[0]["edited"] == json!(false), "refused edits change nothing");
}

#[tokio::test]
async fn edits_replace_text_and_keyboard_and_the_page_gets_edit_events() {
    let running = empty_demo().await;
    let (bot, page) = (bot(&running), Page::new(&running));
    let markup = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback("A", "demo:a")]]);
    let sent = bot.send_message(ChatId(ZHANG_WEI), "v1").reply_markup(markup.clone()).await.unwrap();
    let since = page.seq().await;

    let edited =
        bot.edit_message_text(ChatId(ZHANG_WEI), sent.id, "<i>v2</i>").parse_mode(ParseMode::Html).await.unwrap();
    assert_eq!((edited.id, edited.text()), (sent.id, Some("<i>v2</i>")));
    assert!(edited.edit_date().is_some());
    let shown = &page.messages(ZHANG_WEI).await[0];
    assert_eq!((&shown["text"], &shown["html"], &shown["edited"]), (&json!("<i>v2</i>"), &json!(true), &json!(true)));
    assert_eq!(shown["inline_keyboard"], json!(null), "an edit without reply_markup drops the keyboard, as Telegram's");

    bot.edit_message_reply_markup(ChatId(ZHANG_WEI), sent.id).reply_markup(markup).await.unwrap();
    assert_eq!(page.messages(ZHANG_WEI).await[0]["inline_keyboard"][0][0]["callback_data"], "demo:a");
    let cleared = bot.edit_message_reply_markup(ChatId(ZHANG_WEI), sent.id).await.unwrap();
    assert!(cleared.reply_markup().is_none());
    let shown = &page.messages(ZHANG_WEI).await[0];
    assert_eq!((&shown["inline_keyboard"], &shown["text"]), (&json!(null), &json!("<i>v2</i>")));
    let again = bot.edit_message_reply_markup(ChatId(ZHANG_WEI), sent.id).await;
    assert!(matches!(again, Err(RequestError::Api(ApiError::MessageNotModified))), "{again:?}");

    let edits: Vec<_> = page.events_since(since).await.into_iter().filter(|e| e["kind"] == "edit").collect();
    assert_eq!(edits.len(), 3, "{edits:?}");
    assert_eq!(
        (&edits[0]["message"]["message_id"], &edits[0]["message"]["text"]),
        (&json!(sent.id.0), &json!("<i>v2</i>"))
    );
    assert_eq!(edits[2]["message"]["inline_keyboard"], json!(null));

    // Editing a message that brought a reply keyboard leaves that keyboard in force.
    let phone = KeyboardMarkup::new(vec![vec![KeyboardButton::new("📱").request(ButtonRequest::Contact)]]);
    let asked = bot.send_message(ChatId(ZHANG_WEI), "电话？").reply_markup(phone).await.unwrap();
    bot.edit_message_text(ChatId(ZHANG_WEI), asked.id, "请分享电话").await.unwrap();
    let shown = page.messages(ZHANG_WEI).await.pop().unwrap();
    assert_eq!((&shown["text"], &shown["edited"]), (&json!("请分享电话"), &json!(true)));
    assert_eq!(shown["reply_keyboard"]["rows"][0][0]["request_contact"], json!(true), "{shown}");
}

#[tokio::test]
async fn callback_answers_become_alerts_and_toasts_once() {
    let running = empty_demo().await;
    let (bot, page) = (bot(&running), Page::new(&running));
    // Query ids made directly in the hub: a press through the page would reach the real
    // bot, which answers it first.
    let (alert, toast) = {
        let mut st = running.demo.hub.lock();
        (st.new_query(WANG_FANG), st.new_query(EMMA))
    };
    let since = page.seq().await;
    bot.answer_callback_query(alert.clone().into()).text("库存不足").show_alert(true).await.unwrap();
    bot.answer_callback_query(toast.into()).text("Saved").await.unwrap();
    let events: Vec<_> =
        page.events_since(since).await.into_iter().filter(|e| e["kind"] == "alert" || e["kind"] == "toast").collect();
    assert_eq!(
        events,
        vec![
            json!({"kind": "alert", "chat_id": WANG_FANG, "text": "库存不足"}),
            json!({"kind": "toast", "chat_id": EMMA, "text": "Saved"})
        ]
    );
    for id in [alert, "demo-unknown".to_owned()] {
        let err = bot.answer_callback_query(id.into()).await.unwrap_err();
        let RequestError::Api(api) = &err else { panic!("{err:?}") };
        assert!(api.to_string().contains("query is too old"), "{err:?}");
    }
}

#[tokio::test]
async fn command_menus_resolve_by_scope_and_language() {
    let running = empty_demo().await;
    let (bot, page) = (bot(&running), Page::new(&running));
    let commands = |name: &str, text: &str| vec![BotCommand::new(name, text)];
    let since = page.seq().await;
    bot.set_my_commands(commands("orders", "王芳的菜单"))
        .scope(BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(WANG_FANG)) })
        .await
        .unwrap();
    bot.set_my_commands(commands("zhong", "中文菜单"))
        .scope(BotCommandScope::AllPrivateChats)
        .language_code("zh")
        .await
        .unwrap();
    bot.set_my_commands(commands("english", "English menu")).scope(BotCommandScope::AllPrivateChats).await.unwrap();
    assert!(page.events_since(since).await.iter().any(|e| e["kind"] == "commands"));

    let state = page.get("api/state").await;
    let menu = |id: i64| persona(&state, id)["commands"].clone();
    assert_eq!(menu(WANG_FANG), json!([{"command": "/orders", "description": "王芳的菜单"}]), "the chat's scope wins");
    assert_eq!(menu(LI_XIUYING), json!([{"command": "/zhong", "description": "中文菜单"}]));
    assert_eq!(menu(EMMA), json!([{"command": "/english", "description": "English menu"}]));
    assert_eq!(menu(GROUP), json!([]), "all_private_chats is not a group's menu");
    bot.set_my_commands(commands("link", "绑定")).scope(BotCommandScope::Default).await.unwrap();
    let state = page.get("api/state").await;
    assert_eq!(persona(&state, GROUP)["commands"], json!([{"command": "/link", "description": "绑定"}]), "the default");
    assert_eq!(
        persona(&state, LI_XIUYING)["commands"][0]["command"],
        "/zhong",
        "private chats' menu before the default"
    );
    let admins = BotCommandScope::ChatAdministrators { chat_id: Recipient::Id(ChatId(GROUP)) };
    bot.set_my_commands(commands("admins", "管理")).scope(admins).await.unwrap();
    bot.set_my_commands(commands("qun", "群菜单"))
        .scope(BotCommandScope::AllGroupChats)
        .language_code("zh")
        .await
        .unwrap();
    let state = page.get("api/state").await;
    assert_eq!(persona(&state, GROUP)["commands"], json!([{"command": "/qun", "description": "群菜单"}]));
    assert_eq!(persona(&state, EMMA)["commands"][0]["command"], "/english", "a group's menu is not a private chat's");
}

#[tokio::test]
async fn pinning_in_the_group_and_its_members() {
    let running = empty_demo().await;
    let (bot, page) = (bot(&running), Page::new(&running));
    let notice = bot.send_message(ChatId(GROUP), "明天上午8点核酸检测").await.unwrap();
    assert!(notice.chat.is_supergroup());
    let since = page.seq().await;
    bot.pin_chat_message(ChatId(GROUP), notice.id).await.unwrap();
    let pins: Vec<_> = page.events_since(since).await.into_iter().filter(|e| e["kind"] == "pin").collect();
    assert_eq!(pins.len(), 1);
    assert_eq!((&pins[0]["chat_id"], &pins[0]["message"]["message_id"]), (&json!(GROUP), &json!(notice.id.0)));
    let group = persona(&page.get("api/state").await, GROUP);
    assert_eq!(
        (&group["pinned"]["message_id"], &group["pinned"]["text"]),
        (&json!(notice.id.0), &json!("明天上午8点核酸检测"))
    );
    assert!(bot.pin_chat_message(ChatId(GROUP), MessageId(99)).await.is_err(), "no such message");

    let member = bot.get_chat_member(ChatId(GROUP), UserId(WANG_FANG as u64)).await.unwrap();
    assert!(matches!(member.kind, ChatMemberKind::Member(_)), "{member:?}");
    assert_eq!(member.user.id, UserId(WANG_FANG as u64));
    let outsider = bot.get_chat_member(ChatId(GROUP), UserId(ADMIN as u64)).await.unwrap();
    assert!(matches!(outsider.kind, ChatMemberKind::Left), "{outsider:?}");
    let me = bot.get_chat_member(ChatId(GROUP), UserId(7_000_000_001)).await.unwrap();
    assert!(me.is_administrator() && me.can_manage_chat(), "the bot administers the group: {me:?}");
    assert!(bot.get_chat_member(ChatId(GROUP), UserId(31_337)).await.is_err(), "no such user");
    let chat = bot.get_chat(ChatId(GROUP)).await.unwrap();
    assert_eq!(chat.title(), Some("帝湖社区3号楼 居民群"));
}

#[tokio::test]
async fn unknown_methods_bad_tokens_and_bad_bodies_are_4xx() {
    let running = empty_demo().await;
    let page = Page::new(&running);
    let token = linli::demo::telegram::TOKEN;
    let call = |path: String, body: &'static str, content_type: &'static str| {
        let request = page.client.post(format!("{}{path}", page.base)).header("content-type", content_type);
        async move {
            let response = request.body(body).send().await.unwrap();
            (response.status().as_u16(), response.json::<serde_json::Value>().await.unwrap_or_default())
        }
    };
    let (status, body) = call(format!("bot{token}/sendDice"), "{}", "application/json").await;
    assert_eq!((status, &body["ok"], &body["error_code"]), (404, &json!(false), &json!(404)), "{body}");
    let (status, body) = call("bot123:wrong/getMe".into(), "{}", "application/json").await;
    assert_eq!((status, &body["description"]), (401, &json!("Unauthorized")));
    let wrong = Bot::with_client("123:wrong", page.client.clone()).set_api_url(page.base.parse().unwrap());
    let err = wrong.get_me().await.unwrap_err();
    assert!(matches!(err, RequestError::Api(ApiError::InvalidToken)), "{err:?}");

    for (path, body, content_type) in [
        (format!("bot{token}/sendMessage"), "not json", "application/json"),
        (format!("bot{token}/sendMessage"), "{\"chat_id\": \"@nobody\", \"text\": \"x\"}", "application/json"),
        (format!("bot{token}/sendDocument"), "--x\r\ngarbage", "multipart/form-data; boundary=x"),
        (format!("bot{token}/sendPhoto"), "{\"chat_id\": 1001, \"photo\": \"f999\"}", "application/json"),
        (format!("bot{token}/editMessageText"), "{}", "application/json"),
        (format!("bot{token}/pinChatMessage"), "{}", "application/json"),
        (format!("bot{token}/getChatMember"), "{\"chat_id\": 1001}", "application/json"),
        (format!("bot{token}"), "{}", "application/json"),
        ("nothing/here/at/all".to_owned(), "", "text/plain"),
    ] {
        let (status, answer) = call(path.clone(), body, content_type).await;
        assert!((400..500).contains(&status), "{path} {body:?}: {status} {answer}");
        assert_eq!(answer["ok"], json!(false), "{path}: {answer}");
    }
}
