//! What volunteers and officials read: the settings' reminder times and release deadline
//! (never the defaults, never a deadline already passed), the moment of a shift (no claim
//! button once it started, no alarm once it ended), English names and plural forms, and
//! a resident who is no volunteer told how to become one.

use super::*;

#[tokio::test]
async fn a_swap_follows_the_configured_reminders_and_every_text_states_the_settings() {
    // LINLI_REMINDER_HOURS=1,0.05 (1 h and 3 min), LINLI_RELEASE_CUTOFF_HOURS=3.
    let d = duty_with(linli::config::ShiftRules::parse("3", "1,0.05", "20:00").unwrap()).await;
    let mut bot = d.bot(tap(PLAIN, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    let claimed = last_text(&bot);
    assert!(claimed.contains("开始前 1 小时和 3 分钟会提醒您。"), "{claimed}");
    assert!(claimed.contains("11月28日 05:00 前可以自己退出。"), "{claimed}");
    assert!(!claimed.contains("12 小时"), "{claimed}");

    // 07:30: too late to release (the deadline is stated as passed), so a swap.
    d.clock.set(utc("2026-11-27T23:30:00Z"));
    bot.update(tap(PLAIN, "zh", Cb::ReleaseShift(d.east)));
    bot.dispatch().await;
    let refusal = alert(&bot).unwrap();
    assert_eq!(refusal, trf(ZH, "shifts.release_cutoff", &[("cutoff", "3 小时"), ("deadline", "05:00")]));
    assert!(refusal.contains("已过"), "{refusal}");
    bot.update(text(PLAIN, "zh", "/myshifts"));
    bot.dispatch().await;
    assert_eq!(buttons(&bot), vec![Cb::OfferShift(d.east)], "no release button past the deadline");
    bot.update(tap(PLAIN, "zh", Cb::OfferShift(d.east)));
    bot.dispatch().await;
    bot.update(tap(PLAIN2, "zh", Cb::TakeOffer { shift_id: d.east, giver: PLAIN as i64 }));
    bot.dispatch().await;
    // Half an hour before the start only the 3-minute reminder is still ahead.
    let taken = last_text(&bot);
    assert!(taken.ends_with("开始前 3 分钟会提醒您。"), "{taken}");

    // The one who took over is reminded 3 minutes before, as set; the giver is not.
    let runner = d.runner();
    d.clock.set(utc("2026-11-27T23:57:00Z"));
    runner.tick().await.unwrap();
    let reminders = d.queued(PLAIN2).await;
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert!(reminders[0].0.starts_with("⏰") && reminders[0].0.contains("东门"), "{}", reminders[0].0);
    assert!(d.queued(PLAIN).await.iter().all(|(m, _)| !m.starts_with("⏰")), "the giver is not reminded");
    // So they check in, and are no no-show.
    bot.update(tap(PLAIN2, "zh", Cb::CheckIn(d.east)));
    bot.dispatch().await;

    // A claim two minutes before the start: no reminder left, no release deadline offered.
    d.clock.set(utc("2026-11-27T23:58:00Z"));
    bot.update(tap(PARTY, "zh", Cb::ClaimShift(d.west)));
    bot.dispatch().await;
    let late = last_text(&bot);
    assert!(late.contains(&tr(ZH, "shifts.no_reminders")), "{late}");
    assert!(late.contains(&trf(ZH, "shifts.release_closed", &[("cutoff", "3 小时")])), "{late}");

    d.clock.set(utc("2026-11-28T00:15:00Z"));
    runner.tick().await.unwrap();
    let alerts = d.queued(OFFICIAL).await;
    assert!(alerts.iter().all(|(m, _)| !m.contains("东门")), "{alerts:?}");
}

#[tokio::test]
async fn started_shifts_offer_no_claim_and_ended_ones_raise_no_alarm() {
    let d = duty().await;
    // 08:30 on the shifts' day: both have started, neither is full.
    d.clock.set(utc("2026-11-28T00:30:00Z"));
    let mut bot = d.bot(tap(PLAIN, "zh", Cb::ShiftDay { day: 0, page: 0 }));
    bot.dispatch().await;
    let board = last_text(&bot);
    assert!(board.contains(&format!("2. 东门 08:00–16:00 0/2{}", tr(ZH, "shifts.started_mark"))), "{board}");
    assert!(buttons(&bot).iter().all(|b| !matches!(b, Cb::ClaimShift(_))), "{:?}", buttons(&bot));
    // 16:30: the roster shows the day's history, not gaps to fill.
    d.clock.set(utc("2026-11-28T08:30:00Z"));
    bot.update(tap(OFFICIAL, "zh", Cb::RosterDay(0)));
    bot.dispatch().await;
    let roster = last_text(&bot);
    let ended = format!("▫️ 1. 帝湖花园西王府门口 08:00–16:00 0/2{}", tr(ZH, "shifts.ended_mark"));
    assert!(roster.contains(&ended), "{roster}");
    assert!(!roster.contains("❗ 1."), "{roster}");
    assert!(buttons(&bot).iter().all(|b| !matches!(b, Cb::RosterShift(_))), "{:?}", buttons(&bot));
}

#[tokio::test]
async fn check_in_too_early_names_the_day_when_it_is_not_today() {
    let d = duty().await;
    let mut bot = d.bot(tap(PLAIN, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    bot.update(tap(PLAIN, "zh", Cb::CheckIn(d.east)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(trf(ZH, "shifts.too_early", &[("at", "11月28日 07:45")])));
    d.clock.set(utc("2026-11-27T23:00:00Z")); // 07:00 that day
    bot.update(tap(PLAIN, "zh", Cb::CheckIn(d.east)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(trf(ZH, "shifts.too_early", &[("at", "07:45")])));
}

#[tokio::test]
async fn a_resident_who_is_no_volunteer_is_told_how_to_become_one() {
    let d = duty().await;
    let dihu = d.world.community("帝湖社区").await;
    let building = d.world.building(dihu, "1号楼").await;
    people::upsert_user(
        &mut d.world.pool().acquire().await.unwrap(),
        chrono::Utc::now(),
        RESIDENT as i64,
        "李娜",
        Lang::ZhCn,
        true,
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO residents (user_id, community_id, building_id, unit_room, household_size, registered_at)
         VALUES (?, ?, ?, '2-301', 3, 0)",
    )
    .bind(RESIDENT as i64)
    .bind(dihu)
    .bind(building)
    .execute(d.world.pool())
    .await
    .unwrap();
    // A claim button from somewhere (a forwarded board, an old message).
    let mut bot = d.bot(tap(RESIDENT, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "shifts.refused.not_volunteer")));
    for command in ["/hours", "/shifts"] {
        bot.update(text(RESIDENT, "zh", command));
        bot.dispatch().await;
        assert_eq!(last_text(&bot), tr(ZH, "shifts.refused.not_volunteer"), "{command}");
    }
    assert!(d.claims(d.east).await.is_empty());
    // A volunteer with nothing done yet is told that, not "0.0 hours".
    bot.update(text(PLAIN, "zh", "/hours"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "shifts.no_hours_yet"));
}

#[tokio::test]
async fn english_readers_get_english_checkpoint_names_and_plurals_everywhere() {
    let d = duty().await;
    let mut bot = d.bot(tap(EN_VOL, "en", Cb::ShiftDay { day: 1, page: 0 }));
    bot.dispatch().await;
    let board = last_text(&bot);
    assert!(board.contains("1. Dihu Garden West Gate 08:00–16:00 0/2"), "{board}");
    assert!(board.contains("needs 1 more party member or experienced volunteer"), "{board}");
    assert!(!board.contains('东') && !board.contains("(s)"), "{board}");
    bot.update(tap(EN_VOL, "en", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    let claimed = last_text(&bot);
    assert!(claimed.starts_with("Claimed: East Gate Nov 28 08:00–16:00."), "{claimed}");
    assert!(claimed.contains("reminded 12 hours and 1 hour before"), "{claimed}");
    assert!(claimed.contains("release it yourself until Nov 28 06:00."), "{claimed}");
    // Messages queued for them by a Chinese-reading official are in their language too.
    bot.update(tap(OFFICIAL, "zh", Cb::RemoveFromShift { shift_id: d.east, user_id: EN_VOL as i64 }));
    bot.dispatch().await;
    let told = d.queued(EN_VOL).await;
    assert!(told.last().unwrap().0.starts_with("An official cancelled your shift: East Gate Nov 28"), "{told:?}");

    // An official reading English: the setup list, the alert, the roster.
    sqlx::query("UPDATE users SET lang = 'en' WHERE id = ?")
        .bind(OFFICIAL as i64)
        .execute(d.world.pool())
        .await
        .unwrap();
    bot.update(text(OFFICIAL, "en", "/checkpoints"));
    bot.dispatch().await;
    let list = texts(&bot).join("\n");
    assert!(list.contains("1. Dihu Garden West Gate"), "{list}");
    assert!(list.contains("08:00–16:00, 2 people, at least 1 party member or experienced volunteer"), "{list}");
    assert!(list.contains("08:00–16:00, 2 people\n") || list.contains("08:00–16:00, 2 people\n\n"), "{list}");
    assert!(!list.contains("at least 0") && !list.contains("(s)"), "{list}");
    bot.update(text(OFFICIAL, "en", "/addcheckpoint 南门 | South Gate"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(EN, "shifts.setup.checkpoint_added", &[("name", "South Gate")]));
    bot.update(text(OFFICIAL, "en", "/addshift 3 16:00 00:00 1 0"));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with("Shift 16:00–00:00 added to “South Gate” (1 person);"), "{}", last_text(&bot));
    let (name_en,): (Option<String>,) =
        sqlx::query_as("SELECT name_en FROM checkpoints WHERE name = '南门'").fetch_one(d.world.pool()).await.unwrap();
    assert_eq!(name_en.as_deref(), Some("South Gate"));

    bot.update(tap(PLAIN, "zh", Cb::ClaimShift(d.west)));
    bot.dispatch().await;
    d.clock.set(utc("2026-11-28T00:15:00Z"));
    d.runner().tick().await.unwrap();
    let alerts = d.queued(OFFICIAL).await;
    assert!(alerts.last().unwrap().0.contains("No-show: Dihu Garden West Gate Nov 28"), "{alerts:?}");
    bot.update(tap(OFFICIAL, "en", Cb::RosterDay(0)));
    bot.dispatch().await;
    let roster = last_text(&bot);
    assert!(roster.contains("❗ 1. Dihu Garden West Gate 08:00–16:00 1/2 · 1 open, 1 more party member"), "{roster}");
    assert!(roster.contains("· 1 not checked in"), "{roster}");
    assert!(roster.contains("\n\n[Dihu Community]\n") && !roster.contains('【'), "{roster}");
    assert!(roster.contains("2. East Gate 08:00–16:00 0/2 · 2 open"), "{roster}");
}
