//! The structure every slice stands on: one transaction per action (a burst of
//! simultaneous writers all succeed), inbound updates that survive a crash, one clock for
//! every rule that depends on time, typed job payloads.

use std::sync::atomic::AtomicI32;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use linli::bot::{inbound, schema, storage, State};
use linli::clock::{millis, ManualClock};
use linli::i18n::Lang;
use linli::jobs::{self, NewJob, Runner};
use linli::people::store::{self as people, NewResident};
use linli::people::{buttons::Cb, Flow, VolStep};
use teloxide::prelude::*;
use teloxide_tests::IntoUpdate;
use teloxide_tests::MockMe;

use crate::botapi_stub::StubApi;
use crate::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Runs one update through the whole bot (guard included), as the dispatcher would.
async fn dispatch(bot: &Bot, app: &Arc<App>, update: Update) {
    let me = MockMe::new().build();
    let _ = schema().dispatch(teloxide::dptree::deps![bot.clone(), update, me, app.clone()]).await;
}

#[tokio::test]
async fn a_hundred_volunteers_finishing_their_profile_at_once_are_all_recorded() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    let dihu = world.community("帝湖社区").await;
    // The administrator has talked to the bot, so every application reaches them.
    people::upsert_user(
        &mut world.pool().acquire().await.unwrap(),
        Utc::now(),
        ADMIN as i64,
        "Admin",
        Lang::ZhCn,
        true,
    )
    .await
    .unwrap();
    let volunteers: Vec<u64> = (0..100).map(|i| 4_000_000 + i).collect();
    for &v in &volunteers {
        people::upsert_user(
            &mut world.pool().acquire().await.unwrap(),
            Utc::now(),
            v as i64,
            &format!("志愿者{v}"),
            Lang::ZhCn,
            true,
        )
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO memberships (user_id, community_id, role, status, created_at) VALUES (?, ?, 'volunteer', 'profile', 0)",
        )
        .bind(v as i64)
        .bind(dihu)
        .execute(world.pool())
        .await
        .unwrap();
        let flow = Flow::Volunteer {
            community_id: dihu,
            step: VolStep::Skills,
            party: v % 2 == 0,
            experienced: false,
            skills: vec![],
        };
        storage::save(world.pool(), v as i64, &State::of(&flow), Utc::now()).await.unwrap();
    }
    let ids = Arc::new(AtomicI32::new(1));
    let bot = stub.bot();
    let mut tasks = Vec::new();
    for &v in &volunteers {
        let update = tap(v, "zh", Cb::Confirm).into_update(&ids).remove(0);
        let (bot, app) = (bot.clone(), world.app.clone());
        tasks.push(tokio::spawn(async move { dispatch(&bot, &app, update).await }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (pending,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM memberships WHERE role = 'volunteer' AND status = 'pending'")
            .fetch_one(world.pool())
            .await
            .unwrap();
    assert_eq!(pending, 100, "every application is recorded");
    let (queued,): (i64,) = sqlx::query_as("SELECT count(*) FROM outbox WHERE chat_id = ?")
        .bind(ADMIN as i64)
        .fetch_one(world.pool())
        .await
        .unwrap();
    assert_eq!(queued, 100, "the administrator is told of each one, once");
    let sorry = tr(ZH, "common.internal_error");
    let told: Vec<_> = stub.received().into_iter().filter_map(|r| r.text).collect();
    assert!(!told.contains(&sorry), "nobody was refused with 'something went wrong'");
    let submitted = tr(ZH, "people.volunteer.submitted");
    assert_eq!(told.iter().filter(|t| **t == submitted).count(), 100, "each volunteer is told it went through");
}

#[tokio::test]
async fn an_update_left_unfinished_by_a_crash_is_answered_at_start_once() {
    let world = World::new().await;
    let stub = StubApi::start().await;
    const PERSON: u64 = 3_100_001;
    let update = text(PERSON, "zh", "/help").into_update(&AtomicI32::new(77)).remove(0);
    // As the listener stores it before the crash: taken from Telegram, never finished.
    sqlx::query("INSERT INTO inbound_updates (update_id, payload, received_at) VALUES (77, ?, 0)")
        .bind(serde_json::to_string(&update).unwrap())
        .execute(world.pool())
        .await
        .unwrap();
    let me = MockMe::new().build();
    let handler = schema();
    assert_eq!(inbound::replay(&stub.bot(), &me, &world.app, &handler).await.unwrap(), 1);
    let answers = stub.delivered_to(PERSON as i64);
    assert_eq!(answers.len(), 1, "answered once");
    assert!(answers[0].text.as_deref().unwrap_or_default().contains(&tr(ZH, "menu.help_header")));
    // A second start, and Telegram redelivering it: neither answers again.
    assert_eq!(inbound::replay(&stub.bot(), &me, &world.app, &handler).await.unwrap(), 0);
    dispatch(&stub.bot(), &world.app, update).await;
    assert_eq!(stub.delivered_to(PERSON as i64).len(), 1, "still answered once");
}

#[tokio::test]
async fn a_delivered_order_counts_as_received_after_24_hours_by_the_apps_clock() {
    let world = World::new().await;
    let delivered_at = utc("2026-11-27T10:00:00Z");
    let clock = ManualClock::new(delivered_at);
    let app = App::with_clock(world.app.db(), world.app.settings.clone(), clock.clone());
    let dihu = world.community("帝湖社区").await;
    let b1 = world.building(dihu, "1号楼").await;
    const RESIDENT: i64 = 3_200_001;
    people::upsert_user(&mut *app.writer.lock().await, delivered_at, RESIDENT, "居民", Lang::ZhCn, true).await.unwrap();
    let new = NewResident { community_id: dihu, building_id: b1, unit_room: "1-101", household_size: 2, phone: None };
    people::save_resident(&mut *app.writer.lock().await, delivered_at, RESIDENT, &new).await.unwrap();
    sqlx::query(
        "INSERT INTO orders (resident_id, community_id, building_id, placed_by, status, total_fen, day, placed_at, updated_at)
         VALUES (?1, ?2, ?3, ?1, 'delivered', 900, '2026-11-27', ?4, ?4)",
    )
    .bind(RESIDENT)
    .bind(dihu)
    .bind(b1)
    .bind(millis(delivered_at))
    .execute(&mut *app.writer.lock().await)
    .await
    .unwrap();
    linli::orders::pipeline::schedule_all(&mut *app.writer.lock().await, &app).await.unwrap();
    let runner = Runner::new(app.clone(), linli::bot::slice::job_registry());
    let status = || async {
        let (s, at): (String, i64) =
            sqlx::query_as("SELECT status, updated_at FROM orders").fetch_one(&app.pool).await.unwrap();
        (s, at)
    };
    clock.set(delivered_at + Duration::hours(23));
    runner.tick().await.unwrap();
    assert_eq!(status().await.0, "delivered", "23 hours later it is still waiting for the resident");
    clock.set(delivered_at + Duration::hours(24) + Duration::minutes(30));
    runner.tick().await.unwrap();
    let (s, at) = status().await;
    assert_eq!(s, "received", "after 24 hours it counts as received");
    assert_eq!(at, millis(delivered_at + Duration::hours(24) + Duration::minutes(30)), "stamped by the app's clock");
}

#[tokio::test]
async fn a_job_with_a_malformed_payload_fails_instead_of_running_against_id_zero() {
    let world = World::new().await;
    let now = utc("2026-11-27T10:00:00Z");
    let clock = ManualClock::new(now);
    let app = App::with_clock(world.app.db(), world.app.settings.clone(), clock);
    let job = NewJob::once(linli::shifts::store::REMIND, now, serde_json::json!({ "shift": "tomorrow" }));
    let id = jobs::schedule(&mut *app.writer.lock().await, now, &job).await.unwrap();
    Runner::new(app.clone(), linli::bot::slice::job_registry()).tick().await.unwrap();
    let (status, error): (String, Option<String>) =
        sqlx::query_as("SELECT status, last_error FROM jobs WHERE id = ?").bind(id).fetch_one(&app.pool).await.unwrap();
    assert_ne!(status, "done", "a payload that does not read is not a job done");
    assert!(error.unwrap_or_default().contains("malformed payload"));
}
