//! The isolation slice's SQL. Writers take the caller's connection (inside its `Work` or
//! job) and never commit; each change of status is one conditional statement on the status
//! it expects, so an official's double tap or two officials at once change it once.
//!
//! "Isolated today" means: `status = 'active' AND starts_on <= today AND ends_on >= today`
//! (community-local `YYYY-MM-DD` text compares as dates). The nightly `isolation.end`
//! closes what has passed, but every reader checks the dates itself, so an isolation is
//! over on time even if the job has not run.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::clock::millis;
use crate::health::isolation::model::{Kind, Status};
use crate::i18n::Lang;
use crate::Result;

/// One isolation, with its building's names.
#[derive(Debug, Clone, FromRow)]
pub struct Isolation {
    pub id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub building: String,
    pub building_en: String,
    /// As the official or resident wrote it ("2单元301").
    pub unit_room: String,
    /// `people::model::household_key` of it.
    pub household: String,
    pub kind: Kind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: Status,
    pub declared_by: Option<i64>,
}

impl Isolation {
    /// "3号楼 2单元301" / "Building 3 2单元301".
    pub fn address(&self, lang: Lang) -> String {
        format!("{} {}", lang.pick(&self.building, &self.building_en), self.unit_room)
    }

    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.status == Status::Active && self.starts_on <= today && today <= self.ends_on
    }
}

const SELECT: &str =
    "SELECT i.id, i.community_id, i.building_id, b.name AS building, COALESCE(b.name_en, b.name) AS building_en,
        i.unit_room, i.household, i.kind, i.starts_on, i.ends_on, i.status, i.declared_by
     FROM isolations i JOIN buildings b ON b.id = i.building_id";

fn select(filter: &str) -> String {
    format!("{SELECT} {filter}")
}

/// A new isolation: an official's (active at once) or a resident's declaration.
#[derive(Debug, Clone)]
pub struct NewIsolation<'a> {
    pub community_id: i64,
    pub building_id: i64,
    pub unit_room: &'a str,
    pub kind: Kind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// `Some(resident)` for a declaration (status `declared`), `None` for an official's.
    pub declared_by: Option<i64>,
    /// The official who marked it.
    pub decided_by: Option<i64>,
}

#[derive(Debug)]
pub enum Marked {
    Created(i64),
    /// The household already has an open (declared or active) isolation.
    AlreadyOpen(Box<Isolation>),
    /// The building is not in the community (a stale button).
    NoSuchBuilding,
}

pub async fn mark(conn: &mut SqliteConnection, now: DateTime<Utc>, new: &NewIsolation<'_>) -> Result<Marked> {
    let household = crate::people::model::household_key(new.unit_room);
    if let Some(open) = open_at(conn, new.building_id, &household).await? {
        return Ok(Marked::AlreadyOpen(Box::new(open)));
    }
    let status = if new.declared_by.is_some() { Status::Declared } else { Status::Active };
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO isolations (community_id, building_id, household, unit_room, kind, starts_on, ends_on, status,
             declared_by, decided_by, created_at)
         SELECT community_id, id, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM buildings WHERE id = ? AND community_id = ?
         RETURNING id",
    )
    .bind(&household)
    .bind(new.unit_room)
    .bind(new.kind)
    .bind(new.starts_on)
    .bind(new.ends_on)
    .bind(status)
    .bind(new.declared_by)
    .bind(new.decided_by)
    .bind(millis(now))
    .bind(new.building_id)
    .bind(new.community_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id.map_or(Marked::NoSuchBuilding, |(id,)| Marked::Created(id)))
}

/// The household's declared or active isolation, if any.
pub async fn open_at(conn: &mut SqliteConnection, building_id: i64, household: &str) -> Result<Option<Isolation>> {
    Ok(sqlx::query_as(&select("WHERE i.building_id = ? AND i.household = ? AND i.status IN ('declared', 'active')"))
        .bind(building_id)
        .bind(household)
        .fetch_optional(&mut *conn)
        .await?)
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<Isolation>> {
    Ok(sqlx::query_as(&select("WHERE i.id = ?")).bind(id).fetch_optional(&mut *conn).await?)
}

/// Moves an isolation from `from` to `to` (an official's decision); false when it was no
/// longer `from` (decided already, lifted, ended).
pub async fn decide(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    id: i64,
    from: Status,
    to: Status,
    official: i64,
) -> Result<bool> {
    let closes = matches!(to, Status::Lifted | Status::Declined | Status::Ended);
    let done = sqlx::query(
        "UPDATE isolations SET status = ?, decided_by = ?, closed_at = CASE WHEN ? THEN ? ELSE closed_at END
         WHERE id = ? AND status = ?",
    )
    .bind(to)
    .bind(official)
    .bind(closes)
    .bind(millis(now))
    .bind(id)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes every active isolation whose last day is before `today` (and declarations that
/// were never decided by their end), returning them so the households can be told.
pub async fn end_passed(conn: &mut SqliteConnection, now: DateTime<Utc>, today: NaiveDate) -> Result<Vec<Isolation>> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "UPDATE isolations SET status = CASE status WHEN 'active' THEN 'ended' ELSE 'declined' END, closed_at = ?
         WHERE status IN ('active', 'declared') AND ends_on < ? RETURNING id",
    )
    .bind(millis(now))
    .bind(today)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
    Ok(sqlx::query_as(&select("WHERE i.id IN (SELECT value FROM json_each(?)) ORDER BY i.id"))
        .bind(serde_json::to_string(&ids)?)
        .fetch_all(&mut *conn)
        .await?)
}

/// Everyone registered at the household, with their language (to tell them).
pub async fn residents_at(conn: &mut SqliteConnection, building_id: i64, household: &str) -> Result<Vec<(i64, Lang)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.lang FROM residents r JOIN users u ON u.id = r.user_id
         WHERE r.building_id = ? AND r.household = ? ORDER BY u.id",
    )
    .bind(building_id)
    .bind(household)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, l)| (id, Lang::from_code(&l).unwrap_or_default())).collect())
}

/// The isolation covering this resident's household today, if any.
pub async fn isolation_of(conn: &mut SqliteConnection, user_id: i64, today: NaiveDate) -> Result<Option<Isolation>> {
    Ok(sqlx::query_as(&select(
        "JOIN residents r ON r.building_id = i.building_id AND r.household = i.household
         WHERE r.user_id = ? AND i.status = 'active' AND i.starts_on <= ?2 AND i.ends_on >= ?2",
    ))
    .bind(user_id)
    .bind(today)
    .fetch_optional(&mut *conn)
    .await?)
}

/// This resident's household's open isolation (declared, or active and not yet passed).
pub async fn open_of(conn: &mut SqliteConnection, user_id: i64) -> Result<Option<Isolation>> {
    Ok(sqlx::query_as(&select(
        "JOIN residents r ON r.building_id = i.building_id AND r.household = i.household
         WHERE r.user_id = ? AND i.status IN ('declared', 'active')",
    ))
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A community's households isolated today, by building (in the community file's order)
/// and unit/room.
pub async fn isolated_today(
    conn: &mut SqliteConnection,
    community_id: i64,
    today: NaiveDate,
) -> Result<Vec<Isolation>> {
    Ok(sqlx::query_as(&select(
        "WHERE i.community_id = ? AND i.status = 'active' AND i.starts_on <= ?2 AND i.ends_on >= ?2
         ORDER BY b.position, b.id, i.household",
    ))
    .bind(community_id)
    .bind(today)
    .fetch_all(&mut *conn)
    .await?)
}

/// Declarations waiting for a community's officials.
pub async fn declared(conn: &mut SqliteConnection, community_id: i64) -> Result<Vec<Isolation>> {
    Ok(sqlx::query_as(&select("WHERE i.community_id = ? AND i.status = 'declared' ORDER BY i.id"))
        .bind(community_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// For each isolation current today in the community, how many people are registered at
/// its address: (isolation id, people).
pub async fn registered_counts(
    conn: &mut SqliteConnection,
    community_id: i64,
    today: NaiveDate,
) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT i.id, count(r.user_id) FROM isolations i
         LEFT JOIN residents r ON r.building_id = i.building_id AND r.household = i.household
         WHERE i.community_id = ? AND i.status = 'active' AND i.starts_on <= ?2 AND i.ends_on >= ?2
         GROUP BY i.id",
    )
    .bind(community_id)
    .bind(today)
    .fetch_all(&mut *conn)
    .await?)
}

/// The names of the people registered at a household (for its officials).
pub async fn names_at(conn: &mut SqliteConnection, building_id: i64, household: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT u.display_name FROM residents r JOIN users u ON u.id = r.user_id
         WHERE r.building_id = ? AND r.household = ? ORDER BY u.id",
    )
    .bind(building_id)
    .bind(household)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}
