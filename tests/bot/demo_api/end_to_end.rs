//! The real bot and the demo, end to end: a persona's message through the page gets the
//! bot's answer in the page, and the script builds the world it says it builds.

use std::time::{Duration, Instant};

use linli::config::Settings;
use linli::demo::{self, Options};
use serde_json::{json, Value};

use super::*;

/// Waits until a bot message in `chat` passes `pick`.
async fn bot_says(page: &Page, chat: i64, limit: Duration, pick: impl Fn(&str) -> bool) -> Value {
    wait_for(limit, &format!("the bot's message in chat {chat}"), || async {
        page.messages(chat).await.into_iter().find(|m| m["from"] == "bot" && m["text"].as_str().is_some_and(&pick))
    })
    .await
}

#[tokio::test]
async fn emma_says_start_and_the_bot_welcomes_her_in_english() {
    let running = empty_demo().await;
    let page = Page::new(&running);
    let started = Instant::now();
    page.post_ok(&format!("api/chats/{EMMA}/send"), json!({"text": "/start"})).await;
    let welcome = linli::tr("en", "people.welcome");
    let answer = bot_says(&page, EMMA, Duration::from_secs(5), |t| t.contains(&welcome)).await;
    eprintln!("the bot's welcome reached the page {:?} after /start", started.elapsed());
    assert!(answer["text"].as_str().unwrap().contains(&linli::tr("en", "people.welcome_register")));
    assert!(answer["date"].as_i64().unwrap() > 0);
    // /start also sets her own menu, in English.
    let state = page.get("api/state").await;
    let commands = persona(&state, EMMA)["commands"].as_array().unwrap().clone();
    assert!(commands.iter().any(|c| c["command"] == "/register"), "{commands:?}");
    let zh = linli::tr("zh-CN", "people.welcome");
    assert!(page.messages(EMMA).await.iter().all(|m| !m["text"].as_str().unwrap_or_default().contains(&zh)));
}

async fn ids(running: &demo::Running, sql: &str) -> Vec<i64> {
    sqlx::query_scalar(sql).fetch_all(&running.app.pool).await.unwrap()
}

#[tokio::test]
async fn the_script_builds_the_world_it_describes() {
    let started = Instant::now();
    let mut running = demo::start(Settings::default(), Options { db: None, port: 0, populate: true }).await.unwrap();
    running.ready().await.unwrap();
    eprintln!("demo::start(populate) → ready() took {:?}", started.elapsed());

    let residents = ids(
        &running,
        "SELECT r.user_id FROM residents r JOIN buildings b ON b.id = r.building_id
         JOIN communities c ON c.id = r.community_id AND c.id = b.community_id
         WHERE c.name = '帝湖社区' AND b.name = '3号楼' ORDER BY r.user_id",
    )
    .await;
    assert_eq!(residents, vec![WANG_FANG, LI_XIUYING]);
    let phones: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT user_id, unit_room, phone FROM residents ORDER BY user_id")
            .fetch_all(&running.app.pool)
            .await
            .unwrap();
    assert_eq!(phones[0], (WANG_FANG, "2单元301".into(), Some("13800138001".into())), "{phones:?}");
    assert_eq!(phones[1].0, LI_XIUYING);

    let approved = |role: &str| {
        format!(
            "SELECT m.user_id FROM memberships m JOIN communities c ON c.id = m.community_id
             WHERE c.name = '帝湖社区' AND m.role = '{role}' AND m.status = 'approved' ORDER BY m.user_id"
        )
    };
    assert_eq!(ids(&running, &approved("volunteer")).await, vec![ZHANG_WEI]);
    assert_eq!(ids(&running, &approved("official")).await, vec![LIU_MIN]);
    let linked = ids(
        &running,
        "SELECT chat_id FROM linked_chats l JOIN buildings b ON b.id = l.building_id WHERE b.name = '3号楼'",
    )
    .await;
    assert_eq!(linked, vec![GROUP]);

    let orders: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT resident_id, placed_by, status FROM orders ORDER BY resident_id")
            .fetch_all(&running.app.pool)
            .await
            .unwrap();
    assert_eq!(orders, vec![(WANG_FANG, WANG_FANG, "placed".into()), (LI_XIUYING, ZHANG_WEI, "placed".into())]);
    let lines =
        ids(&running, "SELECT quantity FROM order_lines l JOIN orders o ON o.id = l.order_id ORDER BY o.resident_id")
            .await;
    assert_eq!(lines, vec![2, 1], "王芳 ordered 2, 李秀英 1");
    assert_eq!(ids(&running, "SELECT user_id FROM shift_claims").await, vec![ZHANG_WEI]);

    let notice: (i64, i64, String, i64) =
        sqlx::query_as("SELECT id, author_id, status, groups FROM notices").fetch_one(&running.app.pool).await.unwrap();
    assert_eq!((notice.1, notice.2.as_str(), notice.3), (LIU_MIN, "sent", 1), "{notice:?}");
    let recipients = ids(
        &running,
        &format!("SELECT user_id FROM notice_recipients WHERE notice_id = {} ORDER BY user_id", notice.0),
    )
    .await;
    assert_eq!(recipients, vec![WANG_FANG, LI_XIUYING]);

    // The notice reaches the group's history (through the outbox, at its own pace).
    let page = Page::new(&running);
    let shown = bot_says(&page, GROUP, Duration::from_secs(15), |t| t.contains("全员核酸检测")).await;
    eprintln!("the notice was in the group's history {:?} after start", started.elapsed());
    for resident in [WANG_FANG, LI_XIUYING] {
        bot_says(&page, resident, Duration::from_secs(15), |t| t.contains("全员核酸检测")).await;
    }
    // Then the group buy's offer, whose tally (edited in place) has 王芳's line.
    let offer = bot_says(&page, GROUP, Duration::from_secs(15), |t| t.contains("1. 3号楼 2单元 蔬菜套餐×1")).await;
    let state = page.get("api/state").await;
    assert_eq!(persona(&state, GROUP)["last"]["message_id"], offer["message_id"]);
    assert!(offer["message_id"].as_i64() > shown["message_id"].as_i64());
    assert_eq!(ids(&running, "SELECT user_id FROM group_buy_joins").await, vec![WANG_FANG]);
    // Everything the script caused goes out, at Telegram's pace.
    drained(&page).await;
}

/// Waits until the outbox has nothing left to send.
async fn drained(page: &Page) {
    wait_for(Duration::from_secs(20), "the queue to drain", || async {
        (page.get("api/state").await["queued"] == 0).then_some(())
    })
    .await
}

#[tokio::test]
async fn a_kept_database_is_built_once_and_opens_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kept.db");
    let options = Options { db: Some(db.clone()), port: 0, populate: true };
    let mut first = demo::start(Settings::default(), options.clone()).await.unwrap();
    first.ready().await.unwrap();
    let people = ids(&first, "SELECT user_id FROM residents ORDER BY user_id").await;
    assert_eq!(people, vec![WANG_FANG, LI_XIUYING]);
    drained(&Page::new(&first)).await;
    drop(first);

    // The second start keeps what the first built and does not play the script again.
    let mut second = demo::start(Settings::default(), options).await.unwrap();
    second.ready().await.unwrap();
    assert_eq!(ids(&second, "SELECT user_id FROM residents ORDER BY user_id").await, people);
    assert_eq!(ids(&second, "SELECT count(*) FROM notices").await, vec![1], "one notice, not two");
    let page = Page::new(&second);
    let before = page.get(&format!("api/chats/{WANG_FANG}/messages")).await;
    assert_eq!(before, json!([]), "the page's chats start empty after a restart");
    page.post(&format!("api/chats/{WANG_FANG}/send"), json!({"text": "/me"})).await;
    let profile = bot_says(&page, WANG_FANG, Duration::from_secs(10), |t| t.contains("2单元301")).await;
    assert!(profile["text"].as_str().unwrap().contains("王芳"), "{profile}");
}
