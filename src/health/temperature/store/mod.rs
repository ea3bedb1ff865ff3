//! The temperature slice's SQL. Writers take the caller's connection (a handler's `Work`
//! or a job's transaction) and never commit. A report is one row per subject, day and
//! slot: saving again within the slot changes it (an upsert on the partial unique indexes
//! of migration 0013), and whether it *became* a fever is decided inside the same
//! transaction, so the officials are alerted once.
//!
//! Reading for others (the officials' figures, the missing lists) is in [`read`].

pub mod read;

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::bot::slice::{Erasing, Erasure};
use crate::clock::millis;
use crate::health::temperature::model::{SlotOf, Symptoms, Temperature, MEMBERS_MAX};
use crate::jobs::BoxFuture;
use crate::{App, Result};

pub use read::{day_figures, household_reports, slots_due, DayFigures, HouseholdReports};

/// An address: a building and a household key (`people::model::household_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    pub community_id: i64,
    pub building_id: i64,
    pub key: String,
}

/// A household member without an account.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Member {
    pub id: i64,
    pub name: String,
}

/// The household's members, oldest first.
pub async fn members_of(conn: &mut SqliteConnection, household: &Household) -> Result<Vec<Member>> {
    Ok(sqlx::query_as(
        "SELECT id, name FROM household_members
         WHERE building_id = ? AND household = ? AND removed_at IS NULL ORDER BY id",
    )
    .bind(household.building_id)
    .bind(&household.key)
    .fetch_all(&mut *conn)
    .await?)
}

/// One of the household's current members (`None`: another household's, or removed).
pub async fn member_of(conn: &mut SqliteConnection, household: &Household, id: i64) -> Result<Option<Member>> {
    Ok(sqlx::query_as(
        "SELECT id, name FROM household_members
         WHERE id = ? AND building_id = ? AND household = ? AND removed_at IS NULL",
    )
    .bind(id)
    .bind(household.building_id)
    .bind(&household.key)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Adds a member; `None` when the household already has [`MEMBERS_MAX`] (checked in the
/// same statement).
pub async fn add_member(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    household: &Household,
    name: &str,
    added_by: i64,
) -> Result<Option<i64>> {
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO household_members (community_id, building_id, household, name, added_by, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6
         WHERE (SELECT count(*) FROM household_members
                WHERE building_id = ?2 AND household = ?3 AND removed_at IS NULL) < ?7
         RETURNING id",
    )
    .bind(household.community_id)
    .bind(household.building_id)
    .bind(&household.key)
    .bind(name)
    .bind(added_by)
    .bind(millis(now))
    .bind(MEMBERS_MAX as i64)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id.map(|(id,)| id))
}

/// Removes a member of this household; false when it was not (any more) one of theirs.
pub async fn remove_member(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    household: &Household,
    id: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE household_members SET removed_at = ?
         WHERE id = ? AND building_id = ? AND household = ? AND removed_at IS NULL",
    )
    .bind(millis(now))
    .bind(id)
    .bind(household.building_id)
    .bind(&household.key)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whose temperature a report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Account(i64),
    Member(i64),
}

#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub household: &'a Household,
    pub subject: Subject,
    pub at: SlotOf,
    pub temperature: Temperature,
    pub symptoms: Symptoms,
    pub fever: bool,
    pub reported_by: i64,
}

/// What saving a report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    /// It replaced an earlier report of the same slot.
    pub changed: bool,
    /// It is a fever and the slot's earlier report (if any) was not: alert the officials
    /// now (`alerted_at` is set in the same statement).
    pub alert: bool,
}

/// Saves (or changes) the subject's report for the slot.
pub async fn save(conn: &mut SqliteConnection, now: DateTime<Utc>, r: &NewReport<'_>) -> Result<Saved> {
    let (user_id, member_id) = match r.subject {
        Subject::Account(id) => (Some(id), None),
        Subject::Member(id) => (None, Some(id)),
    };
    let before: Option<(bool,)> = sqlx::query_as(
        "SELECT fever FROM temperature_reports
         WHERE day = ?3 AND slot = ?4 AND (user_id = ?1 OR member_id = ?2)",
    )
    .bind(user_id)
    .bind(member_id)
    .bind(r.at.day)
    .bind(r.at.slot)
    .fetch_optional(&mut *conn)
    .await?;
    let alert = r.fever && !before.is_some_and(|(fever,)| fever);
    let conflict =
        if user_id.is_some() { "user_id, day, slot) WHERE user_id" } else { "member_id, day, slot) WHERE member_id" };
    sqlx::query(&format!(
        "INSERT INTO temperature_reports (community_id, building_id, household, user_id, member_id, day, slot, tenths,
             symptoms, fever, reported_by, reported_at, alerted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN ? END)
         ON CONFLICT ({conflict} IS NOT NULL DO UPDATE SET
             community_id = excluded.community_id, building_id = excluded.building_id,
             household = excluded.household, tenths = excluded.tenths, symptoms = excluded.symptoms,
             fever = excluded.fever, reported_by = excluded.reported_by, reported_at = excluded.reported_at,
             alerted_at = COALESCE(excluded.alerted_at, temperature_reports.alerted_at)"
    ))
    .bind(r.household.community_id)
    .bind(r.household.building_id)
    .bind(&r.household.key)
    .bind(user_id)
    .bind(member_id)
    .bind(r.at.day)
    .bind(r.at.slot)
    .bind(r.temperature.tenths())
    .bind(r.symptoms.bits())
    .bind(r.fever)
    .bind(r.reported_by)
    .bind(millis(now))
    .bind(alert)
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    Ok(Saved { changed: before.is_some(), alert })
}

/// `Slice::erase`: a person's own temperatures are health data and go; the members they
/// added belong to the household and stay, as do the reports they made for them (under the
/// anonymous id).
pub fn erase<'c>(conn: &'c mut SqliteConnection, _: &'c App, who: Erasing) -> BoxFuture<'c, Result<Vec<Erasure>>> {
    Box::pin(async move {
        sqlx::query("DELETE FROM temperature_reports WHERE user_id = ?").bind(who.user_id).execute(&mut *conn).await?;
        for sql in [
            "UPDATE temperature_reports SET reported_by = ?2 WHERE reported_by = ?1",
            "UPDATE household_members SET added_by = ?2 WHERE added_by = ?1",
        ] {
            sqlx::query(sql).bind(who.user_id).bind(who.anonymous_id).execute(&mut *conn).await?;
        }
        Ok(Vec::new())
    })
}
