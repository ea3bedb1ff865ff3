//! Submitted reports (`daily_reports`): one per community and day, written once. The
//! figures go in as they were when submitted, so the chain reads what the community sent.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use crate::clock::{from_millis, millis};
use crate::reports::figures::DayReport;
use crate::Result;

/// A submission as the chain shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub community_id: i64,
    /// `None`: submitted automatically at the deadline.
    pub by: Option<i64>,
    pub by_name: Option<String>,
    pub at: DateTime<Utc>,
    pub late: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    community_id: i64,
    submitted_by: Option<i64>,
    by_name: Option<String>,
    submitted_at: i64,
    late: bool,
    figures: String,
}

impl Row {
    fn into_parts(self) -> Result<(Submission, DayReport)> {
        let report = serde_json::from_str(&self.figures)?;
        let submission = Submission {
            community_id: self.community_id,
            by: self.submitted_by,
            by_name: self.by_name,
            at: from_millis(self.submitted_at),
            late: self.late,
        };
        Ok((submission, report))
    }
}

const SELECT: &str =
    "SELECT d.community_id, d.submitted_by, u.display_name AS by_name, d.submitted_at, d.late, d.figures
     FROM daily_reports d LEFT JOIN users u ON u.id = d.submitted_by";

/// Submits the report unless the day's is already in: true when this call submitted it
/// (a double tap, or an official and the deadline at once, submit once).
pub async fn submit(
    conn: &mut SqliteConnection,
    community_id: i64,
    report: &DayReport,
    by: Option<i64>,
    now: DateTime<Utc>,
    late: bool,
) -> Result<bool> {
    let figures = serde_json::to_string(report)?;
    let done = sqlx::query(
        "INSERT INTO daily_reports (community_id, day, submitted_by, submitted_at, late, figures)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (community_id, day) DO NOTHING",
    )
    .bind(community_id)
    .bind(report.day)
    .bind(by)
    .bind(millis(now))
    .bind(late)
    .bind(figures)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The day's submission of a community and its figures as submitted.
pub async fn submitted(
    conn: &mut SqliteConnection,
    community_id: i64,
    day: NaiveDate,
) -> Result<Option<(Submission, DayReport)>> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE d.community_id = ? AND d.day = ?"))
        .bind(community_id)
        .bind(day)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(Row::into_parts).transpose()
}

/// Every submission of the day with its figures, for the chain.
pub async fn of_day(conn: &mut SqliteConnection, day: NaiveDate) -> Result<Vec<(Submission, DayReport)>> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} WHERE d.day = ?")).bind(day).fetch_all(&mut *conn).await?;
    rows.into_iter().map(Row::into_parts).collect()
}
