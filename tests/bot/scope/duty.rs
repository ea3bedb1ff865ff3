//! An administrator acting on 学府社区 for checkpoints and the roster (after the overview
//! of every community); the nightly report as one message for them.

use chrono::Utc;
use linli::bot::CallbackData;
use linli::i18n::Lang;
use linli::people::store as people;
use linli::shifts::buttons::Cb as ShiftsCb;

use super::*;
use crate::roles::queued_for;

#[tokio::test]
async fn checkpoints_are_listed_and_added_in_the_chosen_community() {
    let t = town().await;
    let mut bot = t.world.bot(text(ADMIN, "zh", "/help"));
    bot.dispatch().await;
    admin_chooses_xuefu(&t, &mut bot, "/checkpoints").await;
    bot.update(text(ADMIN, "zh", "/checkpoints"));
    bot.dispatch().await;
    let list = texts(&bot).join("\n");
    assert!(list.contains(&trf(ZH, "shifts.setup.header", &[("community", "学府社区")])), "{list}");
    assert!(list.contains("1. 学府南门") && !list.contains("帝湖东门"), "{list}");

    bot.update(text(ADMIN, "zh", "/addcheckpoint 北门"));
    bot.dispatch().await;
    assert_eq!(
        last_text(&bot),
        format!("{}\n{}", header("学府社区"), trf(ZH, "shifts.setup.checkpoint_added", &[("name", "北门")]))
    );
    let (community,): (i64,) = sqlx::query_as("SELECT community_id FROM checkpoints WHERE name = '北门'")
        .fetch_one(t.world.pool())
        .await
        .unwrap();
    assert_eq!(community, t.xuefu);
}

#[tokio::test]
async fn the_roster_opens_on_every_community_then_shows_the_chosen_one() {
    let t = town().await;
    // Today's 08:00–16:00 shifts have ended after 16:00 (and raise no alarm then): keep
    // them running, whatever the time of day the test runs at.
    let later = (Utc::now() + chrono::Duration::hours(1)).timestamp_millis();
    sqlx::query("UPDATE shifts SET end_at = ?1 WHERE end_at < ?1").bind(later).execute(t.world.pool()).await.unwrap();
    let mut bot = t.world.bot(text(ADMIN, "zh", "/roster"));
    bot.dispatch().await;
    // No choice yet: the overview alone, a line and a button per community.
    let sent = texts(&bot);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let lines: Vec<&str> = sent[0].lines().collect();
    assert!(lines[1].contains("帝湖社区") && lines[2].contains("学府社区"), "{sent:?}");
    assert!(lines[1].starts_with('❗'), "帝湖东门 lacks its party member: {}", lines[1]);
    assert_eq!(buttons(&bot), vec![ShiftsCb::RosterOf(t.dihu).encode(), ShiftsCb::RosterOf(t.xuefu).encode()]);

    bot.update(tap(ADMIN, "zh", ShiftsCb::RosterOf(t.xuefu)));
    bot.dispatch().await;
    let roster = last_text(&bot);
    assert!(roster.starts_with(&header("学府社区")), "{roster}");
    assert!(roster.contains("【学府社区】") && roster.contains("学府南门") && !roster.contains("帝湖东门"), "{roster}");
    assert_eq!(t.remembered(ADMIN).await, Some(t.xuefu), "opening a community acts on it");

    // Now /roster is the overview, then the chosen community's roster; its days stay there.
    bot.update(text(ADMIN, "zh", "/roster"));
    bot.dispatch().await;
    let sent = texts(&bot);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(buttons_of(&bot, 0)
        .iter()
        .any(|(label, cb)| *cb == ShiftsCb::RosterOf(t.xuefu).encode() && label.starts_with('📍')));
    assert!(sent[1].contains("学府南门") && !sent[1].contains("帝湖东门"), "{}", sent[1]);
    bot.update(tap(ADMIN, "zh", ShiftsCb::RosterDay(1)));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("学府南门") && !last_text(&bot).contains("帝湖东门"), "{}", last_text(&bot));
}

#[tokio::test]
async fn the_nightly_report_reaches_an_administrator_as_one_message() {
    let t = town().await;
    people::upsert_user(
        &mut t.world.pool().acquire().await.unwrap(),
        Utc::now(),
        ADMIN as i64,
        "管理员",
        Lang::ZhCn,
        true,
    )
    .await
    .unwrap();
    let runner =
        linli::jobs::Runner::new(t.world.app.clone(), linli::shifts::jobs::register(linli::jobs::Registry::new()));
    let job = linli::jobs::NewJob::once(linli::shifts::jobs::NIGHTLY, Utc::now(), serde_json::Value::Null);
    let mut conn = t.world.pool().acquire().await.unwrap();
    linli::jobs::schedule(&mut conn, Utc::now(), &job).await.unwrap();
    drop(conn);
    while runner.tick().await.unwrap() > 0 {}

    let to_admin = queued_for(&t.world, ADMIN).await;
    assert_eq!(to_admin.len(), 1, "{to_admin:?}");
    let summary = &to_admin[0].0;
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(lines.len(), 3, "a header and a line per community: {summary}");
    assert!(lines[1].contains("帝湖社区") && lines[2].contains("学府社区"), "{summary}");

    let to_official = queued_for(&t.world, DIHU_OFFICIAL).await;
    assert_eq!(to_official.len(), 1, "{to_official:?}");
    assert!(to_official[0].0.starts_with(&trf(ZH, "shifts.nightly_header", &[("community", "帝湖社区")])));
    assert!(!to_official[0].0.contains("学府"), "only their community: {}", to_official[0].0);
}
