//! What the temperature slice tells others and its own jobs: per household and per day,
//! how many reports were expected and made (the officials' daily line, `/isolated`), and
//! who has not reported in a slot (the reminder, the officials' list). Each is one
//! statement over the isolated households of the day, never a query per household.
//!
//! "Isolated on a day" is the isolation slice's definition: `status = 'active'` and the day
//! within `starts_on`..=`ends_on`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::health::temperature::model::{hhmm, prompts_passed, SlotOf};
use crate::i18n::Lang;
use crate::{App, Result};

/// One isolated household's reports on a day.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct HouseholdReports {
    pub building_id: i64,
    pub household: String,
    /// Its subjects (accounts and members) × the slots due.
    pub expected: i64,
    /// Reports of the slots due.
    pub reported: i64,
    /// Reports that day at or above the fever setting (any slot).
    pub fevers: i64,
}

/// A community's figures for a day: the sums of [`household_reports`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayFigures {
    pub expected: i64,
    pub reported: i64,
    pub fevers: i64,
}

/// How many of today's prompts have passed at `now` (0, 1 or 2): the slots whose reports
/// are expected by now.
pub fn slots_due(app: &App, now: DateTime<Utc>) -> u8 {
    let h = &app.settings.health;
    let local = now.with_timezone(&app.settings.timezone).time();
    prompts_passed(local, hhmm(&h.morning_at), hhmm(&h.afternoon_at))
}

/// An isolation that has since ended on its date covered its days too (a past day's
/// figures, in the daily report); one lifted early or declined did not.
const ISOLATED: &str = "SELECT i.community_id, i.building_id, i.household, i.unit_room FROM isolations i
     WHERE i.status IN ('active', 'ended') AND i.starts_on <= ?1 AND i.ends_on >= ?1";

/// Per household isolated on `?1` in community `?2`, with `?3` slots due.
const PER_HOUSEHOLD: &str = "SELECT iso.building_id, iso.household,
         ((SELECT count(*) FROM residents r WHERE r.building_id = iso.building_id AND r.household = iso.household)
          + (SELECT count(*) FROM household_members m
             WHERE m.building_id = iso.building_id AND m.household = iso.household AND m.removed_at IS NULL))
         * ?3 AS expected,
         (SELECT count(*) FROM temperature_reports t
          WHERE t.building_id = iso.building_id AND t.household = iso.household AND t.day = ?1
            AND ((t.slot = 'morning' AND ?3 >= 1) OR ?3 >= 2)) AS reported,
         (SELECT count(*) FROM temperature_reports t
          WHERE t.building_id = iso.building_id AND t.household = iso.household AND t.day = ?1
            AND t.fever = 1) AS fevers
     FROM iso JOIN buildings b ON b.id = iso.building_id";

/// Each household of the community isolated on `day`, by building (the community file's
/// order) and household.
pub async fn household_reports(
    conn: &mut SqliteConnection,
    community_id: i64,
    day: NaiveDate,
    slots_due: u8,
) -> Result<Vec<HouseholdReports>> {
    Ok(sqlx::query_as(&format!(
        "WITH iso AS ({ISOLATED} AND i.community_id = ?2) {PER_HOUSEHOLD} ORDER BY b.position, b.id, iso.household"
    ))
    .bind(day)
    .bind(community_id)
    .bind(i64::from(slots_due))
    .fetch_all(&mut *conn)
    .await?)
}

/// The sums of [`household_reports`], in SQL (one row back, not one per household).
pub async fn day_figures(
    conn: &mut SqliteConnection,
    community_id: i64,
    day: NaiveDate,
    slots_due: u8,
) -> Result<DayFigures> {
    let (expected, reported, fevers): (i64, i64, i64) = sqlx::query_as(&format!(
        "WITH iso AS ({ISOLATED} AND i.community_id = ?2)
         SELECT coalesce(sum(expected), 0), coalesce(sum(reported), 0), coalesce(sum(fevers), 0)
         FROM ({PER_HOUSEHOLD})"
    ))
    .bind(day)
    .bind(community_id)
    .bind(i64::from(slots_due))
    .fetch_one(&mut *conn)
    .await?;
    Ok(DayFigures { expected, reported, fevers })
}

/// Someone of an isolated household without a report for the slot.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Missing {
    pub community_id: i64,
    pub building_id: i64,
    pub building: String,
    pub building_en: String,
    pub household: String,
    /// The isolation's address as written ("2单元301").
    pub unit_room: String,
    /// The account's display name, or the member's name.
    pub name: String,
}

impl Missing {
    pub fn building(&self, lang: Lang) -> &str {
        lang.pick(&self.building, &self.building_en)
    }
}

/// The subjects (accounts and members) of the households isolated on the slot's day (of
/// one community, `?2`, or of all when it is NULL) without a report for the slot (`?3`).
const SUBJECTS_MISSING: &str =
    "iso AS (SELECT i.community_id, i.building_id, i.household, i.unit_room FROM isolations i
         WHERE i.status = 'active' AND i.starts_on <= ?1 AND i.ends_on >= ?1 AND (?2 IS NULL OR i.community_id = ?2)),
     subjects AS (
         SELECT iso.*, u.display_name AS name FROM iso
         JOIN residents r ON r.building_id = iso.building_id AND r.household = iso.household
         JOIN users u ON u.id = r.user_id
         WHERE NOT EXISTS (SELECT 1 FROM temperature_reports t
                           WHERE t.user_id = r.user_id AND t.day = ?1 AND t.slot = ?3)
         UNION ALL
         SELECT iso.*, m.name FROM iso
         JOIN household_members m ON m.building_id = iso.building_id AND m.household = iso.household
         WHERE m.removed_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM temperature_reports t
                           WHERE t.member_id = m.id AND t.day = ?1 AND t.slot = ?3))";

/// Everyone of the households isolated on the slot's day (of one community, or of all
/// with `None`) who has not reported for it, by community, building, household, name.
pub async fn missing(conn: &mut SqliteConnection, community_id: Option<i64>, at: SlotOf) -> Result<Vec<Missing>> {
    Ok(sqlx::query_as(&format!(
        "WITH {SUBJECTS_MISSING}
         SELECT s.community_id, s.building_id, b.name AS building, COALESCE(b.name_en, b.name) AS building_en,
             s.household, s.unit_room, s.name
         FROM subjects s JOIN buildings b ON b.id = s.building_id
         ORDER BY s.community_id, b.position, b.id, s.household, s.name"
    ))
    .bind(at.day)
    .bind(community_id)
    .bind(at.slot)
    .fetch_all(&mut *conn)
    .await?)
}

/// One building's part of the officials' list of who has not reported.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct MissingInBuilding {
    pub community_id: i64,
    pub building: String,
    pub building_en: String,
    /// How many people.
    pub missing: i64,
    /// One line per household: "· 2单元301 王芳、王小明" (names joined by the separator
    /// asked for), by household.
    pub lines: String,
}

impl MissingInBuilding {
    pub fn building(&self, lang: Lang) -> &str {
        lang.pick(&self.building, &self.building_en)
    }
}

/// The officials' list for a slot: per building (the community file's order) of one
/// community (or of all with `None`), the households with someone who has not reported.
/// Composed in SQL, so a community of 10,000 isolated people hands back one row per
/// building rather than one per person.
pub async fn missing_by_building(
    conn: &mut SqliteConnection,
    community_id: Option<i64>,
    at: SlotOf,
    separator: &str,
) -> Result<Vec<MissingInBuilding>> {
    Ok(sqlx::query_as(&format!(
        "WITH {SUBJECTS_MISSING},
         households AS (
             SELECT community_id, building_id, household, unit_room, count(*) AS n,
                 group_concat(name, ?4 ORDER BY name) AS names
             FROM subjects GROUP BY building_id, household)
         SELECT h.community_id, b.name AS building, COALESCE(b.name_en, b.name) AS building_en, sum(h.n) AS missing,
             group_concat('· ' || h.unit_room || ' ' || h.names, char(10) ORDER BY h.household) AS lines
         FROM households h JOIN buildings b ON b.id = h.building_id
         GROUP BY h.community_id, b.id ORDER BY h.community_id, b.position, b.id"
    ))
    .bind(at.day)
    .bind(community_id)
    .bind(at.slot)
    .bind(separator)
    .fetch_all(&mut *conn)
    .await?)
}

/// Every account of a household isolated on `day`, with its language and household.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct IsolatedAccount {
    pub user_id: i64,
    pub lang: String,
    pub building_id: i64,
    pub household: String,
}

pub async fn isolated_accounts(conn: &mut SqliteConnection, day: NaiveDate) -> Result<Vec<IsolatedAccount>> {
    Ok(sqlx::query_as(&format!(
        "WITH iso AS ({ISOLATED})
         SELECT r.user_id, u.lang, iso.building_id, iso.household FROM iso
         JOIN residents r ON r.building_id = iso.building_id AND r.household = iso.household
         JOIN users u ON u.id = r.user_id
         ORDER BY r.user_id"
    ))
    .bind(day)
    .fetch_all(&mut *conn)
    .await?)
}

/// The accounts of households isolated on `day` (the prompt's recipients), as ids.
pub async fn isolated_account_ids(conn: &mut SqliteConnection, day: NaiveDate) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(&format!(
        "WITH iso AS ({ISOLATED})
         SELECT r.user_id FROM iso JOIN residents r ON r.building_id = iso.building_id AND r.household = iso.household
         ORDER BY r.user_id"
    ))
    .bind(day)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
