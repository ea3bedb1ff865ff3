//! The officials' `/isolated`: the list by building with days left and people, a household,
//! lifting it (asked first, once), the CSV, and the list in English.

use super::*;

#[tokio::test]
async fn the_officials_list_opens_a_household_and_lifts_it_once_after_asking() {
    let h = homes().await;
    let id = h.isolate("2单元301", 14).await;
    let mut bot = h.bot(text(OFFICIAL, "zh", "/isolated"));
    bot.dispatch().await;
    let list = last_text(&bot);
    assert_eq!(
        list,
        "🏠 隔离中 1 户（登记 2 人）· 待核实申报 0 条\n今天体温已报 0/2 · 发热 0 · 差事 待办 0 / 今天完成 0 / 超时 0\n3号楼\n· 2单元301 · 居家隔离 · 还剩 14 天 · 2 人 · 体温 0/2"
    );
    assert_eq!(buttons(&bot), vec![Cb::Household(id), Cb::Csv]);

    let got = press(&mut bot, OFFICIAL, "zh", Cb::Household(id)).await;
    assert!(got.contains("居民7201、居民7202") && got.contains("还剩 14 天"), "{got}");
    assert!(!got.contains("13800000000"), "no phone numbers in the list: {got}");
    assert_eq!(buttons(&bot), vec![Cb::Lift(id)]);

    let got = press(&mut bot, OFFICIAL, "zh", Cb::Lift(id)).await;
    assert!(got.starts_with("确定解除"), "{got}");
    assert_eq!(h.statuses().await[0].0, "active", "asking changes nothing");
    press(&mut bot, OFFICIAL, "zh", Cb::LiftConfirm(id)).await;
    assert_eq!(h.statuses().await[0].0, "lifted");
    assert!(!h.isolated(R1).await);
    assert!(h.world.queued_texts(R1).await.last().unwrap().0.starts_with("🏠 社区已解除"));
    let told = h.world.queued_texts(R1).await.len();
    // The same confirmation again: refused, nobody told twice.
    bot.update(tap(OFFICIAL, "zh", Cb::LiftConfirm(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "isolation.already_closed")));
    assert_eq!(h.world.queued_texts(R1).await.len(), told);

    let got = say(&mut bot, OFFICIAL, "zh", "/isolated").await;
    assert!(got.contains(&tr(ZH, "isolation.list.empty")), "{got}");
}

#[tokio::test]
async fn a_long_list_pages_and_the_csv_has_every_household() {
    let h = homes().await;
    for room in 1..=10 {
        h.isolate(&format!("1单元{room:02}"), 7).await;
    }
    sqlx::query("UPDATE users SET lang = 'en' WHERE id = ?")
        .bind(OFFICIAL as i64)
        .execute(h.world.pool())
        .await
        .unwrap();
    let mut bot = h.bot(text(OFFICIAL, "en", "/isolated"));
    bot.dispatch().await;
    let list = last_text(&bot);
    assert!(list.starts_with("🏠 10 households isolated (0 people registered)"), "{list}");
    assert!(
        list.contains("Building 3\n· 1单元01 · home isolation · 7 days left · 0 people · temperatures 0/0"),
        "{list}"
    );
    let shown = buttons(&bot);
    assert_eq!(shown.iter().filter(|b| matches!(b, Cb::Household(_))).count(), 8);
    assert!(shown.contains(&Cb::ListPage(1)) && shown.contains(&Cb::Csv));
    press(&mut bot, OFFICIAL, "en", Cb::ListPage(1)).await;
    let page = bot.get_responses().edited_messages_text.last().map(|m| m.message.text().unwrap_or_default().to_owned());
    let page = page.unwrap_or_else(|| last_text(&bot));
    assert!(page.contains("1单元09") && !page.contains("1单元01"), "{page}");

    bot.update(tap(OFFICIAL, "en", Cb::Csv));
    bot.dispatch().await;
    let docs = &bot.get_responses().sent_messages_document;
    assert_eq!(docs.len(), 1);
    assert!(
        docs[0].bot_request.file_name.starts_with("isolated-Dihu Community-2026-11-29"),
        "{}",
        docs[0].bot_request.file_name
    );

    let mut conn = h.world.pool().acquire().await.unwrap();
    let overview = linli::health::isolation::figures::overview(&mut conn, &h.app, h.dihu, h.app.now()).await.unwrap();
    let bytes = linli::health::isolation::list::csv_bytes(Lang::En, &overview).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a byte-order mark for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "Building",
            "Unit/room",
            "Kind",
            "Start",
            "End",
            "Days left",
            "People registered",
            "Temperatures reported today",
            "Temperatures expected today",
            "Fevers today",
            "Errands open"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 10);
    assert_eq!(
        &rows[0].iter().collect::<Vec<_>>(),
        &["Building 3", "1单元01", "home isolation", "2026-11-29", "2026-12-05", "7", "0", "0", "0", "0", "0"]
    );
}

#[tokio::test]
async fn isolation_commands_in_a_group_show_nothing_and_point_to_the_private_chat() {
    let h = homes().await;
    h.isolate("2单元301", 14).await;
    let group = teloxide_tests::MockGroupChat::new().id(-100_777).build();
    let mut bot =
        h.bot(teloxide_tests::MockMessageText::new().text("/isolated").from(user(OFFICIAL, "zh")).chat(group.clone()));
    bot.dispatch().await;
    for command in ["/isolated", "/isolate", "/isolation"] {
        bot.update(teloxide_tests::MockMessageText::new().text(command).from(user(OFFICIAL, "zh")).chat(group.clone()));
        bot.dispatch().await;
        let got = texts(&bot);
        assert_eq!(got, vec![tr(ZH, "people.group.go_private")], "{command}");
    }
}

#[tokio::test]
async fn every_evening_the_officials_read_their_isolated_households_in_the_daily_report() {
    let h = homes().await;
    h.isolate("2单元301", 14).await;
    let mut conn = h.world.pool().acquire().await.unwrap();
    linli::bot::slice::setup_all(&mut conn, &h.app).await.unwrap();
    drop(conn);
    let runner = linli::jobs::Runner::new(h.app.clone(), linli::bot::slice::job_registry());
    h.clock.set(utc("2026-11-29T13:00:30Z")); // 21:00 in Shanghai
    while runner.tick().await.unwrap() > 0 {}
    let got: Vec<String> = h.world.queued_texts(OFFICIAL).await.into_iter().map(|(t, _)| t).collect();
    let line = trf(ZH, "reports.health", &[("isolated", "1"), ("reported", "0"), ("expected", "4"), ("fevers", "0")]);
    let reports: Vec<&String> = got.iter().filter(|t| t.contains(&line)).collect();
    assert_eq!(reports.len(), 1, "one evening message with the household's figures: {got:?}");
    let xuefu: Vec<String> = h.world.queued_texts(XUEFU_OFFICIAL).await.into_iter().map(|(t, _)| t).collect();
    assert!(xuefu.iter().any(|t| t.contains(&tr(ZH, "reports.health_none"))), "学府 has none: {xuefu:?}");
}
