//! Nobody but the buy's leader and its community's officials manages its delivery, no
//! volunteer of another community takes its buildings, and forged or stale buttons do
//! nothing.

use super::*;

#[tokio::test]
async fn residents_other_communities_and_forged_buttons_are_refused() {
    let s = buys().await;
    let buy = s.closed_buy(Delivery::Door).await;
    let j1 = s.join_of(buy, R1).await;
    let not_yours = tr(ZH, "groupbuy_delivery.not_yours");
    let mut bot = s.bot(tap(R1, "zh", Cb::Manage(buy)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(not_yours.clone()), "a resident");
    for cb in [Cb::Arrived(buy), Cb::Households { buy, page: 0 }, Cb::Paid { join: j1, how: Payment::Cash, page: 0 }] {
        press(&mut bot, R1, "zh", cb).await;
        assert_eq!(alert(&bot), Some(not_yours.clone()), "a resident: {cb:?}");
        press(&mut bot, XUEFU_OFFICIAL, "zh", cb).await;
        assert_eq!(alert(&bot), Some(not_yours.clone()), "another community's official: {cb:?}");
        press(&mut bot, V1, "zh", cb).await;
        assert_eq!(alert(&bot), Some(not_yours.clone()), "a volunteer who does not lead it: {cb:?}");
    }
    assert_eq!(s.arrived_at(buy).await, None);
    assert_eq!(s.state(j1).await, ("waiting".to_owned(), None, None));

    // The community's official may, though not its leader.
    press(&mut bot, OFFICIAL, "zh", Cb::Arrived(buy)).await;
    assert!(s.arrived_at(buy).await.is_some());
    // A volunteer of another community cannot take a building of this one, nor a
    // resident, nor a forged join.
    press(&mut bot, XUEFU_VOLUNTEER, "zh", Cb::TakeBuilding { buy, building: s.b3 }).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_delivery.door.taken")));
    press(&mut bot, R1, "zh", Cb::TakeBuilding { buy, building: s.b3 }).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "shifts.refused.not_approved")));
    assert_eq!(s.state(j1).await.0, "waiting");
    press(&mut bot, LEADER, "zh", Cb::Paid { join: 999_999, how: Payment::Cash, page: 0 }).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    press(&mut bot, LEADER, "zh", Cb::Manage(999_999)).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));

    // A buy still open has nothing to deliver.
    let mut conn = s.world.pool().acquire().await.unwrap();
    sqlx::query("UPDATE group_buys SET status = 'open', arrived_at = NULL WHERE id = ?")
        .bind(buy)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    press(&mut bot, LEADER, "zh", Cb::Arrived(buy)).await;
    assert_eq!(alert(&bot), Some(trf(ZH, "groupbuy_delivery.not_closed", &[("id", &buy.to_string())])));
    assert_eq!(s.arrived_at(buy).await, None);
}
