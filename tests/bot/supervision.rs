//! The 8 pm supervision round: a supervisor walks tonight's checkpoints with `/round`,
//! records "on duty" in one tap or a problem with a note and a photo (the community's
//! officials are alerted at once, nobody else), corrects a visit, sees what is not yet
//! visited; a visit after midnight counts for the evening before; the daily report's
//! `round_of` against the data. Refusals and bad input are in `supervision/`.

mod refusals;
mod size;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use linli::clock::ManualClock;
use linli::community::{import, CommunityFile};
use linli::i18n::Lang;
use linli::outbox::{Content, FileSource, OutMessage};
use linli::supervision::buttons::Cb;
use linli::supervision::model::ProblemKind;
use linli::supervision::read::{round_of, RoundProblem};
use teloxide_tests::{MockMessagePhoto, MockPhotoSize, MockPrivateChat};

use crate::*;

/// An official of 帝湖社区 (Chinese) who walks the round.
const OFFICIAL: u64 = 8100;
/// Another official of 帝湖社区, who reads English.
const EN_OFFICIAL: u64 = 8101;
const XUEFU_OFFICIAL: u64 = 8102;
const PARTY: u64 = 8150;
const PLAIN: u64 = 8151;
const PLAIN2: u64 = 8152;
const PHOTO_ID: &str = "AgACAgUAAxkBAAIBround-photo";

const CHECKPOINTS: &str = r#"
[subdistrict]
name = "航海西路街道"
name_en = "Hanghai West Road Subdistrict"
timezone = "Asia/Shanghai"

[[community]]
name = "帝湖社区"
name_en = "Dihu Community"
buildings = ["1号楼"]

  [[community.checkpoint]]
  name = "西门"
  name_en = "West Gate"
    [[community.checkpoint.shift]]
    start = "16:00"
    end = "00:00"
    capacity = 2
    min_senior = 1

  [[community.checkpoint]]
  name = "北门"
  name_en = "North Gate"
    [[community.checkpoint.shift]]
    start = "16:00"
    end = "00:00"
    capacity = 2
    min_senior = 1

  [[community.checkpoint]]
  name = "南门"
  name_en = "South Gate"
    [[community.checkpoint.shift]]
    start = "16:00"
    end = "00:00"
    capacity = 2
    min_senior = 0

[[community]]
name = "学府社区"
name_en = "Xuefu Community"
buildings = ["1号楼"]

  [[community.checkpoint]]
  name = "学府大门"
  name_en = "Xuefu Main Gate"
    [[community.checkpoint.shift]]
    start = "16:00"
    end = "00:00"
    capacity = 2
    min_senior = 0
"#;

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn night(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub struct Round {
    pub world: World,
    pub app: Arc<linli::App>,
    pub clock: Arc<ManualClock>,
    pub dihu: i64,
    pub xuefu: i64,
}

/// Sunday 2026-11-29, 20:30 in Shanghai. 帝湖社区's 西门 has a party member and a
/// volunteer checked in, 北门 a volunteer who claimed but has not checked in, 南门 nobody;
/// 学府社区 has 学府大门.
pub async fn round() -> Round {
    let world = World::new().await;
    import(&world.app.writer, &CommunityFile::parse(CHECKPOINTS).unwrap()).await.unwrap();
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let clock = ManualClock::new(utc("2026-11-29T12:30:00Z"));
    let app = linli::App::with_clock(world.app.db(), world.app.settings.clone(), clock.clone());
    let mut conn = world.pool().acquire().await.unwrap();
    linli::shifts::store::generate(&mut conn, Utc::now(), night("2026-11-29"), 1, chrono_tz::Asia::Shanghai)
        .await
        .unwrap();
    drop(conn);
    let r = Round { world, app, clock, dihu, xuefu };
    r.member(OFFICIAL, dihu, "official", Lang::ZhCn).await;
    r.member(EN_OFFICIAL, dihu, "official", Lang::En).await;
    r.member(XUEFU_OFFICIAL, xuefu, "official", Lang::ZhCn).await;
    for v in [PARTY, PLAIN, PLAIN2] {
        r.member(v, dihu, "volunteer", Lang::ZhCn).await;
    }
    r.world.add_user(ADMIN, "管理员", Lang::ZhCn).await;
    r.on_shift("西门", PARTY, true, true).await;
    r.on_shift("西门", PLAIN, false, true).await;
    r.on_shift("北门", PLAIN2, false, false).await;
    r
}

impl Round {
    pub fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    async fn member(&self, id: u64, community: i64, role: &str, lang: Lang) {
        self.world.add_user(id, &format!("人{id}"), lang).await;
        sqlx::query("INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, ?, 'approved', 'now')")
            .bind(id as i64)
            .bind(community)
            .bind(role)
            .execute(self.world.pool())
            .await
            .unwrap();
    }

    /// `user` holds a place on tonight's shift at `checkpoint`, checked in or not.
    async fn on_shift(&self, checkpoint: &str, user: u64, senior: bool, checked_in: bool) {
        let (shift,): (i64,) = sqlx::query_as(
            "SELECT s.id FROM shifts s JOIN checkpoints c ON c.id = s.checkpoint_id WHERE c.name = ? AND s.day = '2026-11-29'",
        )
        .bind(checkpoint)
        .fetch_one(self.world.pool())
        .await
        .unwrap();
        let at = linli::clock::millis(utc("2026-11-29T08:00:00Z"));
        sqlx::query(
            "INSERT INTO shift_claims (shift_id, user_id, senior, claimed_at, checked_in_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(shift)
        .bind(user as i64)
        .bind(senior)
        .bind(at)
        .bind(checked_in.then_some(at))
        .execute(self.world.pool())
        .await
        .unwrap();
        sqlx::query("UPDATE shifts SET taken = taken + 1, seniors_taken = seniors_taken + ? WHERE id = ?")
            .bind(senior)
            .bind(shift)
            .execute(self.world.pool())
            .await
            .unwrap();
    }

    pub async fn checkpoint(&self, name: &str) -> i64 {
        sqlx::query_as::<_, (i64,)>("SELECT id FROM checkpoints WHERE name = ?")
            .bind(name)
            .fetch_one(self.world.pool())
            .await
            .unwrap()
            .0
    }

    pub async fn visits(&self) -> i64 {
        sqlx::query_as::<_, (i64,)>("SELECT count(*) FROM supervision_visits")
            .fetch_one(self.world.pool())
            .await
            .unwrap()
            .0
    }

    /// Everything queued in the outbox: (chat, message).
    pub async fn outbox(&self) -> Vec<(i64, OutMessage)> {
        let rows: Vec<(i64, String)> = sqlx::query_as("SELECT chat_id, message FROM outbox ORDER BY id")
            .fetch_all(self.world.pool())
            .await
            .unwrap();
        rows.into_iter().map(|(chat, json)| (chat, serde_json::from_str(&json).unwrap())).collect()
    }
}

pub async fn send(bot: &mut TestBot, who: u64, lang: &str, what: &str) -> String {
    bot.update(text(who, lang, what));
    bot.dispatch().await;
    texts(bot).join("\n")
}

pub async fn press(bot: &mut TestBot, who: u64, lang: &str, cb: Cb) -> String {
    bot.update(tap(who, lang, cb));
    bot.dispatch().await;
    texts(bot).join("\n")
}

async fn send_photo(bot: &mut TestBot, who: u64, lang: &str) -> String {
    let sizes = vec![
        MockPhotoSize::new().file_id("small-one".into()).build(),
        MockPhotoSize::new().file_id(PHOTO_ID.into()).width(1280).height(960).build(),
    ];
    let photo =
        MockMessagePhoto::new().photo(sizes).from(user(who, lang)).chat(MockPrivateChat::new().id(who as i64).build());
    bot.update(photo);
    bot.dispatch().await;
    texts(bot).join("\n")
}

#[tokio::test]
async fn an_official_walks_the_round_with_an_ok_a_problem_with_note_and_photo_and_a_correction() {
    let r = round().await;
    let (west, north, south) = (r.checkpoint("西门").await, r.checkpoint("北门").await, r.checkpoint("南门").await);
    let l = ZH;
    let mut bot = r.bot(text(OFFICIAL, "zh", "/round"));
    bot.dispatch().await;
    let list = last_text(&bot);
    let header = trf(l, "supervision.list.header", &[("night", "11月29日"), ("visited", "0"), ("total", "3")]);
    assert!(list.starts_with(&header), "{list}");
    assert!(!list.contains(&tr(l, "supervision.list.early").replace("%{from}", "20:00")), "20:30 is the round's time");
    // 西门: both checked in, a party member among them; 北门: claimed, nobody in.
    let west_duty = trf(
        l,
        "supervision.duty.line",
        &[("checked_in", "2"), ("claimed", "2"), ("senior", &tr(l, "supervision.duty.senior_in"))],
    );
    assert!(list.contains(&format!("1. 西门 · {west_duty} · {}", tr(l, "supervision.visit.not_yet"))), "{list}");
    let north_duty = trf(
        l,
        "supervision.duty.line",
        &[("checked_in", "0"), ("claimed", "1"), ("senior", &tr(l, "supervision.duty.no_senior"))],
    );
    assert!(list.contains(&format!("2. 北门 · {north_duty}")), "{list}");
    assert!(list.contains(&trf(l, "supervision.summary.not_visited", &[("names", "西门、北门、南门")])), "{list}");
    assert!(!list.contains("学府大门"), "an official sees their own community only");
    let buttons: Vec<Cb> = last_buttons(&bot);
    assert_eq!(buttons[..4], [Cb::Open(west), Cb::Open(west), Cb::Open(north), Cb::Open(south)], "next first");

    // 西门: one tap confirms what the shift data shows.
    press(&mut bot, OFFICIAL, "zh", Cb::Open(west)).await;
    let ok = Cb::OnDuty { checkpoint_id: west, people: 2 };
    assert!(last_buttons::<Cb>(&bot).contains(&ok), "{:?}", last_buttons::<Cb>(&bot));
    let said = press(&mut bot, OFFICIAL, "zh", ok).await;
    let what = trf(l, "supervision.recorded.on_duty", &[("people", "2")]);
    assert!(said.contains(&trf(l, "supervision.recorded.new", &[("name", "西门"), ("what", &what)])), "{said}");
    assert_eq!(last_buttons::<Cb>(&bot)[0], Cb::Open(north), "back to the list, the next unvisited first");

    // 北门: nobody there; a note and a photo (text where the photo is asked is refused).
    r.clock.set(utc("2026-11-29T12:40:00Z"));
    press(&mut bot, OFFICIAL, "zh", Cb::Open(north)).await;
    press(&mut bot, OFFICIAL, "zh", Cb::Problem(north)).await;
    assert!(last_text(&bot).contains(&tr(l, "supervision.ask.kind")));
    press(&mut bot, OFFICIAL, "zh", Cb::Kind(ProblemKind::Nobody)).await;
    assert!(last_buttons::<Cb>(&bot).contains(&Cb::NoNote), "a note is optional for this kind");
    let said = send(&mut bot, OFFICIAL, "zh", "   ").await;
    assert!(
        said.contains(&tr(l, "supervision.note_empty")) && said.ends_with(&tr(l, "supervision.ask.note")),
        "{said}"
    );
    send(&mut bot, OFFICIAL, "zh", "两人都未到岗，电话未接").await;
    assert!(last_text(&bot).contains(&tr(l, "supervision.ask.photo")));
    let said = send(&mut bot, OFFICIAL, "zh", "照片稍后发").await;
    assert!(said.contains(&tr(l, "supervision.photo_expected")), "{said}");
    assert!(said.ends_with(&tr(l, "supervision.ask.photo")), "the question again: {said}");
    assert_eq!(r.visits().await, 1, "nothing recorded before the photo step ends");
    let said = send_photo(&mut bot, OFFICIAL, "zh").await;
    let what = trf(l, "supervision.recorded.problem", &[("kind", &tr(l, "supervision.kind.nobody"))]);
    assert!(said.contains(&trf(l, "supervision.recorded.new", &[("name", "北门"), ("what", &what)])), "{said}");
    assert_eq!(last_buttons::<Cb>(&bot)[0], Cb::Open(south));

    // The community's other officials (and the administrator) get the photo at once, in
    // their language; not the supervisor, not 学府社区, nothing in a group.
    let queued = r.outbox().await;
    let mut chats: Vec<i64> = queued.iter().map(|(c, _)| *c).collect();
    chats.sort();
    assert_eq!(chats, vec![EN_OFFICIAL as i64, ADMIN as i64], "{queued:?}");
    for (chat, m) in &queued {
        let Content::Photo { file: FileSource::FileId(id), caption: Some(caption) } = &m.content else {
            panic!("a photo expected: {m:?}")
        };
        assert_eq!(id, PHOTO_ID, "the largest size");
        let lang = if *chat == EN_OFFICIAL as i64 { EN } else { ZH };
        assert!(caption.contains(&tr(lang, "supervision.kind.nobody")), "{caption}");
        assert!(caption.contains("两人都未到岗，电话未接") && caption.contains("20:40"), "{caption}");
        assert!(caption.contains(if lang == EN { "North Gate" } else { "北门" }), "{caption}");
    }

    // A correction: 西门 had three people after all; a double tap changes nothing more.
    r.clock.set(utc("2026-11-29T12:50:00Z"));
    press(&mut bot, OFFICIAL, "zh", Cb::Open(west)).await;
    let three = Cb::OnDuty { checkpoint_id: west, people: 3 };
    assert!(last_buttons::<Cb>(&bot).contains(&three), "another count offered");
    let said = press(&mut bot, OFFICIAL, "zh", three).await;
    let what = trf(l, "supervision.recorded.on_duty", &[("people", "3")]);
    let replaced = trf(l, "supervision.recorded.replaced", &[("name", "西门"), ("what", &what), ("earlier", "20:30")]);
    assert!(said.contains(&replaced), "{said}");
    let said = press(&mut bot, OFFICIAL, "zh", three).await;
    assert!(said.contains(&trf(l, "supervision.recorded.unchanged", &[("name", "西门"), ("what", &what)])), "{said}");
    assert_eq!(r.visits().await, 2, "one row per checkpoint and night");
    assert_eq!(r.outbox().await.len(), 2, "an OK alerts nobody");

    // The end of the list: visited 2 of 3, the problem, 南门 not yet visited.
    let list = send(&mut bot, OFFICIAL, "zh", "/round").await;
    let summary = trf(l, "supervision.summary.line", &[("visited", "2"), ("total", "3"), ("problems", "1")]);
    assert!(list.contains(&summary), "{list}");
    let problem =
        trf(l, "supervision.summary.problem", &[("name", "北门"), ("kind", &tr(l, "supervision.kind.nobody"))]);
    assert!(list.contains(&problem), "{list}");
    assert!(list.contains(&trf(l, "supervision.summary.not_visited", &[("names", "南门")])), "{list}");
    assert!(list.contains(&trf(l, "supervision.visit.ok", &[("time", "20:50"), ("people", "3")])), "{list}");

    // The daily report's figures, against the data.
    let mut conn = r.world.pool().acquire().await.unwrap();
    let figures = round_of(&mut conn, r.dihu, night("2026-11-29")).await.unwrap();
    assert_eq!((figures.checkpoints, figures.visited), (3, 2));
    let expected = RoundProblem {
        checkpoint: "北门".into(),
        kind_key: "supervision.kind.nobody",
        note: Some("两人都未到岗，电话未接".into()),
        photo: true,
    };
    assert_eq!(figures.problems, vec![expected]);
    assert_eq!(figures.not_visited, vec!["南门".to_owned()]);
    let other = round_of(&mut conn, r.xuefu, night("2026-11-29")).await.unwrap();
    assert_eq!((other.checkpoints, other.visited, other.not_visited.len()), (1, 0, 1));
}

#[tokio::test]
async fn an_administrator_sees_every_community_and_a_visit_after_midnight_counts_for_the_evening_before() {
    let r = round().await;
    let gate = r.checkpoint("学府大门").await;
    let l = EN;
    sqlx::query("UPDATE users SET lang = 'en' WHERE id = ?").bind(ADMIN as i64).execute(r.world.pool()).await.unwrap();
    // 00:30 on Monday in Shanghai: still Sunday's round.
    r.clock.set(utc("2026-11-29T16:30:00Z"));
    let mut bot = r.bot(text(ADMIN, "en", "/round"));
    bot.dispatch().await;
    let list = last_text(&bot);
    let header = trf(l, "supervision.list.header", &[("night", "Nov 29"), ("visited", "0"), ("total", "4")]);
    assert!(list.starts_with(&header), "{list}");
    for name in ["Dihu Community", "Xuefu Community", "West Gate", "Xuefu Main Gate"] {
        assert!(list.contains(name), "{name}: {list}");
    }
    assert!(list.contains(&tr(l, "supervision.duty.no_shift")), "the evening shifts ended at midnight: {list}");
    assert!(!list.contains("学府大门"), "English names for an English reader");

    press(&mut bot, ADMIN, "en", Cb::Open(gate)).await;
    press(&mut bot, ADMIN, "en", Cb::Problem(gate)).await;
    press(&mut bot, ADMIN, "en", Cb::Kind(ProblemKind::Other)).await;
    assert!(!last_buttons::<Cb>(&bot).contains(&Cb::NoNote), "\"other\" needs a note");
    let said = send(&mut bot, ADMIN, "en", "  ").await;
    assert!(said.contains(&tr(l, "supervision.note_required")), "{said}");
    assert!(said.ends_with(&tr(l, "supervision.ask.note_required")), "the question again: {said}");
    let said = press(&mut bot, ADMIN, "en", Cb::NoNote).await;
    assert_eq!(alert(&bot).as_deref(), Some(tr(l, "common.stale_button").as_str()), "{said}");
    send(&mut bot, ADMIN, "en", "Barrier left open, nobody in the booth").await;
    let said = press(&mut bot, ADMIN, "en", Cb::NoPhoto).await;
    let what = trf(l, "supervision.recorded.problem", &[("kind", &tr(l, "supervision.kind.other"))]);
    assert!(said.contains(&trf(l, "supervision.recorded.new", &[("name", "Xuefu Main Gate"), ("what", &what)])));
    press(&mut bot, ADMIN, "en", Cb::NoPhoto).await;
    assert_eq!(alert(&bot).as_deref(), Some(tr(l, "common.stale_button").as_str()), "a double tap records once");

    // 学府社区's official is told, in Chinese, as text; 帝湖社区's officials are not.
    let queued = r.outbox().await;
    assert_eq!(queued.iter().map(|(c, _)| *c).collect::<Vec<_>>(), vec![XUEFU_OFFICIAL as i64]);
    let Content::Text { text, .. } = &queued[0].1.content else { panic!("text expected") };
    assert!(text.contains("学府大门") && text.contains(&tr(ZH, "supervision.kind.other")), "{text}");
    assert!(text.contains("Barrier left open") && text.contains("00:30"), "{text}");

    let mut conn = r.world.pool().acquire().await.unwrap();
    let sunday = round_of(&mut conn, r.xuefu, night("2026-11-29")).await.unwrap();
    assert_eq!((sunday.visited, sunday.problems.len()), (1, 1));
    assert_eq!(sunday.problems[0].note.as_deref(), Some("Barrier left open, nobody in the booth"));
    assert!(!sunday.problems[0].photo);
    let monday = round_of(&mut conn, r.xuefu, night("2026-11-30")).await.unwrap();
    assert_eq!(monday.visited, 0, "00:30 is not Monday's round");
}
