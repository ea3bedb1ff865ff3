//! Attendance: a volunteer's own shifts, check-in and check-out, hours.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::clock::{from_millis, millis};
use crate::shifts::model;
use crate::Result;

#[derive(Debug, Clone, FromRow)]
pub struct MyShift {
    pub shift_id: i64,
    pub checkpoint: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub radius_m: i64,
    pub start_at: i64,
    pub end_at: i64,
    pub offered: bool,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
}

/// The volunteer's shifts that have not ended, soonest first.
pub async fn mine(pool: &SqlitePool, user: i64, now: DateTime<Utc>) -> Result<Vec<MyShift>> {
    Ok(sqlx::query_as(
        "SELECT s.id AS shift_id, c.name AS checkpoint, c.latitude, c.longitude, c.radius_m, s.start_at, s.end_at,
                m.offered, m.checked_in_at, m.checked_out_at
         FROM shift_claims m JOIN shifts s ON s.id = m.shift_id JOIN checkpoints c ON c.id = s.checkpoint_id
         WHERE m.user_id = ? AND s.end_at > ? ORDER BY s.start_at",
    )
    .bind(user)
    .bind(millis(now))
    .fetch_all(pool)
    .await?)
}

/// Records the check-in (once; a later tap changes nothing).
pub async fn check_in(conn: &mut SqliteConnection, shift_id: i64, user: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE shift_claims SET checked_in_at = ?, no_show = 0
         WHERE shift_id = ? AND user_id = ? AND checked_in_at IS NULL",
    )
    .bind(millis(now))
    .bind(shift_id)
    .bind(user)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn check_out(conn: &mut SqliteConnection, shift_id: i64, user: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE shift_claims SET checked_out_at = ?
         WHERE shift_id = ? AND user_id = ? AND checked_in_at IS NOT NULL AND checked_out_at IS NULL",
    )
    .bind(millis(now))
    .bind(shift_id)
    .bind(user)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Minutes worked by `user` on completed shifts (check-in and check-out recorded).
pub async fn minutes_worked(pool: &SqlitePool, user: i64) -> Result<i64> {
    let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT m.checked_in_at, m.checked_out_at, s.start_at, s.end_at FROM shift_claims m
         JOIN shifts s ON s.id = m.shift_id
         WHERE m.user_id = ? AND m.checked_in_at IS NOT NULL AND m.checked_out_at IS NOT NULL",
    )
    .bind(user)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(i, o, s, e)| model::worked_minutes(from_millis(i), from_millis(o), from_millis(s), from_millis(e)))
        .sum())
}

/// The community's volunteers by minutes worked, most first.
pub async fn leaderboard(pool: &SqlitePool, community_id: i64, limit: usize) -> Result<Vec<(String, i64)>> {
    let rows: Vec<(i64, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT u.id, u.display_name, m.checked_in_at, m.checked_out_at, s.start_at, s.end_at
         FROM shift_claims m JOIN shifts s ON s.id = m.shift_id JOIN users u ON u.id = m.user_id
         WHERE s.community_id = ? AND m.checked_in_at IS NOT NULL AND m.checked_out_at IS NOT NULL",
    )
    .bind(community_id)
    .fetch_all(pool)
    .await?;
    let mut totals: std::collections::HashMap<i64, (String, i64)> = std::collections::HashMap::new();
    for (id, name, i, o, s, e) in rows {
        let minutes = model::worked_minutes(from_millis(i), from_millis(o), from_millis(s), from_millis(e));
        totals.entry(id).or_insert((name, 0)).1 += minutes;
    }
    let mut board: Vec<(String, i64)> = totals.into_values().collect();
    board.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    board.truncate(limit);
    Ok(board)
}
