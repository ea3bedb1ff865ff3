//! The dialogue: the date range (presets, typed, refused), who may not export, a button
//! from another community, and an export interrupted by a stop finished at start.

use super::*;

async fn start_and_pick(s: &Sheets, who: u64, lang: &str) -> TestBot {
    let mut bot = s.bot(text(who, lang, "/export")).await;
    bot.dispatch().await;
    bot.update(tap(who, lang, Cb::Table { community: s.dihu, pick: Pick::One(Table::Orders) }));
    bot.dispatch().await;
    bot
}

fn order_ids(rows: &[Vec<String>]) -> Vec<String> {
    let mut ids: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    ids.dedup();
    ids
}

#[tokio::test]
async fn the_date_range_keeps_the_rows_inside_it_and_a_typed_range_is_read() {
    let s = sheets().await;
    s.export(OFFICIAL, ZH, Pick::One(Table::Orders), Ok(Preset::Last7)).await;
    assert_eq!(order_ids(&s.sheet(OFFICIAL, Table::Orders).await.1), ["901"], "10 Nov is outside the last 7 days");
    s.export(OFFICIAL, ZH, Pick::One(Table::Orders), Ok(Preset::ThisMonth)).await;
    assert_eq!(order_ids(&s.sheet(OFFICIAL, Table::Orders).await.1), ["901", "902"]);
    s.export(OFFICIAL, ZH, Pick::One(Table::Orders), Err("１１－０１至１１－２８")).await;
    assert_eq!(order_ids(&s.sheet(OFFICIAL, Table::Orders).await.1), ["902"], "typed, full-width digits");
    let (from, to): (String, String) =
        sqlx::query_as("SELECT from_day, to_day FROM exports ORDER BY id DESC").fetch_one(s.pool()).await.unwrap();
    assert_eq!((from.as_str(), to.as_str()), ("2026-11-01", "2026-11-28"));
}

#[tokio::test]
async fn a_reversed_or_too_long_range_is_refused_with_what_to_type_and_asked_again() {
    let s = sheets().await;
    let mut bot = start_and_pick(&s, OFFICIAL, ZH).await;
    for (typed, key) in [
        ("11-28至11-01", "exports.range.reversed"),
        ("2025-01-01 2026-11-28", "exports.range.too_long"),
        ("上个月", "exports.range.not_a_range"),
    ] {
        bot.update(text(OFFICIAL, ZH, typed));
        bot.dispatch().await;
        let got = texts(&bot);
        assert_eq!(got[0], trf(ZH, key, &[("max", "366")]), "{typed}");
        assert_eq!(last_buttons::<Cb>(&bot)[..4], Preset::ALL.map(Cb::Range), "the question again: {typed}");
    }
    assert_eq!(s.recorded().await, 0);
    drop(bot); // one mock bot at a time (teloxide_tests' lock)
               // English too.
    let mut bot = start_and_pick(&s, OFFICIAL_EN, EN).await;
    bot.update(text(OFFICIAL_EN, EN, "11-28 11-01"));
    bot.dispatch().await;
    assert_eq!(texts(&bot)[0], tr(EN, "exports.range.reversed"));
}

#[tokio::test]
async fn volunteers_and_residents_may_not_export() {
    let s = sheets().await;
    for who in [VOLUNTEER, R1] {
        let mut bot = s.bot(text(who, ZH, "/export")).await;
        bot.dispatch().await;
        assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));
        assert!(last_buttons::<Cb>(&bot).is_empty());
        // A button they could not have been shown does nothing either.
        bot.update(tap(who, ZH, Cb::Table { community: s.dihu, pick: Pick::All }));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    }
    assert_eq!(s.recorded().await, 0);
}

#[tokio::test]
async fn a_button_for_another_community_is_refused() {
    let s = sheets().await;
    let mut bot = s.bot(text(XUEFU_OFFICIAL, ZH, "/export")).await;
    bot.dispatch().await;
    assert!(last_buttons::<Cb>(&bot).contains(&Cb::Table { community: s.xuefu, pick: Pick::All }));
    bot.update(tap(XUEFU_OFFICIAL, ZH, Cb::Table { community: s.dihu, pick: Pick::All }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    // Nor does a confirm typed into the wrong step do anything.
    bot.update(tap(XUEFU_OFFICIAL, ZH, Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert_eq!(s.recorded().await, 0);
}

#[tokio::test]
async fn a_double_tap_on_confirm_exports_once() {
    let s = sheets().await;
    let id = s.export(OFFICIAL, ZH, Pick::One(Table::Notices), Ok(Preset::Today)).await;
    let mut bot = s.bot(tap(OFFICIAL, ZH, Cb::Confirm)).await;
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert_eq!((s.recorded().await, s.last_export().await), (1, id));
    assert_eq!(s.documents(OFFICIAL).await.len(), 1);
}

#[tokio::test]
async fn an_export_interrupted_by_a_stop_is_finished_at_start() {
    let s = sheets().await;
    // Recorded and committed, then the process stopped before the task wrote anything.
    let request = linli::exports::store::Request {
        user_id: OFFICIAL as i64,
        community_id: s.dihu,
        tables: vec![Table::Orders, Table::Notices],
        from: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        to: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        lang: Lang::ZhCn,
        with_phone: true,
    };
    let mut conn = s.pool().acquire().await.unwrap();
    let id = linli::exports::store::record(&mut conn, s.app.now(), &request).await.unwrap();
    // A half-written part from before the stop is written again from the start.
    std::fs::write(s.dir.path().join(format!("{id}-orders-1.csv")), "half").unwrap();
    linli::bot::slice::setup_all(&mut conn, &s.app).await.unwrap();
    drop(conn);
    assert_eq!(s.finished(id).await, "done");
    let docs = s.documents(OFFICIAL).await;
    assert_eq!(docs.len(), 2);
    let (_, rows) = s.sheet(OFFICIAL, Table::Orders).await;
    assert_eq!(order_ids(&rows), ["901", "902"]);
    assert_eq!(docs[0].2, trf(ZH, "exports.caption", &[("table", &tr(ZH, "exports.table.orders")), ("rows", "3")]));
}
