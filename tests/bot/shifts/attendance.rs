//! Attendance: location check-in, a no-show shown on the roster and replaced from the
//! alert, a check-out nobody made (asked for at the end, closed automatically, hours
//! kept), reminders that are no longer needed.

use super::setup::shared;
use super::*;

/// 2026-11-28 08:00 Shanghai, the start of the shifts `duty` makes for "tomorrow".
fn start() -> DateTime<Utc> {
    utc("2026-11-28T00:00:00Z")
}

#[tokio::test]
async fn a_no_show_is_marked_on_the_roster_and_the_alert_opens_the_shift_to_replace_them() {
    let d = duty().await;
    // 东门 takes two, no party member needed: both places are claimed.
    let mut bot = d.bot(tap(PLAIN, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    bot.update(tap(PLAIN2, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    d.clock.set(start() - Duration::minutes(10));
    bot.update(tap(PLAIN, "zh", Cb::CheckIn(d.east)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "shifts.checked_in", &[("checkpoint", "东门")]));

    // 志愿者6002 never comes: the alert carries the way into the shift.
    d.clock.set(start() + Duration::minutes(15));
    d.runner().tick().await.unwrap();
    let alerts = d.queued(OFFICIAL).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(alerts[0].0.contains("东门") && alerts[0].0.contains("User6002"), "{}", alerts[0].0);
    assert_eq!(alerts[0].1, vec![Cb::RosterShift(d.east)]);

    // The roster no longer says "complete": 2/2 with one not checked in, and a button in.
    bot.update(tap(OFFICIAL, "zh", Cb::RosterDay(0)));
    bot.dispatch().await;
    let roster = last_text(&bot);
    assert!(roster.contains("⚠️ 2. 东门 08:00–16:00 2/2 · 1 未签到"), "{roster}");
    assert!(buttons(&bot).contains(&Cb::RosterShift(d.east)), "{:?}", buttons(&bot));

    // The alert's button: the shift's people, the absentee marked, remove and assign.
    bot.update(tap(OFFICIAL, "zh", alerts[0].1[0]));
    bot.dispatch().await;
    let detail = last_text(&bot);
    assert!(detail.contains(&format!("User6002{}", tr(ZH, "shifts.no_show_mark"))), "{detail}");
    let offered = buttons(&bot);
    assert!(offered.contains(&Cb::RemoveFromShift { shift_id: d.east, user_id: PLAIN2 as i64 }), "{offered:?}");
    assert!(offered.contains(&Cb::AssignPick { shift_id: d.east, page: 0 }), "{offered:?}");
    bot.update(tap(OFFICIAL, "zh", Cb::RemoveFromShift { shift_id: d.east, user_id: PLAIN2 as i64 }));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "shifts.removed"));
    // The shift has started: an official may still place someone (a volunteer may not claim).
    bot.update(tap(PARTY, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "shifts.refused.started")));
    bot.update(tap(OFFICIAL, "zh", Cb::Assign { shift_id: d.east, user_id: PARTY as i64 }));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "shifts.assigned"));
    assert_eq!(d.claims(d.east).await, vec![PLAIN as i64, PARTY as i64]);
    bot.update(tap(OFFICIAL, "zh", Cb::RosterDay(0)));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("✅ 2. 东门 08:00–16:00 2/2"), "{}", last_text(&bot));
}

#[tokio::test]
async fn a_forgotten_check_out_is_asked_for_at_the_end_then_closed_automatically_keeping_the_hours() {
    let d = duty().await;
    d.start_jobs().await;
    let mut bot = d.bot(tap(PLAIN, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    bot.update(tap(PLAIN2, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    d.clock.set(start() - Duration::minutes(5));
    for volunteer in [PLAIN, PLAIN2] {
        bot.update(tap(volunteer, "zh", Cb::CheckIn(d.east)));
        bot.dispatch().await;
    }
    let runner = d.runner();
    d.clock.set(start() + Duration::hours(7));
    runner.tick().await.unwrap();
    let before_end = d.queued(PLAIN).await.len();

    // 16:00: both are asked, with a check-out button.
    d.clock.set(start() + Duration::hours(8));
    runner.tick().await.unwrap();
    for volunteer in [PLAIN, PLAIN2] {
        let queued = d.queued(volunteer).await;
        assert_eq!(queued.len(), before_end + 1, "{queued:?}");
        let (prompt, kb) = queued.last().unwrap();
        assert!(prompt.contains("东门") && prompt.contains("18:00"), "{prompt}");
        assert_eq!(kb, &vec![Cb::CheckOut(d.east)]);
    }
    // Asked once only.
    d.clock.set(start() + Duration::hours(8) + Duration::minutes(5));
    runner.tick().await.unwrap();
    assert_eq!(d.queued(PLAIN).await.len(), before_end + 1);

    // 志愿者6002 taps it at 16:30: counted until the end of the shift, 8 hours.
    d.clock.set(start() + Duration::hours(8) + Duration::minutes(30));
    bot.update(tap(PLAIN2, "zh", Cb::CheckOut(d.east)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "shifts.checked_out", &[("hours", "8.0")]));
    // 志愿者6001 does not: at 18:00 it is closed at 16:00, marked automatic.
    bot.update(text(PLAIN, "zh", "/hours"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "shifts.no_hours_yet"), "no hours before it is closed");
    d.clock.set(start() + Duration::hours(10));
    runner.tick().await.unwrap();
    let told = d.queued(PLAIN).await;
    assert!(told.last().unwrap().0.contains(&tr(ZH, "shifts.auto_mark")), "{told:?}");
    assert_eq!(d.queued(PLAIN2).await.len(), before_end + 1, "a volunteer who checked out is left alone");
    bot.update(text(PLAIN, "zh", "/hours"));
    bot.dispatch().await;
    let hours = last_text(&bot);
    assert!(hours.starts_with(&trf(ZH, "shifts.my_hours", &[("hours", "8.0")])), "{hours}");
    assert!(hours.contains(&trf(ZH, "shifts.my_hours_auto", &[("auto", "8.0")])), "{hours}");
    // The prompt's button after that: already closed, said so.
    bot.update(tap(PLAIN, "zh", Cb::CheckOut(d.east)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "shifts.already_auto_closed")));
    // Officials see "(auto)" on the leaderboard and in the shift's people.
    bot.update(text(OFFICIAL, "zh", "/hours"));
    bot.dispatch().await;
    let board = last_text(&bot);
    assert!(board.contains(&format!("User6001 8.0h{}", tr(ZH, "shifts.auto_mark"))), "{board}");
    assert!(board.contains("User6002 8.0h\n") || board.ends_with("User6002 8.0h"), "{board}");
    bot.update(tap(OFFICIAL, "zh", Cb::RosterShift(d.east)));
    bot.dispatch().await;
    let detail = last_text(&bot);
    let auto = format!("User6001{}{}", tr(ZH, "shifts.checked_out_mark"), tr(ZH, "shifts.auto_mark"));
    assert!(detail.contains(&auto), "{detail}");
}

#[tokio::test]
async fn no_reminder_reaches_a_volunteer_who_has_already_checked_in() {
    let d = duty_with(linli::config::ShiftRules::parse("2", "12,0.1", "20:00").unwrap()).await;
    let mut bot = d.bot(tap(PLAIN, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    bot.update(tap(PLAIN2, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    let runner = d.runner();
    d.clock.set(start() - Duration::hours(12));
    runner.tick().await.unwrap();
    assert_eq!(d.queued(PLAIN).await.len(), 1, "the 12-hour reminder");
    // 07:45: 志愿者6001 is there already; the 6-minute reminder (07:54) is not for them.
    d.clock.set(start() - Duration::minutes(15));
    bot.update(tap(PLAIN, "zh", Cb::CheckIn(d.east)));
    bot.dispatch().await;
    d.clock.set(start() - Duration::minutes(6));
    runner.tick().await.unwrap();
    assert_eq!(d.queued(PLAIN).await.len(), 1, "{:?}", d.queued(PLAIN).await);
    assert_eq!(d.queued(PLAIN2).await.len(), 2, "but it is for someone not there yet");
}

#[tokio::test]
async fn location_check_in_inside_and_outside_the_radius_then_hours() {
    let d = duty().await;
    let mut bot = d.bot(tap(PARTY, "zh", Cb::ClaimShift(d.west)));
    bot.dispatch().await;
    bot.update(tap(PARTY, "zh", Cb::CheckIn(d.west)));
    bot.dispatch().await;
    assert!(alert(&bot).unwrap().starts_with("还没到签到时间"));
    d.clock.set(utc("2026-11-27T23:50:00Z")); // 07:50, window open
    bot.update(tap(PARTY, "zh", Cb::CheckIn(d.west)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "shifts.ask_location", &[("checkpoint", "帝湖花园西王府门口")]));
    // About 2 km away (儿童公园社区): refused with the distance.
    bot.update(shared(PARTY, 34.7605, 113.6155));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("150 米以内"), "{}", last_text(&bot));
    // About 50 m from the gate.
    bot.update(shared(PARTY, 34.7570, 113.5939));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "shifts.checked_in", &[("checkpoint", "帝湖花园西王府门口")]));
    d.clock.set(utc("2026-11-28T08:00:00Z")); // 16:00
    bot.update(tap(PARTY, "zh", Cb::CheckOut(d.west)));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("8.0 小时"), "{}", last_text(&bot));
    bot.update(text(OFFICIAL, "zh", "/hours"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("User6003 8.0h"), "{}", last_text(&bot));
}
