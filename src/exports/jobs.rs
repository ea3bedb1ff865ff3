//! The slice's background work: at start, exports left running are started again; every
//! night, files older than `ExportRules::keep` are deleted (the rows stay).

use sqlx::SqliteConnection;

use crate::exports::{runner, store};
use crate::jobs::{schedule, BoxFuture, JobCtx, NewJob, Recurrence, Registry};
use crate::{App, Result};

pub const PRUNE: &str = "exports.prune";

pub fn register(registry: Registry) -> Registry {
    registry.register(PRUNE, prune)
}

/// Deletes old files: quick unlinks, then one update, inside the job's transaction.
fn prune(conn: &mut SqliteConnection, ctx: JobCtx, _payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let keep = ctx.app.settings.exports.keep;
        let before = Some(ctx.now - keep);
        let files = store::files(conn, before, None).await?;
        for part in &files {
            if let Err(err) = std::fs::remove_file(&part.path) {
                tracing::info!(path = %part.path.display(), %err, "export file already gone");
            }
        }
        let exports = store::forget_files(conn, ctx.now, before, None).await?;
        tracing::info!(exports, files = files.len(), "old export files deleted");
        Ok(())
    })
}

/// `Slice::setup`: the nightly prune, and exports left running started again.
pub fn setup<'c>(conn: &'c mut SqliteConnection, app: &'c App) -> BoxFuture<'c, Result<()>> {
    Box::pin(async move {
        if let Some(job) = NewJob::recurring(PRUNE, Recurrence::daily("04:30", app.settings.timezone), app.now(), PRUNE)
        {
            schedule(conn, app.now(), &job).await?;
        }
        runner::resume(conn, app).await
    })
}
