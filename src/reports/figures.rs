//! The figures of a community's day, as the daily report states them: people, isolated
//! households and their temperatures, orders, errands, checkpoint shifts, notices. One
//! statement per subject, each on an index of its table by community and day (a
//! community of 10,000 households with 30 days of history is reported in milliseconds:
//! `cargo bench --bench reports`).
//!
//! The report reads the other slices' tables without changing them: it is a view of the
//! whole day, so it reads them the way an official's spreadsheet would. Where a slice
//! already states a figure (temperatures, errands) its own read function is used, so the
//! report and `/isolated` always agree.
//!
//! A `DayReport` is stored as JSON when the report is submitted: what went up the chain
//! stays what it was, in whatever language it is read later.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::clock::day_bounds;
use crate::clock::millis;
use crate::health::errands::store as errands;
use crate::health::temperature::store as temperature;
use crate::{App, Result};

/// Everything the daily report says about one community's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayReport {
    pub day: NaiveDate,
    /// When the figures were taken (a day still running is reported "as of").
    pub as_of: i64,
    pub people: People,
    pub health: Health,
    pub orders: Orders,
    pub errands: Errands,
    pub shifts: Shifts,
    pub notices: Notices,
    /// Last night's supervision round (the round of the evening before `day`).
    #[serde(default)]
    pub round: Round,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct People {
    /// Registered residents and their households (addresses), at the end of the day.
    pub residents: i64,
    pub households: i64,
    /// Of them, registered during the day.
    pub registered: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Households isolated that day.
    pub isolated: i64,
    /// Temperature reports received of those expected by then; fevers among them.
    pub expected: i64,
    pub reported: i64,
    pub fevers: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Orders {
    /// Placed during the day, delivered during the day.
    pub placed: i64,
    pub delivered: i64,
    /// Still under way when the figures were taken, and when the oldest of them was placed.
    pub open: i64,
    pub oldest_open_at: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Errands {
    pub open: i64,
    pub done: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shifts {
    /// Shifts of the day; of them fully staffed (places and the party member or
    /// experienced volunteer); the places still free in the others.
    pub total: i64,
    pub covered: i64,
    pub free_places: i64,
    pub no_shows: i64,
    /// Minutes on duty (check-in to check-out).
    pub minutes: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notices {
    /// Notices sent during the day, the people they reached, and how many confirmed so far.
    pub sent: i64,
    pub recipients: i64,
    pub confirmed: i64,
}

/// The supervision round of a night: checkpoints visited of all, the problems found and
/// the checkpoints nobody visited, their names in both languages (kept with a submission).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub night: Option<NaiveDate>,
    pub checkpoints: i64,
    pub visited: i64,
    pub problems: Vec<RoundProblem>,
    pub not_visited: Vec<Named>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundProblem {
    pub checkpoint: Named,
    /// Locale key of the problem's kind (`supervision.kind.*`).
    pub kind_key: String,
    pub note: Option<String>,
    pub photo: bool,
}

/// A name as written in Chinese and in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub zh: String,
    pub en: String,
}

impl Named {
    pub fn pick(&self, lang: crate::i18n::Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

impl DayReport {
    /// "Nothing happened": no orders, errands, isolations, temperatures, shifts, notices or
    /// new registrations. The report then says so in words (a zero report is a report).
    pub fn is_zero(&self) -> bool {
        self.people.registered == 0
            && self.health == Health::default()
            && self.orders.placed == 0
            && self.orders.delivered == 0
            && self.orders.open == 0
            && self.errands == Errands::default()
            && self.shifts == Shifts::default()
            && self.notices == Notices::default()
    }

    /// Confirmed notices as a whole percentage of the people reached.
    pub fn confirmation_percent(&self) -> Option<i64> {
        (self.notices.recipients > 0).then(|| self.notices.confirmed * 100 / self.notices.recipients)
    }
}

/// The report of `community_id` for `day`, as of `now` (a past day: as of its end).
pub async fn gather(
    conn: &mut SqliteConnection,
    app: &App,
    community_id: i64,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DayReport> {
    let (start, end) = day_bounds(day, app.settings.timezone);
    let as_of = now.min(end);
    let (start, as_of_ms) = (millis(start), millis(as_of));
    let slots = if day < app.day_at(now) { 2 } else { temperature::slots_due(app, as_of) };

    let people = people(conn, community_id, start, as_of_ms).await?;
    let isolated: (i64,) = sqlx::query_as(
        "SELECT count(*) FROM isolations
         WHERE community_id = ?1 AND status IN ('active', 'ended') AND starts_on <= ?2 AND ends_on >= ?2",
    )
    .bind(community_id)
    .bind(day)
    .fetch_one(&mut *conn)
    .await?;
    let t = temperature::day_figures(conn, community_id, day, slots).await?;
    let health = Health { isolated: isolated.0, expected: t.expected, reported: t.reported, fevers: t.fevers };
    let orders = orders(conn, community_id, day, start, as_of_ms).await?;
    let e = errands::day_figures(conn, community_id, day, as_of, app.settings.timezone).await?;
    let errands = Errands { open: e.open, done: e.done, overdue: e.overdue };
    let shifts = shifts(conn, community_id, day).await?;
    let notices = notices(conn, community_id, start, as_of_ms).await?;
    let round = match day.pred_opt() {
        Some(night) => round(conn, community_id, night).await?,
        None => Round::default(),
    };
    Ok(DayReport { day, as_of: as_of_ms, people, health, orders, errands, shifts, notices, round })
}

/// The supervision slice's figures of the night, read in both languages (the same
/// checkpoints in the same order) so a submitted report reads in either.
async fn round(conn: &mut SqliteConnection, community_id: i64, night: NaiveDate) -> Result<Round> {
    use crate::i18n::Lang;
    use crate::supervision::read::round_in;
    let zh = round_in(conn, community_id, night, Lang::ZhCn).await?;
    let en = round_in(conn, community_id, night, Lang::En).await?;
    let named = |zh: &String, en: Option<&String>| Named { zh: zh.clone(), en: en.unwrap_or(zh).clone() };
    Ok(Round {
        night: Some(night),
        checkpoints: zh.checkpoints,
        visited: zh.visited,
        problems: zh
            .problems
            .iter()
            .enumerate()
            .map(|(i, p)| RoundProblem {
                checkpoint: named(&p.checkpoint, en.problems.get(i).map(|e| &e.checkpoint)),
                kind_key: p.kind_key.to_owned(),
                note: p.note.clone(),
                photo: p.photo,
            })
            .collect(),
        not_visited: zh.not_visited.iter().enumerate().map(|(i, n)| named(n, en.not_visited.get(i))).collect(),
    })
}

async fn people(conn: &mut SqliteConnection, community_id: i64, start: i64, end: i64) -> Result<People> {
    let (residents, households, registered): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT building_id || '/' || household), coalesce(sum(registered_at >= ?2), 0)
         FROM residents WHERE community_id = ?1 AND registered_at < ?3",
    )
    .bind(community_id)
    .bind(start)
    .bind(end)
    .fetch_one(&mut *conn)
    .await?;
    Ok(People { residents, households, registered })
}

async fn orders(
    conn: &mut SqliteConnection,
    community_id: i64,
    day: NaiveDate,
    start: i64,
    end: i64,
) -> Result<Orders> {
    let (placed,): (i64,) = sqlx::query_as("SELECT count(*) FROM orders WHERE community_id = ?1 AND day = ?2")
        .bind(community_id)
        .bind(day)
        .fetch_one(&mut *conn)
        .await?;
    let (delivered,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM orders WHERE community_id = ?1 AND delivered_at >= ?2 AND delivered_at < ?3",
    )
    .bind(community_id)
    .bind(start)
    .bind(end)
    .fetch_one(&mut *conn)
    .await?;
    // Under way at the end of the day (or now): placed by then, not yet delivered or closed.
    let (open, oldest_open_at): (i64, Option<i64>) = sqlx::query_as(
        "SELECT count(*), min(placed_at) FROM orders
         WHERE community_id = ?1 AND status IN ('placed', 'accepted', 'packed', 'out_for_delivery')
           AND placed_at < ?2",
    )
    .bind(community_id)
    .bind(end)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Orders { placed, delivered, open, oldest_open_at })
}

async fn shifts(conn: &mut SqliteConnection, community_id: i64, day: NaiveDate) -> Result<Shifts> {
    let (total, covered, free_places): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), coalesce(sum(taken >= capacity AND seniors_taken >= min_senior), 0),
                coalesce(sum(capacity - taken), 0)
         FROM shifts WHERE community_id = ?1 AND day = ?2",
    )
    .bind(community_id)
    .bind(day)
    .fetch_one(&mut *conn)
    .await?;
    let (no_shows, minutes): (i64, i64) = sqlx::query_as(
        "SELECT coalesce(sum(c.no_show), 0),
                coalesce(sum(max(0, coalesce(c.checked_out_at, c.checked_in_at) - c.checked_in_at)) / 60000, 0)
         FROM shifts s JOIN shift_claims c ON c.shift_id = s.id
         WHERE s.community_id = ?1 AND s.day = ?2",
    )
    .bind(community_id)
    .bind(day)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Shifts { total, covered, free_places, no_shows, minutes })
}

/// The community's own notices and the subdistrict's (which count the community's
/// residents among their recipients), sent during the day. A community notice's people are
/// all its recipients (counted on its key, not joined one by one); a subdistrict notice's
/// are joined to the community's residents.
async fn notices(conn: &mut SqliteConnection, community_id: i64, start: i64, end: i64) -> Result<Notices> {
    let (sent, recipients, confirmed): (i64, i64, i64) = sqlx::query_as(
        "WITH sent AS (SELECT id, community_id FROM notices
                       WHERE status = 'sent' AND sent_at >= ?2 AND sent_at < ?3
                         AND (community_id = ?1 OR community_id IS NULL)),
              own AS (SELECT id FROM sent WHERE community_id IS NOT NULL),
              wide AS (SELECT id FROM sent WHERE community_id IS NULL),
              here AS (SELECT user_id FROM residents WHERE community_id = ?1)
         SELECT (SELECT count(*) FROM sent),
                (SELECT count(*) FROM notice_recipients WHERE notice_id IN own)
                  + (SELECT count(*) FROM notice_recipients WHERE notice_id IN wide AND user_id IN here),
                (SELECT count(*) FROM notice_acks WHERE notice_id IN own)
                  + (SELECT count(*) FROM notice_acks WHERE notice_id IN wide AND user_id IN here)",
    )
    .bind(community_id)
    .bind(start)
    .bind(end)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Notices { sent, recipients, confirmed })
}
