//! The round's SQL: tonight's checkpoints with what the shift data says now and the
//! night's visit, in one statement for any number of checkpoints; recording a visit (a
//! second one the same night replaces the first); the erasure of a supervisor.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::clock::{from_millis, millis};
use crate::supervision::model::{Duty, Outcome};
use crate::Result;

/// A checkpoint on the round: where it is, what the shifts say now, the night's visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub checkpoint_id: i64,
    pub community_id: i64,
    pub name: String,
    pub name_en: String,
    /// The community's names (Chinese, English).
    pub community: (String, String),
    pub duty: Duty,
    pub visit: Option<Visited>,
}

/// The night's visit as the list shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Visited {
    pub outcome: Outcome,
    pub people: i64,
    pub at: DateTime<Utc>,
}

#[derive(FromRow)]
struct StopRow {
    id: i64,
    community_id: i64,
    name: String,
    name_en: String,
    community: String,
    community_en: String,
    shifts: i64,
    capacity: i64,
    claimed: i64,
    checked_in: i64,
    seniors_claimed: i64,
    seniors_in: i64,
    outcome: Option<String>,
    people: Option<i64>,
    visited_at: Option<i64>,
}

impl From<StopRow> for Stop {
    fn from(r: StopRow) -> Stop {
        let visit = match (r.outcome, r.visited_at) {
            (Some(o), Some(at)) => {
                Some(Visited { outcome: Outcome::from_db(&o), people: r.people.unwrap_or(0), at: from_millis(at) })
            }
            _ => None,
        };
        Stop {
            checkpoint_id: r.id,
            community_id: r.community_id,
            name: r.name,
            name_en: r.name_en,
            community: (r.community, r.community_en),
            duty: Duty {
                shifts: r.shifts,
                capacity: r.capacity,
                claimed: r.claimed,
                checked_in: r.checked_in,
                seniors_claimed: r.seniors_claimed,
                seniors_in: r.seniors_in,
            },
            visit,
        }
    }
}

/// The shifts running at `now` per checkpoint (a check-in still open counts as on duty),
/// joined to the checkpoints of the communities in `?3` (JSON) and their visit of night
/// `?2`; `?4` narrows it to one checkpoint. Route order: community, then checkpoint (the
/// order `/checkpoints` lists them in).
const STOPS: &str = "SELECT c.id, c.community_id, c.name, COALESCE(c.name_en, '') AS name_en,
        co.name AS community, co.name_en AS community_en,
        COALESCE(d.shifts, 0) AS shifts, COALESCE(d.capacity, 0) AS capacity,
        COALESCE(d.claimed, 0) AS claimed, COALESCE(d.checked_in, 0) AS checked_in,
        COALESCE(d.seniors_claimed, 0) AS seniors_claimed, COALESCE(d.seniors_in, 0) AS seniors_in,
        v.outcome, v.people, v.visited_at
    FROM checkpoints c JOIN communities co ON co.id = c.community_id
    LEFT JOIN (
        SELECT s.checkpoint_id, count(*) AS shifts, sum(s.capacity) AS capacity, sum(s.taken) AS claimed,
               sum(s.seniors_taken) AS seniors_claimed,
               sum((SELECT count(*) FROM shift_claims m WHERE m.shift_id = s.id
                        AND m.checked_in_at IS NOT NULL AND m.checked_out_at IS NULL)) AS checked_in,
               sum((SELECT count(*) FROM shift_claims m WHERE m.shift_id = s.id AND m.senior = 1
                        AND m.checked_in_at IS NOT NULL AND m.checked_out_at IS NULL)) AS seniors_in
        FROM shifts s
        WHERE s.community_id IN (SELECT value FROM json_each(?3)) AND s.start_at <= ?1 AND s.end_at > ?1
        GROUP BY s.checkpoint_id
    ) d ON d.checkpoint_id = c.id
    LEFT JOIN supervision_visits v ON v.checkpoint_id = c.id AND v.night = ?2
    WHERE c.community_id IN (SELECT value FROM json_each(?3)) AND (?4 IS NULL OR c.id = ?4)
    ORDER BY c.community_id, c.id";

/// Tonight's round over `communities`, at `now`.
pub async fn stops(
    conn: &mut SqliteConnection,
    communities: &[i64],
    night: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<Stop>> {
    let rows: Vec<StopRow> = sqlx::query_as(STOPS)
        .bind(millis(now))
        .bind(night.to_string())
        .bind(serde_json::to_string(communities)?)
        .bind(None::<i64>)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(Stop::from).collect())
}

/// One checkpoint as the round shows it, or `None` when there is no such checkpoint.
pub async fn stop(
    conn: &mut SqliteConnection,
    checkpoint_id: i64,
    night: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Stop>> {
    let community: Option<(i64,)> = sqlx::query_as("SELECT community_id FROM checkpoints WHERE id = ?")
        .bind(checkpoint_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((community_id,)) = community else { return Ok(None) };
    let row: Option<StopRow> = sqlx::query_as(STOPS)
        .bind(millis(now))
        .bind(night.to_string())
        .bind(serde_json::to_string(&[community_id])?)
        .bind(checkpoint_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(Stop::from))
}

/// A visit to record.
#[derive(Debug, Clone)]
pub struct NewVisit<'a> {
    pub checkpoint_id: i64,
    pub community_id: i64,
    pub night: NaiveDate,
    pub outcome: Outcome,
    pub people: i64,
    pub note: Option<&'a str>,
    pub photo: Option<&'a str>,
    pub by: i64,
}

/// What recording did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    New,
    /// It replaced the night's earlier visit, made at that time.
    Replaced {
        earlier: DateTime<Utc>,
    },
    /// The same visit again (a double tap): nothing changed, nobody is told again.
    Unchanged,
}

/// Records the night's visit of a checkpoint on the caller's transaction.
pub async fn record(conn: &mut SqliteConnection, now: DateTime<Utc>, v: &NewVisit<'_>) -> Result<Recorded> {
    let night = v.night.to_string();
    type Earlier = (String, i64, Option<String>, Option<String>, i64);
    let earlier: Option<Earlier> = sqlx::query_as(
        "SELECT outcome, people, note, photo, visited_at FROM supervision_visits WHERE checkpoint_id = ? AND night = ?",
    )
    .bind(v.checkpoint_id)
    .bind(&night)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((outcome, people, note, photo, _)) = &earlier {
        if outcome == v.outcome.db() && *people == v.people && note.as_deref() == v.note && photo.as_deref() == v.photo
        {
            return Ok(Recorded::Unchanged);
        }
    }
    sqlx::query(
        "INSERT INTO supervision_visits
             (checkpoint_id, community_id, night, outcome, people, note, photo, visited_by, visited_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (checkpoint_id, night) DO UPDATE SET
             outcome = excluded.outcome, people = excluded.people, note = excluded.note,
             photo = excluded.photo, visited_by = excluded.visited_by, visited_at = excluded.visited_at",
    )
    .bind(v.checkpoint_id)
    .bind(v.community_id)
    .bind(&night)
    .bind(v.outcome.db())
    .bind(v.people)
    .bind(v.note)
    .bind(v.photo)
    .bind(v.by)
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    Ok(match earlier {
        Some((.., at)) => Recorded::Replaced { earlier: from_millis(at) },
        None => Recorded::New,
    })
}

/// The visits a supervisor recorded stay for the community's figures, under the
/// anonymous id.
pub async fn erase(conn: &mut SqliteConnection, user_id: i64, anonymous_id: i64) -> Result<()> {
    sqlx::query("UPDATE supervision_visits SET visited_by = ? WHERE visited_by = ?")
        .bind(anonymous_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
