//! "Delete all my data" and errands: a requester's errands under way are cancelled (the
//! claimer told not to go), a volunteer's claimed ones reopen (urgent ones paged again),
//! history stays under the anonymous id with the note cleared.

use linli::bot::slice::Erasing;

use super::*;

async fn erase(e: &Errands, user: u64, anonymous_id: i64) -> usize {
    let mut conn = e.world.pool().acquire().await.unwrap();
    let who = Erasing { user_id: user as i64, anonymous_id, now: e.app.now() };
    (linli::health::errands::SLICE.erase.unwrap())(&mut conn, &e.app, who).await.unwrap().len()
}

#[tokio::test]
async fn erasing_a_volunteer_reopens_their_errands_and_erasing_a_resident_cancels_theirs() {
    let e = errands().await;
    let medicine = e.ask(RES, Kind::Medicine, Some("布洛芬")).await;
    let urgent = e.ask(RES5, Kind::Medical, None).await;
    let mut bot = e.bot(tap(VOL1, "zh", Cb::ClaimErrand(medicine)));
    bot.dispatch().await;
    bot.update(tap(VOL1, "zh", Cb::ClaimErrand(urgent)));
    bot.dispatch().await;
    let pages_before = e.queued(OFFICIAL).await.len();

    assert_eq!(erase(&e, VOL1, -1).await, 2, "the officials hear of both");
    assert_eq!(e.errand(medicine).await, ("open".to_owned(), None, "布洛芬".to_owned()));
    assert_eq!(e.errand(urgent).await.0, "open");
    assert_eq!(e.queued(OFFICIAL).await.len(), pages_before + 1, "the urgent one is paged again at once");

    bot.update(tap(VOL2, "zh", Cb::ClaimErrand(medicine)));
    bot.dispatch().await;
    assert_eq!(erase(&e, RES, -2).await, 1);
    let (status, requester, note): (String, i64, String) =
        sqlx::query_as("SELECT status, requester, note FROM errands WHERE id = ?")
            .bind(medicine)
            .fetch_one(e.world.pool())
            .await
            .unwrap();
    assert_eq!((status.as_str(), requester, note.as_str()), ("cancelled", -2, ""));
    let told = e.queued(VOL2).await.pop().unwrap().0;
    assert_eq!(told, trf(ZH, "errands.erase.dont_go", &[("id", &medicine.to_string()), ("kind", "买药")]));
}
