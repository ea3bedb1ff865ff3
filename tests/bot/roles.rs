//! Invites, volunteer approval, group links, and server-side authorisation of each.

use linli::people::buttons::Cb;
use linli::people::model::{Role, Skill};
use teloxide_tests::{MockGroupChat, MockMessageText};

use crate::*;

const VOLUNTEER: u64 = 2001;
const OTHER: u64 = 2002;
const RESIDENT: u64 = 2003;
const GROUP: i64 = -100_777;

fn group_text(id: u64, text: &str) -> MockMessageText {
    MockMessageText::new().text(text).from(user(id, "zh")).chat(MockGroupChat::new().id(GROUP).build())
}

/// A tap on a button of a message in the group.
fn group_tap(id: u64, cb: Cb) -> teloxide_tests::MockCallbackQuery {
    let message = group_text(id, "buttons").build();
    teloxide_tests::MockCallbackQuery::new().data(cb.encode()).from(user(id, "zh")).message(message)
}

/// The invite code in the bot's "invite created" message.
fn code_in(message: &str) -> String {
    let start = message.find("?start=inv_").expect("an invite link") + "?start=inv_".len();
    message[start..start + 16].to_owned()
}

/// Texts queued in the outbox for `chat`, and whether each carries a keyboard.
pub async fn queued_for(world: &World, chat: u64) -> Vec<(String, bool)> {
    world.queued_texts(chat).await.into_iter().map(|(text, kb)| (text, kb.is_some())).collect()
}

async fn status(world: &World, id: u64, community: i64) -> Option<String> {
    sqlx::query_as::<_, (String,)>("SELECT status FROM memberships WHERE user_id = ? AND community_id = ?")
        .bind(id as i64)
        .bind(community)
        .fetch_optional(world.pool())
        .await
        .unwrap()
        .map(|(s,)| s)
}

#[tokio::test]
async fn volunteer_joins_by_invite_fills_profile_and_is_approved() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let mut bot = world.bot(text(ADMIN, "zh", "/invite volunteer"));
    bot.dispatch().await;
    // An administrator runs every community, so is asked which one to act on first.
    assert_eq!(last_text(&bot), tr(ZH, "people.scope.which"));
    bot.update(tap(ADMIN, "zh", Cb::UseCommunity(dihu)));
    bot.dispatch().await;
    bot.update(text(ADMIN, "zh", "/invite volunteer"));
    bot.dispatch().await;
    let created = last_text(&bot);
    assert!(created.contains("https://t.me/test_bot?start=inv_"), "{created}");
    let code = code_in(&created);

    bot.update(text(VOLUNTEER, "en", &format!("/start inv_{code}")));
    bot.dispatch().await;
    assert!(last_text(&bot).ends_with(&tr(EN, "people.volunteer.ask_party")));
    assert_eq!(status(&world, VOLUNTEER, dihu).await.as_deref(), Some("profile"));

    for cb in [
        Cb::PartyMember(true),
        Cb::Experienced(false),
        Cb::ToggleSkill(Skill::Medical),
        Cb::ToggleSkill(Skill::Driver),
        Cb::ToggleSkill(Skill::Driver),
    ] {
        bot.update(tap(VOLUNTEER, "en", cb));
        bot.dispatch().await;
    }
    bot.update(tap(VOLUNTEER, "en", Cb::Confirm));
    bot.dispatch().await;
    let sent = bot.get_responses().sent_messages;
    assert_eq!(sent[0].text(), Some(tr(EN, "people.volunteer.submitted").as_str()));
    // The administrator is told through the outbox, in Chinese, with the decision buttons.
    let queued = queued_for(&world, ADMIN).await;
    assert_eq!(queued.len(), 1, "the officials are told once");
    let text = &queued[0].0;
    assert!(queued[0].1, "with the approve/reject buttons");
    assert!(text.contains("User2001") && text.contains("医护") && !text.contains("会开车"), "{text}");
    assert_eq!(status(&world, VOLUNTEER, dihu).await.as_deref(), Some("pending"));
    let (party, experienced, skills): (bool, bool, String) =
        sqlx::query_as("SELECT party_member, experienced, skills FROM memberships WHERE user_id = ?")
            .bind(VOLUNTEER as i64)
            .fetch_one(world.pool())
            .await
            .unwrap();
    assert_eq!((party, experienced, skills.as_str()), (true, false, "medical"));

    // Someone who is not an official cannot approve, even with a forged button.
    bot.update(tap(OTHER, "zh", Cb::Approve { user_id: VOLUNTEER as i64, community_id: dihu }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    assert_eq!(status(&world, VOLUNTEER, dihu).await.as_deref(), Some("pending"));

    bot.update(tap(ADMIN, "zh", Cb::Approve { user_id: VOLUNTEER as i64, community_id: dihu }));
    bot.dispatch().await;
    assert_eq!(status(&world, VOLUNTEER, dihu).await.as_deref(), Some("approved"));
    let told = queued_for(&world, VOLUNTEER).await;
    assert_eq!(told.len(), 1);
    assert!(told[0].0.starts_with("Good news"), "told in their own language: {}", told[0].0);

    bot.update(tap(ADMIN, "zh", Cb::Reject { user_id: VOLUNTEER as i64, community_id: dihu }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.volunteer.already_decided")));
    assert_eq!(status(&world, VOLUNTEER, dihu).await.as_deref(), Some("approved"));
}

#[tokio::test]
async fn invites_used_twice_expired_or_by_a_member_are_refused() {
    let world = World::new().await;
    let xuefu = world.community("学府社区").await;
    let mut bot =
        world.bot(tap(ADMIN, "zh", Cb::Invite { role: Role::Official, community_id: xuefu, uses: 1, days: 7 }));
    bot.dispatch().await;
    let code = code_in(&last_text(&bot));

    bot.update(text(OTHER, "zh", &format!("/start inv_{code}")));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("学府社区"));
    assert_eq!(status(&world, OTHER, xuefu).await.as_deref(), Some("approved"), "officials join at once");

    // Used again by the same person: already a member. By someone else: used up.
    bot.update(text(OTHER, "zh", &format!("/start inv_{code}")));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.invite.already_member"));
    bot.update(text(VOLUNTEER, "zh", &format!("/start inv_{code}")));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.invite.used_up"));

    // The new official can now invite for their own community (only one: no question).
    bot.update(text(OTHER, "zh", "/invite volunteer 5 1"));
    bot.dispatch().await;
    let code = code_in(&last_text(&bot));
    sqlx::query("UPDATE invites SET expires_at = 946684800000 WHERE code = ?")
        .bind(&code)
        .execute(world.pool())
        .await
        .unwrap();
    bot.update(text(VOLUNTEER, "zh", &format!("/start inv_{code}")));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.invite.expired"));

    for bogus in ["inv_0000000000000000", "inv_nothex!", "inv_"] {
        bot.update(text(VOLUNTEER, "zh", &format!("/start {bogus}")));
        bot.dispatch().await;
        assert_eq!(last_text(&bot), tr(ZH, "people.invite.not_found"), "{bogus}");
    }
    assert_eq!(status(&world, VOLUNTEER, xuefu).await, None);
}

#[tokio::test]
async fn non_officials_cannot_invite_link_or_forge_an_invite() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let mut bot = world.bot(text(RESIDENT, "zh", "/invite volunteer"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));

    bot.update(tap(RESIDENT, "zh", Cb::Invite { role: Role::Official, community_id: dihu, uses: 9, days: 9 }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    let (invites,): (i64,) = sqlx::query_as("SELECT count(*) FROM invites").fetch_one(world.pool()).await.unwrap();
    assert_eq!(invites, 0);

    bot.update(group_text(RESIDENT, "/link"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));
    bot.update(group_tap(RESIDENT, Cb::LinkGroup { community_id: dihu, building_id: 0 }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    let (links,): (i64,) = sqlx::query_as("SELECT count(*) FROM linked_chats").fetch_one(world.pool()).await.unwrap();
    assert_eq!(links, 0);
}

#[tokio::test]
async fn an_official_of_one_community_cannot_decide_for_another() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    for (user, community, role, status) in
        [(OTHER, xuefu, "official", "approved"), (VOLUNTEER, dihu, "volunteer", "pending")]
    {
        linli::people::store::upsert_user(
            &mut world.pool().acquire().await.unwrap(),
            chrono::Utc::now(),
            user as i64,
            "x",
            linli::i18n::Lang::ZhCn,
            true,
        )
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, ?, ?, 'now')",
        )
        .bind(user as i64)
        .bind(community)
        .bind(role)
        .bind(status)
        .execute(world.pool())
        .await
        .unwrap();
    }
    let mut bot = world.bot(tap(OTHER, "zh", Cb::Approve { user_id: VOLUNTEER as i64, community_id: dihu }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    assert_eq!(status(&world, VOLUNTEER, dihu).await.as_deref(), Some("pending"));
}

#[tokio::test]
async fn an_official_links_a_group_to_a_building_and_groups_never_show_personal_data() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let b3 = world.building(dihu, "3号楼").await;
    linli::people::store::upsert_user(
        &mut world.pool().acquire().await.unwrap(),
        chrono::Utc::now(),
        OTHER as i64,
        "x",
        linli::i18n::Lang::ZhCn,
        true,
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, 'official', 'approved', 'now')")
        .bind(OTHER as i64)
        .bind(dihu)
        .execute(world.pool())
        .await
        .unwrap();
    let mut bot = world.bot(group_text(OTHER, "/link 3号楼"));
    bot.dispatch().await;
    assert_eq!(
        last_text(&bot),
        trf(ZH, "people.link.linked_building", &[("community", "帝湖社区"), ("building", "3号楼")])
    );
    assert_eq!(linli::people::store::chat_link(world.pool(), GROUP).await.unwrap(), Some((dihu, Some(b3))));

    bot.update(group_text(OTHER, "/link 99号楼"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "people.link.no_such_building", &[("name", "99号楼")]));

    // /me in a group answers with a button to the private chat, not with the profile.
    bot.update(group_text(OTHER, "/me"));
    bot.dispatch().await;
    let reply = bot.get_responses().sent_messages_text.pop().unwrap();
    assert_eq!(reply.message.text(), Some(tr(ZH, "people.group.go_private").as_str()));
    let markup = format!("{:?}", reply.bot_request.reply_markup);
    assert!(markup.contains(r#"path: "/test_bot", query: Some("start=me")"#), "{markup}");

    // Ordinary group talk gets no reply at all.
    bot.update(group_text(OTHER, "大家好"));
    bot.dispatch().await;
    assert!(texts(&bot).is_empty());
}

/// `user` (a Chinese reader named "User<id>") with a role in `community`.
pub async fn make_member(world: &World, user: u64, community: i64, role: &str, status: &str) {
    linli::people::store::upsert_user(
        &mut world.pool().acquire().await.unwrap(),
        chrono::Utc::now(),
        user as i64,
        &format!("User{user}"),
        linli::i18n::Lang::ZhCn,
        true,
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, ?, ?, 'now')")
        .bind(user as i64)
        .bind(community)
        .bind(role)
        .bind(status)
        .execute(world.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn an_official_lists_pending_applications_but_cannot_approve_their_own() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    make_member(&world, OTHER, dihu, "official", "approved").await;
    make_member(&world, VOLUNTEER, dihu, "volunteer", "pending").await;
    make_member(&world, OTHER, dihu, "volunteer", "pending").await;
    let mut bot = world.bot(text(OTHER, "zh", "/applications"));
    bot.dispatch().await;
    let sent = texts(&bot);
    assert_eq!(sent[0], trf(ZH, "people.volunteer.applications_header", &[("total", "2"), ("shown", "2")]));
    assert!(sent[1].contains("User2001") || sent[2].contains("User2001"), "{sent:?}");

    bot.update(tap(OTHER, "zh", Cb::Approve { user_id: OTHER as i64, community_id: dihu }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.volunteer.not_own")));
    assert_eq!(status_of(&world, OTHER, dihu, "volunteer").await.as_deref(), Some("pending"));

    bot.update(text(RESIDENT, "zh", "/applications"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.not_allowed"));
}

async fn status_of(world: &World, id: u64, community: i64, role: &str) -> Option<String> {
    sqlx::query_as::<_, (String,)>("SELECT status FROM memberships WHERE user_id = ? AND community_id = ? AND role = ?")
        .bind(id as i64)
        .bind(community)
        .bind(role)
        .fetch_optional(world.pool())
        .await
        .unwrap()
        .map(|(s,)| s)
}

#[tokio::test]
async fn a_volunteer_who_is_waiting_cannot_use_another_invite() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    make_member(&world, VOLUNTEER, dihu, "volunteer", "pending").await;
    let invite = linli::people::store::NewInvite {
        role: Role::Volunteer,
        community_id: dihu,
        created_by: None,
        max_uses: 5,
        days: 1,
    };
    let code =
        linli::people::store::create_invite(&mut world.pool().acquire().await.unwrap(), chrono::Utc::now(), &invite)
            .await
            .unwrap();
    let mut bot = world.bot(text(VOLUNTEER, "zh", &format!("/start inv_{code}")));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.invite.already_member"));
    let (uses,): (i64,) = sqlx::query_as("SELECT uses FROM invites").fetch_one(world.pool()).await.unwrap();
    assert_eq!(uses, 0, "a refused redemption uses no place");
}

#[tokio::test]
async fn help_lists_what_each_role_can_do() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    make_member(&world, OTHER, dihu, "official", "approved").await;
    let mut bot = world.bot(text(RESIDENT, "en", "/help"));
    bot.dispatch().await;
    let resident_help = last_text(&bot);
    assert!(resident_help.contains("/register") && !resident_help.contains("/invite"), "{resident_help}");
    bot.update(text(OTHER, "en", "/help"));
    bot.dispatch().await;
    let official_help = last_text(&bot);
    for cmd in ["/invite", "/link", "/applications", "/community"] {
        assert!(official_help.contains(cmd), "{cmd} missing: {official_help}");
    }
    // The queue is the whole bot's: administrators only.
    assert!(!official_help.contains("/outbox"), "{official_help}");
    bot.update(text(ADMIN, "en", "/help"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("/outbox"), "{}", last_text(&bot));
}

#[tokio::test]
async fn an_ambiguous_building_name_asks_which_community_and_personal_buttons_are_refused_in_groups() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let x1 = world.building(xuefu, "1号楼").await;
    // The administrator runs both communities; both have a 1号楼.
    let mut bot = world.bot(group_text(ADMIN, "/link 1号楼"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.link.which_community"));
    assert_eq!(linli::people::store::chat_link(world.pool(), GROUP).await.unwrap(), None, "nothing bound yet");
    bot.update(group_tap(ADMIN, Cb::LinkGroup { community_id: xuefu, building_id: x1 }));
    bot.dispatch().await;
    assert_eq!(linli::people::store::chat_link(world.pool(), GROUP).await.unwrap(), Some((xuefu, Some(x1))));
    let _ = dihu;

    // A forged "edit my profile" button in the group: refused, no dialogue opened there.
    bot.update(group_tap(ADMIN, Cb::EditProfile(linli::people::model::ProfileField::Phone)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    assert!(texts(&bot).is_empty());
    let (dialogues,): (i64,) = sqlx::query_as("SELECT count(*) FROM dialogues").fetch_one(world.pool()).await.unwrap();
    assert_eq!(dialogues, 0);
}

#[tokio::test]
async fn every_menu_command_in_a_group_answers_with_the_private_chat_and_shows_nothing() {
    let world = World::new().await;
    let mut bot = world.bot(group_text(ADMIN, "/orders"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.group.go_private"));
    for command in ["/roster", "/freeze 3号楼 核酸检测", "/outbox", "/catalog", "/order", "/myshifts", "/hours"] {
        bot.update(group_text(ADMIN, command));
        bot.dispatch().await;
        assert_eq!(texts(&bot), vec![tr(ZH, "people.group.go_private")], "{command}");
    }
    let (frozen,): (i64,) = sqlx::query_as("SELECT count(*) FROM order_freezes").fetch_one(world.pool()).await.unwrap();
    assert_eq!(frozen, 0, "nothing is done from a group");
    // A command for another bot, and plain talk, are not the bot's business.
    for text in ["/orders@some_other_bot", "/weather", "大家好"] {
        bot.update(group_text(ADMIN, text));
        bot.dispatch().await;
        assert!(texts(&bot).is_empty(), "{text}");
    }
}
