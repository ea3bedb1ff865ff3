//! The scheduler with a clock the tests move: one-off and daily jobs, restarts, crashes,
//! retries with backoff and the report to administrators.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use linli::clock::{Clock, ManualClock};
use linli::jobs::{self, BoxFuture, JobCtx, NewJob, Recurrence, Registry, Runner};
use sqlx::SqliteConnection;

use crate::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Records each run in a table, inside the runner's transaction.
fn note(conn: &mut SqliteConnection, ctx: JobCtx, payload: serde_json::Value) -> BoxFuture<'_, linli::Result<()>> {
    Box::pin(async move {
        sqlx::query("INSERT INTO runs (job, at, payload) VALUES (?, ?, ?)")
            .bind(ctx.job_id)
            .bind(ctx.now.to_rfc3339())
            .bind(payload.to_string())
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// Writes, then fails: its write must not survive.
fn broken(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, linli::Result<()>> {
    Box::pin(async move {
        sqlx::query("INSERT INTO runs (job, at, payload) VALUES (?, ?, 'half-done')")
            .bind(ctx.job_id)
            .bind(ctx.now.to_rfc3339())
            .execute(&mut *conn)
            .await?;
        Err(linli::Error::Job("the supermarket's system is down".into()))
    })
}

struct Setup {
    world: World,
    clock: Arc<ManualClock>,
    app: Arc<linli::App>,
}

async fn setup(start: &str) -> Setup {
    let world = World::new().await;
    let clock = ManualClock::new(utc(start));
    let app = linli::App::with_clock(world.app.db(), world.app.settings.clone(), clock.clone());
    sqlx::query("CREATE TABLE runs (job INTEGER, at TEXT, payload TEXT)")
        .execute(&mut *app.writer.lock().await)
        .await
        .unwrap();
    Setup { world, clock, app }
}

/// A bug in a job function.
fn panics(_: &mut SqliteConnection, _: JobCtx, _: serde_json::Value) -> BoxFuture<'_, linli::Result<()>> {
    Box::pin(async move { panic!("a bug in a job") })
}

fn runner(app: &Arc<linli::App>) -> Runner {
    Runner::new(
        app.clone(),
        Registry::new().register("test.note", note).register("test.broken", broken).register("test.panics", panics),
    )
}

async fn runs(app: &linli::App) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT job, at FROM runs ORDER BY rowid").fetch_all(&app.pool).await.unwrap()
}

async fn schedule(app: &linli::App, job: NewJob) -> i64 {
    let mut conn = app.writer.lock().await;
    jobs::schedule(&mut conn, chrono::Utc::now(), &job).await.unwrap()
}

#[tokio::test]
async fn a_one_off_job_runs_at_its_time_and_only_once() {
    let s = setup("2026-11-27T10:00:00Z").await;
    let id =
        schedule(&s.app, NewJob::once("test.note", utc("2026-11-27T10:30:00Z"), serde_json::json!({"n": 1}))).await;
    let r = runner(&s.app);
    assert_eq!(r.tick().await.unwrap(), 0, "not due yet");
    s.clock.advance(Duration::minutes(30));
    assert_eq!(r.tick().await.unwrap(), 1);
    assert_eq!(r.tick().await.unwrap(), 0, "done jobs do not run again");
    assert_eq!(runs(&s.app).await, vec![(id, "2026-11-27T10:30:00+00:00".to_owned())]);
    let (payload,): (String,) = sqlx::query_as("SELECT payload FROM runs").fetch_one(&s.app.pool).await.unwrap();
    assert_eq!(payload, r#"{"n":1}"#);
    drop(s.world);
}

#[tokio::test]
async fn a_daily_job_fires_once_per_period_across_a_restart() {
    // 19:59 in Shanghai.
    let s = setup("2026-11-27T11:59:00Z").await;
    let job =
        NewJob::recurring("test.note", Recurrence::daily("20:00", chrono_tz::Asia::Shanghai), s.clock.now(), "nightly")
            .unwrap();
    let id = schedule(&s.app, job.clone()).await;
    assert_eq!(schedule(&s.app, job).await, id, "scheduling the same key again keeps one job");

    let first = runner(&s.app);
    assert_eq!(first.tick().await.unwrap(), 0);
    s.clock.advance(Duration::minutes(1));
    assert_eq!(first.tick().await.unwrap(), 1, "20:00 → runs");
    assert_eq!(first.tick().await.unwrap(), 0);
    drop(first);

    // A restart during the evening: the new runner does not run tonight's job again.
    let second = runner(&s.app);
    s.clock.advance(Duration::hours(2));
    assert_eq!(second.tick().await.unwrap(), 0);
    // Tomorrow at 20:00 it runs once more.
    s.clock.set(utc("2026-11-28T12:00:05Z"));
    assert_eq!(second.tick().await.unwrap(), 1);
    assert_eq!(second.tick().await.unwrap(), 0);
    // Down for three days: it runs once when back, not three times.
    s.clock.set(utc("2026-12-01T13:00:00Z"));
    assert_eq!(second.tick().await.unwrap(), 1);
    assert_eq!(second.tick().await.unwrap(), 0);
    assert_eq!(runs(&s.app).await.len(), 3);
    let (due,): (i64,) =
        sqlx::query_as("SELECT due_at FROM jobs WHERE id = ?").bind(id).fetch_one(&s.app.pool).await.unwrap();
    assert_eq!(linli::clock::from_millis(due), utc("2026-12-02T12:00:00Z"), "next: tomorrow 20:00 Shanghai");
}

#[tokio::test]
async fn a_job_left_running_by_a_crash_runs_again_after_its_lease() {
    let s = setup("2026-11-27T10:00:00Z").await;
    let id = schedule(&s.app, NewJob::once("test.note", utc("2026-11-27T10:00:00Z"), serde_json::Value::Null)).await;
    // As if a runner claimed it and was killed before finishing.
    sqlx::query("UPDATE jobs SET status = 'running', locked_until = ? WHERE id = ?")
        .bind(linli::clock::millis(utc("2026-11-27T10:05:00Z")))
        .bind(id)
        .execute(&mut *s.app.writer.lock().await)
        .await
        .unwrap();
    let r = runner(&s.app);
    assert_eq!(r.tick().await.unwrap(), 0, "still leased to the dead runner");
    s.clock.advance(Duration::minutes(6));
    assert_eq!(r.tick().await.unwrap(), 1);
    assert_eq!(runs(&s.app).await.len(), 1);
}

#[tokio::test]
async fn a_failing_job_is_rolled_back_retried_with_backoff_then_reported() {
    let s = setup("2026-11-27T10:00:00Z").await;
    // An administrator who has talked to the bot gets the report, in their language.
    linli::people::store::upsert_user(
        &mut *s.app.writer.lock().await,
        chrono::Utc::now(),
        ADMIN as i64,
        "Admin",
        linli::i18n::Lang::En,
        true,
    )
    .await
    .unwrap();
    let id = schedule(&s.app, NewJob::once("test.broken", s.clock.now(), serde_json::Value::Null)).await;
    let r = runner(&s.app);
    let mut waits = Vec::new();
    for _ in 0..5 {
        assert_eq!(r.tick().await.unwrap(), 1);
        let (due, status): (i64, String) = sqlx::query_as("SELECT due_at, status FROM jobs WHERE id = ?")
            .bind(id)
            .fetch_one(&s.app.pool)
            .await
            .unwrap();
        if status == "failed" {
            break;
        }
        let wait = linli::clock::from_millis(due) - s.clock.now();
        waits.push(wait.num_seconds());
        assert_eq!(r.tick().await.unwrap(), 0, "nothing before the backoff ends");
        s.clock.set(linli::clock::from_millis(due));
    }
    assert_eq!(waits, vec![30, 60, 120, 240], "exponential backoff");
    let (status, error): (String, String) = sqlx::query_as("SELECT status, last_error FROM jobs WHERE id = ?")
        .bind(id)
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(status, "failed");
    assert!(error.contains("supermarket"), "{error}");
    assert!(runs(&s.app).await.is_empty(), "a failed run's writes are rolled back");
    let (report,): (String,) = sqlx::query_as("SELECT message FROM outbox WHERE chat_id = ?")
        .bind(ADMIN as i64)
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert!(report.contains("test.broken") && report.contains("Background job"), "{report}");
}

#[tokio::test]
async fn a_job_of_an_unknown_kind_is_not_lost_silently() {
    let s = setup("2026-11-27T10:00:00Z").await;
    let id = schedule(&s.app, NewJob::once("retired.kind", s.clock.now(), serde_json::Value::Null)).await;
    let r = runner(&s.app);
    r.tick().await.unwrap();
    let (status, error): (String, String) = sqlx::query_as("SELECT status, last_error FROM jobs WHERE id = ?")
        .bind(id)
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    assert_eq!(status, "pending", "retried later");
    assert!(error.contains("retired.kind"), "{error}");
}

#[tokio::test]
async fn a_panicking_job_is_contained_and_counted_and_other_jobs_still_run() {
    let s = setup("2026-11-27T10:00:00Z").await;
    let bad = schedule(&s.app, NewJob::once("test.panics", s.clock.now(), serde_json::Value::Null)).await;
    let good = schedule(&s.app, NewJob::once("test.note", s.clock.now(), serde_json::Value::Null)).await;
    let r = runner(&s.app);
    assert_eq!(r.tick().await.unwrap(), 2);
    let (status, attempts, error): (String, i64, String) =
        sqlx::query_as("SELECT status, attempts, last_error FROM jobs WHERE id = ?")
            .bind(bad)
            .fetch_one(&s.app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert!(error.contains("panicked"));
    assert_eq!(runs(&s.app).await, vec![(good, "2026-11-27T10:00:00+00:00".to_owned())]);
}

#[tokio::test]
async fn a_finished_key_can_be_scheduled_again_and_a_stuck_job_recovers_at_start() {
    let s = setup("2026-11-27T10:00:00Z").await;
    let job = NewJob {
        unique_key: Some("remind:42".into()),
        ..NewJob::once("test.note", s.clock.now(), serde_json::Value::Null)
    };
    let id = schedule(&s.app, job.clone()).await;
    let r = runner(&s.app);
    assert_eq!(r.tick().await.unwrap(), 1);
    assert_eq!(schedule(&s.app, job.clone()).await, id, "the same row, revived");
    assert_eq!(r.tick().await.unwrap(), 1, "and it runs again");
    // A job left running by a dead process runs at once after `recover`, not after its lease.
    schedule(&s.app, job).await;
    sqlx::query("UPDATE jobs SET status = 'running', locked_until = ?")
        .bind(i64::MAX)
        .execute(&mut *s.app.writer.lock().await)
        .await
        .unwrap();
    assert_eq!(r.tick().await.unwrap(), 0);
    assert_eq!(r.recover().await.unwrap(), 1);
    assert_eq!(r.tick().await.unwrap(), 1);
    assert_eq!(runs(&s.app).await.len(), 3);
}

/// The bot's own start: every slice's recurring jobs from these settings.
async fn start_with(s: &Setup, shifts: linli::config::ShiftRules, tz: chrono_tz::Tz) -> Arc<linli::App> {
    let settings = linli::config::Settings { shifts, timezone: tz, ..s.world.app.settings.clone() };
    let app = linli::App::with_clock(s.app.db(), settings, s.clock.clone());
    let mut conn = app.writer.lock().await;
    linli::bot::slice::setup_all(&mut conn, &app).await.unwrap();
    app
}

async fn due_of(app: &linli::App, key: &str) -> DateTime<Utc> {
    let (due,): (i64,) =
        sqlx::query_as("SELECT due_at FROM jobs WHERE unique_key = ?").bind(key).fetch_one(&app.pool).await.unwrap();
    linli::clock::from_millis(due)
}

#[tokio::test]
async fn a_changed_nightly_time_or_zone_applies_after_a_restart() {
    // 10:00 in Shanghai.
    let s = setup("2026-11-27T02:00:00Z").await;
    let rules = |at: &str| linli::config::ShiftRules::parse("2", "12,1", at).unwrap();
    let first = start_with(&s, rules("20:00"), chrono_tz::Asia::Shanghai).await;
    assert_eq!(due_of(&first, "shifts.nightly").await, utc("2026-11-27T12:00:00Z"), "20:00 Shanghai");
    // Restarted with LINLI_NIGHTLY_AT=21:30: tonight's report follows the new time.
    let second = start_with(&s, rules("21:30"), chrono_tz::Asia::Shanghai).await;
    assert_eq!(due_of(&second, "shifts.nightly").await, utc("2026-11-27T13:30:00Z"), "21:30 Shanghai");
    let (jobs,): (i64,) = sqlx::query_as("SELECT count(*) FROM jobs WHERE kind = 'shifts.nightly'")
        .fetch_one(&second.pool)
        .await
        .unwrap();
    assert_eq!(jobs, 1, "the same job, rescheduled");
    // And with another zone, every daily job moves with it (the prune at 04:00 Berlin).
    let third = start_with(&s, rules("21:30"), chrono_tz::Europe::Berlin).await;
    assert_eq!(due_of(&third, "housekeeping.prune").await, utc("2026-11-27T03:00:00Z"), "04:00 Berlin");
    assert_eq!(due_of(&third, "shifts.nightly").await, utc("2026-11-27T20:30:00Z"), "21:30 Berlin");

    // An unchanged rule keeps its time: a report missed while the bot was down still runs.
    s.clock.set(utc("2026-11-28T09:00:00Z"));
    let fourth = start_with(&s, rules("21:30"), chrono_tz::Europe::Berlin).await;
    assert_eq!(due_of(&fourth, "shifts.nightly").await, utc("2026-11-27T20:30:00Z"), "still due, runs at start");
}
