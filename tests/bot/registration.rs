//! Resident registration, in both languages, with every kind of bad answer.

use linli::people::buttons::Cb;
use teloxide_tests::{MockMessageContact, MockMessagePhoto, MockMessageSticker};

use crate::*;

const RESIDENT: u64 = 1001;

async fn resident_row(world: &World, id: u64) -> Option<(i64, String, i64, Option<String>)> {
    sqlx::query_as("SELECT building_id, unit_room, household_size, phone FROM residents WHERE user_id = ?")
        .bind(id as i64)
        .fetch_optional(world.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn resident_registers_in_chinese_with_every_bad_answer_re_asked() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let b3 = world.building(dihu, "3号楼").await;
    let mut bot = world.bot(text(RESIDENT, "zh-hans", "/register"));

    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.reg.ask_community"));

    // A typed answer where a button is expected is re-asked with the list.
    bot.update(text(RESIDENT, "zh-hans", "帝湖"));
    bot.dispatch().await;
    assert_eq!(texts(&bot), vec![tr(ZH, "common.use_buttons"), tr(ZH, "people.reg.ask_community")]);

    bot.update(tap(RESIDENT, "zh-hans", Cb::PickCommunity(dihu)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.reg.ask_building"));

    bot.update(tap(RESIDENT, "zh-hans", Cb::PickBuilding(b3)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.reg.ask_unit_room"));

    // Empty, too long, a sticker, a photo: each gets its reason and the same question.
    for (answer, reason) in [
        ("   ", tr(ZH, "people.invalid.empty")),
        (&"室".repeat(40) as &str, trf(ZH, "people.invalid.too_long", &[("max", "32")])),
    ] {
        bot.update(text(RESIDENT, "zh-hans", answer));
        bot.dispatch().await;
        assert_eq!(texts(&bot), vec![reason, tr(ZH, "people.reg.ask_unit_room")], "{answer:?}");
    }
    bot.update(
        MockMessageSticker::new()
            .from(user(RESIDENT, "zh-hans"))
            .chat(teloxide_tests::MockPrivateChat::new().id(RESIDENT as i64).build()),
    );
    bot.dispatch().await;
    assert_eq!(texts(&bot), vec![tr(ZH, "people.invalid.not_text"), tr(ZH, "people.reg.ask_unit_room")]);

    bot.update(text(RESIDENT, "zh-hans", "2单元301"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.reg.ask_household"));

    for (answer, reason) in [
        ("0", trf(ZH, "people.invalid.out_of_range", &[("min", "1"), ("max", "20")])),
        ("-1", trf(ZH, "people.invalid.out_of_range", &[("min", "1"), ("max", "20")])),
        ("1000000", trf(ZH, "people.invalid.out_of_range", &[("min", "1"), ("max", "20")])),
        ("three", tr(ZH, "people.invalid.not_a_number")),
        ("🙂", tr(ZH, "people.invalid.not_a_number")),
    ] {
        bot.update(text(RESIDENT, "zh-hans", answer));
        bot.dispatch().await;
        assert_eq!(texts(&bot), vec![reason, tr(ZH, "people.reg.ask_household")], "{answer:?}");
    }
    bot.update(
        MockMessagePhoto::new()
            .from(user(RESIDENT, "zh-hans"))
            .chat(teloxide_tests::MockPrivateChat::new().id(RESIDENT as i64).build()),
    );
    bot.dispatch().await;
    assert_eq!(texts(&bot), vec![tr(ZH, "people.invalid.not_text"), tr(ZH, "people.reg.ask_household")]);

    bot.update(text(RESIDENT, "zh-hans", "３"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.reg.ask_phone"));
    let keyboard = bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup.clone();
    assert!(format!("{keyboard:?}").contains("Contact"), "the phone step offers the share-contact button");

    // Someone else's contact card is refused; the resident's own is taken.
    let contact = |owner: u64| {
        MockMessageContact::new()
            .phone_number("13800138000")
            .user_id(teloxide::types::UserId(owner))
            .from(user(RESIDENT, "zh-hans"))
            .chat(teloxide_tests::MockPrivateChat::new().id(RESIDENT as i64).build())
    };
    bot.update(contact(4242));
    bot.dispatch().await;
    assert_eq!(texts(&bot), vec![tr(ZH, "people.reg.not_own_contact"), tr(ZH, "people.reg.ask_phone")]);
    bot.update(contact(RESIDENT));
    bot.dispatch().await;
    let summary = last_text(&bot);
    assert!(summary.contains("帝湖社区") && summary.contains("3号楼") && summary.contains("2单元301"), "{summary}");
    assert!(summary.contains("138****8000"), "phone is masked in the summary: {summary}");
    assert!(resident_row(&world, RESIDENT).await.is_none(), "nothing is stored before confirming");

    bot.update(tap(RESIDENT, "zh-hans", Cb::Confirm));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&tr(ZH, "people.reg.done")));
    assert_eq!(resident_row(&world, RESIDENT).await, Some((b3, "2单元301".into(), 3, Some("13800138000".into()))));
    let menus = bot.get_responses().set_my_commands;
    let menu = &menus.last().unwrap().commands;
    assert!(menu.iter().all(|c| c.command != "register"), "a resident's menu no longer offers /register");

    // A second tap on the same confirm button acts no more.
    bot.update(tap(RESIDENT, "zh-hans", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM residents").fetch_one(world.pool()).await.unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn resident_registers_in_english_skipping_the_phone() {
    let world = World::new().await;
    let xuefu = world.community("学府社区").await;
    let b1 = world.building(xuefu, "1号楼").await;
    let mut bot = world.bot(text(RESIDENT, "en-US", "/register"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "people.reg.ask_community"));
    let kb = format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup);
    assert!(kb.contains("Xuefu Community"), "communities are listed in English: {kb}");

    for step in [tap(RESIDENT, "en-US", Cb::PickCommunity(xuefu)), tap(RESIDENT, "en-US", Cb::PickBuilding(b1))] {
        bot.update(step);
        bot.dispatch().await;
    }
    for answer in ["Unit 1, 502", "2", &tr(EN, "people.reg.skip_phone") as &str] {
        bot.update(text(RESIDENT, "en-US", answer));
        bot.dispatch().await;
    }
    assert!(last_text(&bot).contains(&tr(EN, "people.me.no_phone")));
    bot.update(tap(RESIDENT, "en-US", Cb::Confirm));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&tr(EN, "people.reg.done")));
    assert_eq!(resident_row(&world, RESIDENT).await, Some((b1, "Unit 1, 502".into(), 2, None)));
}

#[tokio::test]
async fn invisible_or_emoji_only_units_are_refused_and_buildings_read_in_english() {
    let world = World::new().await;
    let xuefu = world.community("学府社区").await;
    let b1 = world.building(xuefu, "1号楼").await;
    let mut bot = world.bot(text(RESIDENT, "en", "/register"));
    bot.dispatch().await;
    bot.update(tap(RESIDENT, "en", Cb::PickCommunity(xuefu)));
    bot.dispatch().await;
    let kb = format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup);
    assert!(kb.contains("Building 1") && !kb.contains("1号楼"), "buildings are listed in English: {kb}");
    bot.update(tap(RESIDENT, "en", Cb::PickBuilding(b1)));
    bot.dispatch().await;
    for (answer, reason) in [
        ("\u{200B}", tr(EN, "people.invalid.empty")),
        (" \u{200B}\u{FEFF}\u{2060} ", tr(EN, "people.invalid.empty")),
        ("🏠🏠🏠", tr(EN, "people.invalid.no_letters_or_digits")),
    ] {
        bot.update(text(RESIDENT, "en", answer));
        bot.dispatch().await;
        assert_eq!(texts(&bot), vec![reason, tr(EN, "people.reg.ask_unit_room")], "{answer:?}");
    }
    bot.update(text(RESIDENT, "en", "\u{200B}Unit 2, 301\u{200D}"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "people.reg.ask_household"));
    for answer in ["三口人", &tr(EN, "people.reg.skip_phone") as &str] {
        bot.update(text(RESIDENT, "en", answer));
        bot.dispatch().await;
    }
    let summary = last_text(&bot);
    assert!(summary.contains("Building 1") && !summary.contains("1号楼"), "{summary}");
    bot.update(tap(RESIDENT, "en", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(resident_row(&world, RESIDENT).await, Some((b1, "Unit 2, 301".into(), 3, None)));
}

#[tokio::test]
async fn a_building_of_another_community_is_refused() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let other = world.building(xuefu, "1号楼").await;
    let mut bot = world.bot(text(RESIDENT, "zh", "/register"));
    bot.dispatch().await;
    bot.update(tap(RESIDENT, "zh", Cb::PickCommunity(dihu)));
    bot.dispatch().await;
    bot.update(tap(RESIDENT, "zh", Cb::PickBuilding(other)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert!(texts(&bot).is_empty());
}

#[tokio::test]
async fn long_building_lists_are_paged() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let mut bot = world.bot(text(RESIDENT, "zh", "/register"));
    bot.dispatch().await;
    bot.update(tap(RESIDENT, "zh", Cb::PickCommunity(dihu)));
    bot.dispatch().await;
    let first = format!("{:?}", bot.get_responses().sent_messages_text.last().unwrap().bot_request.reply_markup);
    assert!(first.contains("8号楼") && !first.contains("9号楼"), "8 per page");
    bot.update(tap(RESIDENT, "zh", Cb::Page(1)));
    bot.dispatch().await;
    let edited = format!("{:?}", bot.get_responses().edited_messages_reply_markup.last().unwrap().bot_request);
    assert!(edited.contains("9号楼") && edited.contains("10号楼") && !edited.contains("\"1号楼"), "{edited}");
}

#[tokio::test]
async fn cancel_mid_flow_returns_to_the_menu_and_stores_nothing() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let mut bot = world.bot(text(RESIDENT, "zh", "/register"));
    bot.dispatch().await;
    bot.update(tap(RESIDENT, "zh", Cb::PickCommunity(dihu)));
    bot.dispatch().await;
    bot.update(text(RESIDENT, "zh", "/cancel"));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&tr(ZH, "common.cancelled")));
    let (dialogues,): (i64,) = sqlx::query_as("SELECT count(*) FROM dialogues").fetch_one(world.pool()).await.unwrap();
    assert_eq!(dialogues, 0, "back to idle");
    // After cancelling, a typed message is not taken as an answer.
    bot.update(text(RESIDENT, "zh", "2单元301"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "common.not_understood"));
    assert!(resident_row(&world, RESIDENT).await.is_none());
}

#[tokio::test]
async fn the_dialogue_survives_a_restart() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    {
        let mut bot = world.bot(text(RESIDENT, "zh", "/register"));
        bot.dispatch().await;
        bot.update(tap(RESIDENT, "zh", Cb::PickCommunity(dihu)));
        bot.dispatch().await;
    }
    // A new dispatcher (as after a restart) continues at the same question.
    let b1 = world.building(dihu, "1号楼").await;
    world.forget_update_ids().await;
    let mut bot = world.bot(tap(RESIDENT, "zh", Cb::PickBuilding(b1)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.reg.ask_unit_room"));
}

#[tokio::test]
async fn me_edits_a_field_and_deletes_data_after_confirmation() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let b1 = world.building(dihu, "1号楼").await;
    let new = linli::people::store::NewResident {
        community_id: dihu,
        building_id: b1,
        unit_room: "1-101",
        household_size: 2,
        phone: Some("13800138000"),
    };
    world.add_user(RESIDENT, "x", linli::i18n::Lang::ZhCn).await;
    let mut conn = world.pool().acquire().await.unwrap();
    assert!(linli::people::store::save_resident(&mut conn, chrono::Utc::now(), RESIDENT as i64, &new).await.unwrap());
    drop(conn);

    let mut bot = world.bot(text(RESIDENT, "zh", "/me"));
    bot.dispatch().await;
    let profile = last_text(&bot);
    assert!(profile.contains("1-101") && profile.contains("138****8000") && !profile.contains("13800138000"));

    use linli::people::model::ProfileField;
    bot.update(tap(RESIDENT, "zh", Cb::EditProfile(ProfileField::Household)));
    bot.dispatch().await;
    bot.update(text(RESIDENT, "zh", "25"));
    bot.dispatch().await;
    assert_eq!(texts(&bot)[0], trf(ZH, "people.invalid.out_of_range", &[("min", "1"), ("max", "20")]));
    bot.update(text(RESIDENT, "zh", "5"));
    bot.dispatch().await;
    assert_eq!(texts(&bot)[0], tr(ZH, "people.me.saved"));
    assert_eq!(resident_row(&world, RESIDENT).await.unwrap().2, 5);

    bot.update(tap(RESIDENT, "zh", Cb::DeleteMyData));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.me.delete_confirm"));
    assert!(resident_row(&world, RESIDENT).await.is_some(), "nothing deleted before the second tap");
    bot.update(tap(RESIDENT, "zh", Cb::ConfirmDeleteMyData));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.me.deleted"));
    assert!(resident_row(&world, RESIDENT).await.is_none());
}

#[tokio::test]
async fn lang_switches_and_first_contact_picks_from_telegram() {
    let world = World::new().await;
    let mut bot = world.bot(text(RESIDENT, "zh-hant", "/help"));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&tr(ZH, "menu.help_header")));
    bot.update(tap(RESIDENT, "zh-hant", Cb::SetLang(linli::i18n::Lang::En)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "people.lang.set"));
    bot.update(text(RESIDENT, "zh-hant", "/help"));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&tr(EN, "menu.help_header")), "the choice outlives Telegram's language");
}

#[tokio::test]
async fn phone_step_re_asks_for_bad_numbers_and_media_and_cancel_button_works() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let b1 = world.building(dihu, "1号楼").await;
    let mut bot = world.bot(text(RESIDENT, "en", "/register"));
    bot.dispatch().await;
    for step in [tap(RESIDENT, "en", Cb::PickCommunity(dihu)), tap(RESIDENT, "en", Cb::PickBuilding(b1))] {
        bot.update(step);
        bot.dispatch().await;
    }
    for answer in ["1-101", "3人"] {
        bot.update(text(RESIDENT, "en", answer));
        bot.dispatch().await;
    }
    assert_eq!(last_text(&bot), tr(EN, "people.reg.ask_phone"), "\"3人\" is a household of 3");

    bot.update(text(RESIDENT, "en", "call my son"));
    bot.dispatch().await;
    assert_eq!(texts(&bot), vec![tr(EN, "people.invalid.phone"), tr(EN, "people.reg.ask_phone")]);
    bot.update(
        MockMessagePhoto::new()
            .from(user(RESIDENT, "en"))
            .chat(teloxide_tests::MockPrivateChat::new().id(RESIDENT as i64).build()),
    );
    bot.dispatch().await;
    assert_eq!(texts(&bot), vec![tr(EN, "people.reg.phone_use_button"), tr(EN, "people.reg.ask_phone")]);
    // A mistyped command is not taken as the answer.
    bot.update(text(RESIDENT, "en", "/skip"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "common.unknown_command_in_flow"));

    bot.update(text(RESIDENT, "en", "138 0013 8000"));
    bot.dispatch().await;
    assert_eq!(texts(&bot)[0], tr(EN, "people.reg.phone_done"), "the share keyboard is taken away first");
    // The cancel button (not only /cancel) leaves the dialogue and stores nothing.
    bot.update(tap(RESIDENT, "en", linli::bot::Common::Cancel));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&tr(EN, "common.cancelled")));
    assert!(resident_row(&world, RESIDENT).await.is_none());
    bot.update(tap(RESIDENT, "en", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "common.stale_button")));
    assert!(resident_row(&world, RESIDENT).await.is_none());
}

#[tokio::test]
async fn a_resident_moves_to_another_community_through_me() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let b1 = world.building(dihu, "1号楼").await;
    let x1 = world.building(xuefu, "1号楼").await;
    world.add_user(RESIDENT, "x", linli::i18n::Lang::ZhCn).await;
    let new = linli::people::store::NewResident {
        community_id: dihu,
        building_id: b1,
        unit_room: "1-101",
        household_size: 2,
        phone: None,
    };
    let mut conn = world.pool().acquire().await.unwrap();
    assert!(linli::people::store::save_resident(&mut conn, chrono::Utc::now(), RESIDENT as i64, &new).await.unwrap());
    drop(conn);
    let mut bot = world.bot(tap(RESIDENT, "zh", Cb::EditProfile(linli::people::model::ProfileField::Community)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.reg.ask_community"));
    bot.update(tap(RESIDENT, "zh", Cb::PickCommunity(xuefu)));
    bot.dispatch().await;
    bot.update(tap(RESIDENT, "zh", Cb::PickBuilding(x1)));
    bot.dispatch().await;
    for answer in ["2-202", "4", "跳过"] {
        bot.update(text(RESIDENT, "zh", answer));
        bot.dispatch().await;
    }
    bot.update(tap(RESIDENT, "zh", Cb::Confirm));
    bot.dispatch().await;
    assert_eq!(resident_row(&world, RESIDENT).await, Some((x1, "2-202".into(), 4, None)));
}
