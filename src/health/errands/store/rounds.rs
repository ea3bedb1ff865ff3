//! The daily garbage round's SQL: one round per building and day (unique), claimed like an
//! errand by one conditional UPDATE.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::clock::millis;
use crate::health::isolation::store::isolated_today;
use crate::i18n::Lang;
use crate::Result;

#[derive(Debug, Clone, FromRow)]
pub struct Round {
    pub id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub building: String,
    pub building_en: String,
    pub day: NaiveDate,
    pub households: i64,
    pub claimed_by: Option<i64>,
}

impl Round {
    pub fn building(&self, lang: Lang) -> &str {
        lang.pick(&self.building, &self.building_en)
    }
}

const SELECT: &str = "SELECT g.id, g.community_id, g.building_id, b.name AS building,
        COALESCE(b.name_en, b.name) AS building_en, g.day, g.households, g.claimed_by
     FROM garbage_rounds g JOIN buildings b ON b.id = g.building_id";

/// The round of `day` for each building of the community that has isolated households
/// (`isolation::store::isolated_today`, grouped by building); a building that has its
/// round already keeps it. Returns how many were made.
pub async fn make(conn: &mut SqliteConnection, now: DateTime<Utc>, community_id: i64, day: NaiveDate) -> Result<u64> {
    let mut per_building: Vec<(i64, i64)> = Vec::new();
    for i in isolated_today(conn, community_id, day).await? {
        match per_building.last_mut() {
            Some((b, n)) if *b == i.building_id => *n += 1,
            _ => per_building.push((i.building_id, 1)),
        }
    }
    let mut made = 0;
    // One row per building (a community has tens of buildings, not thousands).
    for (building_id, households) in per_building {
        made += sqlx::query(
            "INSERT INTO garbage_rounds (community_id, building_id, day, households, status, created_at)
             VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT (building_id, day) DO NOTHING",
        )
        .bind(community_id)
        .bind(building_id)
        .bind(day)
        .bind(households)
        .bind(millis(now))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(made)
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<Round>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE g.id = ?")).bind(id).fetch_optional(&mut *conn).await?)
}

/// The community's rounds of `day` nobody has claimed, by building.
pub async fn open_in(conn: &mut SqliteConnection, community_id: i64, day: NaiveDate) -> Result<Vec<Round>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE g.community_id = ? AND g.day = ? AND g.status = 'open' ORDER BY b.position, b.id"
    ))
    .bind(community_id)
    .bind(day)
    .fetch_all(&mut *conn)
    .await?)
}

/// The rounds this person claimed and has not finished.
pub async fn claimed_by(conn: &mut SqliteConnection, user_id: i64) -> Result<Vec<Round>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE g.claimed_by = ? AND g.status = 'claimed' ORDER BY g.id"))
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?)
}

pub async fn claim(conn: &mut SqliteConnection, now: DateTime<Utc>, id: i64, user_id: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE garbage_rounds SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ? AND status = 'open'",
    )
    .bind(user_id)
    .bind(millis(now))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn finish(conn: &mut SqliteConnection, now: DateTime<Utc>, id: i64, user_id: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE garbage_rounds SET status = 'done', done_at = ? WHERE id = ? AND claimed_by = ? AND status = 'claimed'",
    )
    .bind(millis(now))
    .bind(id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The unit/rooms of the round's building isolated on its day (what the claimer collects).
pub async fn doors(conn: &mut SqliteConnection, round: &Round) -> Result<Vec<String>> {
    let isolated = isolated_today(conn, round.community_id, round.day).await?;
    Ok(isolated.into_iter().filter(|i| i.building_id == round.building_id).map(|i| i.unit_room).collect())
}
