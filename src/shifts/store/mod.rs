//! SQL of the shifts slice: shifts generated from templates, the board of a day, the
//! jobs' payloads. Taking and giving up places is `places`; attendance, the roster and
//! the checkpoints' setup have their own files.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::clock::{from_millis, millis};
use crate::i18n::Lang;
use crate::jobs::{self, NewJob};
use crate::shifts::model::{self, ShiftTemplate};
use crate::Result;

mod attendance;
pub mod erase;
mod places;
mod roster;
mod setup;
pub use attendance::*;
pub use places::*;
pub use roster::*;
pub use setup::*;

pub const REMIND: &str = "shifts.remind";
pub const NO_SHOW: &str = "shifts.no_show";

/// The payload of `shifts.remind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reminder {
    pub shift: i64,
    pub user: i64,
    /// Minutes before the start (part of the job's key; kept for the log).
    pub minutes: i64,
}

/// The payload of `shifts.no_show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShiftJob {
    pub shift: i64,
}

/// Creates the shifts of `days` days from `from` for every template (idempotent), with
/// each shift's no-show check scheduled.
pub async fn generate(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    from: NaiveDate,
    days: u32,
    tz: chrono_tz::Tz,
) -> Result<u64> {
    let templates: Vec<(i64, i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.checkpoint_id, c.community_id, t.start_minute, t.end_minute, t.capacity, t.min_senior
         FROM shift_templates t JOIN checkpoints c ON c.id = t.checkpoint_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut created = 0;
    for offset in 0..days {
        let Some(day) = from.checked_add_days(chrono::Days::new(u64::from(offset))) else { continue };
        for &(template, checkpoint, community, start, end, capacity, min_senior) in &templates {
            let Some(t) = ShiftTemplate::new(start, end, capacity, min_senior) else { continue };
            let (start_at, end_at) = t.occurrence(day, tz);
            let inserted: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO shifts (template_id, checkpoint_id, community_id, day, start_at, end_at, capacity, min_senior)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (template_id, day) DO NOTHING RETURNING id",
            )
            .bind(template)
            .bind(checkpoint)
            .bind(community)
            .bind(day.to_string())
            .bind(millis(start_at))
            .bind(millis(end_at))
            .bind(capacity)
            .bind(min_senior)
            .fetch_optional(&mut *conn)
            .await?;
            if let Some((id,)) = inserted {
                created += 1;
                let check = NewJob {
                    unique_key: Some(format!("noshow:{id}")),
                    ..NewJob::once(NO_SHOW, start_at + model::NO_SHOW_GRACE, jobs::to_payload(&ShiftJob { shift: id }))
                };
                jobs::schedule(conn, now, &check).await?;
            }
        }
    }
    Ok(created)
}

/// A place's name as `lang` reads it: English readers get the English name (the query
/// gives `COALESCE(name_en, name)`, so a place without one shows as written).
pub fn named<'a>(lang: Lang, name: &'a str, name_en: &'a str) -> &'a str {
    match lang {
        Lang::ZhCn => name,
        Lang::En => name_en,
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct BoardShift {
    pub id: i64,
    pub checkpoint: String,
    /// The English name, or the name when it has none.
    pub checkpoint_en: String,
    pub start_at: i64,
    pub end_at: i64,
    pub capacity: i64,
    pub min_senior: i64,
    pub taken: i64,
    pub seniors_taken: i64,
    /// The asking volunteer holds it.
    pub mine: bool,
    /// Someone offers their place on it for a swap (user id).
    pub offered_by: Option<i64>,
    /// Volunteers on it recorded as no-shows (not checked in 15 minutes after the start).
    pub no_shows: i64,
}

impl BoardShift {
    pub fn start(&self) -> DateTime<Utc> {
        from_millis(self.start_at)
    }

    pub fn end(&self) -> DateTime<Utc> {
        from_millis(self.end_at)
    }

    pub fn checkpoint(&self, lang: Lang) -> &str {
        named(lang, &self.checkpoint, &self.checkpoint_en)
    }

    pub fn coverage(&self) -> model::Coverage {
        let n = |v: i64| u8::try_from(v).unwrap_or(u8::MAX);
        model::Coverage::of(n(self.capacity), n(self.min_senior), n(self.taken), n(self.seniors_taken))
    }
}

/// One community's shifts on one local day, by checkpoint then start, seen by `user`.
pub async fn day(pool: &SqlitePool, community_id: i64, day: NaiveDate, user: i64) -> Result<Vec<BoardShift>> {
    Ok(sqlx::query_as(
        "SELECT s.id, c.name AS checkpoint, COALESCE(c.name_en, c.name) AS checkpoint_en, s.start_at, s.end_at,
                s.capacity, s.min_senior, s.taken, s.seniors_taken,
                EXISTS (SELECT 1 FROM shift_claims m WHERE m.shift_id = s.id AND m.user_id = ?3) AS mine,
                (SELECT o.user_id FROM shift_claims o WHERE o.shift_id = s.id AND o.offered = 1 AND o.user_id != ?3
                 LIMIT 1) AS offered_by,
                (SELECT count(*) FROM shift_claims n WHERE n.shift_id = s.id AND n.no_show = 1) AS no_shows
         FROM shifts s JOIN checkpoints c ON c.id = s.checkpoint_id
         WHERE s.community_id = ?1 AND s.day = ?2
         ORDER BY c.id, s.start_at",
    )
    .bind(community_id)
    .bind(day.to_string())
    .bind(user)
    .fetch_all(pool)
    .await?)
}
