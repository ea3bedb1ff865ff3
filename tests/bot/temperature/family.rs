//! `/family`: adding (a typed name, checked), listing and removing (with a confirmation)
//! household members; `/temp` and `/family` in a group get the private-chat button and
//! never show health data.

use teloxide_tests::{MockGroupChat, MockMessageText};

use super::*;

#[tokio::test]
async fn family_members_are_added_by_name_listed_and_removed_after_a_confirmation() {
    let w = ward().await;
    let mut bot = w.bot(text(HOME_ZH, "zh", "/family"));
    bot.dispatch().await;
    assert_eq!(
        last_text(&bot),
        format!("{}\n{}", tr(ZH, "temperature.family.title"), tr(ZH, "temperature.family.none"))
    );
    assert_eq!(buttons(&bot), vec![Cb::AddMember]);
    bot.update(tap(HOME_ZH, "zh", Cb::AddMember));
    bot.dispatch().await;
    let ask = trf(ZH, "temperature.family.ask_name", &[("max", "20")]);
    assert_eq!(last_text(&bot), ask);
    bot.update(text(HOME_ZH, "zh", &"长".repeat(21)));
    bot.dispatch().await;
    assert_eq!(texts(&bot), vec![trf(ZH, "people.invalid.too_long", &[("max", "20")]), ask.clone()]);
    bot.update(text(HOME_ZH, "zh", "  王小明 "));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "temperature.family.added", &[("name", "王小明")]));
    // The housemate sees the same household.
    bot.update(text(HOME_EN, "en", "/family"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), format!("{}\n· 王小明", tr(EN, "temperature.family.title")));
    let remove = buttons(&bot)[0];
    let Cb::RemoveMember(id) = remove else { panic!("{remove:?}") };
    // Next door cannot remove them.
    bot.update(tap(NEIGHBOUR, "zh", Cb::ConfirmRemove(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    bot.update(tap(HOME_EN, "en", remove));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(EN, "temperature.family.confirm_remove", &[("name", "王小明")]));
    bot.update(tap(HOME_EN, "en", Cb::ConfirmRemove(id)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(EN, "temperature.family.removed", &[("name", "王小明")]));
    bot.update(tap(HOME_EN, "en", Cb::ConfirmRemove(id)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "common.stale_button")), "a second tap removes nothing");
    let mut conn = w.world.pool().acquire().await.unwrap();
    let b3 = w.world.building(w.dihu, "3号楼").await;
    let household = store::Household { community_id: w.dihu, building_id: b3, key: "2单元301".into() };
    assert!(store::members_of(&mut conn, &household).await.unwrap().is_empty());
}

#[tokio::test]
async fn temp_and_family_in_a_group_get_the_private_chat_button_and_no_health_data() {
    let w = ward().await;
    w.clock.set(at("08:30"));
    let group = |user: u64, text: &str| {
        MockMessageText::new().text(text).from(user_of(user)).chat(MockGroupChat::new().id(-100_777).build())
    };
    let mut bot = w.bot(group(HOME_ZH, "/temp"));
    bot.dispatch().await;
    for command in ["/temp", "/family", "/temp@test_bot", "/family@test_bot"] {
        bot.update(group(HOME_ZH, command));
        bot.dispatch().await;
        assert_eq!(texts(&bot), vec![tr(ZH, "people.group.go_private")], "{command}");
    }
    // A quick button tapped in a group does nothing.
    let message =
        MockMessageText::new().text("x").from(user_of(HOME_ZH)).chat(MockGroupChat::new().id(-100_777).build());
    let q = teloxide_tests::MockCallbackQuery::new()
        .data(linli::bot::CallbackData::encode(&quick(Slot::Morning, 380)))
        .from(user_of(HOME_ZH))
        .message(message.build());
    bot.update(q);
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert!(w.reports("morning").await.is_empty());
    assert!(w.queued(OFFICIAL).await.is_empty());
}

fn user_of(id: u64) -> teloxide::types::User {
    crate::user(id, "zh")
}
