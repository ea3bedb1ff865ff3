//! SQL for invites and volunteer/official memberships.

use sqlx::{SqliteConnection, SqlitePool};

use chrono::{DateTime, Duration, Utc};

use crate::clock::millis;
use crate::people::model::{MembershipStatus, Role, Skill};
use crate::Result;

pub struct NewInvite {
    pub role: Role,
    pub community_id: i64,
    pub created_by: Option<i64>,
    pub max_uses: i64,
    pub days: i64,
}

/// Creates an invite and returns its code (16 hex characters from SQLite's CSPRNG).
pub async fn create_invite(conn: &mut SqliteConnection, now: DateTime<Utc>, invite: &NewInvite) -> Result<String> {
    let (code,): (String,) = sqlx::query_as(
        "INSERT INTO invites (code, role, community_id, created_by, max_uses, expires_at, created_at)
         VALUES (lower(hex(randomblob(8))), ?, ?, ?, ?, ?, ?)
         RETURNING code",
    )
    .bind(invite.role.code())
    .bind(invite.community_id)
    .bind(invite.created_by)
    .bind(invite.max_uses)
    .bind(millis(now + Duration::days(invite.days)))
    .bind(millis(now))
    .fetch_one(conn)
    .await?;
    Ok(code)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redeemed {
    /// A new official, approved at once: the link itself was the official's decision.
    Official { community_id: i64 },
    /// A volunteer who now fills in their profile (also when resuming an unfinished one).
    VolunteerProfile { community_id: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefused {
    NotFound,
    Expired,
    UsedUp,
    AlreadyMember,
}

/// Uses one place of the invite and creates the membership, in one transaction.
pub async fn redeem_invite(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    code: &str,
    user_id: i64,
) -> Result<std::result::Result<Redeemed, InviteRefused>> {
    let tx = conn;
    let invite: Option<(Role, i64, i64, i64, bool)> =
        sqlx::query_as("SELECT role, community_id, max_uses, uses, expires_at < ? FROM invites WHERE code = ?")
            .bind(millis(now))
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((role, community_id, max_uses, uses, expired)) = invite else {
        return Ok(Err(InviteRefused::NotFound));
    };
    let existing: Option<(MembershipStatus,)> =
        sqlx::query_as("SELECT status FROM memberships WHERE user_id = ? AND community_id = ? AND role = ?")
            .bind(user_id)
            .bind(community_id)
            .bind(role)
            .fetch_optional(&mut *tx)
            .await?;
    match existing.map(|(s,)| s) {
        // An unfinished profile resumes without using another place.
        Some(MembershipStatus::Profile) => return Ok(Ok(Redeemed::VolunteerProfile { community_id })),
        Some(MembershipStatus::Pending | MembershipStatus::Approved) => return Ok(Err(InviteRefused::AlreadyMember)),
        Some(MembershipStatus::Rejected) | None => {}
    }
    if expired {
        return Ok(Err(InviteRefused::Expired));
    }
    if uses >= max_uses {
        return Ok(Err(InviteRefused::UsedUp));
    }
    let taken = sqlx::query("UPDATE invites SET uses = uses + 1 WHERE code = ? AND uses < max_uses")
        .bind(code)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if taken != 1 {
        return Ok(Err(InviteRefused::UsedUp));
    }
    let status = match role {
        Role::Official => MembershipStatus::Approved,
        Role::Volunteer => MembershipStatus::Profile,
    };
    sqlx::query(
        "INSERT INTO memberships (user_id, community_id, role, status, invited_by, created_at)
         SELECT ?, community_id, role, ?, created_by, ? FROM invites WHERE code = ?
         ON CONFLICT (user_id, community_id, role) DO UPDATE SET status = excluded.status,
             invited_by = excluded.invited_by, decided_by = NULL",
    )
    .bind(user_id)
    .bind(status)
    .bind(millis(now))
    .bind(code)
    .execute(&mut *tx)
    .await?;
    Ok(Ok(match role {
        Role::Official => Redeemed::Official { community_id },
        Role::Volunteer => Redeemed::VolunteerProfile { community_id },
    }))
}

/// Stores the finished profile and puts the application before the officials. False
/// when there is no unfinished profile (a double tap, or already submitted).
pub async fn submit_volunteer_profile(
    conn: &mut SqliteConnection,
    user_id: i64,
    community_id: i64,
    party_member: bool,
    experienced: bool,
    skills: &[Skill],
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE memberships SET status = 'pending', party_member = ?, experienced = ?, skills = ?
         WHERE user_id = ? AND community_id = ? AND role = 'volunteer' AND status = 'profile'",
    )
    .bind(party_member)
    .bind(experienced)
    .bind(Skill::join(skills))
    .bind(user_id)
    .bind(community_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Application {
    pub user_id: i64,
    pub name: String,
    pub community_id: i64,
    pub party_member: bool,
    pub experienced: bool,
    pub skills: String,
}

/// Volunteers waiting for a decision in these communities, oldest first.
pub async fn pending_applications(
    pool: &SqlitePool,
    community_ids: &[i64],
    limit: i64,
) -> Result<(Vec<Application>, i64)> {
    let ids = serde_json::to_string(community_ids)?;
    let rows = sqlx::query_as(
        "SELECT m.user_id, u.display_name AS name, m.community_id, m.party_member, m.experienced, m.skills
         FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.role = 'volunteer' AND m.status = 'pending'
           AND m.community_id IN (SELECT value FROM json_each(?))
         ORDER BY m.created_at, m.user_id LIMIT ?",
    )
    .bind(&ids)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let (total,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM memberships WHERE role = 'volunteer' AND status = 'pending'
           AND community_id IN (SELECT value FROM json_each(?))",
    )
    .bind(&ids)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// Approves or rejects a pending volunteer; false when it was not pending any more
/// (another official decided first, or the button is stale).
pub async fn decide_volunteer(
    conn: &mut SqliteConnection,
    user_id: i64,
    community_id: i64,
    approve: bool,
    decided_by: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE memberships SET status = ?, decided_by = ?
         WHERE user_id = ? AND community_id = ? AND role = 'volunteer' AND status = 'pending'",
    )
    .bind(if approve { "approved" } else { "rejected" })
    .bind(decided_by)
    .bind(user_id)
    .bind(community_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Communities this person runs: all of them for an administrator.
pub async fn official_communities(pool: &SqlitePool, user_id: i64, admin: bool) -> Result<Vec<super::Named>> {
    let sql = if admin {
        "SELECT id, name, name_en FROM communities WHERE ?1 = ?1 ORDER BY id"
    } else {
        "SELECT c.id, c.name, c.name_en FROM communities c JOIN memberships m ON m.community_id = c.id
         WHERE m.user_id = ?1 AND m.role = 'official' AND m.status = 'approved' ORDER BY c.id"
    };
    Ok(sqlx::query_as(sql).bind(user_id).fetch_all(pool).await?)
}
