//! What walking the ordering flow found (#10): adding adds, old buttons act on what is
//! shown now, a household is an address, English readers see English, pausing by
//! building with a reason and telling residents when it resumes, named catalog mistakes.

use linli::i18n::Lang;
use linli::orders::buttons::Cb;
use linli::people::store::{self as people, NewResident};
use teloxide_tests::MockCallbackQuery;

use crate::orders::{checkout, fill_cart, shop, started_cart, Shop, OFFICIAL, R1, R2};
use crate::*;

const R3_EN: u64 = 7003;
const OFFICIAL_EN: u64 = 7101;

async fn cart_of(s: &Shop, user: u64) -> Vec<(String, i64)> {
    linli::orders::store::cart(s.world.pool(), user as i64)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.name, l.quantity))
        .collect()
}

/// A tap on the bot's last message (so it can be edited in place).
fn tap_last(bot: &TestBot, id: u64, cb: impl linli::bot::CallbackData) -> MockCallbackQuery {
    let message = bot.get_responses().sent_messages.last().cloned().expect("a message to tap");
    MockCallbackQuery::new().data(cb.encode()).from(user(id, "zh")).message(message)
}

#[tokio::test]
async fn adding_adds_and_old_buttons_act_on_what_is_shown_now() {
    let s = shop().await;
    let mut bot = started_cart(&s, R1, s.tomato, 2).await;
    // The item again: it says what the cart holds; typing "1" adds one more.
    bot.update(tap(R1, "zh", Cb::OrderItem(s.tomato)));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&trf(ZH, "orders.in_cart_already", &[("qty", "2")])), "{}", last_text(&bot));
    assert!(last_text(&bot).ends_with(&tr(ZH, "orders.ask_quantity_one")), "stock 3, 2 in the cart: one more");
    bot.update(text(R1, "zh", "1"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "orders.added_more", &[("name", "西红柿"), ("qty", "1"), ("total", "3")]));
    assert_eq!(cart_of(&s, R1).await, vec![("西红柿".to_owned(), 3)]);

    // The quantity message already answered: its buttons do nothing.
    bot.update(tap(R1, "zh", Cb::OrderQty { item_id: s.tomato, qty: 1 }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "orders.qty.answered")));
    assert_eq!(cart_of(&s, R1).await, vec![("西红柿".to_owned(), 3)]);

    // The cart, then "remove" on it: the message is edited in place, not sent again.
    bot.update(tap(R1, "zh", Cb::ShowCart));
    bot.dispatch().await;
    let cart_message = bot.get_responses().sent_messages.last().cloned().unwrap();
    bot.update(tap_last(&bot, R1, Cb::CartSet { item_id: s.tomato, from: 3, to: 0 }));
    bot.dispatch().await;
    let responses = bot.get_responses();
    assert!(responses.sent_messages.is_empty(), "no new message for a cart tap");
    assert_eq!(responses.edited_messages_text.len(), 1);
    assert_eq!(responses.edited_messages_text[0].message.id, cart_message.id);
    assert_eq!(responses.edited_messages_text[0].message.text(), Some(tr(ZH, "orders.cart_empty").as_str()));
    assert!(cart_of(&s, R1).await.is_empty());

    // "+" on the old cart message (it showed 3) does not bring the line back.
    bot.update(tap(R1, "zh", Cb::CartSet { item_id: s.tomato, from: 3, to: 4 }));
    bot.dispatch().await;
    assert_eq!(
        bot.get_responses().answered_callback_queries.last().and_then(|a| a.text.clone()),
        Some(tr(ZH, "orders.cart_changed"))
    );
    assert!(cart_of(&s, R1).await.is_empty(), "an old button acts on what the cart holds now");
}

#[tokio::test]
async fn a_household_is_its_address_whoever_orders() {
    // R1 and R2 are two accounts at the same address (1号楼 1-101); rice: 2 per order, 3 a day.
    let s = shop().await;
    let mut bot = started_cart(&s, R1, s.rice, 2).await;
    checkout(&mut bot, R1).await;
    bot.update(tap(R1, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(s.orders(R1).await.len(), 1);

    // The second account is refused when adding, not only at the end.
    fill_cart(&mut bot, R2, s.rice, 2).await;
    let day_limit = trf(ZH, "orders.qty.per_day", &[("name", "大米"), ("limit", "3"), ("already", "2")]);
    assert_eq!(alert(&bot), Some(day_limit + &trf(ZH, "orders.qty.at_most_more", &[("more", "1")])));
    assert!(cart_of(&s, R2).await.is_empty());

    // A cart filled before the first order went in is stopped at the confirm.
    sqlx::query("INSERT INTO cart_lines (user_id, item_id, quantity) VALUES (?, ?, 2)")
        .bind(R2 as i64)
        .bind(s.rice)
        .execute(s.world.pool())
        .await
        .unwrap();
    checkout(&mut bot, R2).await;
    bot.update(tap(R2, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(
        texts(&bot)[0],
        trf(ZH, "orders.short.day_limit", &[("name", "大米"), ("limit", "3"), ("already", "2")])
    );
    assert!(s.orders(R2).await.is_empty());
}

async fn english_resident_and_official(s: &Shop) {
    let dihu = s.world.community("帝湖社区").await;
    let b2 = s.world.building(dihu, "2号楼").await;
    s.world.add_user(R3_EN, "Anna", Lang::En).await;
    let new = NewResident { community_id: dihu, building_id: b2, unit_room: "2-201", household_size: 1, phone: None };
    let mut conn = s.world.pool().acquire().await.unwrap();
    people::save_resident(&mut conn, chrono::Utc::now(), R3_EN as i64, &new).await.unwrap();
    s.world.add_user(OFFICIAL_EN, "Tom", Lang::En).await;
    sqlx::query(
        "INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, 'official', 'approved', 0)",
    )
    .bind(OFFICIAL_EN as i64)
    .bind(dihu)
    .execute(s.world.pool())
    .await
    .unwrap();
}

#[tokio::test]
async fn english_readers_see_english_names_everywhere_in_ordering() {
    let s = shop().await;
    english_resident_and_official(&s).await;
    let mut bot = s.world.bot(text(R3_EN, "en", "/order"));
    bot.dispatch().await;
    bot.update(tap(R3_EN, "en", Cb::OrderItem(s.tomato)));
    bot.dispatch().await;
    bot.update(text(R3_EN, "en", "2"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(EN, "orders.added", &[("name", "Tomatoes"), ("qty", "2")]));
    // Someone else buys 2 of the 3 meanwhile: the shortage names the item in English.
    sqlx::query("UPDATE catalog_items SET stock = 1 WHERE id = ?")
        .bind(s.tomato)
        .execute(s.world.pool())
        .await
        .unwrap();
    bot.update(tap(R3_EN, "en", Cb::Checkout));
    bot.dispatch().await;
    bot.update(tap(R3_EN, "en", Cb::NoNote));
    bot.dispatch().await;
    bot.update(tap(R3_EN, "en", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(texts(&bot)[0], trf(EN, "orders.short.out_of_stock", &[("name", "Tomatoes"), ("left", "1")]));
    bot.update(tap(R3_EN, "en", Cb::CartSet { item_id: s.tomato, from: 2, to: 1 }));
    bot.dispatch().await;
    bot.update(tap(R3_EN, "en", Cb::Checkout));
    bot.dispatch().await;
    bot.update(tap(R3_EN, "en", Cb::NoNote));
    bot.dispatch().await;
    bot.update(tap(R3_EN, "en", Cb::Confirm));
    bot.dispatch().await;
    bot.update(text(R3_EN, "en", "/myorders"));
    bot.dispatch().await;
    let mine = last_text(&bot);
    assert!(mine.contains("Tomatoes×1") && !mine.contains("西红柿"), "{mine}");

    // The official reading English: counts, catalog, pick list, file.
    bot.update(text(OFFICIAL_EN, "en", "/orders"));
    bot.dispatch().await;
    let counts = last_text(&bot);
    assert!(counts.contains("placed: 1 (Building 2 1)"), "{counts}");
    assert!(!counts.contains('：') && !counts.contains("号楼"), "{counts}");
    bot.update(text(OFFICIAL_EN, "en", "/catalog"));
    bot.dispatch().await;
    let catalog = texts(&bot).join("\n");
    assert!(catalog.contains("Tomatoes ¥4.50/500 g · stock 0") && !catalog.contains("西红柿"), "{catalog}");
    bot.update(tap(OFFICIAL_EN, "en", Cb::AcceptAll));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL_EN, "en", Cb::PickList));
    bot.dispatch().await;
    let file = &bot.get_responses().sent_messages_document[0].bot_request;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d").to_string();
    assert_eq!(file.file_name, format!("pick-list-Dihu Community-{today}.csv"));
    let b2 = s.world.building(s.world.community("帝湖社区").await, "2号楼").await;
    bot.update(tap(OFFICIAL_EN, "en", Cb::PickListBuilding(b2)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), "[Building 2]\n  Tomatoes × 1 (500 g)");

    // Buildings are typed in English too, names with a space included.
    bot.update(text(OFFICIAL_EN, "en", "/freeze Building 2 water cut"));
    bot.dispatch().await;
    assert!(last_text(&bot).ends_with(&trf(
        EN,
        "orders.frozen_done",
        &[("place", "Building 2"), ("reason", "water cut")]
    )));
    bot.update(text(OFFICIAL_EN, "en", "/orderfor Building 1 1-101"));
    bot.dispatch().await;
    assert!(
        last_text(&bot).contains(&trf(
            EN,
            "orders.proxy.started",
            &[("name", "居民7001"), ("address", "Building 1 1-101")]
        )),
        "{}",
        last_text(&bot)
    );
}

#[tokio::test]
async fn an_item_added_in_chat_can_be_given_an_english_name() {
    let s = shop().await;
    english_resident_and_official(&s).await;
    let mut bot = s.world.bot(text(OFFICIAL, "zh", "/additem vegetables 白菜 2.5 200 5 10 斤"));
    bot.dispatch().await;
    assert!(last_text(&bot).ends_with(&trf(ZH, "orders.catalog.ask_english", &[("name", "白菜")])));
    bot.update(text(OFFICIAL, "zh", " / "));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&tr(ZH, "orders.catalog.bad_english")), "asked again");
    bot.update(text(OFFICIAL, "zh", "Chinese cabbage / 500 g"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "orders.catalog.english_saved", &[("name", "Chinese cabbage")]));
    let (name_en, unit_en): (String, String) =
        sqlx::query_as("SELECT name_en, unit_en FROM catalog_items WHERE name = '白菜'")
            .fetch_one(s.world.pool())
            .await
            .unwrap();
    assert_eq!((name_en.as_str(), unit_en.as_str()), ("Chinese cabbage", "500 g"));
    // Another item, skipped: English readers see the Chinese name (nothing breaks).
    bot.update(text(OFFICIAL, "zh", "/additem vegetables 菠菜 3 100 5 10 斤"));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::SkipEnglish));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "orders.catalog.english_skipped"));
    bot.update(tap(OFFICIAL, "zh", Cb::SkipEnglish));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")), "a second skip is stale");
}

#[tokio::test]
async fn a_building_is_paused_with_a_reason_and_its_residents_are_told_when_it_resumes() {
    let s = shop().await;
    // A building without a reason: the bot asks; nothing is paused yet.
    let mut bot = s.world.bot(text(OFFICIAL, "zh", "/freeze 1号楼"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&trf(ZH, "orders.freeze_ask_reason", &[("place", "1号楼")])));
    bot.update(text(R1, "zh", "/order"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "orders.choose_category"), "not paused before the reason");
    bot.update(text(OFFICIAL, "zh", "全员核酸检测"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "orders.frozen_done", &[("place", "1号楼"), ("reason", "全员核酸检测")]));
    bot.update(text(R1, "zh", "/order"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "orders.frozen_building", &[("reason", "全员核酸检测")]));
    // A building that does not exist is named, not taken as the reason.
    bot.update(text(OFFICIAL, "zh", "/freeze 99号楼 停水"));
    bot.dispatch().await;
    assert!(
        last_text(&bot).contains(&trf(ZH, "orders.freeze_no_building", &[("name", "99号楼")])),
        "{}",
        last_text(&bot)
    );

    bot.update(text(OFFICIAL, "zh", "/unfreeze"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&trf(ZH, "orders.unfrozen", &[("place", "帝湖社区"), ("count", "2")])));
    for resident in [R1, R2] {
        let told = crate::roles::queued_for(&s.world, resident).await;
        assert_eq!(told.last().map(|m| m.0.clone()), Some(tr(ZH, "orders.resumed")), "{resident}");
    }
    bot.update(text(OFFICIAL, "zh", "/unfreeze"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&trf(ZH, "orders.not_frozen", &[("place", "帝湖社区")])));

    // The whole community: residents read that it is the community, not their building.
    bot.update(text(OFFICIAL, "zh", "/freeze 全员核酸检测"));
    bot.dispatch().await;
    bot.update(text(R1, "zh", "/order"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "orders.frozen_community", &[("reason", "全员核酸检测")]));
}

#[tokio::test]
async fn small_things_residents_hit() {
    let s = shop().await;
    // "三" is a quantity, as "三口人" is a household size.
    let mut bot = s.world.bot(tap(R1, "zh", Cb::OrderItem(s.tomato)));
    bot.dispatch().await;
    bot.update(text(R1, "zh", "三"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "orders.added", &[("name", "西红柿"), ("qty", "3")]));
    // /cancel at the note step says the cart is kept — and it is.
    checkout_to_note(&mut bot, R1).await;
    bot.update(text(R1, "zh", "/cancel"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&tr(ZH, "orders.cancel_keeps_cart")), "{}", last_text(&bot));
    assert_eq!(cart_of(&s, R1).await.len(), 1);
    // /cancel elsewhere does not talk about a cart.
    bot.update(text(R1, "zh", "/cancel"));
    bot.dispatch().await;
    assert!(!last_text(&bot).contains(&tr(ZH, "orders.cancel_keeps_cart")));
    // A stranger's /myorders points to /register, not to /order.
    bot.update(text(9999, "zh", "/myorders"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "orders.not_registered"));
}

async fn checkout_to_note(bot: &mut TestBot, user: u64) {
    bot.update(tap(user, "zh", Cb::Checkout));
    bot.dispatch().await;
    assert!(last_text(bot).starts_with(&trf(ZH, "orders.ask_note", &[("max", "100")])));
}

#[tokio::test]
async fn a_helper_whose_role_was_taken_away_orders_for_nobody_else() {
    let s = shop().await;
    // The official starts ordering for R2, then stops being an official.
    let mut bot = crate::orders::after_placing::order_for_r2(&s).await;
    sqlx::query("DELETE FROM memberships WHERE user_id = ?")
        .bind(OFFICIAL as i64)
        .execute(s.world.pool())
        .await
        .unwrap();
    bot.update(text(OFFICIAL, "zh", "/order"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "orders.not_registered"), "no longer ordering for R2's address");
}
