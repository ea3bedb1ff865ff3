//! Group chats: a bound group stays with its community (only its officials or an
//! administrator rebind it, after confirming; typed commands and replayed buttons alike),
//! and a group speaks its own language, whoever writes in it.

use linli::i18n::Lang;
use linli::notices::model::{Audience, RoleSel, Scope};
use linli::people::buttons::Cb;
use linli::people::store::chat_link;
use teloxide_tests::{MockCallbackQuery, MockGroupChat, MockMessageText};

use crate::roles::{make_member, queued_for};
use crate::*;

const DIHU_OFFICIAL: u64 = 8001;
const XUEFU_OFFICIAL: u64 = 8002;
const RESIDENT: u64 = 8003;
const GROUP: i64 = -1_002_000_001;

fn said(id: u64, lang: &str, chat: i64, text: &str) -> MockMessageText {
    MockMessageText::new().text(text).from(user(id, lang)).chat(MockGroupChat::new().id(chat).build())
}

fn group_text(id: u64, lang: &str, text: &str) -> MockMessageText {
    said(id, lang, GROUP, text)
}

/// A tap on a button of a message in the group (a replayed one: any data, any time).
fn group_tap(id: u64, lang: &str, cb: Cb) -> MockCallbackQuery {
    MockCallbackQuery::new().data(cb.encode()).from(user(id, lang)).message(group_text(id, lang, "buttons").build())
}

async fn official(world: &World, user: u64, community: i64, lang: Lang) {
    make_member(world, user, community, "official", "approved").await;
    let mut conn = world.pool().acquire().await.unwrap();
    linli::people::store::set_lang(&mut conn, user as i64, lang).await.unwrap();
}

async fn link_of(world: &World) -> Option<(i64, Option<i64>)> {
    chat_link(world.pool(), GROUP).await.unwrap()
}

#[tokio::test]
async fn an_official_of_another_community_cannot_take_over_a_bound_group() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let x1 = world.building(xuefu, "1号楼").await;
    official(&world, DIHU_OFFICIAL, dihu, Lang::ZhCn).await;
    official(&world, XUEFU_OFFICIAL, xuefu, Lang::ZhCn).await;
    let mut bot = world.bot(group_text(DIHU_OFFICIAL, "zh", "/link"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "people.link.linked_community", &[("community", "帝湖社区")]));
    assert_eq!(link_of(&world).await, Some((dihu, None)));

    let refused = trf(ZH, "people.link.bound_elsewhere", &[("place", "帝湖社区")]);
    for command in ["/link", "/link 1号楼"] {
        bot.update(group_text(XUEFU_OFFICIAL, "zh", command));
        bot.dispatch().await;
        assert_eq!(texts(&bot), vec![refused.clone()], "{command}");
        assert_eq!(link_of(&world).await, Some((dihu, None)), "{command} moved the group");
    }
    // Replayed buttons (a "which community" choice, a rebind confirmation) are checked at
    // the tap, against where the group is bound now.
    for cb in [
        Cb::LinkGroup { community_id: xuefu, building_id: 0 },
        Cb::LinkGroup { community_id: xuefu, building_id: x1 },
        Cb::RelinkGroup { community_id: xuefu, building_id: x1 },
    ] {
        bot.update(group_tap(XUEFU_OFFICIAL, "zh", cb));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(refused.clone()), "{cb:?}");
        assert!(texts(&bot).is_empty(), "{cb:?}");
        assert_eq!(link_of(&world).await, Some((dihu, None)), "{cb:?} moved the group");
    }
    // Nor can they take the group's language.
    bot.update(group_tap(XUEFU_OFFICIAL, "zh", Cb::GroupLang(Lang::En)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    assert_eq!(linli::people::store::chat_lang(world.pool(), GROUP).await.unwrap(), Some(Lang::ZhCn));
}

#[tokio::test]
async fn the_groups_own_officials_and_administrators_rebind_it_after_confirming() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let b3 = world.building(dihu, "3号楼").await;
    let x1 = world.building(xuefu, "1号楼").await;
    official(&world, DIHU_OFFICIAL, dihu, Lang::ZhCn).await;
    let mut bot = world.bot(group_text(DIHU_OFFICIAL, "zh", "/link"));
    bot.dispatch().await;

    bot.update(group_text(DIHU_OFFICIAL, "zh", "/link 3号楼"));
    bot.dispatch().await;
    let to = trf(ZH, "people.link.place_building", &[("community", "帝湖社区"), ("building", "3号楼")]);
    assert_eq!(last_text(&bot), trf(ZH, "people.link.rebind_confirm", &[("from", "帝湖社区"), ("to", &to)]));
    assert_eq!(link_of(&world).await, Some((dihu, None)), "nothing moves before the confirmation");
    bot.update(group_tap(DIHU_OFFICIAL, "zh", Cb::RelinkGroup { community_id: dihu, building_id: b3 }));
    bot.dispatch().await;
    assert_eq!(
        last_text(&bot),
        trf(ZH, "people.link.linked_building", &[("community", "帝湖社区"), ("building", "3号楼")])
    );
    assert_eq!(link_of(&world).await, Some((dihu, Some(b3))));

    // An administrator runs both communities: asked which, then asked to confirm the move.
    bot.update(group_text(ADMIN, "zh", "/link 1号楼"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.link.which_community"));
    bot.update(group_tap(ADMIN, "zh", Cb::LinkGroup { community_id: xuefu, building_id: x1 }));
    bot.dispatch().await;
    let to = trf(ZH, "people.link.place_building", &[("community", "学府社区"), ("building", "1号楼")]);
    assert_eq!(last_text(&bot), trf(ZH, "people.link.rebind_confirm", &[("from", "帝湖社区3号楼"), ("to", &to)]));
    assert_eq!(link_of(&world).await, Some((dihu, Some(b3))));
    bot.update(group_tap(ADMIN, "zh", Cb::RelinkGroup { community_id: xuefu, building_id: x1 }));
    bot.dispatch().await;
    assert_eq!(link_of(&world).await, Some((xuefu, Some(x1))));

    // Now the group is 学府's: 帝湖's official can no longer move it back.
    bot.update(group_tap(DIHU_OFFICIAL, "zh", Cb::RelinkGroup { community_id: dihu, building_id: b3 }));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(trf(ZH, "people.link.bound_elsewhere", &[("place", &to)])));
    assert_eq!(link_of(&world).await, Some((xuefu, Some(x1))));
}

#[tokio::test]
async fn a_group_speaks_its_own_language_not_the_language_of_whoever_writes() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    official(&world, DIHU_OFFICIAL, dihu, Lang::En).await;
    world.add_user(RESIDENT, "x", Lang::ZhCn).await;
    // An English-speaking official links a group of a Chinese community: Chinese there.
    let mut bot = world.bot(group_text(DIHU_OFFICIAL, "en", "/link"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "people.link.linked_community", &[("community", "帝湖社区")]));
    bot.update(group_text(DIHU_OFFICIAL, "en", "/me"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.group.go_private"));
    bot.update(group_text(DIHU_OFFICIAL, "en", "/orders"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.group.go_private"), "the fallback too");

    // A resident cannot change the group's language, even with a forged button.
    bot.update(group_text(RESIDENT, "zh", "/lang"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.group.lang_officials_only"));
    bot.update(group_tap(RESIDENT, "zh", Cb::GroupLang(Lang::En)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));

    // The group's official switches it to English: everyone is answered in English there.
    bot.update(group_text(DIHU_OFFICIAL, "en", "/lang"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.group.lang_choose"));
    bot.update(group_tap(DIHU_OFFICIAL, "en", Cb::GroupLang(Lang::En)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "people.group.lang_set"));
    bot.update(group_text(RESIDENT, "zh", "/me"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "people.group.go_private"));
    bot.update(group_text(RESIDENT, "zh", "/orders"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(EN, "people.group.go_private"));
    bot.update(group_text(DIHU_OFFICIAL, "zh", "/link"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(EN, "people.link.linked_community", &[("community", "Dihu Community")]));

    // An unlinked group speaks the deployment's language and has no language to set.
    bot.update(said(DIHU_OFFICIAL, "en", -42, "/lang"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), tr(ZH, "people.group.lang_unlinked"));
}

#[tokio::test]
async fn notices_reach_each_group_in_its_own_language() {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    official(&world, DIHU_OFFICIAL, dihu, Lang::ZhCn).await;
    let mut bot = world.bot(group_text(DIHU_OFFICIAL, "zh", "/link"));
    bot.dispatch().await;
    bot.update(said(DIHU_OFFICIAL, "zh", -77, "/link"));
    bot.dispatch().await;
    bot.update(group_tap(DIHU_OFFICIAL, "zh", Cb::GroupLang(Lang::En)));
    bot.dispatch().await;

    let audience =
        Audience { roles: RoleSel::Residents, scope: Scope::Community(dihu), isolated_only: false, groups: true };
    let mut conn = world.pool().acquire().await.unwrap();
    let now = chrono::Utc::now();
    let notice = linli::notices::store::NewNotice {
        author_id: DIHU_OFFICIAL as i64,
        body: "停水通知",
        media: None,
        audience: &audience,
        urgent: false,
        send_at: now,
    };
    let id = linli::notices::store::create(&mut conn, now, &notice).await.unwrap();
    let (_, groups) = linli::notices::job::send_now(&mut conn, id, now, now.date_naive()).await.unwrap();
    assert_eq!(groups, 2);
    drop(conn);
    let english = queued_for(&world, GROUP as u64).await;
    let chinese = queued_for(&world, (-77i64) as u64).await;
    assert!(english[0].0.starts_with(&tr(EN, "notices.header")), "{english:?}");
    assert!(chinese[0].0.starts_with(&tr(ZH, "notices.header")), "{chinese:?}");
}
