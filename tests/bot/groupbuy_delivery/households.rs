//! The leader's list of households: pick-up ticks once the goods are here, payments in
//! cash or by transfer with their totals, each with its undo, a page at a time in slip
//! order.

use super::*;

#[tokio::test]
async fn pick_up_households_are_ticked_and_unticked_once_the_goods_are_here() {
    let s = buys().await;
    let buy = s.closed_buy(Delivery::Pickup).await;
    let (j1, j2) = (s.join_of(buy, R1).await, s.join_of(buy, R2).await);
    let mut bot = s.bot(tap(LEADER, "zh", Cb::PickedUp { join: j1, page: 0 }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_delivery.list.not_arrived")), "not before the goods are here");

    press(&mut bot, LEADER, "zh", Cb::Arrived(buy)).await;
    let pickup_at = s.app.now() + Duration::hours(26);
    let tz = s.app.settings.timezone;
    let at = |lang| linli::i18n::dates::at(lang, pickup_at, s.app.now(), tz);
    let en = trf(
        EN,
        "groupbuy_delivery.arrived.pickup",
        &[("id", &buy.to_string()), ("title", "蔬菜套餐"), ("place", "东门广场"), ("at", &at(Lang::En))],
    );
    assert_eq!(s.world.queued_texts(R2).await[0].0, en);
    let zh = trf(
        ZH,
        "groupbuy_delivery.arrived.pickup",
        &[("id", &buy.to_string()), ("title", "蔬菜套餐"), ("place", "东门广场"), ("at", &at(Lang::ZhCn))],
    );
    assert_eq!(s.world.queued_texts(R1).await[0].0, zh);

    press(&mut bot, LEADER, "zh", Cb::Households { buy, page: 0 }).await;
    let (list, buttons) = shown(&bot);
    // Building, then unit and room: 3号楼 1单元101, 3号楼 2单元301, 5号楼 1-1201.
    let waiting = tr(ZH, "groupbuy_delivery.list.stage.waiting_pickup");
    let unpaid = tr(ZH, "groupbuy_delivery.list.unpaid");
    let first = trf(
        ZH,
        "groupbuy_delivery.list.line",
        &[
            ("n", "1"),
            ("building", "3号楼"),
            ("unit_room", "1单元101"),
            ("items", "蔬菜箱×1，鸡蛋×1"),
            ("due", "¥88.00"),
            ("stage", &waiting),
            ("paid", &unpaid),
        ],
    );
    assert!(list.contains(&first), "{list}");
    assert!(list.contains("2. 3号楼 2单元301 · 蔬菜箱×2 · ¥116.00") && list.contains("3. 5号楼 1-1201"), "{list}");
    assert!(
        buttons.contains(&Cb::PickedUp { join: j2, page: 0 }) && buttons.contains(&Cb::PickedUp { join: j1, page: 0 })
    );

    press(&mut bot, LEADER, "zh", Cb::PickedUp { join: j1, page: 0 }).await;
    assert_eq!(s.state(j1).await.0, "picked_up");
    let (list, buttons) = shown(&bot);
    assert!(
        list.contains(&format!(
            "2. 3号楼 2单元301 · 蔬菜箱×2 · ¥116.00 · {}",
            tr(ZH, "groupbuy_delivery.list.stage.picked_up")
        )),
        "{list}"
    );
    assert!(buttons.contains(&Cb::UndoPickedUp { join: j1, page: 0 }));
    press(&mut bot, LEADER, "zh", Cb::PickedUp { join: j1, page: 0 }).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_delivery.list.already")), "a double tap");

    press(&mut bot, LEADER, "zh", Cb::UndoPickedUp { join: j1, page: 0 }).await;
    assert_eq!(s.state(j1).await.0, "waiting");
    press(&mut bot, LEADER, "zh", Cb::UndoPickedUp { join: j1, page: 0 }).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_delivery.list.already")));

    press(&mut bot, LEADER, "zh", Cb::PickedUp { join: j2, page: 0 }).await;
    press(&mut bot, LEADER, "zh", Cb::Manage(buy)).await;
    let counts =
        trf(ZH, "groupbuy_delivery.manage.pickup_counts", &[("households", "3"), ("picked_up", "1"), ("waiting", "2")]);
    assert!(shown(&bot).0.contains(&counts), "{}", shown(&bot).0);
}

#[tokio::test]
async fn payments_are_ticked_cash_or_transfer_and_undone_with_their_totals() {
    let s = buys().await;
    let buy = s.closed_buy(Delivery::Door).await;
    let (j1, j2, j3) = (s.join_of(buy, R1).await, s.join_of(buy, R2).await, s.join_of(buy, R3).await);
    let mut bot = s.bot(tap(LEADER, "zh", Cb::Households { buy, page: 0 }));
    bot.dispatch().await;
    let (_, buttons) = shown(&bot);
    for join in [j1, j2, j3] {
        for how in Payment::ALL {
            assert!(buttons.contains(&Cb::Paid { join, how, page: 0 }), "{join} {how:?}");
        }
    }
    assert!(!buttons.iter().any(|b| matches!(b, Cb::PickedUp { .. })), "no pick-up ticks for a door buy");

    press(&mut bot, LEADER, "zh", Cb::Paid { join: j1, how: Payment::Cash, page: 0 }).await;
    press(&mut bot, LEADER, "zh", Cb::Paid { join: j2, how: Payment::Transfer, page: 0 }).await;
    let (list, buttons) = shown(&bot);
    assert!(list.starts_with(&paid_line(ZH, "2", "1", "1", "¥204.00")), "{list}");
    assert!(
        list.contains(&format!(
            "¥116.00 · {} · {}",
            tr(ZH, "groupbuy_delivery.list.stage.waiting_door"),
            tr(ZH, "groupbuy_delivery.list.cash")
        )),
        "{list}"
    );
    assert!(
        buttons.contains(&Cb::UndoPaid { join: j1, page: 0 }) && buttons.contains(&Cb::UndoPaid { join: j2, page: 0 })
    );
    assert_eq!(s.state(j2).await.1.as_deref(), Some("transfer"));

    // From an older copy of the list: already recorded, not changed.
    press(&mut bot, LEADER, "zh", Cb::Paid { join: j1, how: Payment::Transfer, page: 0 }).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_delivery.list.already")));
    assert_eq!(s.state(j1).await.1.as_deref(), Some("cash"));

    press(&mut bot, LEADER, "zh", Cb::UndoPaid { join: j1, page: 0 }).await;
    assert_eq!(s.state(j1).await.1, None);
    press(&mut bot, LEADER, "zh", Cb::Manage(buy)).await;
    assert!(shown(&bot).0.contains(&paid_line(ZH, "1", "0", "1", "¥88.00")), "{}", shown(&bot).0);

    sqlx::query("UPDATE users SET lang = 'en' WHERE id = ?").bind(LEADER as i64).execute(s.world.pool()).await.unwrap();
    press(&mut bot, LEADER, "en", Cb::Paid { join: j3, how: Payment::Cash, page: 0 }).await;
    assert!(shown(&bot).0.starts_with(&paid_line(EN, "2", "1", "1", "¥118.00")), "{}", shown(&bot).0);
}

#[tokio::test]
async fn the_household_list_is_paged_in_slip_order() {
    let s = buys().await;
    let now = s.app.now();
    let mut conn = s.world.pool().acquire().await.unwrap();
    let (buy, items) = s.announce(&mut conn, Delivery::Door, &[("鸡蛋", 3000)]).await;
    let eggs = items[0];
    for room in [10, 3, 9, 1, 7, 2, 8, 4, 6, 5] {
        s.join(&mut conn, buy, 9000 + room, s.b3, &format!("2单元{room}"), &[(eggs, 1)]).await;
    }
    assert!(buys::finish(&mut conn, now, buy, BuyStatus::Closed).await.unwrap());
    drop(conn);

    let mut bot = s.bot(tap(LEADER, "zh", Cb::Households { buy, page: 0 }));
    bot.dispatch().await;
    let (first, buttons) = shown(&bot);
    assert!(first.contains("1. 3号楼 2单元1 ·") && first.contains("8. 3号楼 2单元8 ·"), "{first}");
    assert!(!first.contains("2单元9 ") && !first.contains("2单元10 "), "{first}");
    assert!(buttons.contains(&Cb::Households { buy, page: 1 }));
    press(&mut bot, LEADER, "zh", Cb::Households { buy, page: 1 }).await;
    let (second, buttons) = shown(&bot);
    assert!(second.contains("9. 3号楼 2单元9 ·") && second.contains("10. 3号楼 2单元10 ·"), "{second}");
    assert!(!second.contains("2单元8 "), "{second}");
    assert!(buttons.contains(&Cb::Households { buy, page: 0 }) && buttons.contains(&Cb::Manage(buy)));
}
