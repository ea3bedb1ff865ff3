//! Ordering, the resident's side: catalog → cart → confirm with stock and household
//! limits taken atomically; double taps; races for the last unit; bad quantities;
//! cancel until accepted; frozen buildings; forged buttons.

use linli::community::{import, CommunityFile};
use linli::i18n::Lang;
use linli::orders::buttons::Cb;
use linli::people::store::{self as people, NewResident};
use teloxide_tests::{MockMessageSticker, MockPrivateChat};

use crate::*;

pub mod after_placing;

pub const R1: u64 = 7001;
pub const R2: u64 = 7002;
pub const OFFICIAL: u64 = 7100;

const CATALOG: &str = r#"
[subdistrict]
name = "航海西路街道"
name_en = "Hanghai West Road Subdistrict"
timezone = "Asia/Shanghai"

[[category]]
key = "vegetables"
name = "蔬菜"
name_en = "Vegetables"

[[category]]
key = "staples"
name = "米面粮油"
name_en = "Staples"

[[item]]
category = "vegetables"
name = "西红柿"
name_en = "Tomatoes"
unit = "斤"
unit_en = "500 g"
price_fen = 450
stock = 3
limit_per_order = 5
limit_per_day = 6

[[item]]
category = "staples"
name = "大米"
name_en = "Rice"
unit = "袋"
unit_en = "bag"
price_fen = 5990
stock = 10
limit_per_order = 2
limit_per_day = 3

[[community]]
name = "帝湖社区"
name_en = "Dihu Community"
buildings = ["1号楼", "2号楼"]

[[community]]
name = "学府社区"
name_en = "Xuefu Community"
buildings = ["1号楼"]
"#;

pub struct Shop {
    pub world: World,
    pub tomato: i64,
    pub rice: i64,
    pub xuefu_rice: i64,
}

pub async fn shop() -> Shop {
    let world = World::new().await;
    import(&world.app.writer, &CommunityFile::parse(CATALOG).unwrap()).await.unwrap();
    let dihu = world.community("帝湖社区").await;
    let b1 = world.building(dihu, "1号楼").await;
    for user in [R1, R2] {
        people::upsert_user(
            &mut world.pool().acquire().await.unwrap(),
            chrono::Utc::now(),
            user as i64,
            &format!("居民{user}"),
            Lang::ZhCn,
            true,
        )
        .await
        .unwrap();
        let new =
            NewResident { community_id: dihu, building_id: b1, unit_room: "1-101", household_size: 2, phone: None };
        let mut conn = world.pool().acquire().await.unwrap();
        people::save_resident(&mut conn, chrono::Utc::now(), user as i64, &new).await.unwrap();
    }
    people::upsert_user(
        &mut world.pool().acquire().await.unwrap(),
        chrono::Utc::now(),
        OFFICIAL as i64,
        "王主任",
        Lang::ZhCn,
        true,
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, 'official', 'approved', 'now')")
        .bind(OFFICIAL as i64)
        .bind(dihu)
        .execute(world.pool())
        .await
        .unwrap();
    let item = |name: &'static str, community: i64| {
        let pool = world.pool().clone();
        async move {
            let (id,): (i64,) = sqlx::query_as("SELECT id FROM catalog_items WHERE name = ? AND community_id = ?")
                .bind(name)
                .bind(community)
                .fetch_one(&pool)
                .await
                .unwrap();
            id
        }
    };
    let xuefu = world.community("学府社区").await;
    let (tomato, rice, xuefu_rice) = (item("西红柿", dihu).await, item("大米", dihu).await, item("大米", xuefu).await);
    Shop { world, tomato, rice, xuefu_rice }
}

impl Shop {
    /// The category `item` is offered under.
    pub async fn category_of(&self, item: i64) -> i64 {
        sqlx::query_scalar("SELECT category_id FROM catalog_items WHERE id = ?")
            .bind(item)
            .fetch_one(self.world.pool())
            .await
            .unwrap()
    }

    pub async fn stock(&self, item: i64) -> i64 {
        let (s,): (i64,) = sqlx::query_as("SELECT stock FROM catalog_items WHERE id = ?")
            .bind(item)
            .fetch_one(self.world.pool())
            .await
            .unwrap();
        s
    }

    pub async fn orders(&self, user: u64) -> Vec<(i64, String)> {
        sqlx::query_as("SELECT id, status FROM orders WHERE resident_id = ? ORDER BY id")
            .bind(user as i64)
            .fetch_all(self.world.pool())
            .await
            .unwrap()
    }
}

/// `user` sends /order and puts `qty` of `item` in the cart.
pub async fn started_cart(s: &Shop, user: u64, item: i64, qty: u16) -> TestBot {
    let mut bot = s.world.bot(text(user, "zh", "/order"));
    bot.dispatch().await;
    fill_cart(&mut bot, user, item, qty).await;
    bot
}

pub async fn fill_cart(bot: &mut TestBot, user: u64, item: i64, qty: u16) {
    bot.update(tap(user, "zh", Cb::OrderItem(item)));
    bot.dispatch().await;
    bot.update(tap(user, "zh", Cb::OrderQty { item_id: item, qty }));
    bot.dispatch().await;
}

pub async fn checkout(bot: &mut TestBot, user: u64) {
    bot.update(tap(user, "zh", Cb::Checkout));
    bot.dispatch().await;
    bot.update(tap(user, "zh", Cb::NoNote));
    bot.dispatch().await;
}

#[tokio::test]
async fn a_resident_orders_confirms_once_and_cancels_before_acceptance() {
    let s = shop().await;
    let mut bot = s.world.bot(text(R1, "zh", "/order"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "orders.choose_category"));
    let vegetables = s.category_of(s.tomato).await;
    bot.update(tap(R1, "zh", Cb::OrderCategory(vegetables)));
    bot.dispatch().await;
    let items = format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup);
    assert!(items.contains("西红柿 ¥4.50/斤 · 剩3"), "{items}");
    bot.update(tap(R1, "zh", Cb::OrderItem(s.tomato)));
    bot.dispatch().await;
    bot.update(text(R1, "zh", "2"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), "已把 西红柿×2 加入购物车。");
    bot.update(tap(R1, "zh", Cb::Checkout));
    bot.dispatch().await;
    bot.update(text(R1, "zh", "放门口，先打电话"));
    bot.dispatch().await;
    let summary = last_text(&bot);
    assert!(summary.contains("西红柿×2") && summary.contains("¥9.00") && summary.contains("放门口"), "{summary}");
    assert_eq!(s.stock(s.tomato).await, 3, "nothing taken before confirming");

    bot.update(tap(R1, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with("订单 #"), "{}", last_text(&bot));
    assert_eq!(s.stock(s.tomato).await, 1);
    bot.update(tap(R1, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")), "a double tap creates nothing");
    let orders = s.orders(R1).await;
    assert_eq!(orders.len(), 1);
    let order = orders[0].0;

    bot.update(text(R1, "zh", "/myorders"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&format!("#{order}")) && last_text(&bot).contains("已提交"));

    // Someone else cannot cancel it with a forged button.
    bot.update(tap(R2, "zh", Cb::CancelOrder(order)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "orders.cannot_cancel")));
    // Cancelling asks first, showing what the order holds.
    bot.update(tap(R1, "zh", Cb::CancelOrder(order)));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&format!("#{order}")) && last_text(&bot).contains("西红柿×2"));
    assert_eq!(s.orders(R1).await[0].1, "placed", "nothing happens before the confirm");
    bot.update(tap(R2, "zh", Cb::ConfirmCancelOrder(order)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "orders.cannot_cancel")), "a forged confirm is refused too");
    bot.update(tap(R1, "zh", Cb::ConfirmCancelOrder(order)));
    bot.dispatch().await;
    assert_eq!(s.orders(R1).await[0].1, "cancelled");
    assert_eq!(s.stock(s.tomato).await, 3, "the stock returns");
    bot.update(tap(R1, "zh", Cb::ConfirmCancelOrder(order)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(trf(ZH, "orders.already_cancelled", &[("id", &order.to_string())])), "a double tap");
    assert_eq!(s.stock(s.tomato).await, 3, "the stock returns once");
}

#[tokio::test]
async fn cancelling_after_acceptance_is_refused() {
    let s = shop().await;
    let mut bot = started_cart(&s, R1, s.rice, 1).await;
    checkout(&mut bot, R1).await;
    bot.update(tap(R1, "zh", Cb::Confirm));
    bot.dispatch().await;
    let order = s.orders(R1).await[0].0;
    sqlx::query("UPDATE orders SET status = 'accepted' WHERE id = ?")
        .bind(order)
        .execute(s.world.pool())
        .await
        .unwrap();
    for tap_ in [Cb::CancelOrder(order), Cb::ConfirmCancelOrder(order)] {
        bot.update(tap(R1, "zh", tap_));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(ZH, "orders.cannot_cancel")));
    }
    assert_eq!(s.orders(R1).await[0].1, "accepted");
}

#[tokio::test]
async fn two_residents_race_for_the_last_units_and_one_is_told() {
    let s = shop().await;
    let mut bot = started_cart(&s, R1, s.tomato, 2).await;
    fill_cart(&mut bot, R2, s.tomato, 2).await; // 3 in stock: both carts fit, together they do not
    checkout(&mut bot, R1).await;
    checkout(&mut bot, R2).await;
    bot.update(tap(R1, "zh", Cb::Confirm));
    bot.dispatch().await;
    bot.update(tap(R2, "zh", Cb::Confirm));
    bot.dispatch().await;
    let told = texts(&bot);
    assert_eq!(told[0], "「西红柿」库存不够了（只剩 1 份）。请在购物车里修改数量后再下单。");
    assert!(told[1].contains("西红柿 ×2"), "the cart is kept to adjust: {told:?}");
    assert_eq!((s.orders(R1).await.len(), s.orders(R2).await.len()), (1, 0));
    assert_eq!(s.stock(s.tomato).await, 1);
}

#[tokio::test]
async fn concurrent_confirmations_never_oversell() {
    let s = shop().await;
    let dihu = s.world.community("帝湖社区").await;
    let b1 = s.world.building(dihu, "1号楼").await;
    let mut tasks = Vec::new();
    for user in 0..12i64 {
        let id = 8000 + user;
        people::upsert_user(
            &mut s.world.pool().acquire().await.unwrap(),
            chrono::Utc::now(),
            id,
            "x",
            Lang::ZhCn,
            true,
        )
        .await
        .unwrap();
        linli::orders::store::set_cart(&mut s.world.pool().acquire().await.unwrap(), id, s.tomato, 1).await.unwrap();
        let pool = s.world.pool().clone();
        tasks.push(tokio::spawn(async move {
            let p = linli::orders::store::Placement {
                resident: id,
                community_id: dihu,
                placed_by: id,
                note: "",
                household: linli::orders::store::Household { building_id: b1, key: &id.to_string(), day: "2026-11-27" },
                now: chrono::Utc::now(),
            };
            place_in_tx(&pool, &p).await.is_ok()
        }));
    }
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap());
    }
    assert_eq!(won, 3, "exactly the 3 in stock were sold");
    assert_eq!(s.stock(s.tomato).await, 0);
}

#[tokio::test]
async fn bad_quantities_are_re_asked_and_household_limits_hold() {
    let s = shop().await;
    let mut bot = s.world.bot(tap(R1, "zh", Cb::OrderItem(s.rice)));
    bot.dispatch().await;
    for (answer, reason) in [
        ("0", tr(ZH, "orders.qty.too_small")),
        ("-1", tr(ZH, "orders.qty.too_small")),
        (
            "1000000",
            trf(ZH, "orders.qty.per_order", &[("name", "大米"), ("limit", "2")])
                + &trf(ZH, "orders.qty.at_most_more", &[("more", "2")]),
        ),
        ("two", tr(ZH, "orders.qty.not_a_number")),
        ("🍚", tr(ZH, "orders.qty.not_a_number")),
    ] {
        bot.update(text(R1, "zh", answer));
        bot.dispatch().await;
        assert_eq!(texts(&bot), vec![reason, trf(ZH, "orders.ask_quantity", &[("limit", "2")])], "{answer:?}");
    }
    bot.update(MockMessageSticker::new().from(user(R1, "zh")).chat(MockPrivateChat::new().id(R1 as i64).build()));
    bot.dispatch().await;
    assert_eq!(texts(&bot)[0], tr(ZH, "orders.qty.not_a_number"));
    // A forged button for more than the limit is refused too.
    bot.update(tap(R1, "zh", Cb::OrderQty { item_id: s.rice, qty: 9 }));
    bot.dispatch().await;
    assert_eq!(
        alert(&bot),
        Some(
            trf(ZH, "orders.qty.per_order", &[("name", "大米"), ("limit", "2")])
                + &trf(ZH, "orders.qty.at_most_more", &[("more", "2")])
        )
    );

    // 2 bags now, then 2 more the same day: over the 3-a-day household limit.
    bot.update(text(R1, "zh", "2"));
    bot.dispatch().await;
    checkout(&mut bot, R1).await;
    bot.update(tap(R1, "zh", Cb::Confirm));
    bot.dispatch().await;
    // Adding 2 more is refused at once, with what is left today; 1 more fits.
    fill_cart(&mut bot, R1, s.rice, 2).await;
    assert_eq!(
        alert(&bot),
        Some(
            trf(ZH, "orders.qty.per_day", &[("name", "大米"), ("limit", "3"), ("already", "2")])
                + &trf(ZH, "orders.qty.at_most_more", &[("more", "1")])
        )
    );
    assert!(linli::orders::store::cart(s.world.pool(), R1 as i64).await.unwrap().is_empty());
    bot.update(tap(R1, "zh", Cb::OrderQty { item_id: s.rice, qty: 1 }));
    bot.dispatch().await;
    checkout(&mut bot, R1).await;
    bot.update(tap(R1, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(s.orders(R1).await.len(), 2);
}

#[tokio::test]
async fn a_frozen_building_cannot_order_and_other_communities_items_are_refused() {
    let s = shop().await;
    let mut bot = s.world.bot(text(OFFICIAL, "zh", "/freeze 1号楼 全员核酸检测"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("全员核酸检测"));
    bot.update(text(R1, "zh", "/order"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "orders.frozen_building", &[("reason", "全员核酸检测")]));
    bot.update(tap(R1, "zh", Cb::OrderQty { item_id: s.tomato, qty: 1 }));
    bot.dispatch().await;
    assert!(
        linli::orders::store::cart(s.world.pool(), R1 as i64).await.unwrap().is_empty(),
        "nothing added while frozen"
    );
    bot.update(text(R1, "zh", "/freeze 不行"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"), "residents cannot freeze");
    bot.update(text(OFFICIAL, "zh", "/unfreeze"));
    bot.dispatch().await;
    bot.update(tap(R1, "zh", Cb::OrderItem(s.xuefu_rice)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")), "学府's item is not for 帝湖 residents");
    bot.update(text(R1, "zh", "/order"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "orders.choose_category"));
}

const VOL: u64 = 7201;
const VOL2: u64 = 7202;

/// Places an order the way the handler does: one `BEGIN IMMEDIATE` transaction, committed
/// only when the order was placed.
pub async fn place_in_tx(
    pool: &sqlx::SqlitePool,
    p: &linli::orders::store::Placement<'_>,
) -> Result<(i64, i64), linli::orders::store::Shortage> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    let placed = linli::orders::store::place(&mut tx, p).await.unwrap();
    if placed.is_ok() {
        tx.commit().await.unwrap();
    }
    placed
}
