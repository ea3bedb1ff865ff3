//! The day's three moments (community time, `settings.reports`):
//! - `reports.send` (21:00): each community's officials get the day's report to review,
//!   with [✅ 提交日报] and the 14-day chart;
//! - `reports.due` (22:00): the communities that have not submitted are reminded, and the
//!   administrators get the chain's list (on time / missing);
//! - `reports.auto` (23:00): what is still missing is submitted as it stands, marked as
//!   automatic; the officials are told, and the administrators get the final list.
//!
//! Each runs in the scheduler's transaction: the submissions and every message commit
//! together. Administrators get the chain's list rather than each community's report.

use chrono::NaiveDate;
use rust_i18n::t;
use sqlx::SqliteConnection;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::i18n::Lang;
use crate::jobs::{schedule, BoxFuture, JobCtx, NewJob, Recurrence, Registry};
use crate::outbox::{self, OutMessage};
use crate::people::read as people;
use crate::reports::buttons::{day_code, Cb};
use crate::reports::view::{self, Standing};
use crate::reports::{chain, figures, picture, show, store};
use crate::{App, Result};

pub const SEND: &str = "reports.send";
pub const DUE: &str = "reports.due";
pub const AUTO: &str = "reports.auto";

pub fn register(registry: Registry) -> Registry {
    registry.register(SEND, send).register(DUE, due).register(AUTO, auto)
}

pub fn setup<'c>(conn: &'c mut SqliteConnection, app: &'c App) -> BoxFuture<'c, Result<()>> {
    Box::pin(async move {
        let (now, tz, r) = (app.now(), app.settings.timezone, &app.settings.reports);
        for (kind, at) in [(SEND, &r.report_at), (DUE, &r.due_at), (AUTO, &r.auto_at)] {
            if let Some(job) = NewJob::recurring(kind, Recurrence::daily(at, tz), now, kind) {
                schedule(conn, now, &job).await?;
            }
        }
        Ok(())
    })
}

/// The officials of a community who are not administrators (those get the chain's list).
async fn officials(conn: &mut SqliteConnection, app: &App, community: i64) -> Result<Vec<(i64, Lang)>> {
    let admins = &app.settings.admins;
    Ok(people::officials_of(conn, community, &[]).await?.into_iter().filter(|(id, _)| !admins.contains(id)).collect())
}

fn send(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let (app, now) = (&*ctx.app, ctx.now);
        let (day, tz, r) = (app.day_at(now), app.settings.timezone, &app.settings.reports);
        let submitted: Vec<i64> = store::of_day(conn, day).await?.iter().map(|(s, _)| s.community_id).collect();
        for community in people::communities(&mut *conn).await? {
            if submitted.contains(&community.id) {
                continue;
            }
            let report = figures::gather(conn, app, community.id, day, now).await?;
            let standing = Standing::Open { due: Some((r.due_at.clone(), r.auto_at.clone())) };
            // One picture per language, drawn once (a few tens of milliseconds each).
            let mut charts: Vec<(Lang, Vec<u8>)> = Vec::new();
            for (official, lang) in officials(conn, app, community.id).await? {
                let text = view::report(lang, community.label(lang), &report, &standing, tz);
                let kb = show::keyboard(lang, community.id, day, true, day);
                outbox::enqueue(conn, now, official, OutMessage::text(text).keyboard(kb), outbox::Options::default())
                    .await?;
                let png = match charts.iter().find(|(l, _)| *l == lang) {
                    Some((_, png)) => png.clone(),
                    None => {
                        let png = picture::png(conn, app, community.id, day, lang).await?;
                        charts.push((lang, png.clone()));
                        png
                    }
                };
                let photo = picture::message(lang, community.label(lang), png);
                outbox::enqueue(conn, now, official, photo, outbox::Options::default()).await?;
            }
        }
        Ok(())
    })
}

fn due(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let (app, now) = (&*ctx.app, ctx.now);
        let day = app.day_at(now);
        let entries = chain::entries(conn, app, day, now).await?;
        for e in entries.iter().filter(|e| e.submission.is_none()) {
            for (official, lang) in officials(conn, app, e.community.id).await? {
                let text = t!(
                    "reports.reminder",
                    locale = lang.code(),
                    community = e.community.label(lang),
                    auto = app.settings.reports.auto_at.as_str()
                );
                let message = OutMessage::text(text).keyboard(submit_keyboard(lang, e.community.id, day));
                outbox::enqueue(conn, now, official, message, outbox::Options::default()).await?;
            }
        }
        tell_admins(conn, app, day, &entries, now).await
    })
}

fn auto(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let (app, now) = (&*ctx.app, ctx.now);
        let day = app.day_at(now);
        for e in chain::entries(conn, app, day, now).await?.iter().filter(|e| e.submission.is_none()) {
            if !store::submit(conn, e.community.id, &e.report, None, now, false).await? {
                continue;
            }
            for (official, lang) in officials(conn, app, e.community.id).await? {
                let text = t!("reports.auto_submitted", locale = lang.code(), community = e.community.label(lang));
                outbox::enqueue(conn, now, official, OutMessage::text(text), outbox::Options::default()).await?;
            }
        }
        let entries = chain::entries(conn, app, day, now).await?;
        tell_admins(conn, app, day, &entries, now).await
    })
}

fn submit_keyboard(lang: Lang, community: i64, day: NaiveDate) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![button(
        t!("reports.submit_button", locale = lang.code()),
        Cb::Submit { community, day: day_code(day) },
    )]])
}

async fn tell_admins(
    conn: &mut SqliteConnection,
    app: &App,
    day: NaiveDate,
    entries: &[chain::Entry],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    for (admin, lang) in people::languages(conn, &app.settings.admins).await? {
        let (text, kb) = chain::render(app, lang, day, entries, now);
        outbox::enqueue(conn, now, admin, OutMessage::text(text).keyboard(kb), outbox::Options::default()).await?;
    }
    Ok(())
}
