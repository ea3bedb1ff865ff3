//! A leader's group buys: at the deadline the supplier order and the slips (sorted building
//! → unit → room, phones hidden), as text, CSV and printable HTML; the slips with phone
//! numbers on request from `/buys`; an English leader. Cancelling, forged taps and pages
//! are in `groupbuy_lead/buys.rs`.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use linli::clock::ManualClock;
use linli::groupbuy::lead::buttons::Cb;
use linli::groupbuy::model::{BuyStatus, Caps, Delivery, MinKind, Minimum};
use linli::groupbuy::store::{self as gb, Household, NewBuy, NewItem};
use linli::i18n::Lang;
use linli::people::store as people;

use crate::*;

mod buys;

const LEADER: u64 = 7100;
const EN_LEADER: u64 = 7101;
/// A resident who leads nothing.
const STRANGER: u64 = 7102;
/// An official of the other community.
const XUEFU_OFFICIAL: u64 = 7103;
/// A volunteer the officials allowed to lead buys.
const VOLUNTEER_LEADER: u64 = 7104;
const GROUP: i64 = -100_714;

/// The households, entered in this (unsorted) order: user, building, unit/room, phone,
/// language.
const HOUSEHOLDS: [(u64, &str, &str, &str, Lang); 5] = [
    (7201, "10号楼", "1-201", "13900000001", Lang::ZhCn),
    (7202, "3号楼", "2单元10", "13900000002", Lang::ZhCn),
    (7203, "1号楼", "2-301", "13900000003", Lang::En),
    (7204, "3号楼", "2单元9", "13900000004", Lang::ZhCn),
    (7205, "3号楼", "1单元1201", "13900000005", Lang::ZhCn),
];
/// The same households as the slips must list them.
const SORTED: [&str; 5] = ["1号楼 2-301", "3号楼 1单元1201", "3号楼 2单元9", "3号楼 2单元10", "10号楼 1-201"];

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Buys {
    world: World,
    app: Arc<linli::App>,
    clock: Arc<ManualClock>,
    dihu: i64,
}

async fn buys() -> Buys {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    // Friday 2026-11-27 10:00 in Shanghai.
    let clock = ManualClock::new(utc("2026-11-27T02:00:00Z"));
    let app = linli::App::with_clock(world.app.db(), world.app.settings.clone(), clock.clone());
    let pool = world.pool();
    for (user, name, lang) in [
        (LEADER, "刘团长", Lang::ZhCn),
        (EN_LEADER, "Anna", Lang::En),
        (STRANGER, "路人", Lang::ZhCn),
        (XUEFU_OFFICIAL, "学府书记", Lang::ZhCn),
        (VOLUNTEER_LEADER, "志愿团长", Lang::ZhCn),
    ] {
        people::upsert_user(&mut pool.acquire().await.unwrap(), Utc::now(), user as i64, name, lang, true)
            .await
            .unwrap();
    }
    for (user, community, role) in [
        (LEADER, dihu, "official"),
        (EN_LEADER, dihu, "official"),
        (XUEFU_OFFICIAL, xuefu, "official"),
        (VOLUNTEER_LEADER, dihu, "volunteer"),
    ] {
        sqlx::query(
            "INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, ?, 'approved', 'now')",
        )
        .bind(user as i64)
        .bind(community)
        .bind(role)
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query("INSERT INTO group_buy_leaders (user_id, community_id, allowed_by, allowed_at) VALUES (?, ?, ?, 0)")
        .bind(VOLUNTEER_LEADER as i64)
        .bind(dihu)
        .bind(LEADER as i64)
        .execute(pool)
        .await
        .unwrap();
    // The community's group, for every building.
    world.link_group(GROUP, dihu, None, "帝湖社区群", Lang::ZhCn).await;
    for (user, building, unit_room, phone, lang) in
        HOUSEHOLDS.iter().copied().chain([(STRANGER, "5号楼", "502", "13900000009", Lang::ZhCn)])
    {
        let building = world.building(dihu, building).await;
        world.add_resident(user, &format!("住户{user}"), lang, building, unit_room, Some(phone)).await;
    }
    Buys { world, app, clock, dihu }
}

impl Buys {
    fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    /// Announces a buy of two items led by `leader`, closing in two hours, needing
    /// `min_households`.
    async fn announce(&self, leader: u64, title: &str, min_households: i64) -> i64 {
        let buy = NewBuy {
            community_id: self.dihu,
            leader_id: leader as i64,
            title: title.into(),
            items: vec![
                NewItem { name: "蔬菜套餐".into(), unit: "份".into(), price_fen: 5800 },
                NewItem { name: "鸡蛋".into(), unit: "盒".into(), price_fen: 1250 },
            ],
            caps: Caps { household: 5, total: None },
            minimum: Minimum { kind: MinKind::Households, count: min_households },
            deadline: self.app.now() + Duration::hours(2),
            delivery: Delivery::Door,
            pickup: None,
            chats: vec![GROUP],
            bot_url: "https://t.me/test_bot".into(),
        };
        let mut conn = self.world.pool().acquire().await.unwrap();
        linli::groupbuy::announce(&mut conn, &self.app, self.app.now(), &buy).await.unwrap()
    }

    /// The households join, in the order of `HOUSEHOLDS`: vegetables 1, 2, 0, 1, 1 and eggs
    /// 0, 1, 2, 0, 0.
    async fn join_all(&self, buy: i64) {
        let items = gb::items(self.world.pool(), buy).await.unwrap();
        let (veg, eggs) = (items[0].id, items[1].id);
        let quantities = [(1, 0), (2, 1), (0, 2), (1, 0), (1, 0)];
        let mut conn = self.world.pool().acquire().await.unwrap();
        for ((user, building, unit_room, _, _), (v, e)) in HOUSEHOLDS.iter().zip(quantities) {
            let home = Household {
                building_id: self.world.building(self.dihu, building).await,
                key: linli::people::model::household_key(unit_room),
                unit_room: (*unit_room).into(),
            };
            let lines: Vec<(i64, i64)> = [(veg, v), (eggs, e)].into_iter().filter(|(_, q)| *q > 0).collect();
            let joined = gb::join(&mut conn, self.app.now(), buy, *user as i64, &home, &lines, None).await.unwrap();
            assert!(matches!(joined, gb::Joined::New { .. }), "{joined:?}");
        }
    }

    /// Runs every job due now (the group buys' tally and deadline jobs).
    async fn run_jobs(&self) {
        let runner = linli::jobs::Runner::new(
            self.app.clone(),
            (linli::groupbuy::join::SLICE.jobs)(linli::jobs::Registry::new()),
        );
        while runner.tick().await.unwrap() > 0 {}
    }

    async fn past_the_deadline(&self) {
        self.clock.advance(Duration::hours(2) + Duration::minutes(1));
        self.run_jobs().await;
    }

    async fn status(&self, buy: i64) -> BuyStatus {
        gb::buy(self.world.pool(), buy).await.unwrap().unwrap().status
    }

    /// Every text queued for `chat`, joined: what the leader got.
    async fn all_text(&self, chat: u64) -> String {
        self.world.queued_texts(chat).await.into_iter().map(|(t, _)| t).collect::<Vec<_>>().join("\n")
    }
}

/// What a tap showed: the edited message (or a new one), with this slice's buttons.
fn shown(bot: &TestBot) -> (String, Vec<Cb>) {
    let responses = bot.get_responses();
    match responses.edited_messages_text.last() {
        Some(m) => {
            (m.message.text().unwrap_or_default().to_owned(), m.message.reply_markup().map(decoded).unwrap_or_default())
        }
        None => (last_text(bot), last_buttons(bot)),
    }
}

fn supplier_line(lang: &str, name: &str, price: &str, unit: &str, units: &str, subtotal: &str) -> String {
    trf(
        lang,
        "groupbuy_lead.slips.supplier_line",
        &[("name", name), ("price", price), ("unit", unit), ("units", units), ("subtotal", subtotal)],
    )
}

/// The positions of the households' addresses (each on a line of its own) in `text`.
fn in_order(text: &str) -> bool {
    let at: Vec<Option<usize>> = SORTED.iter().map(|a| text.find(&format!("\n{a}\n"))).collect();
    at.iter().all(Option::is_some) && at.windows(2).all(|w| w[0] < w[1])
}

#[tokio::test]
async fn at_the_deadline_the_leader_gets_the_supplier_order_and_sorted_slips_without_phones() {
    let b = buys().await;
    let buy = b.announce(LEADER, "周末蔬菜", 3).await;
    b.join_all(buy).await;
    b.past_the_deadline().await;
    assert_eq!(b.status(buy).await, BuyStatus::Closed);

    let texts = b.world.queued_texts(LEADER).await;
    let supplier = texts
        .iter()
        .map(|(t, _)| t)
        .find(|t| {
            t.starts_with(&trf(
                ZH,
                "groupbuy_lead.slips.supplier_title",
                &[("id", &buy.to_string()), ("title", "周末蔬菜")],
            ))
        })
        .expect("the supplier order");
    assert!(supplier.contains(&supplier_line(ZH, "蔬菜套餐", "¥58.00", "份", "5", "¥290.00")), "{supplier}");
    assert!(supplier.contains(&supplier_line(ZH, "鸡蛋", "¥12.50", "盒", "3", "¥37.50")), "{supplier}");
    let total =
        trf(ZH, "groupbuy_lead.slips.supplier_total", &[("total", "¥327.50"), ("households", "5"), ("units", "8")]);
    assert!(supplier.contains(&total), "{supplier}");

    let all = b.all_text(LEADER).await;
    assert!(in_order(&all), "building → unit → room: {all}");
    assert!(all.contains(&trf(ZH, "groupbuy_lead.slips.building", &[("building", "3号楼"), ("households", "3")])));
    assert!(!all.contains("1390000000"), "no phone number in the default slips: {all}");
    assert_eq!(all.matches(&tr(ZH, "groupbuy_lead.slips.phone_hidden")).count(), 5);
    assert!(HOUSEHOLDS.iter().all(|(user, ..)| all.contains(&format!("住户{user}"))), "each household's name: {all}");

    let files = b.world.queued_files(LEADER).await;
    assert_eq!(files.len(), 2, "a CSV and an HTML file");
    let (csv_caption, csv) = &files[0];
    assert_eq!(
        csv_caption.as_deref(),
        Some(trf(ZH, "groupbuy_lead.files.csv_caption", &[("id", &buy.to_string())]).as_str())
    );
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF");
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    assert_eq!(reader.headers().unwrap().len(), 5 + 2 + 1, "a column per item");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let addresses: Vec<String> = rows.iter().map(|r| format!("{} {}", &r[1], &r[2])).collect();
    assert_eq!(addresses, SORTED);
    assert_eq!((&rows[3][5], &rows[3][6], &rows[3][7]), ("2", "1", "128.50"), "3号楼 2单元10: 2 vegetables, 1 eggs");
    assert!(rows.iter().all(|r| !r[4].contains("139")));

    let (html_caption, html) = &files[1];
    assert_eq!(
        html_caption.as_deref(),
        Some(trf(ZH, "groupbuy_lead.files.html_caption", &[("id", &buy.to_string())]).as_str())
    );
    let html = String::from_utf8(html.clone()).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">") && html.ends_with("</html>\n")
    );
    assert_eq!(html.matches("<section class=\"building\">").count(), 3, "a page per building");
    assert_eq!(html.matches("<div class=\"slip\">").count(), 5, "a box per household");
    for tag in ["section", "div", "ul", "li"] {
        assert_eq!(
            html.matches(&format!("<{tag}")).count(),
            html.matches(&format!("</{tag}>")).count(),
            "<{tag}> closed"
        );
    }
    assert!(!html.contains("1390000000"));
}

#[tokio::test]
async fn the_slips_with_phone_numbers_come_only_from_their_button() {
    let b = buys().await;
    let buy = b.announce(LEADER, "周末蔬菜", 1).await;
    b.join_all(buy).await;
    b.past_the_deadline().await;
    let before = b.world.queued_texts(LEADER).await.len();

    let mut bot = b.bot(text(LEADER, "zh", "/buys"));
    bot.dispatch().await;
    let list = last_text(&bot);
    let closed = trf(ZH, "groupbuy_lead.status.closed", &[("households", "5"), ("units", "8")]);
    assert!(list.contains(&closed), "{list}");
    assert_eq!(last_buttons::<Cb>(&bot), vec![Cb::Buy(buy)]);

    bot.update(tap(LEADER, "zh", Cb::Buy(buy)));
    bot.dispatch().await;
    let (_, buttons) = shown(&bot);
    assert_eq!(buttons, [Cb::Slips { buy, phones: false }, Cb::Slips { buy, phones: true }, Cb::Page(0)]);
    let delivery: Vec<linli::groupbuy::delivery::buttons::Cb> =
        bot.get_responses().edited_messages_text.last().and_then(|m| m.message.reply_markup()).map(decoded).unwrap();
    assert_eq!(delivery, [linli::groupbuy::delivery::buttons::Cb::Manage(buy)], "the delivery's button is there");

    // Someone else's forged tap: nothing is queued for them.
    bot.update(tap(STRANGER, "zh", Cb::Slips { buy, phones: true }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_lead.not_yours")));
    assert!(b.all_text(STRANGER).await.is_empty() && b.world.queued_files(STRANGER).await.is_empty());

    bot.update(tap(LEADER, "zh", Cb::Slips { buy, phones: true }));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "groupbuy_lead.buy.slips_coming_phones", &[("id", &buy.to_string())]));
    let texts = b.world.queued_texts(LEADER).await;
    let again: String = texts[before..].iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join("\n");
    assert!(in_order(&again), "{again}");
    for (_, _, _, phone, _) in HOUSEHOLDS {
        assert!(again.contains(phone), "{phone} in {again}");
    }
    let files = b.world.queued_files(LEADER).await;
    assert_eq!(files.len(), 4);
    assert!(String::from_utf8_lossy(&files[2].1).contains("13900000003"));
    assert!(String::from_utf8_lossy(&files[3].1).contains("13900000003"));
}

#[tokio::test]
async fn an_english_leader_gets_the_order_the_slips_and_the_list_in_english() {
    let b = buys().await;
    let buy = b.announce(EN_LEADER, "Weekend veg", 1).await;
    b.join_all(buy).await;
    b.past_the_deadline().await;
    let all = b.all_text(EN_LEADER).await;
    let id = buy.to_string();
    assert!(
        all.contains(&trf(EN, "groupbuy_lead.slips.supplier_title", &[("id", &id), ("title", "Weekend veg")])),
        "{all}"
    );
    assert!(all.contains(&supplier_line(EN, "蔬菜套餐", "¥58.00", "份", "5", "¥290.00")), "{all}");
    assert!(all.contains(&tr(EN, "groupbuy_lead.slips.phone_hidden")));
    // Only what people typed (item and building names) is Chinese: no text of the product.
    for key in ["groupbuy_lead.slips.phone_hidden", "groupbuy_lead.csv.unit_room"] {
        assert!(!all.contains(&tr(ZH, key)), "{key}: {all}");
    }
    let files = b.world.queued_files(EN_LEADER).await;
    let csv = String::from_utf8(files[0].1.clone()).unwrap();
    assert!(csv.starts_with("\u{feff}No.,Building,Unit/room,Name,Phone,"), "{csv}");
    assert_eq!(files[1].0.as_deref(), Some(trf(EN, "groupbuy_lead.files.html_caption", &[("id", &id)]).as_str()));

    let mut bot = b.bot(text(EN_LEADER, "en", "/buys"));
    bot.dispatch().await;
    let list = last_text(&bot);
    assert!(list.contains(&trf(EN, "groupbuy_lead.status.closed", &[("households", "5"), ("units", "8")])), "{list}");
}
