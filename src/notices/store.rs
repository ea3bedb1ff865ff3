//! SQL of the notices slice.

use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::clock::millis;
use crate::notices::model::{Audience, RoleSel, Scope};
use crate::outbox::RowStatus;
use crate::outbox::{self, OutMessage, Priority, Subject};
use crate::Result;

/// A notice waits for its time, then is sent (once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum NoticeStatus {
    Scheduled,
    Sent,
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
pub async fn recipients(conn: &mut SqliteConnection, a: &Audience) -> Result<Vec<i64>> {
    let (kind, community, buildings) = scope_binds(&a.scope)?;
    let by_community = !a.isolated_only && kind != 2;
    let volunteers = by_community && matches!(a.roles, RoleSel::Everyone | RoleSel::Volunteers);
    let officials = by_community && matches!(a.roles, RoleSel::Everyone | RoleSel::Officials);
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT r.user_id FROM residents r
         WHERE ?1 AND (?4 = 0 OR (?4 = 1 AND r.community_id = ?5)
                       OR (?4 = 2 AND r.building_id IN (SELECT value FROM json_each(?6))))
           AND (?7 = 0 OR r.isolated = 1)
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
    group_zh: &OutMessage,
    now: chrono::DateTime<chrono::Utc>,
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
    let people = recipients(conn, &audience).await?;
    sqlx::query("INSERT OR IGNORE INTO notice_recipients (notice_id, user_id) SELECT ?, value FROM json_each(?)")
        .bind(notice.id)
        .bind(serde_json::to_string(&people)?)
        .execute(&mut *conn)
        .await?;
    let opts = outbox::Options {
        priority: if notice.urgent { Priority::Urgent } else { Priority::Normal },
        subject: Some(Subject { kind: "notice", id: notice.id }),
    };
    let sent_people = outbox::enqueue_bulk(conn, now, &people, zh, en, opts).await?;
    let groups = if audience.posts_to_groups() { group_chats(conn, &audience.scope).await? } else { Vec::new() };
    let sent_groups = outbox::enqueue_bulk(conn, now, &groups, group_zh, group_zh, opts).await?;
    sqlx::query("UPDATE notices SET recipients = ?, groups = ? WHERE id = ?")
        .bind(sent_people as i64)
        .bind(sent_groups as i64)
        .bind(notice.id)
        .execute(&mut *conn)
        .await?;
    Ok((sent_people, sent_groups))
}

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

/// Recipients who have not acknowledged: (user id, name, building), and how many in all.
pub async fn unacknowledged(
    pool: &SqlitePool,
    notice_id: i64,
    limit: i64,
) -> Result<(Vec<(i64, String, Option<String>)>, i64)> {
    let rows = sqlx::query_as(
        "SELECT u.id, u.display_name, b.name FROM notice_recipients nr
         JOIN users u ON u.id = nr.user_id
         LEFT JOIN residents r ON r.user_id = nr.user_id LEFT JOIN buildings b ON b.id = r.building_id
         WHERE nr.notice_id = ?1 AND NOT EXISTS (SELECT 1 FROM notice_acks a WHERE a.notice_id = ?1 AND a.user_id = nr.user_id)
         ORDER BY b.position, b.name, u.display_name LIMIT ?2",
    )
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

/// Queues the notice again for the recipients who have not acknowledged it — except
/// those whose copy is still waiting to go out (a second tap sends nothing twice) and
/// those who blocked the bot.
pub async fn resend_unacknowledged(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<chrono::Utc>,
    notice: &Notice,
    zh: &OutMessage,
    en: &OutMessage,
) -> Result<u64> {
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
    let opts = outbox::Options {
        priority: if notice.urgent { Priority::Urgent } else { Priority::Normal },
        subject: Some(Subject { kind: "notice", id: notice.id }),
    };
    outbox::enqueue_bulk(conn, now, &ids, zh, en, opts).await
}

pub async fn save_template(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<chrono::Utc>,
    community_id: Option<i64>,
    author_id: i64,
    body: &str,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO notice_templates (community_id, author_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(community_id)
    .bind(author_id)
    .bind(body)
    .bind(millis(now))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Templates this person may use: their communities' (all, for an administrator).
pub async fn templates(pool: &SqlitePool, communities: &[i64], admin: bool) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, body FROM notice_templates
         WHERE ?1 OR community_id IN (SELECT value FROM json_each(?2)) ORDER BY id DESC LIMIT 10",
    )
    .bind(admin)
    .bind(serde_json::to_string(communities)?)
    .fetch_all(pool)
    .await?)
}

pub async fn template(pool: &SqlitePool, id: i64) -> Result<Option<(Option<i64>, String)>> {
    Ok(sqlx::query_as("SELECT community_id, body FROM notice_templates WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
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
