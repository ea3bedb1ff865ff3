//! The scheduler's work for shifts: generating the next week's shifts every night,
//! reminders before a claimed shift, the no-show check 15 minutes after a start (the
//! officials' alert opens the shift to replace the absentee), the check-out nobody made
//! (asked for at the end, closed automatically two hours later), and the nightly
//! supervision report at 20:00 (the seeds' supervisors checked every checkpoint after
//! 20:00).

use chrono::{Days, Duration, Utc};
use rust_i18n::t;
use sqlx::SqliteConnection;

use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::clock::from_millis;
use crate::i18n::Lang;
use crate::jobs::{schedule, BoxFuture, JobCtx, NewJob, Recurrence, Registry};
use crate::outbox::{self, OutMessage, Priority};
use crate::people::read as people;
use crate::shifts::buttons::Cb;
use crate::shifts::model;
use crate::shifts::overview::Figures;
use crate::shifts::store::{self, Reminder, ShiftJob, NO_SHOW, REMIND};
use crate::shifts::view;
use crate::Result;

pub const GENERATE: &str = "shifts.generate";
pub const NIGHTLY: &str = "shifts.nightly";
/// Every minute: check-out prompts for shifts that just ended, automatic check-outs.
pub const ATTENDANCE: &str = "shifts.attendance";
/// How many days of shifts exist ahead of today.
pub const DAYS_AHEAD: u32 = 8;

pub fn register(registry: Registry) -> Registry {
    registry
        .register(GENERATE, generate)
        .register(REMIND, remind)
        .register(NO_SHOW, no_show)
        .register(NIGHTLY, nightly)
        .register(ATTENDANCE, attendance)
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
    if let Some(job) = NewJob::recurring(ATTENDANCE, Recurrence::Every { seconds: 60 }, now, ATTENDANCE) {
        schedule(conn, now, &job).await?;
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
        // Released or swapped since, or already there (checked in): nothing to remind of.
        let still: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM shift_claims WHERE shift_id = ? AND user_id = ? AND checked_in_at IS NULL")
                .bind(shift)
                .bind(user)
                .fetch_optional(&mut *conn)
                .await?;
        let Some(_) = still else { return Ok(()) };
        let Some(s) = store::describe(conn, shift).await? else { return Ok(()) };
        let lang = lang_of(conn, user).await?;
        let text = t!(
            "shifts.reminder",
            locale = lang.code(),
            checkpoint = s.checkpoint(lang),
            when = view::when(lang, s.start(), s.end(), ctx.app.settings.timezone)
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
        let Some(s) = store::describe(conn, shift).await? else { return Ok(()) };
        let names: Vec<String> = missing.into_iter().map(|(_, n)| n).collect();
        for (official, lang) in people::officials_of(conn, s.community_id, &ctx.app.settings.admins).await? {
            let text = t!(
                "shifts.no_show_alert",
                locale = lang.code(),
                checkpoint = s.checkpoint(lang),
                when = view::when(lang, s.start(), s.end(), ctx.app.settings.timezone),
                names = names.join("、")
            );
            // The way in: the shift's people, with remove and assign (until its end).
            let open = InlineKeyboardMarkup::new(vec![vec![button(
                t!("shifts.no_show_button", locale = lang.code()),
                Cb::RosterShift(shift),
            )]]);
            let opts = outbox::Options { priority: Priority::Urgent, subject: None, paid: false };
            outbox::enqueue(conn, ctx.now, official, OutMessage::text(text).keyboard(open), opts).await?;
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
            let report = nightly_report(conn, community, ctx.now, night_end, day_start).await?;
            for (official, lang) in people::officials_of(conn, community, &[]).await? {
                if admins.contains(&official) {
                    continue; // they have the summary
                }
                let title = lang.pick(&name, &name_en);
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
                text.push_str(&figures.line(lang, lang.pick(name, name_en)));
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
    pub no_shows: Vec<store::NoShow>,
    pub figures: Figures,
    /// When it was made (the lines mark shifts by this time).
    pub now: chrono::DateTime<Utc>,
}

pub async fn nightly_report(
    conn: &mut SqliteConnection,
    community: i64,
    now: chrono::DateTime<Utc>,
    night_end: chrono::DateTime<Utc>,
    day_start: chrono::DateTime<Utc>,
) -> Result<NightlyReport> {
    let tonight = store::coverage_between(conn, community, now, night_end).await?;
    let no_shows = store::no_shows_between(conn, community, day_start, now).await?;
    let figures = Figures::of(&tonight, no_shows.len(), now);
    let gaps = tonight
        .into_iter()
        .filter(|s| {
            let c = s.coverage();
            c.gap > 0 || c.lacks_senior()
        })
        .collect();
    Ok(NightlyReport { gaps, no_shows, figures, now })
}

impl NightlyReport {
    pub fn render(&self, lang: Lang, community: &str, tz: chrono_tz::Tz) -> String {
        let l = lang.code();
        let mut text = t!("shifts.nightly_header", locale = l, community = community).into_owned();
        text.push_str("\n\n");
        text.push_str(&t!("shifts.nightly_gaps", locale = l, count = self.gaps.len()));
        for (i, s) in self.gaps.iter().enumerate() {
            text.push('\n');
            text.push_str(&view::roster_line(lang, i + 1, s, tz, self.now));
        }
        text.push_str("\n\n");
        text.push_str(&t!("shifts.nightly_no_shows", locale = l, count = self.no_shows.len()));
        for n in &self.no_shows {
            let checkpoint = store::named(lang, &n.checkpoint, &n.checkpoint_en);
            text.push_str(&format!("\n· {} {checkpoint} {}", n.name, view::hhmm(from_millis(n.start_at), tz)));
        }
        text
    }
}

/// Check-ins still open after their shift: the volunteer is asked once, at the end, with
/// a check-out button; two hours later the check-in is closed at the end of the shift
/// (marked automatic) so the hours are kept, and the volunteer is told.
fn attendance(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let tz = ctx.app.settings.timezone;
        let closed = store::auto_close(conn, ctx.now - model::AUTO_CHECK_OUT_AFTER).await?;
        let prompts = store::to_prompt(conn, ctx.now).await?;
        let ids: Vec<i64> = closed.iter().chain(&prompts).map(|o| o.user_id).collect();
        let langs: std::collections::HashMap<i64, Lang> = people::languages(conn, &ids).await?.into_iter().collect();
        let lang = |user: i64| langs.get(&user).copied().unwrap_or_default();
        for o in &closed {
            let lang = lang(o.user_id);
            let text = t!(
                "shifts.auto_closed",
                locale = lang.code(),
                checkpoint = o.checkpoint(lang),
                when = view::when(lang, from_millis(o.start_at), from_millis(o.end_at), tz)
            );
            outbox::enqueue(conn, ctx.now, o.user_id, OutMessage::text(text), outbox::Options::default()).await?;
        }
        for o in &prompts {
            let lang = lang(o.user_id);
            let end = from_millis(o.end_at);
            let text = t!(
                "shifts.checkout_prompt",
                locale = lang.code(),
                checkpoint = o.checkpoint(lang),
                when = view::when(lang, from_millis(o.start_at), end, tz),
                closes_at = view::at(lang, end + model::AUTO_CHECK_OUT_AFTER, ctx.now, tz)
            );
            let kb = InlineKeyboardMarkup::new(vec![vec![button(
                t!("shifts.checkout_prompt_button", locale = lang.code()),
                Cb::CheckOut(o.shift_id),
            )]]);
            let message = OutMessage::text(text).keyboard(kb);
            outbox::enqueue(conn, ctx.now, o.user_id, message, outbox::Options::default()).await?;
        }
        Ok(())
    })
}

/// `Slice::setup`: the recurring jobs and this week's shifts.
pub fn setup<'c>(conn: &'c mut SqliteConnection, app: &'c crate::App) -> BoxFuture<'c, Result<()>> {
    Box::pin(schedule_all(conn, app.now(), app.settings.timezone, &app.settings.shifts.nightly_at))
}
