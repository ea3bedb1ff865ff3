//! The group's message: posted once per group in its language, edited in place with
//! coalescing, never showing rooms, phones or names not chosen; and the deadline's outcome.

use super::*;

/// The edits queued for a group, oldest first (message id, text, has a join button).
async fn edits(h: &Buys, chat: i64) -> Vec<(i32, String, bool)> {
    h.queued(chat)
        .await
        .into_iter()
        .filter_map(|m| match m.content {
            Content::Edit { message_id, text } => Some((message_id, text, m.keyboard.is_some())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn the_offer_is_posted_in_each_group_in_its_language_and_a_join_before_it_goes_out_rides_along() {
    let h = buys().await;
    let buy = h.announce(None).await;
    let items = h.items(buy).await;
    let zh = h.group_text(G3).await;
    let en = h.group_text(G5).await;
    assert!(zh.starts_with(&trf(ZH, "groupbuy.tally.title", &[("id", &buy.to_string()), ("title", "蔬菜套餐")])));
    assert!(zh.contains(&tr(ZH, "groupbuy.tally.nobody")));
    assert!(en.starts_with(&trf(EN, "groupbuy.tally.title", &[("id", &buy.to_string()), ("title", "蔬菜套餐")])));
    // A join while the offer still waits in the outbox: the offer itself is rewritten.
    h.join(RES, "3号楼", "2单元301", &[(items[0], 2)], buy).await;
    h.clock.advance(Duration::seconds(4));
    h.run_due_jobs().await;
    assert_eq!(h.queued(G3).await.len(), 1, "still one message for the group");
    assert!(h.group_text(G3).await.contains("1. 3号楼 2单元 蔬菜套餐×2"), "{}", h.group_text(G3).await);
    assert!(h.group_text(G5).await.contains("1. Building 3 Unit 2 蔬菜套餐×2"), "{}", h.group_text(G5).await);
}

#[tokio::test]
async fn a_burst_of_joins_becomes_a_few_edits_within_the_groups_limit_and_the_final_text_is_right() {
    let h = buys().await;
    let buy = h.announce(None).await;
    let items = h.items(buy).await;
    h.send_outbox().await;
    let posted: Vec<(i64,)> = sqlx::query_as("SELECT telegram_message_id FROM outbox WHERE chat_id = ?")
        .bind(G3)
        .fetch_all(h.world.pool())
        .await
        .unwrap();
    let start = h.app.now();
    // 60 households of 3号楼 join over 30 seconds, two every second; the scheduler ticks
    // every second and the sender picks rows up every 2 seconds.
    for n in 0..60 {
        let room = format!("{}单元{}", n % 4 + 1, 100 + n);
        let joined = h.join(9000 + n, "3号楼", &room, &[(items[0], 1)], buy).await;
        assert!(matches!(joined, store::Joined::New { .. }), "{joined:?}");
        if n % 2 == 1 {
            h.clock.advance(Duration::seconds(1));
            h.run_due_jobs().await;
            if n % 4 == 3 {
                h.send_outbox().await;
            }
        }
    }
    h.clock.advance(Duration::seconds(5));
    h.run_due_jobs().await;
    h.send_outbox().await;
    let edits = edits(&h, G3).await;
    let elapsed = (h.app.now() - start).num_seconds();
    assert!(!edits.is_empty());
    assert!(edits.iter().all(|(id, _, _)| i64::from(*id) == posted[0].0), "every edit is of the posted message");
    // At most one edit per 4 seconds: 15 a minute, under Telegram's ~20 in a group.
    assert!(edits.len() as i64 <= elapsed / 4 + 1, "{} edits in {elapsed} s", edits.len());
    assert!(edits.len() < 20, "60 joins, {} edits", edits.len());
    let last = &edits.last().unwrap().1;
    assert!(last.contains("60. 3号楼"), "the final text has every line: {last}");
    assert!(
        last.contains(&trf(
            ZH,
            "groupbuy.tally.min_reached",
            &[("min", "2 户"), ("households", "60 户"), ("units", "60 份")]
        )),
        "{last}"
    );
    // The final text is exactly what a fresh render says.
    let current = h.buy(buy).await;
    let mut conn = h.world.pool().acquire().await.unwrap();
    let fresh = linli::groupbuy::tally::message(&mut conn, &h.app, h.app.now(), &current, Lang::ZhCn).await.unwrap();
    let Content::Text { text, .. } = fresh.content else { panic!() };
    assert_eq!(last, &text);
}

#[tokio::test]
async fn the_group_sees_building_and_unit_never_the_room_the_phone_or_a_name_not_chosen() {
    let h = buys().await;
    let buy = h.announce(None).await;
    let items = h.items(buy).await;
    h.join(RES, "3号楼", "2单元301", &[(items[0], 1)], buy).await;
    h.join(RES5, "5号楼", "502", &[(items[1], 2)], buy).await;
    h.clock.advance(Duration::seconds(4));
    h.run_due_jobs().await;
    let text = h.group_text(G3).await;
    assert!(text.contains("1. 3号楼 2单元 蔬菜套餐×1"), "{text}");
    assert!(text.contains("2. 5号楼 鸡蛋×2"), "a room without a unit shows the building only: {text}");
    for secret in ["301", "502", PHONE, "王芳", "赵磊"] {
        assert!(!text.contains(secret), "{secret} in the group: {text}");
    }
}

#[tokio::test]
async fn below_the_minimum_at_the_deadline_the_buy_is_called_off_and_everyone_told() {
    let h = buys().await;
    let buy = h.announce(None).await;
    let items = h.items(buy).await;
    h.join(RES_EN, "3号楼", "1单元101", &[(items[0], 1)], buy).await;
    h.send_outbox().await;
    h.clock.set(utc("2026-11-29T10:00:00Z"));
    h.run_due_jobs().await;
    assert_eq!(h.buy(buy).await.status, BuyStatus::CalledOff);
    let told = h.world.queued_texts(RES_EN).await;
    assert_eq!(told.len(), 1);
    assert!(told[0].0.contains("is called off"), "{}", told[0].0);
    let leader = h.world.queued_texts(OFFICIAL).await;
    assert!(leader.iter().any(|(t, _)| t.contains("未达到成团条件")), "{leader:?}");
    let last = edits(&h, G3).await.pop().expect("the tally shows the outcome");
    assert!(last.1.contains(&trf(ZH, "groupbuy.tally.called_off", &[("at", "18:00")])), "{}", last.1);
    assert!(!last.2, "no join button once it is over");
    // Joining is refused now.
    let mut bot = h.bot(text(RES, ZH, &format!("/start gb_{buy}")));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "groupbuy.join.called_off", &[("id", &buy.to_string())]));
}

#[tokio::test]
async fn at_the_minimum_it_closes_the_households_are_told_what_they_get_and_the_leader_gets_the_supplier_order() {
    let h = buys().await;
    let buy = h.announce(None).await;
    let items = h.items(buy).await;
    h.join(RES, "3号楼", "2单元301", &[(items[0], 2), (items[1], 1)], buy).await;
    h.join(RES5, "5号楼", "502", &[(items[1], 3)], buy).await;
    h.clock.set(utc("2026-11-29T10:00:00Z"));
    h.run_due_jobs().await;
    assert_eq!(h.buy(buy).await.status, BuyStatus::Closed);
    let told = h.world.queued_texts(RES).await;
    assert!(told[0].0.contains("蔬菜套餐×2，鸡蛋×1") && told[0].0.contains("¥131.00"), "{}", told[0].0);
    let leader: Vec<String> = h.world.queued_texts(OFFICIAL).await.into_iter().map(|(t, _)| t).collect();
    assert!(leader.iter().any(|t| t.contains("2 户，共 6 份")), "{leader:?}");
    assert!(leader.iter().any(|t| t.contains("鸡蛋") && t.contains('4')), "supplier totals: {leader:?}");
    // The household follows it to the door in /groupbuys.
    let mut bot = h.bot(text(RES, ZH, "/groupbuys"));
    bot.dispatch().await;
    let step = tr(ZH, "groupbuy.list.step_ordered");
    let line =
        trf(ZH, "groupbuy.list.coming_line", &[("id", &buy.to_string()), ("title", "蔬菜套餐"), ("step", &step)]);
    assert!(last_text(&bot).contains(&line), "{}", last_text(&bot));
}
