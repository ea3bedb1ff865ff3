//! The nightly end of isolations whose last day has passed (`isolation.end`, 00:01
//! community time): each household is told in its language, in the job's transaction.
//! (The evening figures of isolated households are the daily report's health line:
//! `crate::reports`.)

use sqlx::SqliteConnection;

use crate::health::isolation::model::Status;
use crate::health::isolation::store;
use crate::health::isolation::tell::tell_household;
use crate::jobs::{schedule, BoxFuture, JobCtx, NewJob, Recurrence, Registry};
use crate::Result;

pub const END: &str = "isolation.end";

pub fn register(registry: Registry) -> Registry {
    registry.register(END, end)
}

pub fn setup<'c>(conn: &'c mut SqliteConnection, app: &'c crate::App) -> BoxFuture<'c, Result<()>> {
    Box::pin(async move {
        let now = app.now();
        let tz = app.settings.timezone;
        if let Some(job) = NewJob::recurring(END, Recurrence::daily("00:01", tz), now, END) {
            schedule(conn, now, &job).await?;
        }
        Ok(())
    })
}

fn end(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let today = ctx.app.day_at(ctx.now);
        let closed = store::end_passed(conn, ctx.now, today).await?;
        for iso in &closed {
            let key = match iso.status {
                Status::Ended => "isolation.told.ended",
                _ => "isolation.told.declaration_expired",
            };
            tell_household(conn, &ctx.app, ctx.now, iso, key).await?;
        }
        tracing::info!(closed = closed.len(), "isolations past their end closed");
        Ok(())
    })
}
