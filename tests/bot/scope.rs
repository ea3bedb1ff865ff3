//! Officials of several communities: an administrator (every community) acts on the one
//! they chose — 学府社区 here, the second in the file — for orders, the catalog, freezes,
//! checkpoints and the roster; an official of one community is never asked; the choice
//! holds across updates; buttons from before a switch do not act on the new community;
//! the nightly report reaches an administrator as one message.

use chrono::Utc;
use linli::bot::CallbackData;
use linli::community::CommunityFile;
use linli::i18n::Lang;
use linli::orders::buttons::Cb as OrdersCb;
use linli::people::buttons::Cb as PeopleCb;
use linli::people::store::{self as people, NewResident};
use linli::shifts::buttons::Cb as ShiftsCb;
use teloxide::types::{InlineKeyboardButtonKind, ReplyMarkup};
use teloxide_tests::{MockCallbackQuery, MockMessageText, MockPrivateChat};

use crate::*;

mod duty;
mod orders;

const DIHU_OFFICIAL: u64 = 8100;
const BOTH_OFFICIAL: u64 = 8101;
const DIHU_RESIDENT: u64 = 8001;
const XUEFU_RESIDENT: u64 = 8002;

pub const TOWN: &str = r#"
[subdistrict]
name = "航海西路街道"
name_en = "Hanghai West Road Subdistrict"
timezone = "Asia/Shanghai"

[[category]]
key = "staples"
name = "米面粮油"
name_en = "Staples"

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
buildings = ["3号楼"]

  [[community.checkpoint]]
  name = "帝湖东门"
    [[community.checkpoint.shift]]
    start = "08:00"
    end = "16:00"
    capacity = 2
    min_senior = 1

[[community]]
name = "学府社区"
name_en = "Xuefu Community"
buildings = ["1号楼", "3号楼"]

  [[community.checkpoint]]
  name = "学府南门"
    [[community.checkpoint.shift]]
    start = "08:00"
    end = "16:00"
    capacity = 2
    min_senior = 0
"#;

/// Two communities with a 3号楼 each, the same item in each, a checkpoint each with
/// shifts from today, a resident of each with a placed order, and an official of 帝湖.
struct Town {
    world: World,
    dihu: i64,
    xuefu: i64,
    dihu_rice: i64,
    xuefu_rice: i64,
}

async fn town() -> Town {
    let world = World::new().await;
    linli::community::import(&world.app.writer, &CommunityFile::parse(TOWN).unwrap()).await.unwrap();
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let item = |community: i64| {
        let pool = world.pool().clone();
        async move {
            let (id,): (i64,) = sqlx::query_as("SELECT id FROM catalog_items WHERE name = '大米' AND community_id = ?")
                .bind(community)
                .fetch_one(&pool)
                .await
                .unwrap();
            id
        }
    };
    let (dihu_rice, xuefu_rice) = (item(dihu).await, item(xuefu).await);
    for (user, community, rice) in [(DIHU_RESIDENT, dihu, dihu_rice), (XUEFU_RESIDENT, xuefu, xuefu_rice)] {
        people::upsert_user(
            &mut world.pool().acquire().await.unwrap(),
            Utc::now(),
            user as i64,
            &format!("居民{user}"),
            Lang::ZhCn,
            true,
        )
        .await
        .unwrap();
        let building = world.building(community, "3号楼").await;
        let new = NewResident {
            community_id: community,
            building_id: building,
            unit_room: "1-101",
            household_size: 2,
            phone: None,
        };
        let mut conn = world.pool().acquire().await.unwrap();
        people::save_resident(&mut conn, Utc::now(), user as i64, &new).await.unwrap();
        drop(conn);
        linli::orders::store::set_cart(&mut world.pool().acquire().await.unwrap(), user as i64, rice, 1).await.unwrap();
        let day = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d").to_string();
        let placement = linli::orders::store::Placement {
            resident: user as i64,
            community_id: community,
            placed_by: user as i64,
            note: "",
            household: linli::orders::store::Household { building_id: building, key: "1-101", day: &day },
            now: Utc::now(),
        };
        let mut tx = world.pool().begin_with("BEGIN IMMEDIATE").await.unwrap();
        linli::orders::store::place(&mut tx, &placement).await.unwrap().unwrap();
        tx.commit().await.unwrap();
    }
    make_official(&world, DIHU_OFFICIAL, dihu).await;
    let mut conn = world.pool().acquire().await.unwrap();
    let today = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    linli::shifts::store::generate(&mut conn, Utc::now(), today, 2, chrono_tz::Asia::Shanghai).await.unwrap();
    drop(conn);
    Town { world, dihu, xuefu, dihu_rice, xuefu_rice }
}

async fn make_official(world: &World, user: u64, community: i64) {
    people::upsert_user(
        &mut world.pool().acquire().await.unwrap(),
        Utc::now(),
        user as i64,
        &format!("干部{user}"),
        Lang::ZhCn,
        true,
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, 'official', 'approved', 0)",
    )
    .bind(user as i64)
    .bind(community)
    .execute(world.pool())
    .await
    .unwrap();
}

impl Town {
    async fn order_statuses(&self) -> Vec<(i64, String)> {
        sqlx::query_as("SELECT community_id, status FROM orders ORDER BY community_id")
            .fetch_all(self.world.pool())
            .await
            .unwrap()
    }

    async fn stock(&self, item: i64) -> i64 {
        let (s,): (i64,) = sqlx::query_as("SELECT stock FROM catalog_items WHERE id = ?")
            .bind(item)
            .fetch_one(self.world.pool())
            .await
            .unwrap();
        s
    }

    /// Where `user` acts, as remembered.
    async fn remembered(&self, user: u64) -> Option<i64> {
        sqlx::query_as::<_, (i64,)>("SELECT community_id FROM official_scopes WHERE user_id = ?")
            .bind(user as i64)
            .fetch_optional(self.world.pool())
            .await
            .unwrap()
            .map(|(c,)| c)
    }
}

/// The buttons of the `nth` text message of the last dispatch, decoded.
fn buttons_of(bot: &TestBot, nth: usize) -> Vec<(String, String)> {
    let responses = bot.get_responses();
    let Some(sent) = responses.sent_messages_text.get(nth) else { return Vec::new() };
    let Some(ReplyMarkup::InlineKeyboard(kb)) = &sent.bot_request.reply_markup else { return Vec::new() };
    kb.inline_keyboard
        .iter()
        .flatten()
        .filter_map(|b| match &b.kind {
            InlineKeyboardButtonKind::CallbackData(data) => Some((b.text.clone(), data.clone())),
            _ => None,
        })
        .collect()
}

fn buttons(bot: &TestBot) -> Vec<String> {
    let n = bot.get_responses().sent_messages_text.len();
    buttons_of(bot, n.saturating_sub(1)).into_iter().map(|(_, cb)| cb).collect()
}

/// A tap on a button of a message the bot sent at `sent`.
fn tap_sent_at(id: u64, cb: impl CallbackData, sent: chrono::DateTime<Utc>) -> MockCallbackQuery {
    let chat = MockPrivateChat::new().id(id as i64).build();
    let message = MockMessageText::new().text("buttons").from(user(id, "zh")).chat(chat).date(sent).build();
    MockCallbackQuery::new().data(cb.encode()).from(user(id, "zh")).message(message)
}

fn header(community: &str) -> String {
    trf(ZH, "people.scope.header", &[("community", community)])
}

/// The administrator asks, is asked which community, and chooses 学府社区.
async fn admin_chooses_xuefu(t: &Town, bot: &mut TestBot, command: &str) {
    bot.update(text(ADMIN, "zh", command));
    bot.dispatch().await;
    assert_eq!(last_text(bot), tr(ZH, "people.scope.which"), "never a guess");
    assert_eq!(buttons(bot), vec![PeopleCb::UseCommunity(t.dihu).encode(), PeopleCb::UseCommunity(t.xuefu).encode()]);
    bot.update(tap(ADMIN, "zh", PeopleCb::UseCommunity(t.xuefu)));
    bot.dispatch().await;
    assert_eq!(last_text(bot), trf(ZH, "people.scope.chosen", &[("community", "学府社区")]));
}

#[tokio::test]
async fn an_official_of_one_community_is_never_asked_to_choose() {
    let t = town().await;
    let mut bot = t.world.bot(text(DIHU_OFFICIAL, "zh", "/orders"));
    bot.dispatch().await;
    assert!(
        last_text(&bot).starts_with(&trf(ZH, "orders.pipeline_header", &[("community", "帝湖社区")])),
        "no question and no header line: {}",
        last_text(&bot)
    );
    bot.update(text(DIHU_OFFICIAL, "zh", "/roster"));
    bot.dispatch().await;
    let sent = texts(&bot);
    assert_eq!(sent.len(), 1, "no overview for one community: {sent:?}");
    assert!(sent[0].contains("【帝湖社区】") && !sent[0].contains("学府"), "{sent:?}");
    bot.update(text(DIHU_OFFICIAL, "zh", "/community"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "people.scope.only_one", &[("community", "帝湖社区")]));
    // Another community's shift is not theirs to manage.
    let (xuefu_shift,): (i64,) = sqlx::query_as("SELECT id FROM shifts WHERE community_id = ? LIMIT 1")
        .bind(t.xuefu)
        .fetch_one(t.world.pool())
        .await
        .unwrap();
    bot.update(tap(DIHU_OFFICIAL, "zh", ShiftsCb::RosterShift(xuefu_shift)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    assert_eq!(t.remembered(DIHU_OFFICIAL).await, None);
}

#[tokio::test]
async fn someone_who_is_no_official_is_refused() {
    let t = town().await;
    let mut bot = t.world.bot(text(DIHU_RESIDENT, "zh", "/orders"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));
    for command in ["/catalog", "/freeze 3号楼 x", "/roster", "/checkpoints", "/community", "/outbox"] {
        bot.update(text(DIHU_RESIDENT, "zh", command));
        bot.dispatch().await;
        assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"), "{command}");
    }
    for data in [
        OrdersCb::AcceptAll.encode(),
        ShiftsCb::RosterDay(0).encode(),
        PeopleCb::UseCommunity(t.dihu).encode(),
        ShiftsCb::RosterOf(t.dihu).encode(),
    ] {
        bot.update(tap_raw(DIHU_RESIDENT, "zh", &data));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")), "{data}");
    }
    assert_eq!(t.remembered(DIHU_RESIDENT).await, None);
    assert_eq!(t.order_statuses().await, vec![(t.dihu, "placed".to_owned()), (t.xuefu, "placed".to_owned())]);
}

#[tokio::test]
async fn the_choice_is_remembered_until_switched_and_asked_again_once_it_lapses() {
    let t = town().await;
    make_official(&t.world, BOTH_OFFICIAL, t.dihu).await;
    make_official(&t.world, BOTH_OFFICIAL, t.xuefu).await;
    people::set_lang(&mut t.world.pool().acquire().await.unwrap(), BOTH_OFFICIAL as i64, Lang::En).await.unwrap();
    let mut bot = t.world.bot(text(BOTH_OFFICIAL, "en", "/community"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "people.scope.choose"), "asked for the list itself: no 'send it again'");
    bot.update(tap(BOTH_OFFICIAL, "en", PeopleCb::UseCommunity(t.xuefu)));
    bot.dispatch().await;
    assert_eq!(t.remembered(BOTH_OFFICIAL).await, Some(t.xuefu));
    // Later updates act on it without asking.
    for _ in 0..2 {
        bot.update(text(BOTH_OFFICIAL, "en", "/catalog"));
        bot.dispatch().await;
        let list = texts(&bot).join("\n");
        assert!(list.starts_with(&trf(EN, "people.scope.header", &[("community", "Xuefu Community")])), "{list}");
    }
    // /community shows where they are and switches.
    bot.update(text(BOTH_OFFICIAL, "en", "/community"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(EN, "people.scope.current", &[("community", "Xuefu Community")]));
    let marked: Vec<String> = buttons_of(&bot, 0).into_iter().map(|(label, _)| label).collect();
    assert_eq!(marked, vec!["Dihu Community".to_owned(), "📍 Xuefu Community".to_owned()]);
    bot.update(tap(BOTH_OFFICIAL, "en", PeopleCb::UseCommunity(t.dihu)));
    bot.dispatch().await;
    bot.update(text(BOTH_OFFICIAL, "en", "/orders"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&trf(EN, "orders.pipeline_header", &[("community", "Dihu Community")])));

    // No longer an official of 帝湖 (but of 学府 and a third community): the remembered
    // choice no longer counts, so they are asked again rather than sent anywhere.
    import(world_file_with_a_third_community(), &t).await;
    let third = t.world.community("儿童公园社区").await;
    make_official(&t.world, BOTH_OFFICIAL, third).await;
    sqlx::query("DELETE FROM memberships WHERE user_id = ? AND community_id = ?")
        .bind(BOTH_OFFICIAL as i64)
        .bind(t.dihu)
        .execute(t.world.pool())
        .await
        .unwrap();
    bot.update(text(BOTH_OFFICIAL, "en", "/orders"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "people.scope.which"));
    assert_eq!(buttons(&bot), vec![PeopleCb::UseCommunity(t.xuefu).encode(), PeopleCb::UseCommunity(third).encode()]);
    bot.update(tap(BOTH_OFFICIAL, "en", PeopleCb::UseCommunity(t.dihu)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "people.not_allowed")), "a community they no longer run");
}

fn world_file_with_a_third_community() -> &'static str {
    r#"
[subdistrict]
name = "航海西路街道"
name_en = "Hanghai West Road Subdistrict"
timezone = "Asia/Shanghai"

[[community]]
name = "儿童公园社区"
name_en = "Children's Park Community"
buildings = ["1号楼"]
"#
}

async fn import(file: &str, t: &Town) {
    linli::community::import(&t.world.app.writer, &CommunityFile::parse(file).unwrap()).await.unwrap();
}
