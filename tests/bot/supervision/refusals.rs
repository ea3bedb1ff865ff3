//! Who may not walk the round, forged buttons, the round before 20:00, and the dialogue's
//! answers to what does not fit.

use linli::i18n::Lang;
use linli::supervision::buttons::Cb;
use linli::supervision::model::ProblemKind;

use super::*;
use crate::*;

const VOLUNTEER: u64 = PLAIN;
const RESIDENT: u64 = 8200;
const STRANGER: u64 = 8300;

#[tokio::test]
async fn volunteers_residents_and_strangers_are_refused_the_round() {
    let r = round().await;
    r.world.add_user(RESIDENT, "居民", Lang::ZhCn).await;
    let b1 = r.world.building(r.dihu, "1号楼").await;
    let mut conn = r.world.pool().acquire().await.unwrap();
    let new = linli::people::store::NewResident {
        community_id: r.dihu,
        building_id: b1,
        unit_room: "1单元101",
        household_size: 2,
        phone: None,
    };
    assert!(linli::people::store::save_resident(&mut conn, Utc::now(), RESIDENT as i64, &new).await.unwrap());
    drop(conn);
    let mut bot = r.bot(text(VOLUNTEER, "zh", "/round"));
    for (who, lang, l) in [(VOLUNTEER, "zh", ZH), (RESIDENT, "zh", ZH), (STRANGER, "en", EN)] {
        let said = send(&mut bot, who, lang, "/round").await;
        assert_eq!(said, tr(l, "people.not_allowed"), "{who}");
    }
    let west = r.checkpoint("西门").await;
    press(&mut bot, VOLUNTEER, "zh", Cb::OnDuty { checkpoint_id: west, people: 2 }).await;
    assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")));
    assert_eq!(r.visits().await, 0);
}

#[tokio::test]
async fn a_forged_button_from_another_community_is_refused() {
    let r = round().await;
    let west = r.checkpoint("西门").await;
    let mut bot = r.bot(text(XUEFU_OFFICIAL, "zh", "/round"));
    bot.dispatch().await;
    let list = last_text(&bot);
    assert!(list.contains("学府大门") && !list.contains("西门"), "{list}");
    for cb in [
        Cb::Open(west),
        Cb::OnDuty { checkpoint_id: west, people: 2 },
        Cb::NoSenior { checkpoint_id: west, people: 2 },
        Cb::Problem(west),
    ] {
        press(&mut bot, XUEFU_OFFICIAL, "zh", cb).await;
        assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")), "{cb:?}");
    }
    // Dialogue buttons without the dialogue.
    for cb in [Cb::Kind(ProblemKind::Nobody), Cb::NoNote, Cb::NoPhoto] {
        press(&mut bot, XUEFU_OFFICIAL, "zh", cb).await;
        assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")), "{cb:?}");
    }
    assert_eq!(r.visits().await, 0);
    assert!(r.outbox().await.is_empty());
}

#[tokio::test]
async fn before_eight_the_list_works_but_says_the_round_is_for_later() {
    let r = round().await;
    // 19:00 in Shanghai.
    r.clock.set(utc("2026-11-29T11:00:00Z"));
    let mut bot = r.bot(text(OFFICIAL, "zh", "/help"));
    for (lang, l) in [("zh", ZH), ("en", EN)] {
        let who = if lang == "zh" { OFFICIAL } else { EN_OFFICIAL };
        let list = send(&mut bot, who, lang, "/round").await;
        assert!(list.contains(&trf(l, "supervision.list.early", &[("from", "20:00")])), "{list}");
        let summary = trf(l, "supervision.summary.line", &[("visited", "0"), ("total", "3"), ("problems", "0")]);
        assert!(list.contains(&summary), "{list}");
    }
}

#[tokio::test]
async fn no_senior_in_one_tap_is_a_problem_the_officials_hear_of_and_a_tap_on_the_kind_step_is_asked_again() {
    let r = round().await;
    let north = r.checkpoint("北门").await;
    let mut bot = r.bot(text(EN_OFFICIAL, "en", "/round"));
    bot.dispatch().await;
    press(&mut bot, EN_OFFICIAL, "en", Cb::Open(north)).await;
    let card = last_text(&bot);
    assert!(card.contains("North Gate (Dihu Community)"), "{card}");
    let no_senior = Cb::NoSenior { checkpoint_id: north, people: 1 };
    assert!(last_buttons::<Cb>(&bot).contains(&no_senior));
    let said = press(&mut bot, EN_OFFICIAL, "en", no_senior).await;
    let what = trf(EN, "supervision.recorded.problem", &[("kind", &tr(EN, "supervision.kind.no_senior"))]);
    assert!(said.contains(&trf(EN, "supervision.recorded.new", &[("name", "North Gate"), ("what", &what)])), "{said}");
    let told: Vec<i64> = r.outbox().await.iter().map(|(c, _)| *c).collect();
    assert_eq!(told, vec![OFFICIAL as i64, ADMIN as i64], "the others, not the supervisor");
    let chinese = r.world.queued_texts(OFFICIAL).await;
    assert!(chinese[0].0.contains(&tr(ZH, "supervision.kind.no_senior")) && chinese[0].0.contains("北门"));

    // Typing where a kind is to be chosen: the buttons, and the question again.
    press(&mut bot, EN_OFFICIAL, "en", Cb::Problem(north)).await;
    let said = send(&mut bot, EN_OFFICIAL, "en", "nobody here").await;
    assert!(said.contains(&tr(EN, "common.use_buttons")) && said.ends_with(&tr(EN, "supervision.ask.kind")), "{said}");
    let said = send(&mut bot, EN_OFFICIAL, "en", "/cancel").await;
    assert!(!said.is_empty());
    assert_eq!(r.visits().await, 1);
}
