//! The scheduler's own recurring chore: forget finished inbound updates (Telegram keeps
//! undelivered updates for 24 hours, we keep ids 3 days) and finished outbox rows older
//! than 90 days (kept that long for notice statistics).

use chrono::Duration;
use sqlx::SqliteConnection;

use crate::clock::millis;
use crate::jobs::{schedule, BoxFuture, JobCtx, NewJob, Recurrence, Registry};
use crate::Result;

pub const PRUNE: &str = "housekeeping.prune";

pub fn register(registry: Registry) -> Registry {
    registry.register(PRUNE, prune)
}

/// Schedules the nightly prune (once; repeating this is harmless).
pub async fn schedule_all(
    conn: &mut SqliteConnection,
    ctx_now: chrono::DateTime<chrono::Utc>,
    tz: chrono_tz::Tz,
) -> Result<()> {
    if let Some(job) = NewJob::recurring(PRUNE, Recurrence::daily("04:00", tz), ctx_now, PRUNE) {
        schedule(conn, ctx_now, &job).await?;
    }
    Ok(())
}

fn prune(conn: &mut SqliteConnection, ctx: JobCtx, _payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let updates = crate::bot::inbound::prune(&mut *conn, ctx.now - Duration::days(3)).await?;
        let outbox = sqlx::query("DELETE FROM outbox WHERE status IN ('sent', 'failed', 'blocked') AND created_at < ?")
            .bind(millis(ctx.now - Duration::days(90)))
            .execute(&mut *conn)
            .await?
            .rows_affected();
        tracing::info!(updates, outbox, "housekeeping pruned old rows");
        Ok(())
    })
}

/// `Slice::setup`: the nightly prune.
pub fn setup<'c>(conn: &'c mut SqliteConnection, app: &'c crate::App) -> BoxFuture<'c, Result<()>> {
    Box::pin(schedule_all(conn, app.now(), app.settings.timezone))
}

/// The chores plug in like a slice: no commands, no buttons, one job.
pub const SLICE: crate::bot::slice::Slice = crate::bot::slice::Slice {
    name: "Housekeeping",
    commands: &[],
    command_branch: crate::bot::slice::nothing,
    flow_branch: crate::bot::slice::nothing,
    callback_branch: crate::bot::slice::nothing,
    jobs: register,
    setup: Some(setup),
    erase: None,
    buttons: crate::bot::slice::no_buttons,
    tags: &[],
    flow_reads: None,
    cancel_note: None,
};
