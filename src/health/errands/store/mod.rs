//! The errands slice's SQL. Writers take the caller's connection (inside its `Work` or job)
//! and never commit; every change of status is one conditional UPDATE on the status it
//! expects, so of two volunteers claiming at once exactly one wins, and a double tap acts
//! once.

pub mod figures;
pub mod rounds;

pub use figures::{day_figures, open_by_household, DayFigures};

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::clock::millis;
use crate::health::errands::model::{Kind, Status};
use crate::i18n::Lang;
use crate::Result;

/// One errand, with its building's names and the claimer's display name.
#[derive(Debug, Clone, FromRow)]
pub struct Errand {
    pub id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub building: String,
    pub building_en: String,
    pub household: String,
    pub unit_room: String,
    pub requester: i64,
    pub kind: Kind,
    pub note: String,
    pub urgent: bool,
    pub status: Status,
    pub claimed_by: Option<i64>,
    pub claimer_name: Option<String>,
    pub created_at: i64,
    pub pages: i64,
}

impl Errand {
    pub fn building(&self, lang: Lang) -> &str {
        lang.pick(&self.building, &self.building_en)
    }

    /// "3号楼 2单元301": only for the claimer, the requester and officials.
    pub fn address(&self, lang: Lang) -> String {
        format!("{} {}", self.building(lang), self.unit_room)
    }
}

const SELECT: &str = "SELECT e.id, e.community_id, e.building_id, b.name AS building,
        COALESCE(b.name_en, b.name) AS building_en, e.household, e.unit_room, e.requester, e.kind, e.note,
        e.urgent, e.status, e.claimed_by, c.display_name AS claimer_name, e.created_at, e.pages
     FROM errands e JOIN buildings b ON b.id = e.building_id LEFT JOIN users c ON c.id = e.claimed_by";

fn select(filter: &str) -> String {
    format!("{SELECT} {filter}")
}

/// A new errand for a household.
#[derive(Debug, Clone)]
pub struct NewErrand<'a> {
    pub community_id: i64,
    pub building_id: i64,
    pub unit_room: &'a str,
    /// The resident it is for.
    pub requester: i64,
    /// The requester, or the official who opened it for them.
    pub opened_by: i64,
    pub kind: Kind,
    pub note: &'a str,
}

/// Creates the errand; `None` when the household already has an open medical-help errand
/// (the partial unique index `errands_one_medical`).
pub async fn create(conn: &mut SqliteConnection, now: DateTime<Utc>, new: &NewErrand<'_>) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO errands (community_id, building_id, household, unit_room, requester, opened_by, kind, note,
             urgent, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(new.community_id)
    .bind(new.building_id)
    .bind(crate::people::model::household_key(new.unit_room))
    .bind(new.unit_room)
    .bind(new.requester)
    .bind(new.opened_by)
    .bind(new.kind)
    .bind(new.note)
    .bind(new.kind.is_urgent())
    .bind(millis(now))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<Errand>> {
    Ok(sqlx::query_as(&select("WHERE e.id = ?")).bind(id).fetch_optional(&mut *conn).await?)
}

/// The household's open or claimed medical-help errand.
pub async fn open_medical(conn: &mut SqliteConnection, building_id: i64, household: &str) -> Result<Option<Errand>> {
    Ok(sqlx::query_as(&select(
        "WHERE e.building_id = ? AND e.household = ? AND e.kind = 'medical' AND e.status IN ('open', 'claimed')",
    ))
    .bind(building_id)
    .bind(household)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A community's errands nobody has claimed: urgent first, then by building, oldest first.
pub async fn open_in(conn: &mut SqliteConnection, community_id: i64) -> Result<Vec<Errand>> {
    Ok(sqlx::query_as(&select(
        "WHERE e.community_id = ? AND e.status = 'open' ORDER BY e.urgent DESC, b.position, b.id, e.created_at, e.id",
    ))
    .bind(community_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The errands this person has claimed and not yet marked done.
pub async fn claimed_by(conn: &mut SqliteConnection, user_id: i64) -> Result<Vec<Errand>> {
    Ok(sqlx::query_as(&select("WHERE e.claimed_by = ? AND e.status = 'claimed' ORDER BY e.claimed_at, e.id"))
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// A resident's errands still under way (open, claimed, or done and not yet confirmed).
pub async fn requested_by(conn: &mut SqliteConnection, user_id: i64) -> Result<Vec<Errand>> {
    Ok(sqlx::query_as(&select(
        "WHERE e.requester = ? AND e.status IN ('open', 'claimed', 'done') ORDER BY e.created_at DESC, e.id DESC",
    ))
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Claims an open errand; false when someone else was first (or it was cancelled).
pub async fn claim(conn: &mut SqliteConnection, now: DateTime<Utc>, id: i64, user_id: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE errands SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ? AND status = 'open'",
    )
    .bind(user_id)
    .bind(millis(now))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The claimer marks it done.
pub async fn mark_done(conn: &mut SqliteConnection, now: DateTime<Utc>, id: i64, user_id: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE errands SET status = 'done', done_at = ? WHERE id = ? AND claimed_by = ? AND status = 'claimed'",
    )
    .bind(millis(now))
    .bind(id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The resident confirms a done errand.
pub async fn confirm(conn: &mut SqliteConnection, now: DateTime<Utc>, id: i64, requester: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE errands SET status = 'confirmed', closed_at = ? WHERE id = ? AND requester = ? AND status = 'done'",
    )
    .bind(millis(now))
    .bind(id)
    .bind(requester)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The resident says a done errand was not done: open again for anyone. Returns the
/// volunteer who had it (to tell them), or `None` when it was not done-and-unconfirmed.
pub async fn not_done(conn: &mut SqliteConnection, id: i64, requester: i64) -> Result<Option<i64>> {
    let had: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT claimed_by FROM errands WHERE id = ? AND requester = ? AND status = 'done'")
            .bind(id)
            .bind(requester)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((had,)) = had else { return Ok(None) };
    let done = sqlx::query(
        "UPDATE errands SET status = 'open', claimed_by = NULL, claimed_at = NULL, done_at = NULL
         WHERE id = ? AND requester = ? AND status = 'done'",
    )
    .bind(id)
    .bind(requester)
    .execute(&mut *conn)
    .await?;
    Ok((done.rows_affected() == 1).then(|| had.unwrap_or_default()))
}

/// The resident cancels an errand nobody has claimed yet.
pub async fn cancel(conn: &mut SqliteConnection, now: DateTime<Utc>, id: i64, requester: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE errands SET status = 'cancelled', closed_at = ? WHERE id = ? AND requester = ? AND status = 'open'",
    )
    .bind(millis(now))
    .bind(id)
    .bind(requester)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts one more page of an urgent errand that is still open; its page number, or `None`
/// when it is no longer open (claimed, cancelled: the paging stops).
pub async fn count_page(conn: &mut SqliteConnection, now: DateTime<Utc>, id: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE errands SET pages = pages + 1, paged_at = ? WHERE id = ? AND status = 'open' RETURNING pages",
    )
    .bind(millis(now))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(n,)| n))
}

/// The requester's display name and phone, for the claimer only.
pub async fn contact(conn: &mut SqliteConnection, user_id: i64) -> Result<(String, Option<String>)> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT u.display_name, r.phone FROM users u LEFT JOIN residents r ON r.user_id = u.id WHERE u.id = ?",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.unwrap_or_default())
}
