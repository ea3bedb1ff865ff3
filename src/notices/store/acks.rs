//! After a notice is out: "got it" taps recorded once, the figures per notice, who has not
//! acknowledged; notices shown later count their readers.

use sqlx::{SqliteConnection, SqlitePool};

use super::Notice;
use crate::clock::millis;
use crate::outbox::RowStatus;
use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    Recorded,
    AlreadyRecorded,
    NotForYou,
}

/// Records a "got it" tap once. Only a recipient, or someone in a group the notice was
/// posted to, can acknowledge it.
pub async fn ack(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<chrono::Utc>,
    notice_id: i64,
    user_id: i64,
    chat_id: i64,
) -> Result<AckOutcome> {
    let (eligible,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM notice_recipients WHERE notice_id = ?1 AND user_id = ?2)
             OR EXISTS (SELECT 1 FROM outbox WHERE subject_kind = 'notice' AND subject_id = ?1 AND chat_id = ?3
                        AND ?3 < 0)",
    )
    .bind(notice_id)
    .bind(user_id)
    .bind(chat_id)
    .fetch_one(&mut *conn)
    .await?;
    if !eligible {
        return Ok(AckOutcome::NotForYou);
    }
    let done = sqlx::query("INSERT OR IGNORE INTO notice_acks (notice_id, user_id, acked_at) VALUES (?, ?, ?)")
        .bind(notice_id)
        .bind(user_id)
        .bind(millis(now))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(if done == 1 { AckOutcome::Recorded } else { AckOutcome::AlreadyRecorded })
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeStats {
    pub recipients: i64,
    pub groups: i64,
    pub delivered: i64,
    pub waiting: i64,
    pub failed: i64,
    pub blocked: i64,
    pub acknowledged: i64,
}

/// Figures per chat, not per message: a reminder does not count a person twice; each
/// chat counts by its latest message. Acknowledgements count recipients only (a tap in a
/// group by someone who was not a recipient is thanked but not counted).
pub async fn stats(pool: &SqlitePool, notice: &Notice) -> Result<NoticeStats> {
    let rows: Vec<(RowStatus, i64)> = sqlx::query_as(
        "SELECT status, count(*) FROM outbox o
         WHERE subject_kind = 'notice' AND subject_id = ?1
           AND id = (SELECT max(id) FROM outbox l WHERE l.subject_kind = 'notice' AND l.subject_id = ?1
                     AND l.chat_id = o.chat_id)
         GROUP BY status",
    )
    .bind(notice.id)
    .fetch_all(pool)
    .await?;
    let count = |wanted: &[RowStatus]| rows.iter().filter(|(s, _)| wanted.contains(s)).map(|(_, n)| n).sum::<i64>();
    let (recipients, acknowledged): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(a.user_id) FROM notice_recipients r
         LEFT JOIN notice_acks a ON a.notice_id = r.notice_id AND a.user_id = r.user_id WHERE r.notice_id = ?",
    )
    .bind(notice.id)
    .fetch_one(pool)
    .await?;
    Ok(NoticeStats {
        recipients,
        groups: notice.groups,
        delivered: count(&[RowStatus::Sent]),
        waiting: count(&[RowStatus::Pending, RowStatus::Sending]),
        failed: count(&[RowStatus::Failed]),
        blocked: count(&[RowStatus::Blocked]),
        acknowledged,
    })
}

/// Recipients who have not acknowledged: (user id, name, building), and how many in all.
pub async fn unacknowledged(
    pool: &SqlitePool,
    lang: crate::i18n::Lang,
    notice_id: i64,
    limit: i64,
) -> Result<(Vec<(i64, String, Option<String>)>, i64)> {
    let rows = sqlx::query_as(&format!(
        "SELECT u.id, u.display_name, {} FROM notice_recipients nr
         JOIN users u ON u.id = nr.user_id
         LEFT JOIN residents r ON r.user_id = nr.user_id LEFT JOIN buildings b ON b.id = r.building_id
         WHERE nr.notice_id = ?1 AND NOT EXISTS (SELECT 1 FROM notice_acks a WHERE a.notice_id = ?1 AND a.user_id = nr.user_id)
         ORDER BY b.position, b.name, u.display_name LIMIT ?2",
        lang.sql_pick("b.name", "b.name_en")
    ))
    .bind(notice_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let (total,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM notice_recipients nr WHERE nr.notice_id = ?1
         AND NOT EXISTS (SELECT 1 FROM notice_acks a WHERE a.notice_id = ?1 AND a.user_id = nr.user_id)",
    )
    .bind(notice_id)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

pub async fn acked(pool: &SqlitePool, notice_id: i64, user_id: i64) -> Result<bool> {
    let (yes,): (bool,) =
        sqlx::query_as("SELECT EXISTS (SELECT 1 FROM notice_acks WHERE notice_id = ? AND user_id = ?)")
            .bind(notice_id)
            .bind(user_id)
            .fetch_one(pool)
            .await?;
    Ok(yes)
}

pub async fn add_recipient(conn: &mut SqliteConnection, notice_id: i64, user_id: i64) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO notice_recipients (notice_id, user_id) VALUES (?, ?)")
        .bind(notice_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
