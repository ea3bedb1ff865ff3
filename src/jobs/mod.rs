//! The durable schedule: everything that must happen later (reminders, deadlines, the
//! nightly report) is a row in `jobs`, run by `runner::Runner`. No slice sleeps on a
//! timer of its own, so a restart loses nothing: due jobs run when the bot is back.
//!
//! A job function gets the runner's transaction: its writes (including outbox rows) and
//! the job's completion commit together, so a job's effects happen once. A failing job
//! is rolled back and retried with backoff; after the last try it is reported to the
//! administrators (a recurring job then waits for its next period).

pub mod housekeeping;
pub mod runner;

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::clock::millis;
use crate::Result;
pub use runner::{JobCtx, JobFn, Registry, Runner};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a job stands: waiting for its time, claimed by a runner, finished, given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum JobStatus {
    Pending,
    Running,
    Done,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Recurrence {
    /// Every day at `at` ("20:00") in the zone `tz` ("Asia/Shanghai").
    Daily { at: String, tz: String },
    /// Every so many seconds.
    Every { seconds: i64 },
}

impl Recurrence {
    pub fn daily(at: &str, tz: chrono_tz::Tz) -> Self {
        Recurrence::Daily { at: at.to_owned(), tz: tz.name().to_owned() }
    }

    /// The first occurrence strictly after `t`; `None` if the rule is unreadable.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Recurrence::Every { seconds } if *seconds > 0 => Some(t + Duration::seconds(*seconds)),
            Recurrence::Every { .. } => None,
            Recurrence::Daily { at, tz } => {
                let tz: chrono_tz::Tz = tz.parse().ok()?;
                let at = NaiveTime::parse_from_str(at, "%H:%M").ok()?;
                let mut date = t.with_timezone(&tz).date_naive();
                for _ in 0..3 {
                    let local = date.and_time(at);
                    // A time skipped by a DST change happens an hour later that day.
                    let candidate = tz
                        .from_local_datetime(&local)
                        .earliest()
                        .or_else(|| tz.from_local_datetime(&(local + Duration::hours(1))).earliest())?
                        .with_timezone(&Utc);
                    if candidate > t {
                        return Some(candidate);
                    }
                    date = date.succ_opt()?;
                }
                None
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub due_at: DateTime<Utc>,
    pub recurrence: Option<Recurrence>,
    /// Scheduling the same key again keeps the existing job (idempotent setup).
    pub unique_key: Option<String>,
}

impl NewJob {
    pub fn once(kind: &'static str, due_at: DateTime<Utc>, payload: serde_json::Value) -> Self {
        Self { kind, payload, due_at, recurrence: None, unique_key: None }
    }

    /// A recurring job whose first run is the rule's next occurrence after `now`.
    pub fn recurring(kind: &'static str, rule: Recurrence, now: DateTime<Utc>, key: impl Into<String>) -> Option<Self> {
        let due_at = rule.next_after(now)?;
        Some(Self {
            kind,
            payload: serde_json::Value::Null,
            due_at,
            recurrence: Some(rule),
            unique_key: Some(key.into()),
        })
    }
}

/// A job's payload as its typed value. A payload that does not read is an error: the job
/// fails (retried, then reported to the administrators), rather than running against id 0.
pub fn payload<P: serde::de::DeserializeOwned>(kind: &str, value: serde_json::Value) -> Result<P> {
    serde_json::from_value(value.clone())
        .map_err(|e| crate::Error::Job(format!("malformed payload for {kind}: {value} ({e})")))
}

/// A payload from its typed value.
pub fn to_payload<P: Serialize>(p: &P) -> serde_json::Value {
    serde_json::to_value(p).unwrap_or(serde_json::Value::Null)
}

/// Adds a job on the caller's connection (inside its transaction, like `outbox::enqueue`).
/// A `unique_key` that is still pending or running keeps that job (idempotent setup); one
/// that is done or failed is scheduled afresh. A recurring job whose rule changed (the
/// settings' `LINLI_NIGHTLY_AT` or `LINLI_TZ` after a restart) takes the new rule and its
/// next time; an unchanged rule keeps its due time, so a period missed while the bot was
/// down still runs once. Returns the job's id.
pub async fn schedule(conn: &mut SqliteConnection, now: DateTime<Utc>, job: &NewJob) -> Result<i64> {
    let recurrence = job.recurrence.as_ref().map(serde_json::to_string).transpose()?;
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO jobs (kind, payload, unique_key, recurrence, due_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (unique_key) DO UPDATE SET
             kind = excluded.kind, payload = excluded.payload, recurrence = excluded.recurrence,
             due_at = excluded.due_at, attempts = 0, last_error = NULL,
             status = CASE WHEN jobs.status = 'running' THEN 'running' ELSE 'pending' END
         WHERE jobs.status IN ('done', 'failed')
            OR (excluded.recurrence IS NOT NULL AND jobs.recurrence IS NOT excluded.recurrence)
         RETURNING id",
    )
    .bind(job.kind)
    .bind(job.payload.to_string())
    .bind(&job.unique_key)
    .bind(recurrence)
    .bind(millis(job.due_at))
    .bind(millis(now))
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id,)) = inserted {
        return Ok(id);
    }
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM jobs WHERE unique_key = ?").bind(&job.unique_key).fetch_one(&mut *conn).await?;
    Ok(id)
}

/// Moves a pending job's due time earlier, never later (a group buy's tally waiting for
/// its "time left" refresh in 10 minutes is wanted now after a join).
pub async fn bring_forward(conn: &mut SqliteConnection, unique_key: &str, due: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE jobs SET due_at = ?1 WHERE unique_key = ?2 AND status = 'pending' AND due_at > ?1")
        .bind(millis(due))
        .bind(unique_key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a pending job by key (e.g. a reminder for a shift that was released).
pub async fn cancel(conn: &mut SqliteConnection, unique_key: &str) -> Result<bool> {
    let n = sqlx::query("DELETE FROM jobs WHERE unique_key = ? AND status = 'pending'")
        .bind(unique_key)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn daily_at_20_00_shanghai_is_12_00_utc() {
        let rule = Recurrence::daily("20:00", chrono_tz::Asia::Shanghai);
        assert_eq!(rule.next_after(utc("2026-11-27T11:59:59Z")), Some(utc("2026-11-27T12:00:00Z")));
        assert_eq!(rule.next_after(utc("2026-11-27T12:00:00Z")), Some(utc("2026-11-28T12:00:00Z")), "strictly after");
        assert_eq!(rule.next_after(utc("2026-11-27T20:00:00Z")), Some(utc("2026-11-28T12:00:00Z")));
    }

    #[test]
    fn daily_across_a_dst_gap_still_fires() {
        // Berlin skips 02:00–03:00 on 2026-03-29.
        let rule = Recurrence::daily("02:30", chrono_tz::Europe::Berlin);
        let next = rule.next_after(utc("2026-03-28T12:00:00Z")).unwrap();
        assert_eq!(next, utc("2026-03-29T01:30:00Z"), "03:30 local, an hour late, not skipped");
    }

    #[test]
    fn every_n_seconds_and_bad_rules() {
        assert_eq!(
            Recurrence::Every { seconds: 60 }.next_after(utc("2026-01-01T00:00:00Z")),
            Some(utc("2026-01-01T00:01:00Z"))
        );
        assert_eq!(Recurrence::Every { seconds: 0 }.next_after(utc("2026-11-27T10:00:00Z")), None);
        assert_eq!(
            Recurrence::Daily { at: "25:00".into(), tz: "Asia/Shanghai".into() }
                .next_after(utc("2026-11-27T10:00:00Z")),
            None
        );
    }
}
