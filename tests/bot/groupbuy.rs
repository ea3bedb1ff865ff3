//! Group buys, the residents' side: joining in private from the group's button, changing
//! and leaving, caps per household and in total (with a race for the last units), a
//! household counted once, the group's tally edited with coalescing and what it shows, and
//! the deadline (called off below the minimum, closed at it).

mod tally;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use linli::clock::ManualClock;
use linli::groupbuy::join::buttons::Cb;
use linli::groupbuy::model::{BuyStatus, Caps, Delivery, MinKind, Minimum};
use linli::groupbuy::store::{self, Household, NewBuy, NewItem};
use linli::i18n::Lang;
use linli::outbox::{Content, OutMessage};

use crate::*;

/// 帝湖社区 residents: 3号楼 2单元301 (two accounts of one household), 3号楼 1单元101
/// (English), 5号楼 502; 4号楼 101 (a building whose group was not chosen); 学府社区 1号楼.
const RES: u64 = 8001;
const RES_SAME: u64 = 8002;
const RES_EN: u64 = 8003;
const RES5: u64 = 8004;
const RES4: u64 = 8005;
const XUEFU: u64 = 8006;
const STRANGER: u64 = 8007;
const OFFICIAL: u64 = 8101;
const PHONE: &str = "13800138000";
/// The groups of 3号楼 (Chinese) and 5号楼 (English).
const G3: i64 = -1003;
const G5: i64 = -1005;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub struct Buys {
    pub world: World,
    pub app: Arc<linli::App>,
    pub clock: Arc<ManualClock>,
    pub dihu: i64,
}

/// Sunday 2026-11-29 10:00 in Shanghai.
pub async fn buys() -> Buys {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let clock = ManualClock::new(utc("2026-11-29T02:00:00Z"));
    let app = linli::App::with_clock(world.app.db(), world.app.settings.clone(), clock.clone());
    for (user, name, lang) in [(STRANGER, "路人", Lang::ZhCn), (OFFICIAL, "刘书记", Lang::ZhCn)] {
        world.add_user(user, name, lang).await;
    }
    let (b3, b4, b5) =
        (world.building(dihu, "3号楼").await, world.building(dihu, "4号楼").await, world.building(dihu, "5号楼").await);
    let x1 = world.building(xuefu, "1号楼").await;
    for (user, name, lang, building, unit_room, phone) in [
        (RES, "王芳", Lang::ZhCn, b3, "2单元301", Some(PHONE)),
        (RES_SAME, "王小明", Lang::ZhCn, b3, "2单元 301", None),
        (RES_EN, "Anna", Lang::En, b3, "1单元101", None),
        (RES5, "赵磊", Lang::ZhCn, b5, "502", None),
        (RES4, "钱军", Lang::ZhCn, b4, "101", None),
        (XUEFU, "孙丽", Lang::ZhCn, x1, "1-101", None),
    ] {
        world.add_resident(user, name, lang, building, unit_room, phone).await;
    }
    sqlx::query("INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, 'official', 'approved', 'now')")
        .bind(OFFICIAL as i64)
        .bind(dihu)
        .execute(world.pool())
        .await
        .unwrap();
    world.link_group(G3, dihu, Some(b3), "3号楼群", Lang::ZhCn).await;
    world.link_group(G5, dihu, Some(b5), "Building 5", Lang::En).await;
    Buys { world, app, clock, dihu }
}

impl Buys {
    pub fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    /// A buy by the official in the groups of 3号楼 and 5号楼: 蔬菜套餐 ¥58/份 and 鸡蛋
    /// ¥15/盒, up to 3 per household, `total` in all, going ahead with 2 households,
    /// closing at 18:00 today, to the door.
    pub async fn announce(&self, total: Option<i64>) -> i64 {
        let buy = NewBuy {
            community_id: self.dihu,
            leader_id: OFFICIAL as i64,
            title: "蔬菜套餐".into(),
            items: vec![
                NewItem { name: "蔬菜套餐".into(), unit: "份".into(), price_fen: 5800 },
                NewItem { name: "鸡蛋".into(), unit: "盒".into(), price_fen: 1500 },
            ],
            caps: Caps { household: 3, total },
            minimum: Minimum { kind: MinKind::Households, count: 2 },
            deadline: utc("2026-11-29T10:00:00Z"),
            delivery: Delivery::Door,
            pickup: None,
            chats: vec![G3, G5],
            bot_url: "https://t.me/linli_bot".into(),
        };
        let mut tx = self.app.writer.begin().await.unwrap();
        let id = linli::groupbuy::announce(&mut tx, &self.app, self.app.now(), &buy).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    pub async fn items(&self, buy: i64) -> Vec<i64> {
        store::items(self.world.pool(), buy).await.unwrap().into_iter().map(|i| i.id).collect()
    }

    pub async fn buy(&self, id: i64) -> store::Buy {
        store::buy(self.world.pool(), id).await.unwrap().unwrap()
    }

    /// As the outbox sender would: every pending row sent, message id = 1000 + row id.
    pub async fn send_outbox(&self) {
        sqlx::query("UPDATE outbox SET status = 'sent', telegram_message_id = 1000 + id WHERE status = 'pending'")
            .execute(self.world.pool())
            .await
            .unwrap();
    }

    pub async fn run_due_jobs(&self) {
        let runner = linli::jobs::Runner::new(self.app.clone(), linli::bot::slice::job_registry());
        while runner.tick().await.unwrap() > 0 {}
    }

    /// Every message queued for a chat, oldest first.
    pub async fn queued(&self, chat: i64) -> Vec<OutMessage> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT message FROM outbox WHERE chat_id = ? ORDER BY id")
            .bind(chat)
            .fetch_all(self.world.pool())
            .await
            .unwrap();
        rows.into_iter().map(|(m,)| serde_json::from_str(&m).unwrap()).collect()
    }

    /// What the group sees now: the posted text, or the latest edit of it.
    pub async fn group_text(&self, chat: i64) -> String {
        self.queued(chat)
            .await
            .into_iter()
            .filter_map(|m| match m.content {
                Content::Text { text, .. } | Content::Edit { text, .. } => Some(text),
                _ => None,
            })
            .next_back()
            .unwrap_or_default()
    }

    /// A household joins directly through the store (for set-ups), with the tally armed.
    pub async fn join(
        &self,
        user: u64,
        building: &str,
        unit_room: &str,
        lines: &[(i64, i64)],
        buy: i64,
    ) -> store::Joined {
        let building_id = self.world.building(self.dihu, building).await;
        let home = Household {
            building_id,
            key: linli::people::model::household_key(unit_room),
            unit_room: unit_room.to_owned(),
        };
        let mut tx = self.app.writer.begin().await.unwrap();
        let now = self.app.now();
        let joined = store::join(&mut tx, now, buy, user as i64, &home, lines, None).await.unwrap();
        let current = store::buy(&mut *tx, buy).await.unwrap().unwrap();
        linli::groupbuy::tally::arm(&mut tx, now, &current).await.unwrap();
        tx.commit().await.unwrap();
        joined
    }
}

/// The text the bot showed last: an edit of the tapped message, or a new message.
fn shown(bot: &TestBot) -> String {
    let responses = bot.get_responses();
    match responses.edited_messages_text.last() {
        Some(edit) => edit.message.text().unwrap_or_default().to_owned(),
        None => last_text(bot),
    }
}

fn shown_buttons(bot: &TestBot) -> Vec<Cb> {
    let responses = bot.get_responses();
    let kb = match responses.edited_messages_text.last() {
        Some(edit) => edit.message.reply_markup().cloned(),
        None => responses.sent_messages.last().and_then(|m| m.reply_markup().cloned()),
    };
    kb.map(|k| decoded(&k)).unwrap_or_default()
}

#[tokio::test]
async fn a_resident_joins_in_private_from_the_groups_button_with_wrong_input_at_each_step() {
    let h = buys().await;
    let buy = h.announce(None).await;
    let items = h.items(buy).await;
    // The group's button opens the private chat with /start gb_<id>.
    let post = h.queued(G3).await.remove(0);
    let url = match &post.keyboard.unwrap().inline_keyboard[0][0].kind {
        teloxide::types::InlineKeyboardButtonKind::Url(url) => url.to_string(),
        other => panic!("a URL button expected, got {other:?}"),
    };
    assert_eq!(url, format!("https://t.me/linli_bot?start=gb_{buy}"));

    let mut bot = h.bot(text(RES, ZH, &format!("/start gb_{buy}")));
    bot.dispatch().await;
    let view = last_text(&bot);
    assert!(view.contains("蔬菜套餐 ¥58.00/份 × 0"), "{view}");
    assert!(view.contains("3号楼 2单元"), "the group shows building and unit: {view}");
    // Typing instead of tapping: told to use the buttons, the same view again.
    bot.update(text(RES, ZH, "我要两份"));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&tr(ZH, "groupbuy.join.use_buttons")));
    // ➕ twice on the vegetables, once on eggs; a fourth unit is over the household's 3.
    for (item, to) in [(items[0], 1), (items[0], 2), (items[1], 1)] {
        bot.update(tap(RES, ZH, Cb::SetQty { buy, item, to }));
        bot.dispatch().await;
    }
    assert!(shown(&bot).contains("鸡蛋 ¥15.00/盒 × 1"), "{}", shown(&bot));
    bot.update(tap(RES, ZH, Cb::SetQty { buy, item: items[1], to: 2 }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(trf(ZH, "groupbuy.join.over_household", &[("cap", "3")])));
    // A button from an older copy of the message (not one step from the draft).
    bot.update(tap(RES, ZH, Cb::SetQty { buy, item: items[0], to: 5 }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    bot.update(tap(RES, ZH, Cb::SaveJoin(buy)));
    bot.dispatch().await;
    assert!(shown(&bot).contains("第 1 号"), "{}", shown(&bot));
    assert!(shown(&bot).contains("¥131.00"), "2 × 58 + 15: {}", shown(&bot));
    let current = h.buy(buy).await;
    assert_eq!((current.households, current.taken), (1, 3));
    // A double tap of "join" acts once: the dialogue has ended.
    bot.update(tap(RES, ZH, Cb::SaveJoin(buy)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert_eq!(h.buy(buy).await.households, 1);
}

#[tokio::test]
async fn a_household_is_an_address_not_an_account_and_may_change_or_leave_until_the_deadline() {
    let h = buys().await;
    let buy = h.announce(None).await;
    let items = h.items(buy).await;
    h.join(RES, "3号楼", "2单元301", &[(items[0], 2)], buy).await;
    // The other account of the same address sees the household's line and changes it.
    let mut bot = h.bot(text(RES_SAME, ZH, "/groupbuys"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&trf(ZH, "groupbuy.list.mine", &[("units", "2")])), "{}", last_text(&bot));
    bot.update(tap(RES_SAME, ZH, Cb::OpenBuy(buy)));
    bot.dispatch().await;
    assert!(shown(&bot).contains("蔬菜套餐 ¥58.00/份 × 2"), "{}", shown(&bot));
    bot.update(tap(RES_SAME, ZH, Cb::SetQty { buy, item: items[0], to: 1 }));
    bot.dispatch().await;
    bot.update(tap(RES_SAME, ZH, Cb::SaveJoin(buy)));
    bot.dispatch().await;
    assert!(shown(&bot).contains("已修改"), "{}", shown(&bot));
    let current = h.buy(buy).await;
    assert_eq!((current.households, current.taken), (1, 1), "one household, changed");
    // Leaving asks first, then removes the line.
    bot.update(tap(RES_SAME, ZH, Cb::OpenBuy(buy)));
    bot.dispatch().await;
    assert!(shown_buttons(&bot).contains(&Cb::LeaveBuy(buy)));
    bot.update(tap(RES_SAME, ZH, Cb::LeaveBuy(buy)));
    bot.dispatch().await;
    assert_eq!(shown(&bot), trf(ZH, "groupbuy.join.ask_leave", &[("id", &buy.to_string())]));
    bot.update(tap(RES_SAME, ZH, Cb::ConfirmLeave(buy)));
    bot.dispatch().await;
    let current = h.buy(buy).await;
    assert_eq!((current.households, current.taken), (0, 0));
    // After the deadline nothing changes any more.
    h.clock.set(utc("2026-11-29T10:00:01Z"));
    bot.update(text(RES, ZH, &format!("/start gb_{buy}")));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "groupbuy.join.past_deadline", &[("id", &buy.to_string())]));
}

#[tokio::test]
async fn who_may_not_join_is_told_what_to_do() {
    let h = buys().await;
    let buy = h.announce(None).await;
    let id = buy.to_string();
    let mut bot = h.bot(text(STRANGER, ZH, &format!("/start gb_{buy}")));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "groupbuy.join.register_first"));
    for user in [RES4, XUEFU] {
        bot.update(text(user, ZH, &format!("/start gb_{buy}")));
        bot.dispatch().await;
        assert_eq!(last_text(&bot), trf(ZH, "groupbuy.join.not_for_you", &[("id", &id)]), "user {user}");
    }
    bot.update(text(RES, ZH, "/start gb_999999"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "groupbuy.join.no_such"));
}

#[tokio::test]
async fn an_english_resident_joins_in_english() {
    let h = buys().await;
    let buy = h.announce(None).await;
    let items = h.items(buy).await;
    let mut bot = h.bot(text(RES_EN, EN, &format!("/start gb_{buy}")));
    bot.dispatch().await;
    let view = last_text(&bot);
    assert!(view.starts_with(&trf(EN, "groupbuy.join.title", &[("id", &buy.to_string()), ("title", "蔬菜套餐")])));
    assert!(view.contains("Building 3 Unit 1"), "{view}");
    bot.update(tap(RES_EN, EN, Cb::SetQty { buy, item: items[1], to: 1 }));
    bot.dispatch().await;
    bot.update(tap(RES_EN, EN, Cb::ShowName { buy, show: true }));
    bot.dispatch().await;
    bot.update(tap(RES_EN, EN, Cb::SaveJoin(buy)));
    bot.dispatch().await;
    assert!(shown(&bot).contains("as number 1"), "{}", shown(&bot));
    let nick: (Option<String>,) =
        sqlx::query_as("SELECT nickname FROM group_buy_joins").fetch_one(h.world.pool()).await.unwrap();
    assert_eq!(nick.0.as_deref(), Some("User8003"), "the name Telegram gave, shown as chosen");
}

#[tokio::test]
async fn a_total_cap_fills_first_come_first_served_and_two_racing_for_the_last_units_cannot_both_get_them() {
    let h = buys().await;
    let buy = h.announce(Some(4)).await;
    let items = h.items(buy).await;
    assert!(matches!(h.join(RES5, "5号楼", "502", &[(items[0], 2)], buy).await, store::Joined::New { number: 1 }));
    // Two households ask for the last 2 units at the same moment.
    let (veg, eggs) = ([(items[0], 2)], [(items[1], 2)]);
    let (a, b) =
        tokio::join!(h.join(RES, "3号楼", "2单元301", &veg, buy), h.join(RES_EN, "3号楼", "1单元101", &eggs, buy));
    let won = [a, b].iter().filter(|j| matches!(j, store::Joined::New { .. })).count();
    assert_eq!(won, 1, "exactly one gets the last units: {a:?} {b:?}");
    assert!([a, b].contains(&store::Joined::Refused(linli::groupbuy::model::Refusal::OverTotal { left: 0 })));
    assert_eq!(h.buy(buy).await.taken, 4);
    // Whoever comes next is told at once that it is full.
    let mut bot = h.bot(text(RES4, ZH, "/groupbuys"));
    bot.dispatch().await;
    drop(bot);
    h.world.forget_update_ids().await;
    let latecomer = if matches!(a, store::Joined::New { .. }) { RES_EN } else { RES };
    let lang = if latecomer == RES_EN { EN } else { ZH };
    let mut bot = h.bot(text(latecomer, lang, &format!("/start gb_{buy}")));
    bot.dispatch().await;
    bot.update(tap(latecomer, lang, Cb::SetQty { buy, item: items[0], to: 1 }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(lang, "groupbuy.join.full")));
}

#[tokio::test]
async fn erasing_a_person_removes_their_open_lines_cancels_the_buys_they_lead_and_keeps_the_rest_anonymous() {
    let h = buys().await;
    let open = h.announce(None).await;
    let items = h.items(open).await;
    h.join(RES, "3号楼", "2单元301", &[(items[0], 2)], open).await;
    h.join(RES5, "5号楼", "502", &[(items[0], 1)], open).await;
    let erase = |user: u64, anonymous_id: i64| {
        let h = &h;
        async move {
            let mut conn = h.world.pool().acquire().await.unwrap();
            let who = linli::bot::slice::Erasing { user_id: user as i64, anonymous_id, now: h.app.now() };
            (linli::groupbuy::join::SLICE.erase.unwrap())(&mut conn, &h.app, who).await.unwrap();
        }
    };
    erase(RES, -1).await;
    let current = h.buy(open).await;
    assert_eq!((current.households, current.taken), (1, 1), "the erased household's line is gone");
    // The leader erased: the buy is cancelled and the remaining household told.
    erase(OFFICIAL, -2).await;
    assert_eq!(h.buy(open).await.status, BuyStatus::Cancelled);
    let told = h.world.queued_texts(RES5).await;
    assert_eq!(
        told.last().unwrap().0,
        trf(ZH, "groupbuy.join.leader_gone", &[("id", &open.to_string()), ("title", "蔬菜套餐")])
    );
    assert_eq!(h.buy(open).await.leader_id, -2);
}
