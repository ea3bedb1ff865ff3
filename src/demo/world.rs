//! The demo's people, and the world they build at start through the bot's own dialogues —
//! every step a message or a button press sent to the bot, exactly as a person would, so
//! what the page shows first is what the product did (nothing is written to tables here).
//!
//! ```text
//! administrator 陈主任   /invite official → 刘敏 redeems it
//! official 刘敏          /invite volunteer → 张伟 answers the profile → 刘敏 approves
//! residents 王芳, 李秀英  /register: 帝湖社区 3号楼, unit, household, phone
//! 刘敏 in the group      /link 3号楼
//! 王芳                   /order: vegetables → confirm;  张伟 /orderfor 李秀英
//! 张伟                   /shifts → tomorrow → claims a shift
//! 刘敏                   /notice (urgent: pinned in the group) to 帝湖社区's residents and groups
//! 刘敏, 王芳, 张伟        an isolation, a temperature, an errand claimed
//! 刘敏                   /groupbuy in the group (closing 20:00) → 王芳 joins from its 接龙 button
//! ```
//! Emma Clark (English) is left unregistered: she is the visitor's first walk.

use std::time::Duration;

use rust_i18n::t;
use serde_json::Value;

use super::chat::{Contact, From, Kind, Member, Persona};
use super::Demo;
use crate::bot::CallbackData;
use crate::people::model::Skill;
use crate::{groupbuy, health, notices, orders, people, shifts, App, Error, Result};

pub const WANG_FANG: i64 = 1_001;
pub const LI_XIUYING: i64 = 1_002;
pub const EMMA: i64 = 1_003;
pub const ZHANG_WEI: i64 = 1_004;
pub const LIU_MIN: i64 = 1_005;
pub const ADMIN: i64 = 1_006;
pub const GROUP: i64 = -1_001_000_000_003;

/// The 帝湖花园西王府门口 checkpoint, and a place 3 km from it.
const NEAR: (f64, f64) = (34.7567, 113.5938);
const FAR: (f64, f64) = (34.7800, 113.6200);

/// How long one step may take before the script gives up and says which.
const STEP: Duration = Duration::from_secs(15);

/// The chats on the page's left, in its order. Names are as people would type them.
pub fn personas() -> Vec<Persona> {
    let zh = "zh-CN";
    let mut volunteer = Persona::person(
        ZHANG_WEI,
        "张伟",
        t!("demo.role.volunteer", locale = zh).into_owned(),
        zh,
        Some("13700137004"),
    );
    volunteer.places = Some([NEAR, FAR]);
    let member = |user_id: i64, name: &str| Member { user_id, name: name.to_owned() };
    let members = vec![
        member(LIU_MIN, "刘敏"),
        member(WANG_FANG, "王芳"),
        member(LI_XIUYING, "李秀英"),
        member(EMMA, "Emma Clark"),
        member(ZHANG_WEI, "张伟"),
    ];
    vec![
        Persona::person(
            WANG_FANG,
            "王芳",
            t!("demo.role.resident", locale = zh, place = "3号楼 2单元301").into_owned(),
            zh,
            Some("13800138001"),
        ),
        Persona::person(
            LI_XIUYING,
            "李秀英",
            t!("demo.role.elderly", locale = zh).into_owned(),
            zh,
            Some("13900139002"),
        ),
        Persona::person(
            EMMA,
            "Emma Clark",
            t!("demo.role.newcomer", locale = "en").into_owned(),
            "en",
            Some("+86 186 0186 0003"),
        ),
        volunteer,
        Persona::person(
            LIU_MIN,
            "刘敏",
            t!("demo.role.official", locale = zh, community = "帝湖社区").into_owned(),
            zh,
            Some("13600136005"),
        ),
        Persona::person(
            ADMIN,
            "陈主任",
            t!("demo.role.admin", locale = zh, subdistrict = "航海西路街道").into_owned(),
            zh,
            Some("13500135006"),
        ),
        Persona {
            chat_id: GROUP,
            kind: Kind::Group,
            title: "帝湖社区3号楼 居民群".to_owned(),
            role: t!("demo.role.group", locale = zh, count = members.len()).into_owned(),
            lang: zh,
            avatar: "群".to_owned(),
            members,
            phone: None,
            places: None,
        },
    ]
}

/// Plays the script; an error names the step that did not get its answer.
pub async fn populate(demo: &Demo, app: &App) -> Result<()> {
    let s = Script { demo, app };
    let dihu: i64 = s.scalar("SELECT id FROM communities WHERE name = '帝湖社区'").await?;

    // The administrator invites the community's official.
    s.say(ADMIN, "/invite official").await?;
    s.tap::<people::buttons::Cb>(ADMIN, |c, _| c == people::buttons::Cb::UseCommunity(dihu)).await?;
    s.say(ADMIN, "/invite official").await?;
    s.say(LIU_MIN, &format!("/start inv_{}", s.invite_code(ADMIN)?)).await?;

    // The official invites a volunteer, who answers the profile and is approved.
    s.say(LIU_MIN, "/invite volunteer").await?;
    s.say(ZHANG_WEI, &format!("/start inv_{}", s.invite_code(LIU_MIN)?)).await?;
    use people::buttons::Cb as P;
    for cb in [P::PartyMember(true), P::Experienced(true), P::ToggleSkill(Skill::Driver), P::Confirm] {
        s.tap::<P>(ZHANG_WEI, |c, _| c == cb).await?;
    }
    s.tap::<P>(LIU_MIN, |c, _| matches!(c, P::Approve { user_id: ZHANG_WEI, .. })).await?;

    // Two residents register.
    for (who, unit, household) in [(WANG_FANG, "2单元301", "3"), (LI_XIUYING, "1单元102", "1")] {
        s.say(who, "/start").await?;
        s.say(who, "/register").await?;
        s.tap::<P>(who, |c, _| c == P::PickCommunity(dihu)).await?;
        s.tap::<P>(who, |c, label| matches!(c, P::PickBuilding(_)) && label == "3号楼").await?;
        s.say(who, unit).await?;
        s.say(who, household).await?;
        s.share_contact(who).await?;
        s.tap::<P>(who, |c, _| c == P::Confirm).await?;
    }

    // The building's group is bound to the building.
    s.say_in(GROUP, LIU_MIN, "/link 3号楼").await?;

    // 王芳 orders vegetables; the volunteer orders for 李秀英, who has no smartphone skills.
    s.say(WANG_FANG, "/order").await?;
    s.shop(WANG_FANG, 2).await?;
    s.say(ZHANG_WEI, "/orderfor 3号楼 1单元102").await?;
    s.say(ZHANG_WEI, "/order").await?;
    s.shop(ZHANG_WEI, 1).await?;

    // The volunteer claims a shift for tomorrow.
    use shifts::buttons::Cb as S;
    s.say(ZHANG_WEI, "/shifts").await?;
    s.tap::<S>(ZHANG_WEI, |c, _| c == S::ShiftDay { day: 1, page: 0 }).await?;
    s.tap::<S>(ZHANG_WEI, |c, _| matches!(c, S::ClaimShift(_))).await?;

    // The official sends an urgent notice to the community's residents and its groups (an
    // urgent one is pinned in the groups).
    use notices::buttons::Cb as N;
    use notices::{model::RoleSel, NoticeFlag};
    s.say(LIU_MIN, "/notice").await?;
    s.say(
        LIU_MIN,
        "各位居民：明天上午8点起在楼下进行全员核酸检测，请戴好口罩、保持两米间距。行动不便的老人请回复，我们上门采样。",
    )
    .await?;
    s.tap::<N>(LIU_MIN, |c, _| c == N::NoticeRole(RoleSel::Residents)).await?;
    s.tap::<N>(LIU_MIN, |c, _| c == N::NoticeScope { community_id: dihu, buildings: false }).await?;
    for (flag, on) in [(NoticeFlag::Isolated, false), (NoticeFlag::Groups, true), (NoticeFlag::Urgent, true)] {
        s.tap::<N>(LIU_MIN, |c, _| c == N::NoticeFlag(flag, on)).await?;
    }
    s.tap::<N>(LIU_MIN, |c, _| c == N::NoticeSendNow).await?;
    s.tap::<N>(LIU_MIN, |c, _| c == N::Confirm).await?;

    // 王芳's household is isolated at home for 14 days: the official records the address,
    // and 王芳 reports a temperature (the prompts come at the settings' times).
    use health::isolation::buttons::Cb as I;
    use health::isolation::model::Kind as IsolationKind;
    s.say(LIU_MIN, "/isolate").await?;
    s.tap::<I>(LIU_MIN, |c, label| matches!(c, I::Building(_)) && label == "3号楼").await?;
    s.say(LIU_MIN, "2单元301").await?;
    for cb in [I::ChooseKind(IsolationKind::Home), I::Start(0), I::Length(14), I::Confirm] {
        s.tap::<I>(LIU_MIN, |c, _| c == cb).await?;
    }
    use health::temperature::buttons::Cb as T;
    s.say(WANG_FANG, "/temp").await?;
    s.say(WANG_FANG, "36.6").await?;
    s.tap::<T>(WANG_FANG, |c, _| c == T::NoSymptoms).await?;

    // She asks for medicine; the volunteer sees it in /errands (the building only) and
    // claims it, and then has the address and phone.
    use health::errands::buttons::Cb as E;
    s.say(WANG_FANG, "/errand").await?;
    s.tap::<E>(WANG_FANG, |c, _| c == E::ErrandKind(health::errands::model::Kind::Medicine)).await?;
    s.say(WANG_FANG, "布洛芬一盒，儿童退烧贴一盒").await?;
    s.tap::<E>(WANG_FANG, |c, _| c == E::ConfirmErrand).await?;
    s.say(ZHANG_WEI, "/errands").await?;
    s.tap::<E>(ZHANG_WEI, |c, _| matches!(c, E::ClaimErrand(_))).await?;

    // The official offers a group buy in the building's group, closing at the first time
    // offered (20:00 today while that is ahead); 王芳 taps 接龙 there, which opens her
    // private chat on it, and joins with one box.
    use groupbuy::model::Delivery;
    use groupbuy::open::buttons::Cb as G;
    s.say(LIU_MIN, "/groupbuy").await?;
    s.say(LIU_MIN, "本周蔬菜套餐").await?;
    s.say(LIU_MIN, "蔬菜套餐 ¥58/份\n土鸡蛋 ¥15/盒").await?;
    s.tap::<G>(LIU_MIN, |c, _| c == G::HouseholdCap(3)).await?;
    s.tap::<G>(LIU_MIN, |c, _| c == G::NoTotalCap).await?;
    s.say(LIU_MIN, "2户").await?;
    s.tap::<G>(LIU_MIN, |c, _| matches!(c, G::Deadline(_))).await?;
    s.tap::<G>(LIU_MIN, |c, _| matches!(c, G::Group { on: true, .. })).await?;
    s.tap::<G>(LIU_MIN, |c, _| c == G::GroupsDone).await?;
    s.tap::<G>(LIU_MIN, |c, _| c == G::Delivery(Delivery::Door)).await?;
    s.tap::<G>(LIU_MIN, |c, _| c == G::Publish).await?;
    let buy = s.scalar("SELECT max(id) FROM group_buys").await?;
    s.say(WANG_FANG, &format!("/start gb_{buy}")).await?;
    use groupbuy::join::buttons::Cb as J;
    s.tap::<J>(WANG_FANG, |c, _| matches!(c, J::SetQty { to: 1, .. })).await?;
    s.tap::<J>(WANG_FANG, |c, _| matches!(c, J::SaveJoin(_))).await?;
    Ok(())
}

struct Script<'a> {
    demo: &'a Demo,
    app: &'a App,
}

impl Script<'_> {
    async fn scalar(&self, sql: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(sql).fetch_one(&self.app.pool).await?)
    }

    /// How many things the bot has done in `chat` (messages, edits, answered taps).
    fn activity(&self, chat: i64) -> u64 {
        self.demo.hub.lock().chats.get(&chat).map_or(0, |c| c.bot_activity)
    }

    /// Waits until the bot has handled update `id` and answered in `chat`, then a moment
    /// more for the rest of its answer.
    async fn settle(&self, what: &str, chat: i64, id: i64, before: u64) -> Result<()> {
        let deadline = tokio::time::Instant::now() + STEP;
        loop {
            let done: Option<i64> = sqlx::query_scalar("SELECT done_at FROM inbound_updates WHERE update_id = ?")
                .bind(id)
                .fetch_optional(&self.app.pool)
                .await?
                .flatten();
            if done.is_some() && self.activity(chat) > before {
                tokio::time::sleep(Duration::from_millis(30)).await;
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Error::Demo(format!("the script got no answer to {what} in chat {chat}")));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn say(&self, who: i64, text: &str) -> Result<()> {
        self.say_in(who, who, text).await
    }

    async fn say_in(&self, chat: i64, who: i64, text: &str) -> Result<()> {
        let before = self.activity(chat);
        let id = self.demo.hub.user_message(chat, who, |m| m.text = Some(text.to_owned()));
        let id = id.and_then(|(_, id)| id).ok_or_else(|| Error::Demo(format!("no chat {chat}")))?;
        self.settle(text, chat, id, before).await
    }

    async fn share_contact(&self, who: i64) -> Result<()> {
        let before = self.activity(who);
        let (name, phone) = {
            let st = self.demo.hub.lock();
            let p = st.chats.get(&who).map(|c| c.persona.clone());
            p.map(|p| (p.title, p.phone.unwrap_or_default())).unwrap_or_default()
        };
        let sent = self.demo.hub.user_message(who, who, |m| m.contact = Some(Contact { phone, name }));
        let id = sent.and_then(|(_, id)| id).ok_or_else(|| Error::Demo(format!("no chat {who}")))?;
        self.settle("a shared contact", who, id, before).await
    }

    /// Presses the newest button in `who`'s chat whose data decodes to a `C` that `pick`
    /// accepts (with the button's label), waiting for it to appear (an answer may come through the outbox).
    async fn tap<C: CallbackData>(&self, who: i64, pick: impl Fn(C, &str) -> bool) -> Result<()> {
        let deadline = tokio::time::Instant::now() + STEP;
        let (message_id, data) = loop {
            if let Some(found) = self.find(who, &pick) {
                break found;
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Error::Demo(format!("the script found no {} button in chat {who}", C::TAGS[0])));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let before = self.activity(who);
        let id = self.demo.hub.press(who, message_id, &data, who).map_err(|e| Error::Demo(e.to_owned()))?;
        self.settle(&data, who, id, before).await
    }

    /// The newest button in `who`'s chat that `pick` accepts: its message and data.
    fn find<C: CallbackData>(&self, who: i64, pick: &impl Fn(C, &str) -> bool) -> Option<(i64, String)> {
        // Collected first: `pick` must not run under the hub's lock.
        let buttons: Vec<(i64, String, String)> = {
            let st = self.demo.hub.lock();
            let chat = st.chats.get(&who)?;
            let bot = chat.messages.iter().rev().filter(|m| m.from == From::Bot);
            bot.flat_map(|m| {
                let rows = m.inline_keyboard.as_ref().and_then(Value::as_array).cloned().unwrap_or_default();
                rows.into_iter().filter_map(|r| r.as_array().cloned()).flatten().filter_map(move |b| {
                    Some((m.message_id, b["callback_data"].as_str()?.to_owned(), b["text"].as_str()?.to_owned()))
                })
            })
            .collect()
        };
        buttons
            .into_iter()
            .find_map(|(id, data, label)| C::decode(&data).filter(|c| pick(*c, &label)).map(|_| (id, data)))
    }

    /// The code in the last invite link the bot sent to `who`.
    fn invite_code(&self, who: i64) -> Result<String> {
        let st = self.demo.hub.lock();
        let text = st.chats.get(&who).and_then(|c| c.messages.iter().rev().find_map(|m| m.text.clone()));
        text.as_deref()
            .and_then(|t| t.split("start=inv_").nth(1))
            .map(|rest| rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect())
            .ok_or_else(|| Error::Demo(format!("the script found no invite link in chat {who}")))
    }

    /// From the category list: the first category, its first item, `qty` of it, the cart,
    /// checkout,
    /// no note, confirm.
    async fn shop(&self, who: i64, qty: u16) -> Result<()> {
        use orders::buttons::Cb as O;
        self.tap::<O>(who, |c, _| matches!(c, O::OrderCategory(_))).await?;
        self.tap::<O>(who, |c, _| matches!(c, O::OrderItem(_))).await?;
        self.tap::<O>(who, |c, _| matches!(c, O::OrderQty { qty: q, .. } if q == qty)).await?;
        self.tap::<O>(who, |c, _| c == O::ShowCart).await?;
        self.tap::<O>(who, |c, _| c == O::Checkout).await?;
        self.tap::<O>(who, |c, _| c == O::NoNote).await?;
        self.tap::<O>(who, |c, _| c == O::Confirm).await
    }
}
