//! A leader opens a group buy (issue #14 item 1): an official walks the whole dialogue,
//! every wrong answer named and the question asked again, and publishes into the chosen
//! groups; officials choose volunteer leaders with `/leaders`; a volunteer not allowed, or
//! stopped before publishing, cannot publish; a double tap publishes once; a community
//! without linked groups is told to `/link` them first.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use linli::clock::{millis, ManualClock};
use linli::groupbuy::model::{BuyStatus, Caps, Delivery, MinKind, Minimum};
use linli::groupbuy::open::buttons::Cb;
use linli::i18n::Lang;
use teloxide::types::{InlineKeyboardButtonKind, InlineKeyboardMarkup};

use crate::roles::make_member;
use crate::*;

const OFFICIAL: u64 = 8100;
const OFFICIAL_EN: u64 = 8101;
const XUEFU_OFFICIAL: u64 = 8102;
const VOLUNTEER: u64 = 8150;
/// 3号楼's group (Chinese), 5号楼's (English), the community's (Chinese).
const G3: i64 = -100_301;
const G5: i64 = -100_501;
const GALL: i64 = -100_999;

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

/// 帝湖社区 on Sunday 2026-11-29, 10:00 in Shanghai: two officials (one reads English), an
/// English-speaking volunteer, and three linked groups.
async fn buys() -> Buys {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let b3 = world.building(dihu, "3号楼").await;
    let b5 = world.building(dihu, "5号楼").await;
    let clock = ManualClock::new(utc("2026-11-29T02:00:00Z"));
    let app = linli::App::with_clock(world.app.db(), world.app.settings.clone(), clock);
    make_member(&world, OFFICIAL, dihu, "official", "approved").await;
    make_member(&world, OFFICIAL_EN, dihu, "official", "approved").await;
    make_member(&world, XUEFU_OFFICIAL, xuefu, "official", "approved").await;
    make_member(&world, VOLUNTEER, dihu, "volunteer", "approved").await;
    sqlx::query("UPDATE users SET lang = 'en' WHERE id IN (?, ?)")
        .bind(OFFICIAL_EN as i64)
        .bind(VOLUNTEER as i64)
        .execute(world.pool())
        .await
        .unwrap();
    let mut conn = world.pool().acquire().await.unwrap();
    for (chat, building, title, lang) in [
        (G3, Some(b3), "3号楼邻里群", Lang::ZhCn),
        (G5, Some(b5), "Building 5", Lang::En),
        (GALL, None, "帝湖大群", Lang::ZhCn),
    ] {
        linli::people::store::link_chat(&mut conn, Utc::now(), chat, dihu, building, title, OFFICIAL as i64, lang)
            .await
            .unwrap();
    }
    drop(conn);
    Buys { world, app, dihu, b3, b5 }
}

impl Buys {
    fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(self.world.pool()).await.unwrap();
        n
    }
}

/// What the last dispatch showed: an edited message, else the last one sent.
fn screen(bot: &TestBot) -> (String, Option<InlineKeyboardMarkup>) {
    let r = bot.get_responses();
    if let Some(e) = r.edited_messages_text.last() {
        return (e.message.text().unwrap_or_default().to_owned(), e.message.reply_markup().cloned());
    }
    r.sent_messages
        .last()
        .map(|m| (m.text().unwrap_or_default().to_owned(), m.reply_markup().cloned()))
        .unwrap_or_default()
}

fn shown_buttons(bot: &TestBot) -> Vec<Cb> {
    screen(bot).1.as_ref().map(decoded).unwrap_or_default()
}

async fn say(bot: &mut TestBot, who: u64, lang: &str, what: &str) -> String {
    bot.update(text(who, lang, what));
    bot.dispatch().await;
    screen(bot).0
}

async fn press(bot: &mut TestBot, who: u64, lang: &str, cb: Cb) -> String {
    bot.update(tap(who, lang, cb));
    bot.dispatch().await;
    screen(bot).0
}

/// The mistake, then the same question.
fn re_asked(got: &str, mistake: &str, question: &str) {
    assert!(got.starts_with(mistake) && got.ends_with(question), "{got}\n-- expected --\n{mistake}\n…\n{question}");
}

#[tokio::test]
async fn an_official_walks_the_dialogue_with_a_wrong_answer_at_each_step_and_publishes_once() {
    let t = buys().await;
    let mut bot = t.bot(text(OFFICIAL, "zh", "/groupbuy"));
    bot.dispatch().await;
    assert_eq!(screen(&bot).0, tr(ZH, "groupbuy_open.ask.title"));

    let got = say(&mut bot, OFFICIAL, "zh", &"菜".repeat(41)).await;
    re_asked(&got, &tr(ZH, "groupbuy_open.error.title_too_long"), &tr(ZH, "groupbuy_open.ask.title"));
    assert_eq!(say(&mut bot, OFFICIAL, "zh", "周末蔬菜套餐").await, tr(ZH, "groupbuy_open.ask.items"));

    // The bad line is named; full-width digits and "¥" are read.
    let got = say(&mut bot, OFFICIAL, "zh", "蔬菜套餐 58元/份\n鸡蛋一盒").await;
    let problem = tr(ZH, "groupbuy_open.error.no_price");
    let mistake =
        trf(ZH, "groupbuy_open.error.item_line", &[("line", "2"), ("text", "鸡蛋一盒"), ("problem", &problem)]);
    re_asked(&got, &mistake, &tr(ZH, "groupbuy_open.ask.items"));
    say(&mut bot, OFFICIAL, "zh", "蔬菜套餐 ¥５８/份\n鸡蛋 15元/盒").await;
    assert_eq!(
        shown_buttons(&bot)[..5],
        [Cb::HouseholdCap(1), Cb::HouseholdCap(2), Cb::HouseholdCap(3), Cb::HouseholdCap(5), Cb::HouseholdCap(10)]
    );

    let got = say(&mut bot, OFFICIAL, "zh", "100").await;
    re_asked(&got, &tr(ZH, "groupbuy_open.error.household_cap"), &tr(ZH, "groupbuy_open.ask.household_cap"));
    let total_q = trf(ZH, "groupbuy_open.ask.total_cap", &[("per", "3")]);
    assert_eq!(press(&mut bot, OFFICIAL, "zh", Cb::HouseholdCap(3)).await, total_q);

    let got = say(&mut bot, OFFICIAL, "zh", "2").await;
    re_asked(&got, &trf(ZH, "groupbuy_open.error.total_below_household", &[("per", "3")]), &total_q);
    assert_eq!(say(&mut bot, OFFICIAL, "zh", "200份").await, tr(ZH, "groupbuy_open.ask.minimum"));
    assert!(shown_buttons(&bot).contains(&Cb::Minimum { kind: MinKind::Households, count: 10 }));

    let got = say(&mut bot, OFFICIAL, "zh", "很多").await;
    re_asked(&got, &tr(ZH, "groupbuy_open.error.minimum"), &tr(ZH, "groupbuy_open.ask.minimum"));
    let got = press(&mut bot, OFFICIAL, "zh", Cb::Minimum { kind: MinKind::Households, count: 10 }).await;
    assert_eq!(got, tr(ZH, "groupbuy_open.ask.deadline"));
    // Today 20:00 is still ahead at 10:00, then tomorrow noon and evening.
    assert_eq!(
        shown_buttons(&bot)[..3],
        [
            Cb::Deadline(millis(utc("2026-11-29T12:00:00Z"))),
            Cb::Deadline(millis(utc("2026-11-30T04:00:00Z"))),
            Cb::Deadline(millis(utc("2026-11-30T12:00:00Z")))
        ]
    );

    let got = say(&mut bot, OFFICIAL, "zh", "09:00").await;
    re_asked(&got, &tr(ZH, "groupbuy_open.error.too_soon"), &tr(ZH, "groupbuy_open.ask.deadline"));
    let got = say(&mut bot, OFFICIAL, "zh", "下周").await;
    re_asked(&got, &tr(ZH, "groupbuy_open.error.time"), &tr(ZH, "groupbuy_open.ask.deadline"));
    assert_eq!(say(&mut bot, OFFICIAL, "zh", "明天 18:00").await, tr(ZH, "groupbuy_open.ask.groups"));
    assert_eq!(
        shown_buttons(&bot)[..3],
        [Cb::Group { chat: GALL, on: true }, Cb::Group { chat: G3, on: true }, Cb::Group { chat: G5, on: true }]
    );

    // Groups: typing is not the way; none chosen is refused; a double tap of a toggle is
    // refused rather than flipping it back.
    let got = say(&mut bot, OFFICIAL, "zh", "3号楼").await;
    re_asked(&got, &tr(ZH, "common.use_buttons"), &tr(ZH, "groupbuy_open.ask.groups"));
    bot.update(tap(OFFICIAL, "zh", Cb::GroupsDone));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_open.choose_a_group")));
    press(&mut bot, OFFICIAL, "zh", Cb::Group { chat: G3, on: true }).await;
    press(&mut bot, OFFICIAL, "zh", Cb::Group { chat: G5, on: true }).await;
    assert!(shown_buttons(&bot).contains(&Cb::Group { chat: G5, on: false }));
    bot.update(tap(OFFICIAL, "zh", Cb::Group { chat: G5, on: true }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert_eq!(press(&mut bot, OFFICIAL, "zh", Cb::GroupsDone).await, tr(ZH, "groupbuy_open.ask.delivery"));

    assert_eq!(
        press(&mut bot, OFFICIAL, "zh", Cb::Delivery(Delivery::Pickup)).await,
        tr(ZH, "groupbuy_open.ask.pickup_place")
    );
    let pickup_q = trf(ZH, "groupbuy_open.ask.pickup_time", &[("deadline", "11月30日 18:00")]);
    assert_eq!(say(&mut bot, OFFICIAL, "zh", "东门快递柜旁").await, pickup_q);
    let got = say(&mut bot, OFFICIAL, "zh", "明天 12:00").await;
    re_asked(&got, &tr(ZH, "groupbuy_open.error.pickup_before_deadline"), &pickup_q);
    let summary = say(&mut bot, OFFICIAL, "zh", "后天 9点").await;
    // The preview is the group's message: the items, caps, minimum, delivery and deadline.
    let preview_title = trf(ZH, "groupbuy_open.preview_title", &[("title", "周末蔬菜套餐")]);
    for part in [
        preview_title.as_str(),
        "蔬菜套餐 ¥58.00/份",
        "鸡蛋 ¥15.00/盒",
        "3号楼邻里群（3号楼）、Building 5（5号楼）",
        "东门快递柜旁",
    ] {
        assert!(summary.contains(part), "{part} in {summary}");
    }
    assert_eq!(t.count("SELECT count(*) FROM group_buys").await, 0, "nothing is written before publishing");

    let got = press(&mut bot, OFFICIAL, "zh", Cb::Publish).await;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM group_buys").fetch_one(t.world.pool()).await.unwrap();
    assert_eq!(
        got,
        trf(
            ZH,
            "groupbuy_open.published",
            &[("id", &id.to_string()), ("title", "周末蔬菜套餐"), ("count", "2"), ("at", "11月30日 18:00")]
        )
    );
    // A second tap publishes nothing more.
    bot.update(tap(OFFICIAL, "zh", Cb::Publish));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert_eq!(t.count("SELECT count(*) FROM group_buys").await, 1);

    let buy = linli::groupbuy::store::buy(t.world.pool(), id).await.unwrap().unwrap();
    assert_eq!((buy.community_id, buy.leader_id, buy.title.as_str()), (t.dihu, OFFICIAL as i64, "周末蔬菜套餐"));
    assert_eq!(buy.caps(), Caps { household: 3, total: Some(200) });
    assert_eq!(buy.minimum(), Minimum { kind: MinKind::Households, count: 10 });
    assert_eq!(buy.deadline(), utc("2026-11-30T10:00:00Z"));
    assert_eq!(buy.delivery, Delivery::Pickup);
    assert_eq!(
        (buy.pickup_place.as_deref(), buy.pickup_at),
        (Some("东门快递柜旁"), Some(millis(utc("2026-12-01T01:00:00Z"))))
    );
    assert_eq!(buy.status, BuyStatus::Open);
    let items: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT name, unit, price_fen FROM group_buy_items ORDER BY position")
            .fetch_all(t.world.pool())
            .await
            .unwrap();
    assert_eq!(items, [("蔬菜套餐".into(), "份".into(), 5800), ("鸡蛋".into(), "盒".into(), 1500)]);
    let buildings: Vec<(i64,)> = sqlx::query_as("SELECT building_id FROM group_buy_buildings ORDER BY building_id")
        .fetch_all(t.world.pool())
        .await
        .unwrap();
    assert_eq!(buildings, [(t.b3,), (t.b5,)], "only the chosen groups' buildings may join");

    // One offer per chosen group, in the group's language, with the join link.
    let link = format!("https://t.me/test_bot?start=gb_{id}");
    for (chat, lang) in [(G3, ZH), (G5, EN)] {
        let offers = t.world.queued_texts(chat as u64).await;
        assert_eq!(offers.len(), 1, "{chat}");
        let (text, kb) = &offers[0];
        let title = trf(lang, "groupbuy.tally.title", &[("id", &id.to_string()), ("title", "周末蔬菜套餐")]);
        assert!(text.starts_with(&title), "{text}");
        let urls: Vec<(String, String)> = kb
            .iter()
            .flat_map(|kb| kb.inline_keyboard.iter().flatten())
            .filter_map(|b| match &b.kind {
                InlineKeyboardButtonKind::Url(url) => Some((b.text.clone(), url.to_string())),
                _ => None,
            })
            .collect();
        assert_eq!(urls, [(tr(lang, "groupbuy.tally.join_button"), link.clone())]);
    }
    assert!(t.world.queued_texts(GALL as u64).await.is_empty(), "a group not chosen gets nothing");
    let jobs: Vec<(i64,)> = sqlx::query_as("SELECT due_at FROM jobs WHERE kind = 'groupbuy.deadline'")
        .fetch_all(t.world.pool())
        .await
        .unwrap();
    assert_eq!(jobs, [(millis(utc("2026-11-30T10:00:00Z")),)]);
}

/// Walks a volunteer's dialogue in English with buttons up to the preview.
async fn walk_to_preview(bot: &mut TestBot, who: u64) {
    assert_eq!(say(bot, who, "en", "/groupbuy").await, tr(EN, "groupbuy_open.ask.title"));
    say(bot, who, "en", "Weekend veg").await;
    let got = say(bot, who, "en", "Veg box 58/box").await;
    assert_eq!(got, tr(EN, "groupbuy_open.ask.household_cap"));
    press(bot, who, "en", Cb::HouseholdCap(2)).await;
    assert_eq!(press(bot, who, "en", Cb::NoTotalCap).await, tr(EN, "groupbuy_open.ask.minimum"));
    press(bot, who, "en", Cb::Minimum { kind: MinKind::Units, count: 30 }).await;
    press(bot, who, "en", Cb::Deadline(millis(utc("2026-11-30T04:00:00Z")))).await;
    press(bot, who, "en", Cb::AllGroups).await;
    assert!(shown_buttons(bot).contains(&Cb::Group { chat: GALL, on: false }), "all chosen");
    press(bot, who, "en", Cb::GroupsDone).await;
    let got = press(bot, who, "en", Cb::Delivery(Delivery::Door)).await;
    assert!(got.contains(&trf(EN, "groupbuy_open.preview_title", &[("title", "Weekend veg")])), "{got}");
}

#[tokio::test]
async fn a_volunteer_leads_only_while_an_official_allows_it_checked_again_at_publishing() {
    let t = buys().await;
    let mut bot = t.bot(text(VOLUNTEER, "en", "/groupbuy"));
    bot.dispatch().await;
    assert_eq!(screen(&bot).0, tr(EN, "groupbuy_open.not_leader"));

    // An official allows them in /leaders (a double tap changes nothing).
    assert!(say(&mut bot, OFFICIAL_EN, "en", "/leaders").await.starts_with(&trf(
        EN,
        "groupbuy_open.leaders.header",
        &[("count", "0")]
    )));
    let allow = Cb::Leader { community: t.dihu, user: VOLUNTEER as i64, allow: true };
    assert!(shown_buttons(&bot).contains(&allow));
    let got = press(&mut bot, OFFICIAL_EN, "en", allow).await;
    assert!(got.starts_with(&trf(EN, "groupbuy_open.leaders.header", &[("count", "1")])), "{got}");
    assert!(shown_buttons(&bot).contains(&Cb::Leader { community: t.dihu, user: VOLUNTEER as i64, allow: false }));
    bot.update(tap(OFFICIAL_EN, "en", allow));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "common.stale_button")));
    let told = t.world.queued_texts(VOLUNTEER).await;
    assert_eq!(told.len(), 1, "told once: {told:?}");
    assert_eq!(told[0].0, trf(EN, "groupbuy_open.leaders.told_allowed", &[("community", "Dihu Community")]));
    // An official of another community cannot toggle this one's leaders.
    bot.update(tap(XUEFU_OFFICIAL, "zh", Cb::Leader { community: t.dihu, user: VOLUNTEER as i64, allow: false }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));

    // Now they publish, into every group.
    walk_to_preview(&mut bot, VOLUNTEER).await;
    press(&mut bot, VOLUNTEER, "en", Cb::Publish).await;
    assert_eq!(t.count("SELECT count(*) FROM group_buys WHERE leader_id = 8150").await, 1);
    assert_eq!(t.count("SELECT count(*) FROM group_buy_posts").await, 3);

    // Stopped while at the preview: publishing is refused and the dialogue ends.
    walk_to_preview(&mut bot, VOLUNTEER).await;
    press(&mut bot, OFFICIAL_EN, "en", Cb::Leader { community: t.dihu, user: VOLUNTEER as i64, allow: false }).await;
    bot.update(tap(VOLUNTEER, "en", Cb::Publish));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "groupbuy_open.no_longer_leader")));
    let told = t.world.queued_texts(VOLUNTEER).await;
    assert_eq!(told[1].0, trf(EN, "groupbuy_open.leaders.told_stopped", &[("community", "Dihu Community")]));
    assert_eq!(t.count("SELECT count(*) FROM group_buys").await, 1);
    assert_eq!(say(&mut bot, VOLUNTEER, "en", "/groupbuy").await, tr(EN, "groupbuy_open.not_leader"));
}

#[tokio::test]
async fn a_community_without_linked_groups_is_told_to_link_them_first() {
    let t = buys().await;
    let mut bot = t.bot(text(XUEFU_OFFICIAL, "zh", "/groupbuy"));
    bot.dispatch().await;
    assert_eq!(screen(&bot).0, tr(ZH, "groupbuy_open.no_groups"));
    assert_eq!(t.count("SELECT count(*) FROM dialogues").await, 0, "no dialogue is left open");
}
