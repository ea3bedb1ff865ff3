//! Reminders to the recipients who have not acknowledged a notice. Each is a numbered row
//! (1, 2, … per notice) written with its copies on one transaction: the confirm button
//! carries the number it would create, so the same confirmation tapped twice, or twice at
//! once, finds its number taken and sends nothing; a new reminder is a new question.

use sqlx::{FromRow, SqliteConnection};

use super::Notice;
use crate::clock::millis;
use crate::outbox::{self, OutMessage};
use crate::Result;

/// A reminder that went out: when, and to how many people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct Reminder {
    pub number: i64,
    pub sent_at: i64,
    pub people: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemindOutcome {
    /// Recorded, and this many copies queued.
    Sent(u64),
    /// This reminder went out before (a second tap of its confirmation).
    AlreadySent(Reminder),
    /// A number that was never offered (a forged button).
    Stale,
}

/// The latest reminder of a notice, if any.
pub async fn last_reminder(conn: &mut SqliteConnection, notice_id: i64) -> Result<Option<Reminder>> {
    Ok(sqlx::query_as(
        "SELECT number, sent_at, people FROM notice_reminders WHERE notice_id = ? ORDER BY number DESC LIMIT 1",
    )
    .bind(notice_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Records reminder `number` of `notice` if it is the next one, and queues the notice
/// again for the recipients who have not acknowledged it — except those whose copy is
/// still waiting to go out and those who blocked the bot. All on the caller's transaction.
pub async fn remind(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<chrono::Utc>,
    notice: &Notice,
    number: i64,
    by: i64,
    zh: &OutMessage,
    en: &OutMessage,
) -> Result<RemindOutcome> {
    let recorded = sqlx::query(
        "INSERT INTO notice_reminders (notice_id, number, sent_at, sent_by)
         SELECT ?1, ?2, ?3, ?4
         WHERE ?2 = 1 + (SELECT coalesce(max(number), 0) FROM notice_reminders WHERE notice_id = ?1)",
    )
    .bind(notice.id)
    .bind(number)
    .bind(millis(now))
    .bind(by)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if recorded == 0 {
        let earlier: Option<Reminder> =
            sqlx::query_as("SELECT number, sent_at, people FROM notice_reminders WHERE notice_id = ? AND number = ?")
                .bind(notice.id)
                .bind(number)
                .fetch_optional(&mut *conn)
                .await?;
        return Ok(earlier.map_or(RemindOutcome::Stale, RemindOutcome::AlreadySent));
    }
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT nr.user_id FROM notice_recipients nr WHERE nr.notice_id = ?1
         AND NOT EXISTS (SELECT 1 FROM notice_acks a WHERE a.notice_id = ?1 AND a.user_id = nr.user_id)
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = nr.user_id AND u.unreachable = 1)
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.subject_kind = 'notice' AND o.subject_id = ?1
                         AND o.chat_id = nr.user_id AND o.status IN ('pending', 'sending'))",
    )
    .bind(notice.id)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = rows.into_iter().map(|(id,)| id).collect();
    let opts = notice.outbox_options();
    let queued = outbox::enqueue_bulk(conn, now, &ids, zh, en, opts).await?;
    sqlx::query("UPDATE notice_reminders SET people = ? WHERE notice_id = ? AND number = ?")
        .bind(queued as i64)
        .bind(notice.id)
        .bind(number)
        .execute(&mut *conn)
        .await?;
    Ok(RemindOutcome::Sent(queued))
}
