//! Runs due jobs. `tick` claims one due job at a time with a single conditional UPDATE
//! (so two runners never take the same job), runs its function inside a transaction and
//! records the outcome in that same transaction. A job whose runner died mid-run is
//! taken again when its lease expires. Time comes from the app's clock, so tests move
//! it forward instead of sleeping.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

use crate::clock::{from_millis, millis};
use crate::jobs::{BoxFuture, JobStatus, Recurrence};
use crate::outbox::{self, OutMessage};
use crate::{App, Error, Result};

/// What a job function sees besides its transaction and payload.
#[derive(Clone)]
pub struct JobCtx {
    pub app: Arc<App>,
    pub job_id: i64,
    /// When the job was due (a late run knows what it is late for).
    pub due_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

/// A job function: gets the runner's transaction, so its writes commit with its completion.
pub type JobFn = for<'c> fn(&'c mut SqliteConnection, JobCtx, serde_json::Value) -> BoxFuture<'c, Result<()>>;

#[derive(Default, Clone)]
pub struct Registry {
    fns: HashMap<&'static str, JobFn>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register(mut self, kind: &'static str, f: JobFn) -> Self {
        self.fns.insert(kind, f);
        self
    }
}

#[derive(Clone, sqlx::FromRow)]
struct Claimed {
    id: i64,
    kind: String,
    payload: String,
    recurrence: Option<String>,
    due_at: i64,
    attempts: i64,
}

pub struct Runner {
    app: Arc<App>,
    registry: Registry,
    /// How long a claimed job is ours before another runner may take it.
    pub lease: Duration,
    pub max_attempts: i64,
    pub base_backoff: Duration,
}

impl Runner {
    pub fn new(app: Arc<App>, registry: Registry) -> Self {
        Self { app, registry, lease: Duration::minutes(5), max_attempts: 5, base_backoff: Duration::seconds(30) }
    }

    /// Runs every job due now, once each. Returns how many ran (well or not).
    pub async fn tick(&self) -> Result<usize> {
        let writer = &self.app.writer;
        let now = self.app.clock.now();
        // Jobs whose runner died mid-run: their lease is over, take them again.
        sqlx::query("UPDATE jobs SET status = 'pending' WHERE status = 'running' AND locked_until < ?")
            .bind(millis(now))
            .execute(&mut *writer.lock().await)
            .await?;
        let mut ran = 0;
        // Bounded, so a flood of due jobs cannot starve the loop's other work.
        while ran < 256 {
            let claimed: Option<Claimed> = sqlx::query_as(
                "UPDATE jobs SET status = 'running', locked_until = ?1
                 WHERE id = (SELECT id FROM jobs WHERE status = 'pending' AND due_at <= ?2 ORDER BY due_at, id LIMIT 1)
                 RETURNING id, kind, payload, recurrence, due_at, attempts",
            )
            .bind(millis(now + self.lease))
            .bind(millis(now))
            .fetch_optional(&mut *writer.lock().await)
            .await?;
            let Some(job) = claimed else { break };
            self.execute(job, now).await?;
            ran += 1;
        }
        Ok(ran)
    }

    /// At start: one runner per database, so jobs marked running belong to a runner that
    /// died. Run them again now rather than after their lease.
    pub async fn recover(&self) -> Result<u64> {
        Ok(sqlx::query("UPDATE jobs SET status = 'pending', locked_until = NULL WHERE status = 'running'")
            .execute(&mut *self.app.writer.lock().await)
            .await?
            .rows_affected())
    }

    /// Ticks forever, once a second (the bot's background task).
    pub async fn run(&self) {
        loop {
            if let Err(err) = self.tick().await {
                tracing::error!(%err, "scheduler tick failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }

    async fn execute(&self, job: Claimed, now: DateTime<Utc>) -> Result<()> {
        // A recurring job whose rule cannot be read must not silently become a one-off.
        let next = match job.recurrence.as_deref() {
            None => None,
            Some(text) => match serde_json::from_str::<Recurrence>(text).ok().and_then(|r| r.next_after(now)) {
                Some(next) => Some(next),
                None => return self.failed(&job, None, now, "unreadable recurrence; not run").await,
            },
        };
        let function = self.registry.fns.get(job.kind.as_str()).copied();
        let ctx = JobCtx { app: Arc::clone(&self.app), job_id: job.id, due_at: from_millis(job.due_at), now };
        let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or(serde_json::Value::Null);
        let (id, kind) = (job.id, job.kind.clone());
        // Its own task, so a panicking job is contained (its transaction rolls back) and
        // counted as a failed attempt instead of stopping the scheduler.
        let outcome = tokio::spawn(async move {
            let Some(function) = function else { return Err(Error::UnknownJob(kind)) };
            let mut tx = ctx.app.writer.begin().await?;
            function(&mut tx, ctx, payload).await?;
            let (status, due) = match next {
                Some(next) => (JobStatus::Pending, millis(next)),
                None => (JobStatus::Done, job.due_at),
            };
            sqlx::query(
                "UPDATE jobs SET status = ?, due_at = ?, attempts = 0, runs = runs + 1, last_run_at = ?,
                     locked_until = NULL, last_error = NULL WHERE id = ?",
            )
            .bind(status)
            .bind(due)
            .bind(millis(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await;
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => self.failed(&job, next, now, &err.to_string()).await,
            Err(join) => {
                let reason = if join.is_panic() { "the job panicked" } else { "the job was cancelled" };
                self.failed(&job, next, now, reason).await
            }
        }
    }

    async fn failed(&self, job: &Claimed, next: Option<DateTime<Utc>>, now: DateTime<Utc>, reason: &str) -> Result<()> {
        let attempts = job.attempts + 1;
        let mut tx = self.app.writer.begin().await?;
        if attempts < self.max_attempts {
            let wait = self.base_backoff * (1_i32 << (attempts - 1).clamp(0, 10));
            tracing::warn!(job = job.id, kind = job.kind, attempts, reason, "job failed; will retry");
            sqlx::query(
                "UPDATE jobs SET status = 'pending', attempts = ?, due_at = ?, locked_until = NULL, last_error = ?
                 WHERE id = ?",
            )
            .bind(attempts)
            .bind(millis(now + wait))
            .bind(reason)
            .bind(job.id)
            .execute(&mut *tx)
            .await?;
        } else {
            tracing::error!(job = job.id, kind = job.kind, attempts, reason, "job failed for good; reported");
            // A recurring job gives up on this period only; a one-off job stays failed.
            let (status, due) = match next {
                Some(next) => (JobStatus::Pending, millis(next)),
                None => (JobStatus::Failed, job.due_at),
            };
            sqlx::query(
                "UPDATE jobs SET status = ?, attempts = 0, due_at = ?, locked_until = NULL, last_error = ? WHERE id = ?",
            )
            .bind(status)
            .bind(due)
            .bind(reason)
            .bind(job.id)
            .execute(&mut *tx)
            .await?;
            self.report(&mut tx, job, attempts, reason).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Tells every administrator who has talked to the bot, in their language.
    async fn report(&self, conn: &mut SqliteConnection, job: &Claimed, attempts: i64, reason: &str) -> Result<()> {
        for (admin, lang) in crate::people::read::languages(conn, &self.app.settings.admins).await? {
            let text = rust_i18n::t!(
                "jobs.failed",
                locale = lang.code(),
                kind = job.kind.as_str(),
                id = job.id,
                attempts = attempts,
                reason = reason
            );
            outbox::enqueue(conn, self.app.now(), admin, OutMessage::text(text), outbox::Options::default()).await?;
        }
        Ok(())
    }
}
