//! The errands slice's jobs: the urgent page's repeat (`page`), and the daily garbage
//! round (`errands.garbage_round`, at `settings.health.garbage_round_at`), which makes one
//! round per building with households isolated that day (idempotent per building and day)
//! and tells the volunteers on duty.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::health::errands::page;
use crate::health::errands::store::rounds;
use crate::jobs::{schedule, BoxFuture, JobCtx, NewJob, Recurrence, Registry};
use crate::outbox::{self, OutMessage};
use crate::{App, Result};

pub const GARBAGE_ROUND: &str = "errands.garbage_round";

pub fn register(registry: Registry) -> Registry {
    registry.register(page::PAGE, page::repeat).register(GARBAGE_ROUND, garbage_round)
}

/// `Slice::setup`: the daily round when it is on; when it is off, a round left from an
/// earlier setting is removed.
pub fn setup<'c>(conn: &'c mut SqliteConnection, app: &'c App) -> BoxFuture<'c, Result<()>> {
    Box::pin(async move {
        let now = app.now();
        match &app.settings.health.garbage_round_at {
            Some(at) => {
                if let Some(job) =
                    NewJob::recurring(GARBAGE_ROUND, Recurrence::daily(at, app.settings.timezone), now, GARBAGE_ROUND)
                {
                    schedule(conn, now, &job).await?;
                }
            }
            None => {
                crate::jobs::cancel(conn, GARBAGE_ROUND).await?;
            }
        }
        Ok(())
    })
}

fn garbage_round(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let today = ctx.app.day_at(ctx.now);
        let made = make_rounds(conn, ctx.now, today).await?;
        tracing::info!(made, "garbage rounds made");
        Ok(())
    })
}

/// Every community's rounds of `day`; the volunteers on duty hear of each new one.
pub async fn make_rounds(conn: &mut SqliteConnection, now: DateTime<Utc>, day: chrono::NaiveDate) -> Result<u64> {
    let communities: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM communities ORDER BY id").fetch_all(&mut *conn).await?;
    let mut made = 0;
    for (community,) in communities {
        let n = rounds::make(conn, now, community, day).await?;
        made += n;
        if n == 0 {
            continue;
        }
        for (user, lang) in crate::shifts::read::on_duty(conn, community, now).await? {
            let text = rust_i18n::t!("errands.round.announce", locale = lang.code(), count = n);
            outbox::enqueue(conn, now, user, OutMessage::text(text), outbox::Options::default()).await?;
        }
    }
    Ok(made)
}
