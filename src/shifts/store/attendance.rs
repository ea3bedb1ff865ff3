//! Attendance: a volunteer's own shifts, check-in and check-out, the check-outs nobody
//! made (asked for at the end, closed automatically later), hours.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::clock::{from_millis, millis};
use crate::i18n::Lang;
use crate::shifts::model;
use crate::shifts::store::named;
use crate::Result;

#[derive(Debug, Clone, FromRow)]
pub struct MyShift {
    pub shift_id: i64,
    pub checkpoint: String,
    pub checkpoint_en: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub radius_m: i64,
    pub start_at: i64,
    pub end_at: i64,
    pub offered: bool,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
}

impl MyShift {
    pub fn checkpoint(&self, lang: Lang) -> &str {
        named(lang, &self.checkpoint, &self.checkpoint_en)
    }
}

/// The volunteer's shifts that have not ended, soonest first, and those that ended with
/// the check-in still open (so the check-out button is still there).
pub async fn mine(pool: &SqlitePool, user: i64, now: DateTime<Utc>) -> Result<Vec<MyShift>> {
    Ok(sqlx::query_as(
        "SELECT s.id AS shift_id, c.name AS checkpoint, COALESCE(c.name_en, c.name) AS checkpoint_en,
                c.latitude, c.longitude, c.radius_m, s.start_at, s.end_at,
                m.offered, m.checked_in_at, m.checked_out_at
         FROM shift_claims m JOIN shifts s ON s.id = m.shift_id JOIN checkpoints c ON c.id = s.checkpoint_id
         WHERE m.user_id = ? AND (s.end_at > ? OR (m.checked_in_at IS NOT NULL AND m.checked_out_at IS NULL))
         ORDER BY s.start_at",
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

/// Why a check-out was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutError {
    /// No claim of this person on the shift, or never checked in.
    NotYours,
    /// Already checked out (by them, or closed automatically).
    AlreadyOut { auto: bool },
}

pub async fn check_out(
    conn: &mut SqliteConnection,
    shift_id: i64,
    user: i64,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), CheckOutError>> {
    let n = sqlx::query(
        "UPDATE shift_claims SET checked_out_at = ?
         WHERE shift_id = ? AND user_id = ? AND checked_in_at IS NOT NULL AND checked_out_at IS NULL",
    )
    .bind(millis(now))
    .bind(shift_id)
    .bind(user)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 1 {
        return Ok(Ok(()));
    }
    let closed: Option<(bool,)> = sqlx::query_as(
        "SELECT auto_closed FROM shift_claims WHERE shift_id = ? AND user_id = ? AND checked_out_at IS NOT NULL",
    )
    .bind(shift_id)
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(Err(match closed {
        Some((auto,)) => CheckOutError::AlreadyOut { auto },
        None => CheckOutError::NotYours,
    }))
}

/// A check-in still open after its shift ended: whom to ask or tell, about what.
#[derive(Debug, Clone, FromRow)]
pub struct OpenCheckIn {
    pub shift_id: i64,
    pub user_id: i64,
    pub checkpoint: String,
    pub checkpoint_en: String,
    pub start_at: i64,
    pub end_at: i64,
}

impl OpenCheckIn {
    pub fn checkpoint(&self, lang: Lang) -> &str {
        named(lang, &self.checkpoint, &self.checkpoint_en)
    }
}

const OPEN_CHECK_INS: &str = "SELECT m.shift_id, m.user_id, c.name AS checkpoint,
        COALESCE(c.name_en, c.name) AS checkpoint_en, s.start_at, s.end_at
     FROM shift_claims m JOIN shifts s ON s.id = m.shift_id JOIN checkpoints c ON c.id = s.checkpoint_id
     WHERE m.checked_in_at IS NOT NULL AND m.checked_out_at IS NULL";

/// Check-ins open on shifts that ended by `now` whose volunteer was not asked yet to check
/// out; marks them asked (once).
pub async fn to_prompt(conn: &mut SqliteConnection, now: DateTime<Utc>) -> Result<Vec<OpenCheckIn>> {
    let open: Vec<OpenCheckIn> =
        sqlx::query_as(&format!("{OPEN_CHECK_INS} AND m.checkout_prompted = 0 AND s.end_at <= ? ORDER BY s.end_at"))
            .bind(millis(now))
            .fetch_all(&mut *conn)
            .await?;
    sqlx::query(
        "UPDATE shift_claims SET checkout_prompted = 1
         WHERE checked_in_at IS NOT NULL AND checked_out_at IS NULL AND checkout_prompted = 0
           AND EXISTS (SELECT 1 FROM shifts s WHERE s.id = shift_id AND s.end_at <= ?)",
    )
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    Ok(open)
}

/// Closes the check-ins of shifts that ended by `ended_by`, at the shift's end, marked
/// automatic: the hours until the end count.
pub async fn auto_close(conn: &mut SqliteConnection, ended_by: DateTime<Utc>) -> Result<Vec<OpenCheckIn>> {
    let open: Vec<OpenCheckIn> = sqlx::query_as(&format!("{OPEN_CHECK_INS} AND s.end_at <= ? ORDER BY s.end_at"))
        .bind(millis(ended_by))
        .fetch_all(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE shift_claims SET auto_closed = 1, checkout_prompted = 1,
             checked_out_at = (SELECT s.end_at FROM shifts s WHERE s.id = shift_id)
         WHERE checked_in_at IS NOT NULL AND checked_out_at IS NULL
           AND EXISTS (SELECT 1 FROM shifts s WHERE s.id = shift_id AND s.end_at <= ?)",
    )
    .bind(millis(ended_by))
    .execute(&mut *conn)
    .await?;
    Ok(open)
}

/// A person's hours: minutes on completed shifts, and how many of them were closed
/// automatically; whether they ever held a shift at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hours {
    pub minutes: i64,
    pub auto_minutes: i64,
    pub claims: i64,
}

/// One claim's attendance, for the hours.
#[derive(Debug, Clone, FromRow)]
struct Attendance {
    user_id: i64,
    name: String,
    checked_in_at: Option<i64>,
    checked_out_at: Option<i64>,
    auto_closed: bool,
    start_at: i64,
    end_at: i64,
}

fn minutes_of(rows: &[&Attendance]) -> Hours {
    let mut hours = Hours { claims: rows.len() as i64, ..Hours::default() };
    for a in rows {
        if let (Some(i), Some(o)) = (a.checked_in_at, a.checked_out_at) {
            let m =
                model::worked_minutes(from_millis(i), from_millis(o), from_millis(a.start_at), from_millis(a.end_at));
            hours.minutes += m;
            if a.auto_closed {
                hours.auto_minutes += m;
            }
        }
    }
    hours
}

const ATTENDANCE: &str = "SELECT m.user_id, u.display_name AS name, m.checked_in_at, m.checked_out_at, m.auto_closed,
        s.start_at, s.end_at
     FROM shift_claims m JOIN shifts s ON s.id = m.shift_id JOIN users u ON u.id = m.user_id";

/// Hours worked by `user` on completed shifts (check-in and check-out recorded).
pub async fn minutes_worked(pool: &SqlitePool, user: i64) -> Result<Hours> {
    let rows: Vec<Attendance> =
        sqlx::query_as(&format!("{ATTENDANCE} WHERE m.user_id = ?")).bind(user).fetch_all(pool).await?;
    Ok(minutes_of(&rows.iter().collect::<Vec<_>>()))
}

/// The community's volunteers by minutes worked, most first.
pub async fn leaderboard(pool: &SqlitePool, community_id: i64, limit: usize) -> Result<Vec<(String, Hours)>> {
    let rows: Vec<Attendance> = sqlx::query_as(&format!(
        "{ATTENDANCE} WHERE s.community_id = ? AND m.checked_in_at IS NOT NULL AND m.checked_out_at IS NOT NULL"
    ))
    .bind(community_id)
    .fetch_all(pool)
    .await?;
    let mut people: std::collections::HashMap<i64, Vec<&Attendance>> = std::collections::HashMap::new();
    for row in &rows {
        people.entry(row.user_id).or_default().push(row);
    }
    let mut board: Vec<(String, Hours)> = people
        .into_values()
        .map(|rows| (rows[0].name.clone(), minutes_of(&rows)))
        .filter(|(_, h)| h.minutes > 0)
        .collect();
    board.sort_by(|a, b| b.1.minutes.cmp(&a.1.minutes).then_with(|| a.0.cmp(&b.0)));
    board.truncate(limit);
    Ok(board)
}
