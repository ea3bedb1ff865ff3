//! The nightly end of isolations whose last day has passed (`isolation.end`, 00:01
//! community time): each household is told in its language, in the job's transaction.

use sqlx::SqliteConnection;

use crate::health::isolation::figures;
use crate::health::isolation::model::Status;
use crate::health::isolation::store;
use crate::health::isolation::tell::tell_household;
use crate::jobs::{schedule, BoxFuture, JobCtx, NewJob, Recurrence, Registry};
use crate::outbox::{self, OutMessage};
use crate::people::read as people;
use crate::Result;

pub const END: &str = "isolation.end";
/// The evening line of each community with isolated households, to its officials.
pub const DAILY: &str = "isolation.daily";

pub fn register(registry: Registry) -> Registry {
    registry.register(END, end).register(DAILY, daily)
}

pub fn setup<'c>(conn: &'c mut SqliteConnection, app: &'c crate::App) -> BoxFuture<'c, Result<()>> {
    Box::pin(async move {
        let now = app.now();
        let tz = app.settings.timezone;
        for (kind, at) in [(END, "00:01"), (DAILY, app.settings.shifts.nightly_at.as_str())] {
            if let Some(job) = NewJob::recurring(kind, Recurrence::daily(at, tz), now, kind) {
                schedule(conn, now, &job).await?;
            }
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

/// At the nightly time (the supervision report's, 20:00): each community's officials get
/// its line; administrators one message with a line per community. Communities without
/// isolated households are left out (nothing to act on).
fn daily(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let admins = &ctx.app.settings.admins;
        let mut lines = Vec::new();
        for community in people::communities(&mut *conn).await? {
            let o = figures::overview(conn, &ctx.app, community.id, ctx.now).await?;
            if o.rows.is_empty() {
                continue;
            }
            for (official, lang) in people::officials_of(conn, community.id, &[]).await? {
                if admins.contains(&official) {
                    continue; // they get every community's line in one message
                }
                let text = o.daily_line(lang, community.label(lang));
                outbox::enqueue(conn, ctx.now, official, OutMessage::text(text), outbox::Options::default()).await?;
            }
            lines.push((community, o));
        }
        if lines.is_empty() {
            return Ok(());
        }
        for (admin, lang) in people::languages(conn, admins).await? {
            let text: Vec<String> = lines.iter().map(|(c, o)| o.daily_line(lang, c.label(lang))).collect();
            outbox::enqueue(conn, ctx.now, admin, OutMessage::text(text.join("\n")), outbox::Options::default())
                .await?;
        }
        Ok(())
    })
}
