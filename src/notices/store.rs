//! SQL of the notices slice: audiences, notices, sending and cancelling. What happens
//! after sending (acknowledgements, figures) is `acks`; reminders are `reminders`;
//! templates are `templates`.

use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::clock::millis;
use crate::notices::model::{Audience, RoleSel, Scope};
use crate::outbox::{self, OutMessage, Priority, Subject};
use crate::Result;

mod acks;
mod reminders;
mod templates;
pub use acks::*;
pub use reminders::*;
pub use templates::*;

/// A notice waits for its time, then is sent (once) — unless it is cancelled first.
/// Both ways out of `Scheduled` are conditional on it, so exactly one of them happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum NoticeStatus {
    Scheduled,
    Sent,
    Cancelled,
}

/// Scope as three bind values: kind (0 subdistrict, 1 community, 2 buildings), community
/// id, building ids as a JSON array.
fn scope_binds(scope: &Scope) -> Result<(i64, i64, String)> {
    Ok(match scope {
        Scope::Subdistrict => (0, 0, "[]".to_owned()),
        Scope::Community(id) => (1, *id, "[]".to_owned()),
        Scope::Buildings { community_id, buildings } => (2, *community_id, serde_json::to_string(buildings)?),
    })
}

/// The people a notice with this audience reaches now.
/// `today` (the community's date) decides who is isolated.
pub async fn recipients(conn: &mut SqliteConnection, a: &Audience, today: chrono::NaiveDate) -> Result<Vec<i64>> {
    let (kind, community, buildings) = scope_binds(&a.scope)?;
    let by_community = !a.isolated_only && kind != 2;
    let volunteers = by_community && matches!(a.roles, RoleSel::Everyone | RoleSel::Volunteers);
    let officials = by_community && matches!(a.roles, RoleSel::Everyone | RoleSel::Officials);
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT r.user_id FROM residents r
         WHERE ?1 AND (?4 = 0 OR (?4 = 1 AND r.community_id = ?5)
                       OR (?4 = 2 AND r.building_id IN (SELECT value FROM json_each(?6))))
           AND (?7 = 0 OR EXISTS (SELECT 1 FROM isolations i
                                  WHERE i.building_id = r.building_id AND i.household = r.household
                                    AND i.status = 'active' AND i.starts_on <= ?8 AND i.ends_on >= ?8))
         UNION
         SELECT m.user_id FROM memberships m
         WHERE ?2 AND m.role = 'volunteer' AND m.status = 'approved' AND (?4 = 0 OR m.community_id = ?5)
         UNION
         SELECT m.user_id FROM memberships m
         WHERE ?3 AND m.role = 'official' AND m.status = 'approved' AND (?4 = 0 OR m.community_id = ?5)
         ORDER BY 1",
    )
    .bind(a.roles.residents())
    .bind(volunteers)
    .bind(officials)
    .bind(kind)
    .bind(community)
    .bind(buildings)
    .bind(a.isolated_only)
    .bind(today)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Group chats linked to the scope (a community scope includes its building groups).
pub async fn group_chats(conn: &mut SqliteConnection, scope: &Scope) -> Result<Vec<i64>> {
    let (kind, community, buildings) = scope_binds(scope)?;
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT chat_id FROM linked_chats
         WHERE ?1 = 0 OR (?1 = 1 AND community_id = ?2)
            OR (?1 = 2 AND building_id IN (SELECT value FROM json_each(?3)))
         ORDER BY chat_id",
    )
    .bind(kind)
    .bind(community)
    .bind(buildings)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Notice {
    pub id: i64,
    pub community_id: Option<i64>,
    pub author_id: i64,
    pub body: String,
    pub media_kind: Option<String>,
    pub media_file_id: Option<String>,
    pub audience: String,
    pub urgent: bool,
    pub status: NoticeStatus,
    pub send_at: i64,
    pub sent_at: Option<i64>,
    pub recipients: i64,
    pub groups: i64,
}

impl Notice {
    pub fn audience(&self) -> Option<Audience> {
        serde_json::from_str(&self.audience).ok()
    }

    /// How its copies to people are queued: urgent ones first, each marked as this
    /// notice's; an urgent one's may go as a paid broadcast when the operator turned that on
    /// (`outbox::Limits::paid_per_sec`).
    pub fn outbox_options(&self) -> outbox::Options {
        outbox::Options {
            priority: if self.urgent { Priority::Urgent } else { Priority::Normal },
            subject: Some(Subject { kind: "notice", id: self.id }),
            paid: self.urgent,
        }
    }
}

pub struct NewNotice<'a> {
    pub author_id: i64,
    pub body: &'a str,
    pub media: Option<(&'a str, &'a str)>,
    pub audience: &'a Audience,
    pub urgent: bool,
    pub send_at: chrono::DateTime<chrono::Utc>,
}

/// Stores a notice (to be sent at `send_at`); returns its id.
pub async fn create(conn: &mut SqliteConnection, now: chrono::DateTime<chrono::Utc>, n: &NewNotice<'_>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO notices (community_id, author_id, body, media_kind, media_file_id, audience, urgent,
                              status, send_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?) RETURNING id",
    )
    .bind(n.audience.scope.community_id())
    .bind(n.author_id)
    .bind(n.body)
    .bind(n.media.map(|m| m.0))
    .bind(n.media.map(|m| m.1))
    .bind(serde_json::to_string(n.audience)?)
    .bind(n.urgent)
    .bind(millis(n.send_at))
    .bind(millis(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<Notice>> {
    Ok(sqlx::query_as(
        "SELECT id, community_id, author_id, body, media_kind, media_file_id, audience, urgent, status, send_at,
                sent_at, recipients, groups FROM notices WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Sends a stored notice: fixes its recipients and queues one message each (plus the
/// linked groups), all on the caller's transaction. Does nothing if already sent.
/// `render(lang)` builds what a person in that language receives.
pub async fn send(
    conn: &mut SqliteConnection,
    notice: &Notice,
    zh: &OutMessage,
    en: &OutMessage,
    (group_zh, group_en): (&OutMessage, &OutMessage),
    now: chrono::DateTime<chrono::Utc>,
    today: chrono::NaiveDate,
) -> Result<(u64, u64)> {
    let Some(audience) = notice.audience() else { return Ok((0, 0)) };
    let claimed = sqlx::query("UPDATE notices SET status = 'sent', sent_at = ? WHERE id = ? AND status = 'scheduled'")
        .bind(millis(now))
        .bind(notice.id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if claimed == 0 {
        return Ok((0, 0));
    }
    let people = recipients(conn, &audience, today).await?;
    sqlx::query("INSERT OR IGNORE INTO notice_recipients (notice_id, user_id) SELECT ?, value FROM json_each(?)")
        .bind(notice.id)
        .bind(serde_json::to_string(&people)?)
        .execute(&mut *conn)
        .await?;
    let opts = notice.outbox_options();
    let sent_people = outbox::enqueue_bulk(conn, now, &people, zh, en, opts).await?;
    let groups = if audience.posts_to_groups() { group_chats(conn, &audience.scope).await? } else { Vec::new() };
    // Each group in its own language (`linked_chats.lang`, set by its officials).
    use crate::{i18n::Lang, people::read::groups_speaking};
    let zh_groups = groups_speaking(conn, &groups, Lang::ZhCn).await?;
    let en_groups = groups_speaking(conn, &groups, Lang::En).await?;
    // Group copies never pay: a community has a handful of groups, each held to 20 a minute
    // whatever we pay, and the free rate left over while people's copies use the paid one
    // carries them as fast.
    let group_opts = outbox::Options { paid: false, ..opts };
    let sent_groups = outbox::enqueue_bulk(conn, now, &zh_groups, group_zh, group_zh, group_opts).await?
        + outbox::enqueue_bulk(conn, now, &en_groups, group_en, group_en, group_opts).await?;
    sqlx::query("UPDATE notices SET recipients = ?, groups = ? WHERE id = ?")
        .bind(sent_people as i64)
        .bind(sent_groups as i64)
        .bind(notice.id)
        .execute(&mut *conn)
        .await?;
    Ok((sent_people, sent_groups))
}

/// Cancels a notice that has not gone out; `false` if it was sent or cancelled already
/// (the scheduled send, which claims it the same way, then does nothing). Its pending
/// send job is removed on the same transaction.
pub async fn cancel(conn: &mut SqliteConnection, now: chrono::DateTime<chrono::Utc>, id: i64) -> Result<bool> {
    let cancelled =
        sqlx::query("UPDATE notices SET status = 'cancelled', cancelled_at = ? WHERE id = ? AND status = 'scheduled'")
            .bind(millis(now))
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if cancelled == 0 {
        return Ok(false);
    }
    crate::jobs::cancel(conn, &send_job_key(id)).await?;
    Ok(true)
}

/// The unique key of a scheduled notice's `notices.send` job.
pub fn send_job_key(id: i64) -> String {
    format!("notice:{id}")
}

/// Recent notices of these communities (all, for an administrator), newest first.
pub async fn list(pool: &SqlitePool, communities: &[i64], admin: bool, offset: i64, limit: i64) -> Result<Vec<Notice>> {
    Ok(sqlx::query_as(
        "SELECT id, community_id, author_id, body, media_kind, media_file_id, audience, urgent, status, send_at,
                sent_at, recipients, groups FROM notices
         WHERE ?1 OR community_id IN (SELECT value FROM json_each(?2))
         ORDER BY id DESC LIMIT ?3 OFFSET ?4",
    )
    .bind(admin)
    .bind(serde_json::to_string(communities)?)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?)
}

/// Recent sent notices a person received or would have received (late joiners), newest
/// first, with whether they acknowledged each.
pub async fn recent_sent(pool: &SqlitePool, communities: &[i64], limit: i64) -> Result<Vec<Notice>> {
    Ok(sqlx::query_as(
        "SELECT id, community_id, author_id, body, media_kind, media_file_id, audience, urgent, status, send_at,
                sent_at, recipients, groups FROM notices
         WHERE status = 'sent' AND (community_id IS NULL OR community_id IN (SELECT value FROM json_each(?)))
         ORDER BY id DESC LIMIT ?",
    )
    .bind(serde_json::to_string(communities)?)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
