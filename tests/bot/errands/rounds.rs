//! The daily garbage round: one per building with isolated households, made once a day;
//! claimed like an errand, the claimer gets the doors; an isolated resident asking for
//! garbage is told the round takes it. The figures the lead's views read.

use linli::health::errands::store;

use super::*;

#[tokio::test]
async fn the_garbage_round_is_one_per_building_with_isolated_households_and_made_once_a_day() {
    let e = errands().await;
    e.isolate(e.b3, "2单元301").await;
    e.isolate(e.b3, "1单元101").await;
    e.isolate(e.b5, "502").await;
    // The round's job, set up as at start, runs at 09:00 tomorrow (it is 10:00 now).
    let mut conn = e.world.pool().acquire().await.unwrap();
    (linli::health::errands::SLICE.setup.unwrap())(&mut conn, &e.app).await.unwrap();
    drop(conn);
    e.clock.advance(Duration::hours(23));
    e.run_due_jobs().await;
    let rounds: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT building_id, households, day FROM garbage_rounds ORDER BY building_id")
            .fetch_all(e.world.pool())
            .await
            .unwrap();
    let day = e.today().to_string();
    assert_eq!(rounds, vec![(e.b3, 2, day.clone()), (e.b5, 1, day)]);
    // Made again the same day (a restart, a retry): nothing more.
    let mut conn = e.world.pool().acquire().await.unwrap();
    assert_eq!(linli::health::errands::jobs::make_rounds(&mut conn, e.app.now(), e.today()).await.unwrap(), 0);
    drop(conn);

    let mut bot = e.bot(text(VOL2, "zh", "/errands"));
    bot.dispatch().await;
    let list = last_text(&bot);
    assert!(list.contains(&trf(ZH, "errands.round.line", &[("building", "3号楼"), ("homes", "2户")])), "{list}");
    assert!(!list.contains("2单元301"), "{list}");
    let (round,): (i64,) = sqlx::query_as("SELECT id FROM garbage_rounds WHERE building_id = ?")
        .bind(e.b3)
        .fetch_one(e.world.pool())
        .await
        .unwrap();
    assert!(buttons(&bot).contains(&Cb::ClaimRound(round)));
    bot.update(tap(VOL2, "zh", Cb::ClaimRound(round)));
    bot.dispatch().await;
    let doors = last_text(&bot);
    assert!(doors.contains("1单元101\n2单元301"), "{doors}");
    bot.update(tap(VOL1, "zh", Cb::ClaimRound(round)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "errands.board.taken")));
    bot.update(tap(VOL2, "zh", Cb::RoundDone(round)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "errands.round.finished"));
    let (status,): (String,) = sqlx::query_as("SELECT status FROM garbage_rounds WHERE id = ?")
        .bind(round)
        .fetch_one(e.world.pool())
        .await
        .unwrap();
    assert_eq!(status, "done");
}

#[tokio::test]
async fn an_isolated_resident_asking_for_garbage_is_told_the_round_takes_it() {
    let e = errands().await;
    e.isolate(e.b3, "2单元301").await;
    let mut bot = e.bot(text(RES, "zh", "/errand"));
    bot.dispatch().await;
    bot.update(tap(RES, "zh", Cb::ErrandKind(Kind::Garbage)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "errands.round.covered", &[("at", "09:00")]));
    assert_eq!(buttons(&bot), vec![Cb::GarbageAnyway]);
    bot.update(tap(RES, "zh", Cb::GarbageAnyway));
    bot.dispatch().await;
    assert!(buttons(&bot).contains(&Cb::NoNote), "something extra: the note step");
    // A household not isolated asks as usual.
    bot.update(text(RES5, "zh", "/errand"));
    bot.dispatch().await;
    bot.update(tap(RES5, "zh", Cb::ErrandKind(Kind::Garbage)));
    bot.dispatch().await;
    assert!(buttons(&bot).contains(&Cb::NoNote));
}

#[tokio::test]
async fn open_errands_by_household_and_the_days_figures() {
    let e = errands().await;
    let medicine = e.ask(RES, Kind::Medicine, Some("体温计")).await;
    e.ask(RES, Kind::Talk, None).await;
    let urgent = e.ask(RES5, Kind::Medical, None).await;
    let done = e.ask(RES_EN, Kind::Other, None).await;
    let mut bot = e.bot(tap(VOL1, "zh", Cb::ClaimErrand(done)));
    bot.dispatch().await;
    bot.update(tap(VOL1, "zh", Cb::ErrandDone(done)));
    bot.dispatch().await;
    let mut conn = e.world.pool().acquire().await.unwrap();
    let by_household = store::open_by_household(&mut conn, e.dihu).await.unwrap();
    assert_eq!(by_household, vec![(e.b3, "2单元301".to_owned(), 2), (e.b5, "502".to_owned(), 1)]);
    let tz = e.app.settings.timezone;
    let figures = store::day_figures(&mut conn, e.dihu, e.today(), e.app.now(), tz).await.unwrap();
    assert_eq!(figures, store::DayFigures { open: 3, done: 1, overdue: 0 });
    // 31 minutes later the unclaimed medical help is overdue; a day later everything open is.
    let later = e.app.now() + Duration::minutes(31);
    let figures = store::day_figures(&mut conn, e.dihu, e.today(), later, tz).await.unwrap();
    assert_eq!(figures.overdue, 1);
    let _ = (medicine, urgent);
    let next_day = e.app.now() + Duration::hours(25);
    let figures = store::day_figures(&mut conn, e.dihu, e.today(), next_day, tz).await.unwrap();
    assert_eq!(figures.overdue, 3);
}
