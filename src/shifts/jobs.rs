//! The scheduler's work for shifts: generating the next week's shifts every night,
//! reminders before a claimed shift, the no-show check 15 minutes after a start, and the
//! nightly supervision report at 20:00 (the seeds' supervisors checked every checkpoint
//! after 20:00).

use chrono::{Days, Duration, Utc};
use rust_i18n::t;
use sqlx::SqliteConnection;

use crate::clock::from_millis;
use crate::i18n::Lang;
use crate::jobs::{schedule, BoxFuture, JobCtx, NewJob, Recurrence, Registry};
use crate::outbox::{self, OutMessage, Priority};
use crate::people::read as people;
use crate::shifts::overview::Figures;
use crate::shifts::store::{self, Reminder, ShiftJob, NO_SHOW, REMIND};
use crate::shifts::view;
use crate::Result;

pub const GENERATE: &str = "shifts.generate";
pub const NIGHTLY: &str = "shifts.nightly";
/// How many days of shifts exist ahead of today.
pub const DAYS_AHEAD: u32 = 8;

pub fn register(registry: Registry) -> Registry {
    registry.register(GENERATE, generate).register(REMIND, remind).register(NO_SHOW, no_show).register(NIGHTLY, nightly)
}

/// The recurring jobs (idempotent), and this week's shifts at once.
pub async fn schedule_all(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<Utc>,
    tz: chrono_tz::Tz,
    nightly_at: &str,
) -> Result<()> {
    store::generate(conn, now, now.with_timezone(&tz).date_naive(), DAYS_AHEAD, tz).await?;
    for (kind, at) in [(GENERATE, "00:05"), (NIGHTLY, nightly_at)] {
        if let Some(job) = NewJob::recurring(kind, Recurrence::daily(at, tz), now, kind) {
            schedule(conn, now, &job).await?;
        }
    }
    Ok(())
}

fn generate(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let tz = ctx.app.settings.timezone;
        let created = store::generate(conn, ctx.now, ctx.now.with_timezone(&tz).date_naive(), DAYS_AHEAD, tz).await?;
        tracing::info!(created, "shifts generated");
        Ok(())
    })
}

use crate::people::read::lang_of;

fn remind(conn: &mut SqliteConnection, ctx: JobCtx, payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let Reminder { shift, user, .. } = crate::jobs::payload(REMIND, payload)?;
        let still: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM shift_claims WHERE shift_id = ? AND user_id = ?")
            .bind(shift)
            .bind(user)
            .fetch_optional(&mut *conn)
            .await?;
        let Some(_) = still else { return Ok(()) }; // released or swapped since
        let Some((checkpoint, _, start, end)) = store::describe(conn, shift).await? else { return Ok(()) };
        let lang = lang_of(conn, user).await?;
        let text = t!(
            "shifts.reminder",
            locale = lang.code(),
            checkpoint = checkpoint.as_str(),
            when = view::when(lang, from_millis(start), from_millis(end), ctx.app.settings.timezone)
        );
        outbox::enqueue(conn, ctx.now, user, OutMessage::text(text), outbox::Options::default()).await?;
        Ok(())
    })
}

fn no_show(conn: &mut SqliteConnection, ctx: JobCtx, payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let ShiftJob { shift } = crate::jobs::payload(NO_SHOW, payload)?;
        let missing = store::mark_no_shows(conn, shift).await?;
        if missing.is_empty() {
            return Ok(());
        }
        let Some((checkpoint, community, start, end)) = store::describe(conn, shift).await? else { return Ok(()) };
        let names: Vec<String> = missing.into_iter().map(|(_, n)| n).collect();
        for (official, lang) in people::officials_of(conn, community, &ctx.app.settings.admins).await? {
            let text = t!(
                "shifts.no_show_alert",
                locale = lang.code(),
                checkpoint = checkpoint.as_str(),
                when = view::when(lang, from_millis(start), from_millis(end), ctx.app.settings.timezone),
                names = names.join("、")
            );
            let opts = outbox::Options { priority: Priority::Urgent, subject: None };
            outbox::enqueue(conn, ctx.now, official, OutMessage::text(text), opts).await?;
        }
        Ok(())
    })
}

/// Tonight's gaps (shifts starting from now until 08:00 tomorrow) and today's no-shows:
/// each community's officials get their community's report; administrators get one
/// message with a line per community (not one report per community, most of them empty
/// of anything they would act on).
fn nightly(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let tz = ctx.app.settings.timezone;
        let admins = &ctx.app.settings.admins;
        let today = ctx.now.with_timezone(&tz).date_naive();
        let (day_start, _) = store::day_bounds(today, tz);
        let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
        let (tomorrow_start, _) = store::day_bounds(tomorrow, tz);
        let night_end = tomorrow_start + Duration::hours(8);
        let communities: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, name, name_en FROM communities ORDER BY id").fetch_all(&mut *conn).await?;
        let mut summary = Vec::new();
        for (community, name, name_en) in communities {
            let report = nightly_report(conn, community, ctx.now, night_end, day_start, tz).await?;
            for (official, lang) in people::officials_of(conn, community, &[]).await? {
                if admins.contains(&official) {
                    continue; // they have the summary
                }
                let title = if lang == Lang::En { &name_en } else { &name };
                let text = report.render(lang, title, tz);
                outbox::enqueue(conn, ctx.now, official, OutMessage::text(text), outbox::Options::default()).await?;
            }
            summary.push((name, name_en, report.figures));
        }
        if summary.is_empty() {
            return Ok(());
        }
        for (admin, lang) in people::languages(conn, admins).await? {
            let l = lang.code();
            let mut text =
                t!("shifts.overview.nightly_header", locale = l, day = view::day_label(lang, today)).into_owned();
            for (name, name_en, figures) in &summary {
                text.push('\n');
                text.push_str(&figures.line(lang, if lang == Lang::En { name_en } else { name }));
            }
            outbox::enqueue(conn, ctx.now, admin, OutMessage::text(text), outbox::Options::default()).await?;
        }
        Ok(())
    })
}

/// What the nightly report says about one community.
pub struct NightlyReport {
    /// Shifts starting tonight that are short of people or of a party member.
    pub gaps: Vec<store::BoardShift>,
    pub no_shows: Vec<(String, String, i64)>,
    pub figures: Figures,
}

pub async fn nightly_report(
    conn: &mut SqliteConnection,
    community: i64,
    now: chrono::DateTime<Utc>,
    night_end: chrono::DateTime<Utc>,
    day_start: chrono::DateTime<Utc>,
    _tz: chrono_tz::Tz,
) -> Result<NightlyReport> {
    let tonight = store::coverage_between(conn, community, now, night_end).await?;
    let no_shows = store::no_shows_between(conn, community, day_start, now).await?;
    let figures = Figures::of(&tonight, no_shows.len());
    let gaps = tonight
        .into_iter()
        .filter(|s| {
            let c = s.coverage();
            c.gap > 0 || c.lacks_senior()
        })
        .collect();
    Ok(NightlyReport { gaps, no_shows, figures })
}

impl NightlyReport {
    pub fn render(&self, lang: Lang, community: &str, tz: chrono_tz::Tz) -> String {
        let l = lang.code();
        let mut text = t!("shifts.nightly_header", locale = l, community = community).into_owned();
        text.push_str("\n\n");
        text.push_str(&t!("shifts.nightly_gaps", locale = l, count = self.gaps.len()));
        for (i, s) in self.gaps.iter().enumerate() {
            text.push('\n');
            text.push_str(&view::roster_line(lang, i + 1, s, tz));
        }
        text.push_str("\n\n");
        text.push_str(&t!("shifts.nightly_no_shows", locale = l, count = self.no_shows.len()));
        for (name, checkpoint, start) in &self.no_shows {
            text.push_str(&format!("\n· {name} {checkpoint} {}", view::hhmm(from_millis(*start), tz)));
        }
        text
    }
}

/// `Slice::setup`: the recurring jobs and this week's shifts.
pub fn setup<'c>(conn: &'c mut SqliteConnection, app: &'c crate::App) -> BoxFuture<'c, Result<()>> {
    Box::pin(schedule_all(conn, app.now(), app.settings.timezone, &app.settings.shifts.nightly_at))
}
