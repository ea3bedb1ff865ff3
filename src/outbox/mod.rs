//! The durable outbox: the one way any slice tells someone other than the sender of the
//! current update something. A slice calls `enqueue` inside its own transaction, so the
//! business change and the message commit together or not at all; `sender` drains the
//! table within Telegram's limits, retries what can be retried, and survives restarts.
//!
//! Row life: `pending → sending → sent(message id) | failed(reason) | blocked`. A row
//! left `sending` by a crash goes back to `pending` on start (`sender::recover`):
//! delivery is at least once, duplicates bounded by what was in flight.

pub mod command;
pub mod limiter;
mod limits;
pub mod message;
mod outcome;
pub mod sender;
mod sent;
mod wire;

use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::clock::millis;
use crate::Result;
pub use limits::Limits;
pub use message::{Content, FileSource, OutMessage};
pub use sender::Sender;

/// Higher goes first. Urgent notices overtake everything queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Priority {
    #[default]
    Normal,
    Urgent,
}

impl Priority {
    pub fn value(self) -> i64 {
        match self {
            Priority::Normal => 0,
            Priority::Urgent => 10,
        }
    }
}

/// Where an outbox row stands (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum RowStatus {
    Pending,
    Sending,
    Sent,
    Failed,
    Blocked,
}

/// What a message is about, so progress can be counted (e.g. `("notice", 42)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub kind: &'static str,
    pub id: i64,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub priority: Priority,
    pub subject: Option<Subject>,
    /// The row MAY go as a Telegram paid broadcast (`allow_paid_broadcast`, Stars per
    /// message) when the operator turned paid sending on (`Limits::paid_per_sec`); with it
    /// off the row goes as any other. Only an urgent notice's copies to people set it.
    pub paid: bool,
}

/// Queues `message` for `chat_id` on the caller's connection (normally inside its
/// transaction). Returns the row ids: several when long text was split. A person known
/// to have blocked the bot gets a `blocked` row at once, so counts stay honest and no
/// request is wasted.
pub async fn enqueue(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    chat_id: i64,
    message: OutMessage,
    opts: Options,
) -> Result<Vec<i64>> {
    let now = millis(now);
    let mut ids = Vec::new();
    for part in message.into_parts()? {
        let attachment = match &part.content {
            Content::Photo { file: FileSource::Upload { bytes, .. }, .. }
            | Content::Document { file: FileSource::Upload { bytes, .. }, .. } => Some(bytes.clone()),
            _ => None,
        };
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO outbox (chat_id, priority, message, attachment, subject_kind, subject_id, status,
                                 next_attempt_at, created_at, paid_broadcast)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6,
                     CASE WHEN EXISTS (SELECT 1 FROM users WHERE id = ?1 AND unreachable = 1)
                          THEN 'blocked' ELSE 'pending' END,
                     ?7, ?7, ?8)
             RETURNING id",
        )
        .bind(chat_id)
        .bind(opts.priority.value())
        .bind(serde_json::to_string(&part)?)
        .bind(attachment)
        .bind(opts.subject.map(|s| s.kind))
        .bind(opts.subject.map(|s| s.id))
        .bind(now)
        .bind(opts.paid)
        .fetch_one(&mut *conn)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// Queues one message per chat for many chats in a single statement (a notice to
/// thousands of people), each in the language of that person (`zh` for chats the bot
/// does not know, such as groups). Messages must fit one part and carry no upload.
pub async fn enqueue_bulk(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    chat_ids: &[i64],
    zh: &OutMessage,
    en: &OutMessage,
    opts: Options,
) -> Result<u64> {
    for m in [zh, en] {
        let single = m.clone().into_parts()?.len() == 1;
        let upload = matches!(
            &m.content,
            Content::Photo { file: FileSource::Upload { .. }, .. }
                | Content::Document { file: FileSource::Upload { .. }, .. }
        );
        if !single || upload {
            return Err(crate::Error::Job("bulk messages must be one part without an upload".into()));
        }
    }
    let now = millis(now);
    let done = sqlx::query(
        "INSERT INTO outbox (chat_id, priority, message, subject_kind, subject_id, status, next_attempt_at, created_at,
                             paid_broadcast)
         SELECT j.value, ?1, CASE WHEN u.lang = 'en' THEN ?3 ELSE ?2 END, ?4, ?5,
                CASE WHEN u.unreachable = 1 THEN 'blocked' ELSE 'pending' END, ?6, ?6, ?8
         FROM json_each(?7) j LEFT JOIN users u ON u.id = j.value",
    )
    .bind(opts.priority.value())
    .bind(serde_json::to_string(zh)?)
    .bind(serde_json::to_string(en)?)
    .bind(opts.subject.map(|s| s.kind))
    .bind(opts.subject.map(|s| s.id))
    .bind(now)
    .bind(serde_json::to_string(chat_ids)?)
    .bind(opts.paid)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Gives a row still `pending` new content (a group buy's offer not yet posted, or its
/// last edit not yet sent, replaced by a newer tally). False when the row has left the
/// queue: then queue a new one. The message must fit one part.
pub async fn replace_pending(conn: &mut SqliteConnection, row_id: i64, message: &OutMessage) -> Result<bool> {
    if let [_, _, ..] = message.clone().into_parts()?.as_slice() {
        let len = match &message.content {
            Content::Text { text, .. } => text.chars().count(),
            _ => 0,
        };
        return Err(crate::Error::MessageTooLong { len, max: message::TEXT_LIMIT });
    }
    let n = sqlx::query("UPDATE outbox SET message = ? WHERE id = ? AND status = 'pending'")
        .bind(serde_json::to_string(message)?)
        .bind(row_id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Where a row stands, and the Telegram message id once it was sent.
pub async fn row_state(conn: &mut SqliteConnection, row_id: i64) -> Result<Option<(RowStatus, Option<i32>)>> {
    Ok(sqlx::query_as("SELECT status, telegram_message_id FROM outbox WHERE id = ?")
        .bind(row_id)
        .fetch_optional(conn)
        .await?)
}

/// Convenience for a single message outside any other change.
pub async fn enqueue_now(
    writer: &crate::db::Writer,
    now: DateTime<Utc>,
    chat_id: i64,
    message: OutMessage,
    opts: Options,
) -> Result<Vec<i64>> {
    let mut conn = writer.lock().await;
    enqueue(&mut conn, now, chat_id, message, opts).await
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub blocked: i64,
    /// Age of the oldest row still waiting, in seconds.
    pub oldest_pending_secs: Option<i64>,
}

/// Counts by status, for everything or for one subject.
pub async fn stats(pool: &SqlitePool, now: DateTime<Utc>, subject: Option<Subject>) -> Result<Stats> {
    let rows: Vec<(RowStatus, i64, Option<i64>)> = sqlx::query_as(
        "SELECT status, count(*), min(created_at) FROM outbox
         WHERE (?1 IS NULL OR (subject_kind = ?1 AND subject_id = ?2))
         GROUP BY status",
    )
    .bind(subject.map(|s| s.kind))
    .bind(subject.map(|s| s.id))
    .fetch_all(pool)
    .await?;
    let now = millis(now);
    let mut stats = Stats::default();
    for (status, count, oldest) in rows {
        match status {
            RowStatus::Pending => {
                stats.pending = count;
                stats.oldest_pending_secs = oldest.map(|t| (now - t).max(0) / 1000);
            }
            RowStatus::Sending => stats.sending = count,
            RowStatus::Sent => stats.sent = count,
            RowStatus::Failed => stats.failed = count,
            RowStatus::Blocked => stats.blocked = count,
        }
    }
    Ok(stats)
}
