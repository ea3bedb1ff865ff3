//! The guard: duplicate updates, corrupt stored state, forged buttons, contained panics.

use std::sync::Arc;

use linli::bot::guard;
use linli::bot::routes::Routes;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::Me;
use teloxide_tests::MockBot;

use crate::*;

const PERSON: u64 = 3001;

#[tokio::test]
async fn a_duplicate_update_id_has_no_second_effect() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let invite = linli::people::store::NewInvite {
        role: linli::people::model::Role::Official,
        community_id: dihu,
        created_by: None,
        max_uses: 2,
        days: 1,
    };
    let code =
        linli::people::store::create_invite(&mut world.pool().acquire().await.unwrap(), chrono::Utc::now(), &invite)
            .await
            .unwrap();
    let mut bot = world.bot(text(PERSON, "zh", &format!("/start inv_{code}")));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("帝湖社区"));
    // The same update again (same id), as Telegram redelivers after a restart.
    bot.dispatch().await;
    assert!(texts(&bot).is_empty(), "a redelivered update is dropped");
    let (uses,): (i64,) = sqlx::query_as("SELECT uses FROM invites").fetch_one(world.pool()).await.unwrap();
    assert_eq!(uses, 1, "the invite was used once");
    let (seen, done): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(done_at) FROM inbound_updates").fetch_one(world.pool()).await.unwrap();
    assert_eq!((seen, done), (1, 1), "stored once, and done");
}

#[tokio::test]
async fn a_corrupt_stored_state_resets_and_tells_the_user_once() {
    let world = World::new().await;
    sqlx::query("INSERT INTO dialogues (chat_id, state, updated_at) VALUES (?, '{\"People\":{\"Retired\":1}}', 'x')")
        .bind(PERSON as i64)
        .execute(world.pool())
        .await
        .unwrap();
    let mut bot = world.bot(text(PERSON, "zh", "/help"));
    bot.dispatch().await;
    let sent = texts(&bot);
    assert_eq!(sent[0], tr(ZH, "common.state_reset"));
    assert!(sent[1].starts_with(&tr(ZH, "menu.help_header")), "the message itself is still answered");
    bot.update(text(PERSON, "zh", "/help"));
    bot.dispatch().await;
    assert_eq!(texts(&bot).len(), 1, "told once");
}

#[tokio::test]
async fn forged_or_stale_callback_data_gets_a_polite_answer() {
    let world = World::new().await;
    for data in ["1:zz:1", "approve_42", "0:pc:1", "1:pc:99999999999999999999", ""] {
        world.forget_update_ids().await;
        let mut bot = world.bot(tap_raw(PERSON, "en", data));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(EN, "common.stale_button")), "{data:?}");
        drop(bot);
    }
    // Well-formed, but for a dialogue the person is not in.
    world.forget_update_ids().await;
    let mut bot = world.bot(tap(PERSON, "en", linli::people::buttons::Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "common.stale_button")));
}

fn panicking_schema() -> UpdateHandler<linli::Error> {
    // No slices: every message reaches the fallback, which panics on "boom".
    let fallback = teloxide::dptree::endpoint(|bot: Bot, msg: Message| async move {
        if msg.text() == Some("boom") {
            panic!("a bug in one handler");
        }
        bot.send_message(msg.chat.id, "still here").await?;
        Ok(())
    });
    let none = || teloxide::dptree::endpoint(|| async { Ok(()) });
    let routes = Arc::new(Routes::new(&[], none(), none(), fallback));
    teloxide::dptree::entry().endpoint(move |bot: Bot, update: Update, me: Me, app: Arc<linli::App>| {
        let routes = Arc::clone(&routes);
        async move { guard::handle(bot, update, me, app, routes).await }
    })
}

#[tokio::test]
async fn a_panicking_handler_is_contained_and_the_bot_keeps_serving() {
    let world = World::new().await;
    let mut bot = MockBot::new(text(PERSON, "en", "boom"), panicking_schema());
    bot.dependencies(teloxide::dptree::deps![world.app.clone()]);
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "common.internal_error"), "the person is told, not left in silence");
    bot.update(text(PERSON + 1, "en", "hello"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), "still here", "the next update is still served");
}
