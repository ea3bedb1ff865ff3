//! An administrator acting on 学府社区 for orders, "accept all", the catalog and freezes.

use chrono::{Duration, Utc};
use linli::bot::CallbackData;
use linli::orders::buttons::Cb as OrdersCb;

use super::*;
use crate::roles::queued_for;

#[tokio::test]
async fn an_administrator_sees_and_accepts_the_orders_of_the_chosen_community_only() {
    let t = town().await;
    let mut bot = t.world.bot(text(ADMIN, "zh", "/help"));
    bot.dispatch().await;
    admin_chooses_xuefu(&t, &mut bot, "/orders").await;

    bot.update(text(ADMIN, "zh", "/orders"));
    bot.dispatch().await;
    let figures = last_text(&bot);
    let expected_top =
        format!("{}\n{}", header("学府社区"), trf(ZH, "orders.pipeline_header", &[("community", "学府社区")]));
    assert!(figures.starts_with(&expected_top), "{figures}");
    let accept = buttons_of(&bot, 0);
    assert_eq!(
        accept[0],
        (trf(ZH, "orders.accept_all", &[("count", "1")]), OrdersCb::AcceptAll.encode()),
        "学府's one order"
    );

    bot.update(tap(ADMIN, "zh", OrdersCb::AcceptAll));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&header("学府社区")), "{}", last_text(&bot));
    assert_eq!(
        t.order_statuses().await,
        vec![(t.dihu, "placed".to_owned()), (t.xuefu, "accepted".to_owned())],
        "帝湖's order is untouched"
    );
    assert_eq!(queued_for(&t.world, XUEFU_RESIDENT).await.len(), 1, "the 学府 resident is told");
    assert!(queued_for(&t.world, DIHU_RESIDENT).await.is_empty());
}

#[tokio::test]
async fn a_button_from_before_a_switch_does_not_act_on_the_new_community() {
    let t = town().await;
    let mut bot = t.world.bot(text(ADMIN, "zh", "/help"));
    bot.dispatch().await;
    admin_chooses_xuefu(&t, &mut bot, "/orders").await;
    // "Accept all" under a /orders list of an hour ago, when they were acting on 帝湖.
    bot.update(tap_sent_at(ADMIN, OrdersCb::AcceptAll, Utc::now() - Duration::hours(1)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(trf(ZH, "people.scope.stale", &[("community", "学府社区")])));
    assert_eq!(t.order_statuses().await, vec![(t.dihu, "placed".to_owned()), (t.xuefu, "placed".to_owned())]);
}

#[tokio::test]
async fn catalog_and_stock_act_on_the_chosen_community() {
    let t = town().await;
    let mut bot = t.world.bot(text(ADMIN, "zh", "/help"));
    bot.dispatch().await;
    admin_chooses_xuefu(&t, &mut bot, "/catalog").await;

    bot.update(text(ADMIN, "zh", "/catalog"));
    bot.dispatch().await;
    let list = texts(&bot).join("\n");
    assert!(list.starts_with(&header("学府社区")), "{list}");
    assert!(list.contains(&trf(ZH, "orders.catalog.header", &[("community", "学府社区")])), "{list}");
    assert!(list.contains(&format!("#{} ", t.xuefu_rice)) && !list.contains(&format!("#{} ", t.dihu_rice)), "{list}");

    bot.update(text(ADMIN, "zh", &format!("/stock {} 50", t.dihu_rice)));
    bot.dispatch().await;
    let id = t.dihu_rice.to_string();
    assert!(last_text(&bot).ends_with(&trf(ZH, "orders.catalog.no_such_item", &[("id", &id)])), "{}", last_text(&bot));
    bot.update(text(ADMIN, "zh", &format!("/stock {} 50", t.xuefu_rice)));
    bot.dispatch().await;
    let id = t.xuefu_rice.to_string();
    assert_eq!(
        last_text(&bot),
        format!("{}\n{}", header("学府社区"), trf(ZH, "orders.catalog.changed", &[("id", &id)]))
    );
    assert_eq!((t.stock(t.dihu_rice).await, t.stock(t.xuefu_rice).await), (9, 50), "帝湖's stock untouched");
}

#[tokio::test]
async fn freeze_pauses_the_chosen_communitys_building_not_the_first_ones() {
    let t = town().await;
    let mut bot = t.world.bot(text(ADMIN, "zh", "/help"));
    bot.dispatch().await;
    admin_chooses_xuefu(&t, &mut bot, "/freeze 3号楼 全员核酸检测").await;
    bot.update(text(ADMIN, "zh", "/freeze 3号楼 全员核酸检测"));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&header("学府社区")), "{}", last_text(&bot));
    let (dihu3, xuefu3) = (t.world.building(t.dihu, "3号楼").await, t.world.building(t.xuefu, "3号楼").await);
    let pool = t.world.pool().clone();
    let store = |c, b| {
        let pool = pool.clone();
        async move { linli::orders::store::frozen(&pool, c, b).await.unwrap().map(|f| f.reason) }
    };
    assert_eq!(store(t.xuefu, xuefu3).await.as_deref(), Some("全员核酸检测"));
    assert_eq!(store(t.dihu, dihu3).await, None, "帝湖's 3号楼 still orders");

    bot.update(text(ADMIN, "zh", "/unfreeze"));
    bot.dispatch().await;
    assert_eq!(store(t.xuefu, xuefu3).await, None);
}
