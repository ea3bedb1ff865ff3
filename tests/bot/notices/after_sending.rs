//! After a notice is composed: reminders that act once per confirmation (also when tapped
//! twice at once), and cancelling a scheduled notice until — and only until — it goes out.

use std::sync::atomic::AtomicI32;

use linli::jobs::Runner;
use teloxide::prelude::*;
use teloxide_tests::{IntoUpdate, MockMe};

use super::*;
use crate::botapi_stub::StubApi;

/// 10:00 in Shanghai.
const MORNING: &str = "2026-11-27T02:00:00Z";

/// Runs one update through the whole bot (guard included), as the dispatcher would.
async fn dispatch(bot: &Bot, app: &Arc<linli::App>, update: Update) {
    let me = MockMe::new().build();
    let _ = linli::bot::schema().dispatch(teloxide::dptree::deps![bot.clone(), update, me, app.clone()]).await;
}

/// A notice sent at 10:00 to every resident of 帝湖 (R1, R2, R3) and delivered; the
/// clock, and the official's bot on it.
async fn sent_and_delivered(t: &Town) -> (Arc<ManualClock>, Arc<linli::App>, TestBot, i64) {
    let (clock, app, mut bot) = clocked(t, MORNING);
    bot.dispatch().await;
    let dihu = Cb::NoticeScope { community_id: t.dihu, buildings: false };
    compose(&mut bot, "停水通知", RoleSel::Residents, dihu, &[]).await;
    send_now(&mut bot).await;
    delivered(&t.world).await;
    (clock, app, bot, notice_id(&t.world).await)
}

async fn copies(t: &Town) -> Vec<usize> {
    let mut out = Vec::new();
    for r in [R1, R2, R3] {
        out.push(queued_for(&t.world, r).await.len());
    }
    out
}

/// The keyboard of the last message, as text, to look for a button's data in.
fn last_markup(bot: &TestBot) -> String {
    format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup)
}

async fn status(t: &Town, id: i64) -> String {
    let (status,): (String,) =
        sqlx::query_as("SELECT status FROM notices WHERE id = ?").bind(id).fetch_one(t.world.pool()).await.unwrap();
    status
}

#[tokio::test]
async fn confirming_a_reminder_twice_sends_each_unconfirmed_person_one_copy() {
    let t = town().await;
    let (clock, _app, mut bot, id) = sent_and_delivered(&t).await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeResend(id)));
    bot.dispatch().await;
    let confirm = Cb::NoticeConfirmResend { id, reminder: 1 };
    assert!(last_markup(&bot).contains(&confirm.encode()), "the confirmation carries the reminder it creates");
    bot.update(tap(OFFICIAL, "zh", confirm));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "notices.resent", &[("id", &id.to_string()), ("people", "3 人")]));
    assert_eq!(copies(&t).await, [2, 2, 2], "each unconfirmed person gets one reminder");

    // The same confirmation, 3 s later, after the reminders were delivered: nothing more.
    clock.advance(Duration::seconds(3));
    delivered(&t.world).await;
    bot.update(tap(OFFICIAL, "zh", confirm));
    bot.dispatch().await;
    assert_eq!(
        alert(&bot),
        Some(trf(ZH, "notices.reminder_already", &[("at", "11-27 10:00"), ("people", "3 人")])),
        "answered with when it went out"
    );
    assert!(texts(&bot).is_empty());
    assert_eq!(copies(&t).await, [2, 2, 2], "a second tap sends nothing");

    // A reminder button of the old shape (no number) is refused, not obeyed.
    bot.update(tap_raw(OFFICIAL, "zh", &format!("1:ny:{id}")));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert_eq!(copies(&t).await, [2, 2, 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_tap_on_the_reminder_confirmation_sends_once() {
    let t = town().await;
    let (_clock, app, _bot, id) = sent_and_delivered(&t).await;
    // The sender delivers each copy the moment it is queued, so a copy still waiting
    // cannot be what keeps the second tap from sending again.
    sqlx::query(
        "CREATE TRIGGER delivered_at_once AFTER INSERT ON outbox
         BEGIN UPDATE outbox SET status = 'sent' WHERE id = NEW.id; END",
    )
    .execute(t.world.pool())
    .await
    .unwrap();
    let stub = StubApi::start().await;
    let ids = AtomicI32::new(1_000_000);
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let update = tap(OFFICIAL, "zh", Cb::NoticeConfirmResend { id, reminder: 1 }).into_update(&ids).remove(0);
        let (bot, app) = (stub.bot(), app.clone());
        tasks.push(tokio::spawn(async move { dispatch(&bot, &app, update).await }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(copies(&t).await, [2, 2, 2], "one reminder copy each");
    // The stub records messages, not answers to taps: the second tap's "already sent"
    // is an alert, so what shows here is that it sent no confirmation of its own.
    let told: Vec<String> = stub.delivered_to(OFFICIAL as i64).into_iter().filter_map(|r| r.text).collect();
    let resent = trf(ZH, "notices.resent", &[("id", &id.to_string()), ("people", "3 人")]);
    assert_eq!(told, vec![resent], "one tap acted, the other was answered with an alert");
    let (reminders,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM notice_reminders").fetch_one(t.world.pool()).await.unwrap();
    assert_eq!(reminders, 1);
}

#[tokio::test]
async fn a_new_reminder_sends_again_and_the_detail_shows_when_the_last_one_went_out() {
    let t = town().await;
    let (clock, _app, mut bot, id) = sent_and_delivered(&t).await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeResend(id)));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeConfirmResend { id, reminder: 1 }));
    bot.dispatch().await;
    bot.update(tap(R1, "zh", Cb::Ack(id)));
    bot.dispatch().await;

    clock.advance(Duration::hours(2));
    delivered(&t.world).await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeResend(id)));
    bot.dispatch().await;
    let last = trf(ZH, "notices.last_reminder", &[("at", "11-27 10:00"), ("people", "3 人")]);
    let ask = trf(ZH, "notices.resend_confirm", &[("id", &id.to_string()), ("people", "2 人")]);
    assert_eq!(last_text(&bot), format!("{ask}\n{last}"), "the question says when the last one went out");
    assert!(last_markup(&bot).contains(&Cb::NoticeConfirmResend { id, reminder: 2 }.encode()));
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeConfirmResend { id, reminder: 2 }));
    bot.dispatch().await;
    assert_eq!(copies(&t).await, [2, 3, 3], "a new reminder reaches those still unconfirmed");

    bot.update(tap(OFFICIAL, "zh", Cb::NoticeDetail(id)));
    bot.dispatch().await;
    let detail = last_text(&bot);
    let latest = trf(ZH, "notices.last_reminder", &[("at", "11-27 12:00"), ("people", "2 人")]);
    assert!(detail.ends_with(&latest), "{detail}");
}

#[tokio::test]
async fn a_scheduled_notice_can_be_cancelled_until_it_goes_out() {
    let t = town().await;
    let (clock, app, mut bot) = clocked(&t, MORNING);
    bot.dispatch().await;
    let id = schedule(&mut bot, &t, "今晚停电检修", "20:30").await;
    let id_s = id.to_string();
    let at = [("id", id_s.as_str()), ("at", "11-27 20:30")];

    bot.update(tap(OFFICIAL, "zh", Cb::NoticeDetail(id)));
    bot.dispatch().await;
    let body = [("id", id_s.as_str()), ("at", "11-27 20:30"), ("body", "今晚停电检修")];
    assert_eq!(last_text(&bot), trf(ZH, "notices.detail_scheduled", &body));
    let offered = last_markup(&bot);
    assert!(offered.contains(&Cb::NoticeCancel(id).encode()), "{offered}");
    assert!(!offered.contains(&Cb::NoticeResend(id).encode()), "nothing to remind before it is sent");

    bot.update(tap(OFFICIAL, "zh", Cb::NoticeCancel(id)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "notices.cancel_confirm", &at));
    assert_eq!(status(&t, id).await, "scheduled", "asked first");
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeConfirmCancel(id)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "notices.cancelled", &[("id", &id_s)]));
    assert_eq!(status(&t, id).await, "cancelled");
    let (jobs,): (i64,) = sqlx::query_as("SELECT count(*) FROM jobs").fetch_one(t.world.pool()).await.unwrap();
    assert_eq!(jobs, 0, "its send job went with it");
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeConfirmCancel(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(trf(ZH, "notices.already_cancelled", &[("id", &id_s)])), "a second tap");

    clock.set(utc("2026-11-27T13:00:00Z"));
    let runner = Runner::new(app.clone(), linli::bot::slice::job_registry());
    runner.tick().await.unwrap();
    assert_eq!(copies(&t).await, [0, 0, 0], "never sent");

    // The list shows it as cancelled; residents never see it.
    bot.update(text(OFFICIAL, "zh", "/notices"));
    bot.dispatch().await;
    let line = trf(ZH, "notices.list_cancelled", &[("id", &id_s), ("at", "11-27 20:30"), ("excerpt", "今晚停电检修")]);
    assert!(last_text(&bot).contains(&line), "{}", last_text(&bot));
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeDetail(id)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "notices.detail_cancelled", &body));
    assert!(!last_markup(&bot).contains(&Cb::NoticeCancel(id).encode()));
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeResend(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(trf(ZH, "notices.was_cancelled", &[("id", &id_s)])));
    bot.update(text(R1, "zh", "/notices"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "notices.none_for_me"));
}

#[tokio::test]
async fn a_notice_that_went_out_cannot_be_cancelled() {
    let t = town().await;
    let (_clock, _app, mut bot, id) = sent_and_delivered(&t).await;
    bot.update(tap(OFFICIAL, "zh", Cb::NoticeDetail(id)));
    bot.dispatch().await;
    assert!(!last_markup(&bot).contains(&Cb::NoticeCancel(id).encode()), "not offered");
    let too_late = trf(ZH, "notices.cancel_too_late", &[("id", &id.to_string()), ("at", "11-27 10:00")]);
    for cb in [Cb::NoticeCancel(id), Cb::NoticeConfirmCancel(id)] {
        bot.update(tap(OFFICIAL, "zh", cb));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(too_late.clone()), "{cb:?}");
    }
    assert_eq!(status(&t, id).await, "sent");
}

#[tokio::test]
async fn only_an_official_who_may_manage_a_notice_can_cancel_it() {
    let t = town().await;
    let (_clock, _app, mut bot) = clocked(&t, MORNING);
    bot.dispatch().await;
    let id = schedule(&mut bot, &t, "今晚停电检修", "20:30").await;
    const XUEFU_OFFICIAL: u64 = 5002;
    t.world.add_user(XUEFU_OFFICIAL, "学府主任", Lang::ZhCn).await;
    sqlx::query("INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, 'official', 'approved', 0)")
        .bind(XUEFU_OFFICIAL as i64)
        .bind(t.xuefu)
        .execute(t.world.pool())
        .await
        .unwrap();
    for who in [R1, XUEFU_OFFICIAL] {
        for cb in [Cb::NoticeCancel(id), Cb::NoticeConfirmCancel(id)] {
            bot.update(tap(who, "zh", cb));
            bot.dispatch().await;
            assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")), "{who} {cb:?}");
        }
    }
    assert_eq!(status(&t, id).await, "scheduled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_racing_the_scheduled_send_lets_exactly_one_win() {
    let t = town().await;
    let (clock, app, mut bot) = clocked(&t, MORNING);
    bot.dispatch().await;
    let mut notices = Vec::new();
    for i in 0..4 {
        notices.push(schedule(&mut bot, &t, &format!("停电通知 {i}"), "20:30").await);
    }
    clock.set(utc("2026-11-27T12:30:00Z"));
    let stub = StubApi::start().await;
    let ids = AtomicI32::new(1_000_000);
    let runner = Runner::new(app.clone(), linli::bot::slice::job_registry());
    let mut cancels = Vec::new();
    for &id in &notices {
        let update = tap(OFFICIAL, "zh", Cb::NoticeConfirmCancel(id)).into_update(&ids).remove(0);
        let (bot, app) = (stub.bot(), app.clone());
        cancels.push(tokio::spawn(async move { dispatch(&bot, &app, update).await }));
    }
    // The runner sends the due notices one by one while the cancels arrive.
    let send = tokio::spawn(async move { runner.tick().await.unwrap() });
    send.await.unwrap();
    for c in cancels {
        c.await.unwrap();
    }
    let told: Vec<String> = stub.received().into_iter().filter_map(|r| r.text).collect();
    for id in notices {
        let (queued,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM outbox WHERE subject_kind = 'notice' AND subject_id = ?")
                .bind(id)
                .fetch_one(t.world.pool())
                .await
                .unwrap();
        let id_s = id.to_string();
        // A refused cancel is an alert (not recorded by the stub): no "cancelled" message.
        let told_cancelled = told.contains(&trf(ZH, "notices.cancelled", &[("id", &id_s)]));
        match status(&t, id).await.as_str() {
            "sent" => assert!(queued == 3 && !told_cancelled, "#{id}: sent, so the cancel was refused"),
            "cancelled" => assert!(queued == 0 && told_cancelled, "#{id}: cancelled, so nothing went out"),
            other => panic!("#{id} is {other}"),
        }
    }
    assert!(!told.contains(&tr(ZH, "common.internal_error")), "{told:?}");
}
