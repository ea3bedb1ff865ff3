//! Ordering after the cart: the whole lifecycle across resident, official and volunteer,
//! the catalog in chat, ordering for someone, the order and its notification committing
//! together, and paging long categories.

use linli::orders::buttons::Cb;

use super::*;

#[tokio::test]
async fn the_whole_lifecycle_across_resident_official_and_volunteer() {
    let s = shop().await;
    let dihu = s.world.community("帝湖社区").await;
    let b1 = s.world.building(dihu, "1号楼").await;
    for v in [VOL, VOL2] {
        people::upsert_user(
            &mut s.world.pool().acquire().await.unwrap(),
            chrono::Utc::now(),
            v as i64,
            &format!("志愿者{v}"),
            Lang::ZhCn,
            true,
        )
        .await
        .unwrap();
        sqlx::query("INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, 'volunteer', 'approved', 'now')")
            .bind(v as i64)
            .bind(dihu)
            .execute(s.world.pool())
            .await
            .unwrap();
    }
    sqlx::query("UPDATE residents SET phone = '13800138000' WHERE user_id = ?")
        .bind(R1 as i64)
        .execute(s.world.pool())
        .await
        .unwrap();
    let place = |resident: u64, item: i64, qty: i64| {
        let pool = s.world.pool().clone();
        async move {
            linli::orders::store::set_cart(&mut pool.acquire().await.unwrap(), resident as i64, item, qty)
                .await
                .unwrap();
            let p = linli::orders::store::Placement {
                resident: resident as i64,
                community_id: dihu,
                placed_by: resident as i64,
                note: "放门口",
                household: linli::orders::store::Household { building_id: b1, key: "1-101", day: "2026-11-27" },
                now: chrono::Utc::now(),
            };
            place_in_tx(&pool, &p).await.unwrap().0
        }
    };
    let order = place(R1, s.tomato, 2).await;
    let doomed = place(R2, s.rice, 2).await;

    let mut bot = s.world.bot(text(OFFICIAL, "zh", "/orders"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("已提交：2（1号楼 2）"), "{}", last_text(&bot));
    bot.update(text(OFFICIAL, "zh", &format!("/reject {doomed} 大米缺货")));
    bot.dispatch().await;
    assert_eq!(s.stock(s.rice).await, 10, "the rejected order's stock returns");
    assert!(crate::roles::queued_for(&s.world, R2).await[0].0.contains("大米缺货"));

    bot.update(tap(OFFICIAL, "zh", Cb::AcceptAll));
    bot.dispatch().await;
    assert_eq!(s.orders(R1).await[0].1, "accepted");
    assert!(crate::roles::queued_for(&s.world, R1).await[0].0.contains("已接单"));
    bot.update(tap(OFFICIAL, "zh", Cb::PickList));
    bot.dispatch().await;
    assert_eq!(bot.get_responses().sent_messages_document.len(), 1, "the community's CSV file");
    bot.update(tap(OFFICIAL, "zh", Cb::PickListBuilding(b1)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), "【1号楼】\n  西红柿 2斤", "one building's list");
    bot.update(tap(OFFICIAL, "zh", Cb::PackAll));
    bot.dispatch().await;
    assert_eq!(s.orders(R1).await[0].1, "packed");

    // Residents and volunteers cannot run the officials' steps.
    bot.update(tap(VOL, "zh", Cb::AcceptAll));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));

    bot.update(text(VOL, "zh", "/deliveries"));
    bot.dispatch().await;
    let board = last_text(&bot);
    let buttons = format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup);
    assert!(buttons.contains("认领 1号楼（1 单）"), "{buttons}");
    assert!(!board.contains("13800138000") && !board.contains("1-101"), "no address before claiming: {board}");
    bot.update(tap(VOL, "zh", Cb::ClaimBuilding(b1)));
    bot.dispatch().await;
    let mine = last_text(&bot);
    assert!(mine.contains("1-101") && mine.contains("13800138000") && mine.contains("放门口"), "{mine}");
    // The second volunteer is too late, and sees no address.
    bot.update(tap(VOL2, "zh", Cb::ClaimBuilding(b1)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "orders.batch_gone")));
    bot.update(text(VOL2, "zh", "/deliveries"));
    bot.dispatch().await;
    assert!(!last_text(&bot).contains("13800138000"));
    bot.update(tap(VOL2, "zh", Cb::Delivered(order)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "orders.not_your_delivery")));

    bot.update(tap(VOL, "zh", Cb::Delivered(order)));
    bot.dispatch().await;
    assert_eq!(s.orders(R1).await[0].1, "delivered");
    let told = crate::roles::queued_for(&s.world, R1).await;
    assert!(told.last().unwrap().0.contains("已放在门口") && told.last().unwrap().1, "with the received button");
    bot.update(tap(R2, "zh", Cb::Received(order)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")), "not R2's order");
    bot.update(tap(R1, "zh", Cb::Received(order)));
    bot.dispatch().await;
    assert_eq!(s.orders(R1).await[0].1, "received");
}

#[tokio::test]
async fn officials_manage_the_catalog_in_chat() {
    let s = shop().await;
    let mut bot = s.world.bot(text(OFFICIAL, "zh", "/catalog"));
    bot.dispatch().await;
    assert!(texts(&bot)
        .join("\n")
        .contains(&format!("#{} [vegetables] 西红柿 ¥4.50/斤 · 库存 3 · 限购 5/6", s.tomato)));
    bot.update(text(OFFICIAL, "zh", "/additem vegetables 白菜 2.5 200 5 10 斤"));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&trf(ZH, "orders.catalog.added", &[("name", "白菜")])), "{}", last_text(&bot));
    // Each mistake is named, then the usage follows.
    let usage = tr(ZH, "orders.catalog.usage");
    for (bad, why) in [
        ("/additem vegetables 白菜 -1 200 5 10", trf(ZH, "orders.catalog.bad_price", &[("value", "-1")])),
        (
            "/additem vegetables 菠菜 2 200 5 4",
            trf(ZH, "orders.catalog.day_below_order", &[("per_day", "4"), ("per_order", "5")]),
        ),
        ("/stock abc 3", trf(ZH, "orders.catalog.bad_id", &[("value", "abc")])),
        ("/stock 1 -5", trf(ZH, "orders.catalog.bad_count", &[("what", "库存"), ("value", "-5")])),
        ("/price 1 free", trf(ZH, "orders.catalog.bad_price", &[("value", "free")])),
        ("/price 1 0", trf(ZH, "orders.catalog.bad_price", &[("value", "0")])),
        ("/price 1 1.234", trf(ZH, "orders.catalog.bad_price", &[("value", "1.234")])),
    ] {
        bot.update(text(OFFICIAL, "zh", bad));
        bot.dispatch().await;
        assert_eq!(last_text(&bot), format!("{why}\n\n{usage}"), "{bad}");
    }
    bot.update(text(OFFICIAL, "zh", "/stock 1"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), usage, "too few words: the usage alone");
    bot.update(text(OFFICIAL, "zh", &format!("/stock {} 50", s.tomato)));
    bot.dispatch().await;
    bot.update(text(OFFICIAL, "zh", &format!("/price {} 3.8", s.tomato)));
    bot.dispatch().await;
    bot.update(text(OFFICIAL, "zh", &format!("/pause {}", s.rice)));
    bot.dispatch().await;
    let (stock, price): (i64, i64) = sqlx::query_as("SELECT stock, price_fen FROM catalog_items WHERE id = ?")
        .bind(s.tomato)
        .fetch_one(s.world.pool())
        .await
        .unwrap();
    assert_eq!((stock, price), (50, 380));
    // A paused item cannot be ordered; another community's item cannot be changed.
    bot.update(tap(R1, "zh", Cb::OrderItem(s.rice)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    bot.update(text(OFFICIAL, "zh", &format!("/stock {} 999", s.xuefu_rice)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "orders.catalog.no_such_item", &[("id", &s.xuefu_rice.to_string())]));
    bot.update(text(R1, "zh", &format!("/stock {} 999", s.tomato)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));
}

#[tokio::test]
async fn an_official_orders_for_an_elderly_resident() {
    let s = shop().await;
    let mut bot = order_for_r2(&s).await;
    assert!(last_text(&bot).contains("居民7002"), "{}", last_text(&bot));
    fill_cart(&mut bot, OFFICIAL, s.rice, 1).await;
    checkout(&mut bot, OFFICIAL).await;
    bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with("已代为下单"), "{}", last_text(&bot));
    let (resident, placed_by, building): (i64, i64, i64) =
        sqlx::query_as("SELECT resident_id, placed_by, building_id FROM orders")
            .fetch_one(s.world.pool())
            .await
            .unwrap();
    let dihu = s.world.community("帝湖社区").await;
    assert_eq!((resident, placed_by, building), (R2 as i64, OFFICIAL as i64, s.world.building(dihu, "1号楼").await));
    assert!(crate::roles::queued_for(&s.world, R2).await[0].0.contains("User7100"), "the resident is told who ordered");
    // Helping ends with the order; a resident cannot order for a neighbour.
    bot.update(text(R1, "zh", "/orderfor 1号楼 2-202"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));
}

/// The official starts ordering for R2 (moved to 1号楼 2-202), who has no smartphone.
pub async fn order_for_r2(s: &Shop) -> TestBot {
    sqlx::query("UPDATE residents SET unit_room = '2-202' WHERE user_id = ?")
        .bind(R2 as i64)
        .execute(s.world.pool())
        .await
        .unwrap();
    let mut bot = s.world.bot(text(OFFICIAL, "zh", "/orderfor 1号楼 2-202"));
    bot.dispatch().await;
    bot
}

/// (orders, outbox rows, rice in stock, helper's cart lines, helper's proxies, helper's dialogue)
async fn ledger(s: &Shop) -> (i64, i64, i64, i64, i64, Option<String>) {
    let pool = s.world.pool();
    let count = |sql: &'static str| async move {
        let (n,): (i64,) = sqlx::query_as(sql).bind(OFFICIAL as i64).fetch_one(pool).await.unwrap();
        n
    };
    let (stock,): (i64,) =
        sqlx::query_as("SELECT stock FROM catalog_items WHERE id = ?").bind(s.rice).fetch_one(pool).await.unwrap();
    let state: Option<(String,)> = sqlx::query_as("SELECT state FROM dialogues WHERE chat_id = ?")
        .bind(OFFICIAL as i64)
        .fetch_optional(pool)
        .await
        .unwrap();
    (
        count("SELECT count(*) FROM orders WHERE ?1 = ?1").await,
        count("SELECT count(*) FROM outbox WHERE ?1 = ?1").await,
        stock,
        count("SELECT count(*) FROM cart_lines WHERE user_id = ?").await,
        count("SELECT count(*) FROM order_proxies WHERE helper_id = ?").await,
        state.map(|(s,)| s),
    )
}

#[tokio::test]
async fn an_order_and_the_residents_notification_commit_together_or_not_at_all() {
    let s = shop().await;
    let mut bot = order_for_r2(&s).await;
    fill_cart(&mut bot, OFFICIAL, s.rice, 2).await;
    checkout(&mut bot, OFFICIAL).await;
    let before = ledger(&s).await;
    assert_eq!(before.0, 0);
    assert!(before.5.as_deref().unwrap_or_default().contains("Confirm"), "waiting for the confirmation");
    // The notification cannot be queued (a forced error in the outbox).
    sqlx::query("CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'forced'); END")
        .execute(s.world.pool())
        .await
        .unwrap();
    bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.internal_error")), "told it did not work");
    assert_eq!(ledger(&s).await, before, "no order, no stock taken, cart, helping and dialogue as they were");
    // Once the outbox works again, the same button places it, and everything moves together.
    sqlx::query("DROP TRIGGER refuse_outbox").execute(s.world.pool()).await.unwrap();
    bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
    bot.dispatch().await;
    let (orders, queued, stock, cart, proxies, state) = ledger(&s).await;
    assert_eq!((orders, queued, stock, cart, proxies, state), (1, 1, before.2 - 2, 0, 0, None));
}

#[tokio::test]
async fn an_order_that_cannot_be_placed_queues_nothing() {
    let s = shop().await;
    let mut bot = order_for_r2(&s).await;
    fill_cart(&mut bot, OFFICIAL, s.tomato, 1).await;
    fill_cart(&mut bot, OFFICIAL, s.rice, 2).await;
    checkout(&mut bot, OFFICIAL).await;
    // The rice sells out meanwhile; the tomatoes (the first line) are still there.
    sqlx::query("UPDATE catalog_items SET stock = 1 WHERE id = ?").bind(s.rice).execute(s.world.pool()).await.unwrap();
    bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
    bot.dispatch().await;
    let (orders, queued, _, cart, proxies, _) = ledger(&s).await;
    assert_eq!((orders, queued, cart, proxies), (0, 0, 2, 1), "nothing placed, nothing queued; cart and helping kept");
    let (tomatoes,): (i64,) = sqlx::query_as("SELECT stock FROM catalog_items WHERE id = ?")
        .bind(s.tomato)
        .fetch_one(s.world.pool())
        .await
        .unwrap();
    assert_eq!(tomatoes, 3, "the first line's stock went back with the rollback");
}

#[tokio::test]
async fn long_categories_are_paged() {
    let s = shop().await;
    let mut bot = s.world.bot(text(OFFICIAL, "zh", "/help"));
    bot.dispatch().await;
    for n in 1..=9 {
        bot.update(text(OFFICIAL, "zh", &format!("/additem vegetables 青菜{n} 2 100 5 10 斤")));
        bot.dispatch().await;
    }
    let vegetables = s.category_of(s.tomato).await;
    bot.update(tap(R1, "zh", Cb::OrderCategory(vegetables)));
    bot.dispatch().await;
    let first = format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup);
    assert!(first.contains("西红柿") && first.contains("青菜7") && !first.contains("青菜8"), "8 on the first page");
    bot.update(tap(R1, "zh", Cb::ItemsPage { category: vegetables, page: 1 }));
    bot.dispatch().await;
    let second = format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup);
    assert!(second.contains("青菜8") && second.contains("青菜9") && !second.contains("西红柿"), "{second}");
}
