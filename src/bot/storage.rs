//! Dialogue state on our own pool (table `dialogues`), so a state change can share a
//! transaction with the business change it accompanies and survives any restart.
//! A stored state that no longer deserialises (say, after an upgrade renamed a step) is
//! reported as `Corrupt`: the guard resets it to idle and tells the user once.

use chrono::{DateTime, Utc};
use sqlx::{SqliteExecutor, SqlitePool};

use crate::bot::State;
use crate::Result;

#[derive(Debug, PartialEq)]
pub enum Loaded {
    Found(State),
    Corrupt,
}

pub async fn load(pool: &SqlitePool, chat_id: i64) -> Result<Loaded> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT state FROM dialogues WHERE chat_id = ?").bind(chat_id).fetch_optional(pool).await?;
    Ok(parse(row.map(|(json,)| json).as_deref()))
}

/// A stored state (`None`: no row, so idle).
pub fn parse(json: Option<&str>) -> Loaded {
    match json {
        None => Loaded::Found(State::Idle),
        Some(json) => match serde_json::from_str(json) {
            Ok(State::Flow { slice, flow }) if !crate::bot::slice::flow_is_readable(&slice, &flow) => Loaded::Corrupt,
            Ok(state) => Loaded::Found(state),
            Err(_) => Loaded::Corrupt,
        },
    }
}

/// Stores the state; `Idle` removes the row.
pub async fn save(db: impl SqliteExecutor<'_>, chat_id: i64, state: &State, now: DateTime<Utc>) -> Result<()> {
    if *state == State::Idle {
        sqlx::query("DELETE FROM dialogues WHERE chat_id = ?").bind(chat_id).execute(db).await?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO dialogues (chat_id, state, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
    )
    .bind(chat_id)
    .bind(serde_json::to_string(state)?)
    .bind(crate::clock::millis(now))
    .execute(db)
    .await?;
    Ok(())
}
