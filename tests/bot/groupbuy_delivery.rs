//! A closed group buy's goods to the households (#14 item 4): the leader says the goods
//! are here once and every joiner is told in their language; door buys go on the
//! volunteers' board a building each (first tap wins, only the carrier sees addresses and
//! phones), left at the door → the household told → received; pick-up buys get a tick per
//! household; payments are ticked (cash, transfer, undo) with their totals; nobody else
//! may do any of it.

mod households;
mod refused;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use linli::clock::ManualClock;
use linli::groupbuy::delivery::buttons::Cb;
use linli::groupbuy::delivery::model::Payment;
use linli::groupbuy::model::{BuyStatus, Caps, Delivery, MinKind, Minimum};
use linli::groupbuy::store::{self as buys, Household, NewBuy, NewItem};
use linli::i18n::Lang;

use crate::roles::make_member;
use crate::*;

/// A volunteer of 帝湖社区 who leads the buy.
const LEADER: u64 = 8100;
/// An official of 帝湖社区 (not the leader), and one of 学府社区.
const OFFICIAL: u64 = 8101;
const XUEFU_OFFICIAL: u64 = 8102;
const V1: u64 = 8150;
const V2: u64 = 8151;
const XUEFU_VOLUNTEER: u64 = 8152;
/// 3号楼 2单元301, Chinese, phone 13800000001.
const R1: u64 = 8201;
/// The same household, typed "2单元 301", English; did not join itself.
const R1B: u64 = 8202;
/// 3号楼 1单元101, English, phone 13800000003.
const R2: u64 = 8203;
/// 5号楼 1-1201, Chinese, phone 13800000004.
const R3: u64 = 8204;

struct Buys {
    world: World,
    app: Arc<linli::App>,
    dihu: i64,
    b3: i64,
    b5: i64,
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// 帝湖社区 on Sunday 2026-11-29, 10:00 in Shanghai: a leader, officials, volunteers and
/// four residents in three households.
async fn buys() -> Buys {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let (b3, b5) = (world.building(dihu, "3号楼").await, world.building(dihu, "5号楼").await);
    let clock = ManualClock::new(utc("2026-11-29T02:00:00Z"));
    let app = linli::App::with_clock(world.app.db(), world.app.settings.clone(), clock);
    make_member(&world, LEADER, dihu, "volunteer", "approved").await;
    make_member(&world, OFFICIAL, dihu, "official", "approved").await;
    make_member(&world, XUEFU_OFFICIAL, xuefu, "official", "approved").await;
    make_member(&world, V1, dihu, "volunteer", "approved").await;
    make_member(&world, V2, dihu, "volunteer", "approved").await;
    make_member(&world, XUEFU_VOLUNTEER, xuefu, "volunteer", "approved").await;
    let s = Buys { world, app, dihu, b3, b5 };
    s.resident(R1, Lang::ZhCn, b3, "2单元301", "13800000001").await;
    s.resident(R1B, Lang::En, b3, "2单元 301", "13800000002").await;
    s.resident(R2, Lang::En, b3, "1单元101", "13800000003").await;
    s.resident(R3, Lang::ZhCn, b5, "1-1201", "13800000004").await;
    s
}

impl Buys {
    fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    async fn resident(&self, id: u64, lang: Lang, building: i64, unit_room: &str, phone: &str) {
        self.world.add_resident(id, &format!("居民{id}"), lang, building, unit_room, Some(phone)).await;
    }

    /// "蔬菜套餐" (¥58 a box and ¥30 eggs) announced by the leader, joined and closed.
    /// R1: 2 boxes (¥116), R2: 1 box and 1 eggs (¥88), R3: 1 eggs (¥30).
    async fn closed_buy(&self, delivery: Delivery) -> i64 {
        let now = self.app.now();
        let mut conn = self.world.pool().acquire().await.unwrap();
        let (buy, items) = self.announce(&mut conn, delivery, &[("蔬菜箱", 5800), ("鸡蛋", 3000)]).await;
        let (veg, eggs) = (items[0], items[1]);
        for (user, building, unit_room, lines) in [
            (R1, self.b3, "2单元301", vec![(veg, 2)]),
            (R2, self.b3, "1单元101", vec![(veg, 1), (eggs, 1)]),
            (R3, self.b5, "1-1201", vec![(eggs, 1)]),
        ] {
            self.join(&mut conn, buy, user as i64, building, unit_room, &lines).await;
        }
        assert!(buys::finish(&mut conn, now, buy, BuyStatus::Closed).await.unwrap());
        buy
    }

    /// "蔬菜套餐" with `items` (name, price in fen) announced by the leader now, deadline in
    /// an hour (a pick-up at 东门广场 tomorrow noon). Returns the buy and its items.
    async fn announce(
        &self,
        conn: &mut sqlx::SqliteConnection,
        delivery: Delivery,
        items: &[(&str, i64)],
    ) -> (i64, Vec<i64>) {
        let now = self.app.now();
        let new = NewBuy {
            community_id: self.dihu,
            leader_id: LEADER as i64,
            title: "蔬菜套餐".into(),
            items: items
                .iter()
                .map(|(name, fen)| NewItem { name: (*name).into(), unit: "份".into(), price_fen: *fen })
                .collect(),
            caps: Caps { household: 5, total: None },
            minimum: Minimum { kind: MinKind::Households, count: 2 },
            deadline: now + Duration::hours(1),
            delivery,
            pickup: (delivery == Delivery::Pickup).then(|| ("东门广场".to_owned(), now + Duration::hours(26))),
            chats: vec![],
            bot_url: "https://t.me/test_bot".into(),
        };
        let buy = linli::groupbuy::announce(conn, &self.app, now, &new).await.unwrap();
        let items = buys::items(&mut *conn, buy).await.unwrap().into_iter().map(|i| i.id).collect();
        (buy, items)
    }

    async fn join(
        &self,
        conn: &mut sqlx::SqliteConnection,
        buy: i64,
        user: i64,
        building: i64,
        unit_room: &str,
        lines: &[(i64, i64)],
    ) {
        let home = Household {
            building_id: building,
            key: linli::people::model::household_key(unit_room),
            unit_room: unit_room.into(),
        };
        let joined = buys::join(conn, self.app.now(), buy, user, &home, lines, None).await.unwrap();
        assert!(matches!(joined, buys::Joined::New { .. }), "{joined:?}");
    }

    /// The join of the household `user` joined for.
    async fn join_of(&self, buy: i64, user: u64) -> i64 {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM group_buy_joins WHERE buy_id = ? AND user_id = ?")
            .bind(buy)
            .bind(user as i64)
            .fetch_one(self.world.pool())
            .await
            .unwrap();
        id
    }

    /// (delivery, paid, volunteer) of a household's join.
    async fn state(&self, join: i64) -> (String, Option<String>, Option<i64>) {
        sqlx::query_as("SELECT delivery, paid, volunteer_id FROM group_buy_joins WHERE id = ?")
            .bind(join)
            .fetch_one(self.world.pool())
            .await
            .unwrap()
    }

    async fn arrived_at(&self, buy: i64) -> Option<i64> {
        let (at,): (Option<i64>,) = sqlx::query_as("SELECT arrived_at FROM group_buys WHERE id = ?")
            .bind(buy)
            .fetch_one(self.world.pool())
            .await
            .unwrap();
        at
    }
}

async fn press(bot: &mut TestBot, who: u64, lang: &str, cb: Cb) {
    bot.update(tap(who, lang, cb));
    bot.dispatch().await;
}

async fn say(bot: &mut TestBot, who: u64, lang: &str, text_: &str) {
    bot.update(text(who, lang, text_));
    bot.dispatch().await;
}

/// What the last tap showed — the tapped message edited, or a new one — and its buttons.
fn shown(bot: &TestBot) -> (String, Vec<Cb>) {
    let responses = bot.get_responses();
    match responses.edited_messages_text.last() {
        Some(edit) => (
            edit.message.text().unwrap_or_default().to_owned(),
            edit.message.reply_markup().map(decoded).unwrap_or_default(),
        ),
        None => (last_text(bot), last_buttons(bot)),
    }
}

fn door_counts(lang: &str, waiting: u32, out: u32, delivered: u32, received: u32) -> String {
    let [w, o, d, r] = [waiting, out, delivered, received].map(|n| n.to_string());
    trf(
        lang,
        "groupbuy_delivery.manage.door_counts",
        &[("households", "3"), ("waiting", &w), ("out", &o), ("delivered", &d), ("received", &r)],
    )
}

fn paid_line(lang: &str, paid: &str, cash: &str, transfer: &str, amount: &str) -> String {
    trf(
        lang,
        "groupbuy_delivery.manage.paid",
        &[
            ("paid", paid),
            ("households", "3"),
            ("cash", cash),
            ("transfer", transfer),
            ("paid_amount", amount),
            ("due", "¥234.00"),
        ],
    )
}

#[tokio::test]
async fn the_goods_arrive_once_and_every_joiner_is_told_in_their_language() {
    let s = buys().await;
    let buy = s.closed_buy(Delivery::Door).await;
    let id = buy.to_string();
    let mut bot = s.bot(tap(LEADER, "zh", Cb::Manage(buy)));
    bot.dispatch().await;
    let (view, buttons) = shown(&bot);
    assert!(view.contains(&door_counts(ZH, 3, 0, 0, 0)), "{view}");
    assert!(view.contains(&paid_line(ZH, "0", "0", "0", "¥0.00")), "{view}");
    assert!(view.contains(&trf(ZH, "groupbuy_delivery.manage.not_arrived", &[("households", "3")])), "{view}");
    assert!(buttons.contains(&Cb::Arrived(buy)));

    press(&mut bot, LEADER, "zh", Cb::Arrived(buy)).await;
    let (view, buttons) = shown(&bot);
    assert!(view.starts_with(&trf(ZH, "groupbuy_delivery.manage.told", &[("count", "3")])), "{view}");
    assert!(!buttons.contains(&Cb::Arrived(buy)), "arrived once: the button is gone");
    assert!(s.arrived_at(buy).await.is_some());
    let zh = trf(ZH, "groupbuy_delivery.arrived.door", &[("id", &id), ("title", "蔬菜套餐")]);
    let en = trf(EN, "groupbuy_delivery.arrived.door", &[("id", &id), ("title", "蔬菜套餐")]);
    for (who, told) in [(R1, &zh), (R2, &en), (R3, &zh)] {
        let queued: Vec<String> = s.world.queued_texts(who).await.into_iter().map(|(t, _)| t).collect();
        assert_eq!(queued, vec![told.clone()], "{who}");
    }
    assert!(s.world.queued_texts(R1B).await.is_empty(), "the household is told through the account that joined");

    // A double tap (an older copy of the message): nothing happens twice.
    let first = s.arrived_at(buy).await;
    press(&mut bot, LEADER, "zh", Cb::Arrived(buy)).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_delivery.manage.already_arrived")));
    assert_eq!(s.world.queued_texts(R1).await.len(), 1, "told once");
    assert_eq!(s.arrived_at(buy).await, first);

    // An official of the community, in English, sees the same figures.
    sqlx::query("UPDATE users SET lang = 'en' WHERE id = ?")
        .bind(OFFICIAL as i64)
        .execute(s.world.pool())
        .await
        .unwrap();
    press(&mut bot, OFFICIAL, "en", Cb::Manage(buy)).await;
    let (view, _) = shown(&bot);
    assert!(view.contains(&door_counts(EN, 3, 0, 0, 0)), "{view}");
}

#[tokio::test]
async fn a_volunteer_takes_a_building_and_only_they_see_its_addresses_and_phones() {
    let s = buys().await;
    let buy = s.closed_buy(Delivery::Door).await;
    let mut bot = s.bot(text(V1, "zh", "/deliveries"));
    bot.dispatch().await;
    assert!(last_buttons::<Cb>(&bot).is_empty(), "not on the board before the goods arrive");

    press(&mut bot, LEADER, "zh", Cb::Arrived(buy)).await;
    say(&mut bot, V1, "zh", "/deliveries").await;
    let board = last_text(&bot);
    assert!(board.contains(&tr(ZH, "groupbuy_delivery.door.board_header")), "{board}");
    assert!(!board.contains("2单元301") && !board.contains("13800000001"), "no address on the board: {board}");
    assert_eq!(
        last_buttons::<Cb>(&bot),
        vec![Cb::TakeBuilding { buy, building: s.b3 }, Cb::TakeBuilding { buy, building: s.b5 }]
    );
    let label = trf(
        ZH,
        "groupbuy_delivery.door.take_button",
        &[("id", &buy.to_string()), ("building", "3号楼"), ("count", "2")],
    );
    let keyboard = format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup);
    assert!(keyboard.contains(&label), "{keyboard}");

    press(&mut bot, V1, "zh", Cb::TakeBuilding { buy, building: s.b3 }).await;
    let mine = last_text(&bot);
    assert!(mine.contains(&tr(ZH, "groupbuy_delivery.door.carrying_header")), "{mine}");
    assert!(mine.contains("3号楼 2单元301 ☎ 13800000001\n   蔬菜箱×2"), "{mine}");
    assert!(mine.contains("3号楼 1单元101 ☎ 13800000003\n   蔬菜箱×1，鸡蛋×1"), "{mine}");
    assert!(!mine.contains("1-1201"), "5号楼 is not theirs: {mine}");
    let (j1, j2) = (s.join_of(buy, R1).await, s.join_of(buy, R2).await);
    assert!(
        last_buttons::<Cb>(&bot).starts_with(&[Cb::LeftAtDoor(j2), Cb::LeftAtDoor(j1)]),
        "in slip order: 1单元 then 2单元"
    );
    assert_eq!(s.state(j1).await, ("out".to_owned(), None, Some(V1 as i64)));
    let out = trf(EN, "groupbuy_delivery.door.out", &[("id", &buy.to_string()), ("title", "蔬菜套餐")]);
    assert_eq!(s.world.queued_texts(R2).await.last().unwrap().0, out, "the household knows someone is coming");

    // The second volunteer is too late, and sees neither the building nor its doors.
    press(&mut bot, V2, "zh", Cb::TakeBuilding { buy, building: s.b3 }).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_delivery.door.taken")));
    assert_eq!(s.state(j1).await.2, Some(V1 as i64));
    say(&mut bot, V2, "zh", "/deliveries").await;
    let theirs = last_text(&bot);
    assert!(!theirs.contains("2单元301") && !theirs.contains("13800000001"), "{theirs}");
    assert_eq!(last_buttons::<Cb>(&bot), vec![Cb::TakeBuilding { buy, building: s.b5 }]);
}

#[tokio::test]
async fn left_at_the_door_tells_the_household_who_confirms_receipt() {
    let s = buys().await;
    let buy = s.closed_buy(Delivery::Door).await;
    let (j1, j3) = (s.join_of(buy, R1).await, s.join_of(buy, R3).await);
    let mut bot = s.bot(tap(LEADER, "zh", Cb::Arrived(buy)));
    bot.dispatch().await;
    press(&mut bot, V1, "zh", Cb::TakeBuilding { buy, building: s.b3 }).await;
    press(&mut bot, V2, "zh", Cb::TakeBuilding { buy, building: s.b5 }).await;

    // Only the carrier marks a household left at the door.
    press(&mut bot, V2, "zh", Cb::LeftAtDoor(j1)).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_delivery.door.not_yours")));
    press(&mut bot, V1, "zh", Cb::LeftAtDoor(j1)).await;
    assert_eq!(last_text(&bot), tr(ZH, "groupbuy_delivery.door.marked"));
    assert_eq!(s.state(j1).await.0, "delivered");
    let (told, kb) = s.world.queued_texts(R1).await.pop().unwrap();
    assert_eq!(told, trf(ZH, "groupbuy_delivery.door.left", &[("id", &buy.to_string()), ("title", "蔬菜套餐")]));
    assert_eq!(decoded::<Cb>(&kb.unwrap()), vec![Cb::Received(j1)]);
    press(&mut bot, V1, "zh", Cb::LeftAtDoor(j1)).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_delivery.door.not_yours")), "a double tap tells nobody twice");
    assert_eq!(s.world.queued_texts(R1).await.len(), 3, "arrived, on the way, at the door");

    // Someone of another household cannot say it arrived; the household's other account can.
    press(&mut bot, R2, "en", Cb::Received(j1)).await;
    assert_eq!(alert(&bot), Some(tr(EN, "common.stale_button")));
    assert_eq!(s.state(j1).await.0, "delivered");
    press(&mut bot, R1B, "en", Cb::Received(j1)).await;
    assert_eq!(shown(&bot).0, trf(EN, "groupbuy_delivery.door.thanks", &[("id", &buy.to_string())]));
    assert_eq!(s.state(j1).await.0, "received");
    press(&mut bot, R1, "zh", Cb::Received(j1)).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")), "received once");

    press(&mut bot, V2, "zh", Cb::LeftAtDoor(j3)).await;
    press(&mut bot, LEADER, "zh", Cb::Manage(buy)).await;
    assert!(shown(&bot).0.contains(&door_counts(ZH, 0, 1, 1, 1)), "{}", shown(&bot).0);
}

/// The join slice's erasure (`groupbuy::join::erase`) and this board together.
#[tokio::test]
async fn a_carrier_who_deletes_their_data_leaves_the_building_on_the_board_for_another() {
    use linli::people::buttons::Cb as People;
    let s = buys().await;
    let buy = s.closed_buy(Delivery::Door).await;
    let (j1, j3) = (s.join_of(buy, R1).await, s.join_of(buy, R3).await);
    let mut bot = s.bot(tap(LEADER, "zh", Cb::Arrived(buy)));
    bot.dispatch().await;
    press(&mut bot, V1, "zh", Cb::TakeBuilding { buy, building: s.b3 }).await;
    press(&mut bot, V1, "zh", Cb::TakeBuilding { buy, building: s.b5 }).await;
    press(&mut bot, V1, "zh", Cb::LeftAtDoor(j3)).await;

    say(&mut bot, V1, "zh", "/me").await;
    bot.update(tap(V1, "zh", People::DeleteMyData));
    bot.dispatch().await;
    bot.update(tap(V1, "zh", People::ConfirmDeleteMyData));
    bot.dispatch().await;

    assert_eq!(s.state(j1).await, ("waiting".to_owned(), None, None), "back on the board");
    let (stage, _, carrier) = s.state(j3).await;
    assert_eq!(stage, "delivered", "what was left at the door stays so");
    assert!(carrier.is_some_and(|id| id < 0), "under the anonymous id: {carrier:?}");
    say(&mut bot, V2, "zh", "/deliveries").await;
    assert_eq!(last_buttons::<Cb>(&bot), vec![Cb::TakeBuilding { buy, building: s.b3 }]);
}
