//! Up the chain: the report sent at its time, the deadline's reminder and the
//! administrators' list with a missing community, the automatic submission, a late one.

use linli::reports::buttons::{day_code, Cb};

use super::*;

fn chain_line(lang: &str, key: &str, community: &str, at: &str, name: &str) -> String {
    trf(lang, key, &[("community", community), ("at", at), ("name", name)])
}

#[tokio::test]
async fn the_report_goes_out_the_missing_are_reminded_and_submitted_automatically() {
    let t = town().await;
    t.busy_day().await;
    t.clock.set(utc("2026-11-29T02:00:00Z")); // the bot started at 10:00
                                              // 21:00: each community's officials get the day's report with the submit button.
    t.run_jobs_at("2026-11-29T13:00:30Z").await;
    let sent = t.world.queued_texts(DIHU_OFFICIAL).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].0.contains(&trf(
            ZH,
            "reports.health",
            &[("isolated", "1"), ("reported", "2"), ("expected", "4"), ("fevers", "1")]
        )),
        "{}",
        sent[0].0
    );
    let today = day_code(t.app.today());
    assert_eq!(decoded::<Cb>(sent[0].1.as_ref().unwrap())[0], Cb::Submit { community: t.dihu, day: today });
    let xuefu = t.world.queued_texts(XUEFU_OFFICIAL).await;
    assert!(xuefu[0].0.contains(&tr(EN, "reports.zero")), "{:?}", xuefu[0].0);
    // Each gets the 14-day chart as a PNG photo, in their language.
    for (who, caption) in [
        (DIHU_OFFICIAL, trf(ZH, "reports.chart_caption", &[("community", "帝湖社区")])),
        (XUEFU_OFFICIAL, trf(EN, "reports.chart_caption", &[("community", "Xuefu Community")])),
    ] {
        let files = t.world.queued_files(who).await;
        assert_eq!(files.len(), 1, "{who}");
        assert_eq!(files[0].0.as_deref(), Some(caption.as_str()));
        assert!(files[0].1.starts_with(b"\x89PNG"), "a PNG");
    }
    assert!(t.world.queued_texts(ADMIN).await.is_empty(), "administrators get the list, not each report");

    // 帝湖 submits at 21:10.
    t.clock.set(utc("2026-11-29T13:10:00Z"));
    let mut bot = t.bot(tap(DIHU_OFFICIAL, "zh", Cb::Submit { community: t.dihu, day: today }));
    bot.dispatch().await;
    drop(bot);

    // 22:00: 学府 is reminded; the administrators get the list with 学府 missing.
    t.run_jobs_at("2026-11-29T14:00:30Z").await;
    let xuefu = t.world.queued_texts(XUEFU_OFFICIAL).await;
    assert_eq!(xuefu.len(), 2, "{xuefu:?}");
    assert_eq!(xuefu[1].0, trf(EN, "reports.reminder", &[("community", "Xuefu Community"), ("auto", "23:00")]));
    assert_eq!(t.world.queued_texts(DIHU_OFFICIAL).await.len(), 1, "帝湖 submitted: no reminder");
    let list = t.world.queued_texts(ADMIN).await;
    assert_eq!(list.len(), 1);
    let (text, kb) = &list[0];
    assert!(
        text.contains(&trf(
            ZH,
            "reports.chain.counts",
            &[("submitted", "1"), ("communities", "2"), ("late", "0"), ("auto", "0"), ("missing", "1")]
        )),
        "{text}"
    );
    assert!(text.contains(&chain_line(ZH, "reports.chain.on_time", "帝湖社区", "21:10", "User7300")), "{text}");
    assert!(text.contains(&trf(ZH, "reports.chain.missing", &[("community", "学府社区")])), "{text}");
    assert!(text.contains(&tr(ZH, "reports.chain.live_note")), "{text}");
    let opens = decoded::<Cb>(kb.as_ref().unwrap());
    assert!(opens.contains(&Cb::Open { community: t.xuefu, day: today }), "{opens:?}");

    // 23:00: 学府 is submitted automatically, its official told, the list final.
    t.run_jobs_at("2026-11-29T15:00:30Z").await;
    assert_eq!(
        t.submitted().await,
        vec![
            (t.dihu, "2026-11-29".to_owned(), Some(DIHU_OFFICIAL as i64), false),
            (t.xuefu, "2026-11-29".to_owned(), None, false)
        ]
    );
    let xuefu = t.world.queued_texts(XUEFU_OFFICIAL).await;
    assert_eq!(xuefu.last().unwrap().0, trf(EN, "reports.auto_submitted", &[("community", "Xuefu Community")]));
    let list = t.world.queued_texts(ADMIN).await;
    let text = &list.last().unwrap().0;
    assert!(text.contains(&trf(ZH, "reports.chain.auto", &[("community", "学府社区"), ("at", "23:00")])), "{text}");
    assert!(!text.contains(&tr(ZH, "reports.chain.live_note")), "{text}");
    // The totals add the two communities' figures (学府 had none).
    assert!(text.contains("居民 3 人 · 隔离 1 户 · 体温 2/4 · 发热 1"), "{text}");

    // The administrator opens 学府's report from the list: it shows as submitted automatically.
    t.world.forget_update_ids().await;
    let mut bot = t.bot(tap(ADMIN, "zh", Cb::Open { community: t.xuefu, day: today }));
    bot.dispatch().await;
    let shown =
        bot.get_responses().edited_messages_text.last().map(|m| m.message.text().unwrap_or_default().to_owned());
    let shown = shown.unwrap_or_else(|| last_text(&bot));
    assert!(shown.contains(&trf(ZH, "reports.standing.auto", &[("at", "23:00")])), "{shown}");
}

#[tokio::test]
async fn a_report_submitted_after_the_deadline_is_late_and_the_administrators_are_told() {
    let t = town().await;
    t.clock.set(utc("2026-11-29T14:30:00Z")); // 22:30
    let today = day_code(t.app.today());
    let mut bot = t.bot(tap(XUEFU_OFFICIAL, "en", Cb::Submit { community: t.xuefu, day: today }));
    bot.dispatch().await;
    assert_eq!(t.submitted().await, vec![(t.xuefu, "2026-11-29".to_owned(), Some(XUEFU_OFFICIAL as i64), true)]);
    let told = t.world.queued_texts(ADMIN).await;
    assert_eq!(told[0].0, trf(ZH, "reports.late_to_admins", &[("community", "学府社区"), ("day", "11月29日")]));
    bot.update(text(ADMIN, "zh", "/reports"));
    bot.dispatch().await;
    let list = last_text(&bot);
    assert!(list.contains(&chain_line(ZH, "reports.chain.late", "学府社区", "22:30", "User7301")), "{list}");
    assert!(list.contains(&trf(ZH, "reports.chain.missing", &[("community", "帝湖社区")])), "{list}");
}
