//! Claiming: two volunteers at once (exactly one wins), the address, name, phone and note
//! only for the claimer, done → the resident confirms or says not done.

use super::*;

#[tokio::test]
async fn two_volunteers_racing_for_one_errand_exactly_one_wins() {
    let e = errands().await;
    for round in 0..5 {
        let id = e.ask(RES, Kind::Medicine, Some("退烧药")).await;
        let mut tasks = Vec::new();
        for volunteer in [VOL1, VOL2] {
            let pool = e.world.pool().clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
                let won =
                    linli::health::errands::store::claim(&mut tx, Utc::now(), id, volunteer as i64).await.unwrap();
                tx.commit().await.unwrap();
                won
            }));
        }
        let mut won = 0;
        for t in tasks {
            won += usize::from(t.await.unwrap());
        }
        assert_eq!(won, 1, "round {round}: exactly one claim wins");
        let (status, claimer, _) = e.errand(id).await;
        assert_eq!(status, "claimed");
        assert!(claimer == Some(VOL1 as i64) || claimer == Some(VOL2 as i64));
    }

    // Through the bot: the second is told politely and sees the list again.
    let id = e.ask(RES, Kind::Other, None).await;
    let mut bot = e.bot(tap(VOL1, "zh", Cb::ClaimErrand(id)));
    bot.dispatch().await;
    bot.update(tap(VOL2, "zh", Cb::ClaimErrand(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "errands.board.taken")));
    let list = last_text(&bot);
    // The list again (its "mine" part depends on who won the races above): nothing left to
    // claim, and not the errand VOL1 took.
    assert!(list.ends_with(&tr(ZH, "errands.board.empty")) && !list.contains(&format!("#{id}")), "{list}");
    assert_eq!(e.errand(id).await.1, Some(VOL1 as i64));
    // A volunteer of another community cannot claim it.
    drop(bot); // one mock bot at a time
    let other = e.ask(RES5, Kind::Garbage, None).await;
    let mut bot = e.bot(tap(XUEFU_VOL, "zh", Cb::ClaimErrand(other)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "errands.board.not_yours")));
    assert_eq!(e.errand(other).await.0, "open");
}

#[tokio::test]
async fn the_address_phone_name_and_note_go_only_to_the_claimer() {
    let e = errands().await;
    let id = e.ask(RES, Kind::Medicine, Some("布洛芬一盒")).await;
    let (name,): (String,) = sqlx::query_as("SELECT display_name FROM users WHERE id = ?")
        .bind(RES as i64)
        .fetch_one(e.world.pool())
        .await
        .unwrap();
    let private = ["2单元301", PHONE, name.as_str(), "布洛芬"];
    let mut bot = e.bot(text(VOL1, "zh", "/errands"));
    bot.dispatch().await;
    let list = last_text(&bot);
    assert!(list.contains("【3号楼】") && list.contains("买药"), "{list}");
    for secret in private {
        assert!(!list.contains(secret), "the list shows no {secret}: {list}");
    }
    assert!(buttons(&bot).contains(&Cb::ClaimErrand(id)));
    // The officials, who run the community, see the unit/room.
    bot.update(text(OFFICIAL, "zh", "/errands"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("3号楼 2单元301"), "{}", last_text(&bot));

    bot.update(tap(VOL1, "zh", Cb::ClaimErrand(id)));
    bot.dispatch().await;
    let details = last_text(&bot);
    for secret in private {
        assert!(details.contains(secret), "the claimer gets {secret}: {details}");
    }
    assert_eq!(buttons(&bot), vec![Cb::ErrandDone(id)]);
    // The resident is told who is coming.
    let coming = e.queued(RES).await;
    assert_eq!(
        coming.last().unwrap().0,
        trf(ZH, "errands.coming", &[("id", &id.to_string()), ("kind", "买药"), ("name", "User7101")])
    );
    // Another volunteer: not in the list any more, and a forged claim shows nothing.
    bot.update(text(VOL2, "zh", "/errands"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "errands.board.empty"));
    bot.update(tap(VOL2, "zh", Cb::ClaimErrand(id)));
    bot.dispatch().await;
    for sent in texts(&bot) {
        for secret in private {
            assert!(!sent.contains(secret), "VOL2 never sees {secret}: {sent}");
        }
    }
    // The claimer keeps it at the top of /errands, with the address.
    bot.update(text(VOL1, "zh", "/errands"));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&tr(ZH, "errands.board.mine_header")));
    assert!(last_text(&bot).contains("3号楼 2单元301"));
    // Nothing of an errand is queued for any group chat, and no other volunteer got the address.
    let (in_groups,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM outbox WHERE chat_id < 0").fetch_one(e.world.pool()).await.unwrap();
    assert_eq!(in_groups, 0);
    let (leaked,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM outbox WHERE chat_id <> ? AND message LIKE '%2单元301%'")
            .bind(RES as i64)
            .fetch_one(e.world.pool())
            .await
            .unwrap();
    assert_eq!(leaked, 0, "the address was queued for nobody but the household");
}

#[tokio::test]
async fn done_then_the_resident_says_not_done_and_later_confirms() {
    let e = errands().await;
    let id = e.ask(RES, Kind::Garbage, Some("两袋")).await;
    let mut bot = e.bot(tap(VOL1, "zh", Cb::ClaimErrand(id)));
    bot.dispatch().await;
    // Only the claimer can mark it done.
    bot.update(tap(VOL2, "zh", Cb::ErrandDone(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    bot.update(tap(VOL1, "zh", Cb::ErrandDone(id)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "errands.board.marked_done", &[("id", &id.to_string())]));
    let (ask, answers) = e.queued(RES).await.pop().unwrap();
    assert!(ask.contains(&format!("#{id}")), "{ask}");
    assert_eq!(answers, vec![Cb::Thanks(id), Cb::NotDone(id)]);

    bot.update(tap(RES, "zh", Cb::NotDone(id)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "errands.mine.reopened", &[("id", &id.to_string())]));
    assert_eq!(e.errand(id).await.0, "open");
    assert!(e
        .queued(VOL1)
        .await
        .iter()
        .any(|(t, _)| t == &trf(ZH, "errands.board.reopened", &[("id", &id.to_string()), ("kind", "倒垃圾")])));
    // The old answer buttons no longer act.
    bot.update(tap(RES, "zh", Cb::Thanks(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));

    bot.update(tap(VOL2, "zh", Cb::ClaimErrand(id)));
    bot.dispatch().await;
    bot.update(tap(VOL2, "zh", Cb::ErrandDone(id)));
    bot.dispatch().await;
    // Someone else cannot answer for the resident.
    bot.update(tap(RES_EN, "en", Cb::Thanks(id)));
    bot.dispatch().await;
    assert_eq!(e.errand(id).await.0, "done");
    bot.update(tap(RES, "zh", Cb::Thanks(id)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "errands.mine.confirmed", &[("id", &id.to_string())]));
    assert_eq!(e.errand(id).await.0, "confirmed");
    assert!(e
        .queued(VOL2)
        .await
        .iter()
        .any(|(t, _)| t == &trf(ZH, "errands.board.thanked", &[("id", &id.to_string()), ("kind", "倒垃圾")])));
    bot.update(text(RES, "zh", "/myerrands"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "errands.mine.none"));
}
