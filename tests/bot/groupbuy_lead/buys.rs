//! `/buys` itself: cancelling (asked, once, joiners told, the group's message updated),
//! taps from people who neither lead the buy nor run its community, pages.

use super::*;

#[tokio::test]
async fn cancelling_asks_first_tells_every_joiner_once_and_the_group_sees_it() {
    let b = buys().await;
    let buy = b.announce(LEADER, "周末蔬菜", 10).await;
    b.join_all(buy).await;
    b.run_jobs().await;

    let mut bot = b.bot(tap(LEADER, "zh", Cb::Buy(buy)));
    bot.dispatch().await;
    let (text, buttons) = shown(&bot);
    let open = trf(ZH, "groupbuy_lead.status.open", &[("households", "5"), ("units", "8"), ("left", "2 小时 0 分")]);
    assert!(text.contains(&open), "{text}");
    let veg = [("name", "蔬菜套餐"), ("price", "¥58.00"), ("unit", "份"), ("total", "5")];
    assert!(text.contains(&trf(ZH, "groupbuy.tally.item", &veg)), "each item with its units so far: {text}");
    assert_eq!(buttons, [Cb::Cancel(buy), Cb::Page(0)]);

    bot.update(tap(LEADER, "zh", Cb::Cancel(buy)));
    bot.dispatch().await;
    let (text, buttons) = shown(&bot);
    let id = buy.to_string();
    assert_eq!(text, trf(ZH, "groupbuy_lead.cancel.ask", &[("id", &id), ("title", "周末蔬菜"), ("households", "5")]));
    assert_eq!(buttons, [Cb::ConfirmCancel(buy), Cb::Buy(buy)]);
    assert_eq!(b.status(buy).await, BuyStatus::Open, "asking changes nothing");

    bot.update(tap(LEADER, "zh", Cb::ConfirmCancel(buy)));
    bot.dispatch().await;
    assert_eq!(b.status(buy).await, BuyStatus::Cancelled);
    let (text, buttons) = shown(&bot);
    assert!(text.starts_with(&trf(ZH, "groupbuy_lead.cancel.done", &[("id", &id), ("households", "5")])), "{text}");
    assert_eq!(buttons, [Cb::Page(0)], "nothing more to do with it");
    for (user, _, _, _, lang) in HOUSEHOLDS {
        let told = trf(lang.code(), "groupbuy_lead.cancel.joiner", &[("id", &id), ("title", "周末蔬菜")]);
        assert_eq!(b.world.queued_texts(user).await.into_iter().map(|(t, _)| t).collect::<Vec<_>>(), [told]);
    }

    // A second tap: refused, and nobody is told twice.
    bot.update(tap(LEADER, "zh", Cb::ConfirmCancel(buy)));
    bot.dispatch().await;
    let cancelled = tr(ZH, "groupbuy_lead.status.cancelled");
    assert_eq!(alert(&bot), Some(trf(ZH, "groupbuy_lead.cancel.not_open", &[("id", &id), ("status", &cancelled)])));
    assert_eq!(b.world.queued_texts(HOUSEHOLDS[0].0).await.len(), 1);

    // The group's message shows the cancellation at once, without the join button.
    b.run_jobs().await;
    let (post, keyboard) = b.world.queued_texts(GROUP as u64).await.pop().unwrap();
    assert!(post.contains(&tr(ZH, "groupbuy.tally.cancelled")), "{post}");
    assert!(keyboard.is_none_or(|k| k.inline_keyboard.is_empty()), "no join button");

    // The deadline comes and goes: nothing more happens.
    b.past_the_deadline().await;
    assert_eq!(b.status(buy).await, BuyStatus::Cancelled);
    assert_eq!(b.world.queued_texts(HOUSEHOLDS[0].0).await.len(), 1);
}

#[tokio::test]
async fn someone_who_neither_leads_the_buy_nor_runs_its_community_is_refused() {
    let b = buys().await;
    let buy = b.announce(VOLUNTEER_LEADER, "鸡蛋", 1).await;
    b.join_all(buy).await;
    let mut bot = b.bot(text(STRANGER, "zh", "/help"));
    bot.dispatch().await;
    for (who, cb) in [
        (STRANGER, Cb::Buy(buy)),
        (STRANGER, Cb::Cancel(buy)),
        (STRANGER, Cb::ConfirmCancel(buy)),
        (XUEFU_OFFICIAL, Cb::ConfirmCancel(buy)),
        (XUEFU_OFFICIAL, Cb::Slips { buy, phones: true }),
    ] {
        bot.update(tap(who, "zh", cb));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(ZH, "groupbuy_lead.not_yours")), "{who} {cb:?}");
    }
    assert_eq!(b.status(buy).await, BuyStatus::Open);
    assert!(b.all_text(HOUSEHOLDS[0].0).await.is_empty());

    // /buys shows a stranger nothing of it; the volunteer who leads it and the
    // community's official see it.
    bot.update(text(STRANGER, "zh", "/buys"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&tr(ZH, "groupbuy_lead.list.none")));
    assert!(last_buttons::<Cb>(&bot).is_empty());
    for who in [VOLUNTEER_LEADER, LEADER] {
        bot.update(text(who, "zh", "/buys"));
        bot.dispatch().await;
        assert_eq!(last_buttons::<Cb>(&bot), [Cb::Buy(buy)], "{who}");
    }
    // The volunteer may cancel the buy they lead.
    bot.update(tap(VOLUNTEER_LEADER, "zh", Cb::ConfirmCancel(buy)));
    bot.dispatch().await;
    assert_eq!(b.status(buy).await, BuyStatus::Cancelled);
}

#[tokio::test]
async fn a_long_list_of_buys_is_paged_newest_first() {
    let b = buys().await;
    let mut ids = Vec::new();
    for n in 0..10 {
        ids.push(b.announce(LEADER, &format!("第{n}批"), 1).await);
    }
    let mut bot = b.bot(text(LEADER, "zh", "/buys"));
    bot.dispatch().await;
    let first: Vec<Cb> = ids.iter().rev().take(8).map(|id| Cb::Buy(*id)).chain([Cb::Page(1)]).collect();
    assert_eq!(last_buttons::<Cb>(&bot), first);
    bot.update(tap(LEADER, "zh", Cb::Page(1)));
    bot.dispatch().await;
    let (_, buttons) = shown(&bot);
    assert_eq!(buttons, [Cb::Buy(ids[1]), Cb::Buy(ids[0]), Cb::Page(0)]);
}
