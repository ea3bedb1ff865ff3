//! Notices: composing with a preview, targeting that never leaks across buildings or
//! communities, acknowledgements, resend, scheduling with the test clock, templates.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use linli::clock::{Clock, ManualClock};
use linli::notices::buttons::Cb;
use linli::notices::model::RoleSel;
use linli::notices::NoticeFlag;
use linli::people::store::{self as people, NewResident};

use crate::roles::queued_for;
use crate::*;

mod after_sending;
mod wording;

const OFFICIAL: u64 = 5001;
const R1: u64 = 5101; // 帝湖 1号楼
const R2: u64 = 5102; // 帝湖 1号楼
const R3: u64 = 5103; // 帝湖 2号楼
const R4: u64 = 5104; // 学府 1号楼

struct Town {
    world: World,
    dihu: i64,
    xuefu: i64,
    b1: i64,
}

async fn town() -> Town {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let b1 = world.building(dihu, "1号楼").await;
    let b2 = world.building(dihu, "2号楼").await;
    let x1 = world.building(xuefu, "1号楼").await;
    for (user, community, building, lang) in
        [(R1, dihu, b1, Lang::ZhCn), (R2, dihu, b1, Lang::En), (R3, dihu, b2, Lang::ZhCn), (R4, xuefu, x1, Lang::ZhCn)]
    {
        people::upsert_user(
            &mut world.pool().acquire().await.unwrap(),
            chrono::Utc::now(),
            user as i64,
            &format!("居民{user}"),
            lang,
            true,
        )
        .await
        .unwrap();
        let new = NewResident {
            community_id: community,
            building_id: building,
            unit_room: "1-101",
            household_size: 2,
            phone: None,
        };
        let mut conn = world.pool().acquire().await.unwrap();
        assert!(people::save_resident(&mut conn, chrono::Utc::now(), user as i64, &new).await.unwrap());
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
    Town { world, dihu, xuefu, b1 }
}

use linli::i18n::Lang;

/// Walks the compose dialogue up to the preview.
async fn compose(bot: &mut TestBot, body: &str, role: RoleSel, scope: Cb, buildings: &[i64]) {
    bot.update(text(OFFICIAL, "zh", "/notice"));
    bot.dispatch().await;
    bot.update(text(OFFICIAL, "zh", body));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeRole(role)));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", scope));
    bot.dispatch().await;
    if !buildings.is_empty() {
        for b in buildings {
            bot.update(tap(OFFICIAL, "zh", Cb::PickBuilding(*b)));
            bot.dispatch().await;
        }
        bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
        bot.dispatch().await;
    }
    let mut flags = vec![NoticeFlag::Groups, NoticeFlag::Urgent];
    if role.residents() {
        flags.insert(0, NoticeFlag::Isolated);
    }
    for flag in flags {
        bot.update(tap(OFFICIAL, "zh", Cb::NoticeFlag(flag, false)));
        bot.dispatch().await;
    }
}

async fn send_now(bot: &mut TestBot) {
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeSendNow));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
    bot.dispatch().await;
}

/// Every queued message counts as delivered (as the sender would mark them).
async fn delivered(world: &World) {
    sqlx::query("UPDATE outbox SET status = 'sent'").execute(world.pool()).await.unwrap();
}

async fn notice_id(world: &World) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT max(id) FROM notices").fetch_one(world.pool()).await.unwrap();
    id
}

#[tokio::test]
async fn a_building_notice_reaches_that_building_only_after_a_preview_and_a_confirmation() {
    let t = town().await;
    let mut bot = t.world.bot(text(OFFICIAL, "zh", "/help"));
    bot.dispatch().await;
    let body = "明天上午8点在小区南门做核酸，请带好身份证。<b>不要</b>聚集 *谢谢*";
    compose(&mut bot, body, RoleSel::Everyone, Cb::NoticeScope { community_id: t.dihu, buildings: true }, &[t.b1])
        .await;
    let preview = texts(&bot);
    assert_eq!(preview[0], tr(ZH, "notices.preview_intro"));
    assert_eq!(preview[1], format!("{}{body}", tr(ZH, "notices.header")), "exactly what recipients see");
    assert_eq!(preview[2], trf(ZH, "notices.preview_count", &[("people", "2 人"), ("groups", "0 个群")]));
    assert!(queued_for(&t.world, R1).await.is_empty(), "nothing goes out before confirming");

    send_now(&mut bot).await;
    let id = notice_id(&t.world).await;
    assert!(last_text(&bot).contains(&format!("#{id}")));
    let to_r1 = queued_for(&t.world, R1).await;
    assert_eq!(to_r1.len(), 1);
    assert!(to_r1[0].0.ends_with(body) && to_r1[0].1, "the text unchanged, with the acknowledgement button");
    assert!(queued_for(&t.world, R2).await[0].0.starts_with(&tr(EN, "notices.header")), "in the recipient's language");
    for other in [R3, R4, OFFICIAL] {
        assert!(queued_for(&t.world, other).await.is_empty(), "{other} is outside 1号楼");
    }
    let (html,): (bool,) = sqlx::query_as("SELECT json_extract(message, '$.content.html') FROM outbox LIMIT 1")
        .fetch_one(t.world.pool())
        .await
        .unwrap();
    assert!(!html, "officials' text is never parsed as markup");

    // A second tap on the confirm button sends nothing more.
    bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM outbox").fetch_one(t.world.pool()).await.unwrap();
    assert_eq!(rows, 2);
}

#[tokio::test]
async fn an_official_of_one_community_never_reaches_another() {
    let t = town().await;
    let mut bot = t.world.bot(text(OFFICIAL, "zh", "/notice"));
    bot.dispatch().await;
    bot.update(text(OFFICIAL, "zh", "通知"));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeRole(RoleSel::Everyone)));
    bot.dispatch().await;
    let scopes = format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup);
    assert!(
        scopes.contains("帝湖社区")
            && !scopes.contains("学府社区")
            && !scopes.contains(&tr(ZH, "notices.scope_subdistrict"))
    );
    for forged in [
        Cb::NoticeScope { community_id: t.xuefu, buildings: false },
        Cb::NoticeScope { community_id: 0, buildings: false },
    ] {
        bot.update(tap(OFFICIAL, "zh", forged));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    }
    // The community scope: all of 帝湖, nobody of 学府.
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeScope { community_id: t.dihu, buildings: false }));
    bot.dispatch().await;
    for flag in [NoticeFlag::Isolated, NoticeFlag::Groups, NoticeFlag::Urgent] {
        bot.update(tap(OFFICIAL, "zh", Cb::NoticeFlag(flag, false)));
        bot.dispatch().await;
    }
    send_now(&mut bot).await;
    for r in [R1, R2, R3, OFFICIAL] {
        assert_eq!(queued_for(&t.world, r).await.len(), 1, "{r}");
    }
    assert!(queued_for(&t.world, R4).await.is_empty());
}

#[tokio::test]
async fn residents_and_volunteers_cannot_compose() {
    let t = town().await;
    let mut bot = t.world.bot(text(R1, "zh", "/notice"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));
    bot.update(tap(R1, "zh", Cb::NoticeSendNow));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
}

#[tokio::test]
async fn too_long_text_is_refused_with_the_count() {
    let t = town().await;
    let mut bot = t.world.bot(text(OFFICIAL, "zh", "/notice"));
    bot.dispatch().await;
    bot.update(text(OFFICIAL, "zh", &"字".repeat(4100)));
    bot.dispatch().await;
    let reply = texts(&bot);
    assert!(reply[0].contains("4100"), "{}", reply[0]);
    assert!(reply[1].starts_with(&tr(ZH, "notices.ask_text")[..12]), "asked again");
}

#[tokio::test]
async fn acknowledgement_is_recorded_once_and_resend_reaches_only_the_others() {
    let t = town().await;
    let mut bot = t.world.bot(text(OFFICIAL, "zh", "/help"));
    bot.dispatch().await;
    compose(
        &mut bot,
        "停水通知",
        RoleSel::Residents,
        Cb::NoticeScope { community_id: t.dihu, buildings: true },
        &[t.b1],
    )
    .await;
    send_now(&mut bot).await;
    let id = notice_id(&t.world).await;

    bot.update(tap(R1, "zh", Cb::Ack(id)));
    bot.dispatch().await;
    assert_eq!(
        bot.get_responses().answered_callback_queries.last().unwrap().text,
        Some(tr(ZH, "notices.ack_recorded"))
    );
    bot.update(tap(R1, "zh", Cb::Ack(id)));
    bot.dispatch().await;
    assert_eq!(bot.get_responses().answered_callback_queries.last().unwrap().text, Some(tr(ZH, "notices.ack_already")));
    bot.update(tap(R4, "zh", Cb::Ack(id)));
    bot.dispatch().await;
    assert_eq!(
        bot.get_responses().answered_callback_queries.last().unwrap().text,
        Some(tr(ZH, "notices.ack_not_for_you"))
    );
    let (acks,): (i64,) = sqlx::query_as("SELECT count(*) FROM notice_acks").fetch_one(t.world.pool()).await.unwrap();
    assert_eq!(acks, 1);

    // Officials see who has not confirmed (R2), and remind only them after confirming.
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeUnacked(id)));
    bot.dispatch().await;
    let list = last_text(&bot);
    assert!(list.contains("居民5102") && list.contains("1号楼") && !list.contains("居民5101"), "{list}");
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeResend(id)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "notices.resend_confirm", &[("id", &id.to_string()), ("people", "1 人")]));
    assert_eq!(queued_for(&t.world, R2).await.len(), 1, "nothing resent before confirming");
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeConfirmResend { id, reminder: 1 }));
    bot.dispatch().await;
    assert_eq!(queued_for(&t.world, R2).await.len(), 1, "the first copy is still waiting: not queued twice");
    delivered(&t.world).await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeResend(id)));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeConfirmResend { id, reminder: 2 }));
    bot.dispatch().await;
    assert_eq!(queued_for(&t.world, R1).await.len(), 1, "who confirmed is not reminded");
    assert_eq!(queued_for(&t.world, R2).await.len(), 2);
    // Figures count people, not messages: R2 is one recipient however many reminders.
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeDetail(id)));
    bot.dispatch().await;
    let detail = last_text(&bot);
    assert!(detail.contains("对象：2 人") && detail.contains("已确认收到：1"), "{detail}");

    // A resident cannot look at the list or resend, even with forged buttons.
    for forged in [Cb::NoticeUnacked(id), Cb::NoticeConfirmResend { id, reminder: 3 }, Cb::NoticeDetail(id)] {
        bot.update(tap(R1, "zh", forged));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    }
}

#[tokio::test]
async fn blocked_recipients_are_counted_in_the_figures() {
    let t = town().await;
    sqlx::query("UPDATE users SET unreachable = 1 WHERE id = ?").bind(R2 as i64).execute(t.world.pool()).await.unwrap();
    let mut bot = t.world.bot(text(OFFICIAL, "zh", "/help"));
    bot.dispatch().await;
    compose(&mut bot, "通知", RoleSel::Residents, Cb::NoticeScope { community_id: t.dihu, buildings: true }, &[t.b1])
        .await;
    send_now(&mut bot).await;
    let id = notice_id(&t.world).await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeDetail(id)));
    bot.dispatch().await;
    let detail = last_text(&bot);
    assert!(detail.contains("已屏蔽机器人：1") && detail.contains("等待发送：1"), "{detail}");
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// The town's app on a clock of its own, set to `at`, and a mock bot driving it.
fn clocked(t: &Town, at: &str) -> (Arc<ManualClock>, Arc<linli::App>, TestBot) {
    let clock = ManualClock::new(utc(at));
    let app = linli::App::with_clock(t.world.app.db(), t.world.app.settings.clone(), clock.clone());
    let mut bot = teloxide_tests::MockBot::new(text(OFFICIAL, "zh", "/help"), linli::bot::schema());
    bot.dependencies(teloxide::dptree::deps![app.clone()]);
    (clock, app, bot)
}

/// Composes a notice to all residents of 帝湖 and schedules it for `at` (local time); returns its id.
async fn schedule(bot: &mut TestBot, t: &Town, body: &str, at: &str) -> i64 {
    compose(bot, body, RoleSel::Residents, Cb::NoticeScope { community_id: t.dihu, buildings: false }, &[]).await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeSchedule));
    bot.dispatch().await;
    bot.update(text(OFFICIAL, "zh", at));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
    bot.dispatch().await;
    notice_id(&t.world).await
}

#[tokio::test]
async fn a_scheduled_notice_goes_out_at_its_time() {
    let t = town().await;
    let (clock, app, mut bot) = clocked(&t, "2026-11-27T02:00:00Z"); // 10:00 in Shanghai
    bot.dispatch().await;
    compose(
        &mut bot,
        "今晚8点半停电检修",
        RoleSel::Residents,
        Cb::NoticeScope { community_id: t.dihu, buildings: false },
        &[],
    )
    .await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeSchedule));
    bot.dispatch().await;
    bot.update(text(OFFICIAL, "zh", "昨天"));
    bot.dispatch().await;
    assert_eq!(texts(&bot)[0], tr(ZH, "notices.when_bad"));
    bot.update(text(OFFICIAL, "zh", "20:30"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("2026-11-27 20:30"), "{}", last_text(&bot));
    bot.update(tap(OFFICIAL, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert!(queued_for(&t.world, R1).await.is_empty(), "not before its time");

    let runner = linli::jobs::Runner::new(app.clone(), linli::notices::job::register(linli::jobs::Registry::new()));
    clock.set(utc("2026-11-27T12:29:00Z"));
    assert_eq!(runner.tick().await.unwrap(), 0);
    clock.advance(Duration::minutes(1));
    assert_eq!(runner.tick().await.unwrap(), 1);
    for r in [R1, R2, R3] {
        assert_eq!(queued_for(&t.world, r).await.len(), 1, "{r}");
    }
    assert!(queued_for(&t.world, R4).await.is_empty());
    clock.advance(Duration::days(1));
    assert_eq!(runner.tick().await.unwrap(), 0, "once");
    let _ = clock.now();
    let _ = Arc::clone(&app);
}

#[tokio::test]
async fn a_notice_becomes_a_template_and_late_registrants_can_read_it() {
    let t = town().await;
    let mut bot = t.world.bot(text(OFFICIAL, "zh", "/help"));
    bot.dispatch().await;
    compose(
        &mut bot,
        "核酸检测通知：请带身份证",
        RoleSel::Residents,
        Cb::NoticeScope { community_id: t.dihu, buildings: false },
        &[],
    )
    .await;
    send_now(&mut bot).await;
    let id = notice_id(&t.world).await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeSaveTemplate(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "notices.template_saved")));
    bot.update(text(OFFICIAL, "zh", "/notice"));
    bot.dispatch().await;
    let offered = format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup);
    assert!(offered.contains("核酸检测通知"), "{offered}");
    let (template,): (i64,) =
        sqlx::query_as("SELECT max(id) FROM notice_templates").fetch_one(t.world.pool()).await.unwrap();
    bot.update(tap(OFFICIAL, "zh", Cb::UseTemplate(template)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "notices.ask_roles"), "the template fills the text; next question");

    // Someone who registered in 帝湖 after it was sent finds it with /notices and can confirm.
    const LATE: u64 = 5200;
    people::upsert_user(
        &mut t.world.pool().acquire().await.unwrap(),
        chrono::Utc::now(),
        LATE as i64,
        "新住户",
        Lang::ZhCn,
        true,
    )
    .await
    .unwrap();
    let new =
        NewResident { community_id: t.dihu, building_id: t.b1, unit_room: "9-901", household_size: 1, phone: None };
    let mut conn = t.world.pool().acquire().await.unwrap();
    people::save_resident(&mut conn, chrono::Utc::now(), LATE as i64, &new).await.unwrap();
    drop(conn);
    bot.update(text(LATE, "zh", "/notices"));
    bot.dispatch().await;
    assert!(last_text(&bot).ends_with("核酸检测通知：请带身份证"));
    bot.update(tap(LATE, "zh", Cb::Ack(id)));
    bot.dispatch().await;
    assert_eq!(
        bot.get_responses().answered_callback_queries.last().unwrap().text,
        Some(tr(ZH, "notices.ack_recorded"))
    );
    bot.update(text(R4, "zh", "/notices"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "notices.none_for_me"), "学府 does not see 帝湖's notice");
}

#[tokio::test]
async fn group_chats_only_get_notices_meant_for_residents() {
    let t = town().await;
    linli::people::store::link_chat(
        &mut t.world.pool().acquire().await.unwrap(),
        chrono::Utc::now(),
        -900,
        t.dihu,
        None,
        "帝湖业主群",
        OFFICIAL as i64,
        linli::i18n::Lang::ZhCn,
    )
    .await
    .unwrap();
    let mut bot = t.world.bot(text(OFFICIAL, "zh", "/help"));
    bot.dispatch().await;
    // An officials-only notice never asks about groups and never reaches one.
    bot.update(text(OFFICIAL, "zh", "/notice"));
    bot.dispatch().await;
    bot.update(text(OFFICIAL, "zh", "工作人员内部通知"));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeRole(RoleSel::Officials)));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeScope { community_id: t.dihu, buildings: false }));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "notices.ask_urgent"), "no isolated or group question");
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeFlag(NoticeFlag::Groups, true)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")), "a forged 'post in groups' is refused");
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeFlag(NoticeFlag::Urgent, false)));
    bot.dispatch().await;
    send_now(&mut bot).await;
    let (none,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM outbox WHERE chat_id = -900").fetch_one(t.world.pool()).await.unwrap();
    assert_eq!(none, 0, "the group got nothing");
    // A residents' notice with "post in groups" does reach the group.
    compose_with_groups(&mut bot, t.dihu).await;
    send_now(&mut bot).await;
    let (group_rows,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM outbox WHERE chat_id = -900").fetch_one(t.world.pool()).await.unwrap();
    assert_eq!(group_rows, 1);
}

async fn compose_with_groups(bot: &mut TestBot, community: i64) {
    bot.update(text(OFFICIAL, "zh", "/notice"));
    bot.dispatch().await;
    bot.update(text(OFFICIAL, "zh", "全体居民通知"));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeRole(RoleSel::Residents)));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeScope { community_id: community, buildings: false }));
    bot.dispatch().await;
    for (flag, value) in [(NoticeFlag::Isolated, false), (NoticeFlag::Groups, true), (NoticeFlag::Urgent, false)] {
        bot.update(tap(OFFICIAL, "zh", Cb::NoticeFlag(flag, value)));
        bot.dispatch().await;
    }
}
