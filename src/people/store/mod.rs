//! SQL of the people slice. Free functions over the pool; every read-modify-write is one
//! transaction begun with `BEGIN IMMEDIATE` or one conditional statement.

use sqlx::{FromRow, SqliteConnection, SqlitePool};

use chrono::{DateTime, Utc};

use crate::clock::millis;
use crate::i18n::Lang;
use crate::people::model::{MembershipStatus, Role, Skill};
use crate::people::{Membership, Resident, Roles};
use crate::Result;

mod chats;
mod roles;
mod scopes;
pub use chats::*;
pub use roles::*;
pub use scopes::*;

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub display_name: String,
    pub lang: Lang,
}

/// Records the sender (name refreshed on every update); language is chosen on first
/// contact only, after that `/lang` owns it. Someone who writes to the bot in private can
/// be reached again; a message in a group proves nothing about that.
pub async fn upsert_user(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    id: i64,
    name: &str,
    first_lang: Lang,
    private: bool,
) -> Result<User> {
    let (display_name, lang): (String, String) = sqlx::query_as(
        "INSERT INTO users (id, display_name, lang, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,
             unreachable = CASE WHEN ?5 THEN 0 ELSE unreachable END
         RETURNING display_name, lang",
    )
    .bind(id)
    .bind(name)
    .bind(first_lang.code())
    .bind(millis(now))
    .bind(private)
    .fetch_one(conn)
    .await?;
    Ok(User { id, display_name, lang: Lang::from_code(&lang).unwrap_or(first_lang) })
}

pub async fn set_lang(conn: &mut SqliteConnection, user_id: i64, lang: Lang) -> Result<()> {
    sqlx::query("UPDATE users SET lang = ? WHERE id = ?").bind(lang.code()).bind(user_id).execute(conn).await?;
    Ok(())
}

/// A person's roles as two columns (their address, their memberships), each JSON, for the
/// user id bound as `?1`: `load_roles_on` selects them alone, and the guard's one read per
/// update selects them with everything else it needs.
pub const ROLES_COLUMNS: &str = "
    (SELECT json_object('community_id', r.community_id, 'community', c.name, 'community_en', c.name_en,
                        'building_id', r.building_id, 'building', b.name, 'building_en', COALESCE(b.name_en, b.name),
                        'unit_room', r.unit_room, 'household_size', r.household_size, 'phone', r.phone)
     FROM residents r JOIN communities c ON c.id = r.community_id JOIN buildings b ON b.id = r.building_id
     WHERE r.user_id = ?1),
    (SELECT json_group_array(json_array(community_id, role, status, party_member, experienced, skills))
     FROM (SELECT * FROM memberships WHERE user_id = ?1 ORDER BY community_id, role))";

type MembershipJson = (i64, Role, MembershipStatus, i64, i64, String);

/// The roles from the two columns of [`ROLES_COLUMNS`].
pub fn roles_from(admin: bool, resident: Option<&str>, memberships: Option<&str>) -> Result<Roles> {
    let memberships: Vec<MembershipJson> = memberships.map(serde_json::from_str).transpose()?.unwrap_or_default();
    Ok(Roles {
        admin,
        resident: resident.map(serde_json::from_str::<Resident>).transpose()?,
        memberships: memberships
            .into_iter()
            .map(|(community_id, role, status, party_member, experienced, skills)| Membership {
                community_id,
                role,
                status,
                party_member: party_member != 0,
                experienced: experienced != 0,
                skills: Skill::parse_list(&skills),
            })
            .collect(),
    })
}

pub async fn load_roles(pool: &SqlitePool, user_id: i64, admin: bool) -> Result<Roles> {
    load_roles_on(&mut *pool.acquire().await?, user_id, admin).await
}

pub async fn load_roles_on(conn: &mut SqliteConnection, user_id: i64, admin: bool) -> Result<Roles> {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!("SELECT {ROLES_COLUMNS}"));
    let (resident, memberships): (Option<String>, Option<String>) =
        sqlx::query_as(&SQL).bind(user_id).fetch_one(conn).await?;
    roles_from(admin, resident.as_deref(), memberships.as_deref())
}

#[derive(Debug, Clone, FromRow)]
pub struct Named {
    pub id: i64,
    pub name: String,
    pub name_en: String,
}

impl Named {
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.name, &self.name_en)
    }
}

pub async fn communities<'e>(db: impl sqlx::SqliteExecutor<'e>) -> Result<Vec<Named>> {
    Ok(sqlx::query_as("SELECT id, name, name_en FROM communities ORDER BY id").fetch_all(db).await?)
}

pub async fn community<'e>(db: impl sqlx::SqliteExecutor<'e>, id: i64) -> Result<Option<Named>> {
    Ok(sqlx::query_as("SELECT id, name, name_en FROM communities WHERE id = ?").bind(id).fetch_optional(db).await?)
}

/// Buildings in the community's order; `name_en` falls back to the name ("3号楼").
pub async fn buildings(pool: &SqlitePool, community_id: i64) -> Result<Vec<Named>> {
    Ok(sqlx::query_as("SELECT id, name, COALESCE(name_en, name) AS name_en FROM buildings WHERE community_id = ? ORDER BY position, id")
        .bind(community_id)
        .fetch_all(pool)
        .await?)
}

/// The building, only if it belongs to that community (button data is never trusted).
pub async fn building_in(pool: &SqlitePool, building_id: i64, community_id: i64) -> Result<Option<Named>> {
    Ok(sqlx::query_as(
        "SELECT id, name, COALESCE(name_en, name) AS name_en FROM buildings WHERE id = ? AND community_id = ?",
    )
    .bind(building_id)
    .bind(community_id)
    .fetch_optional(pool)
    .await?)
}

pub async fn find_building(pool: &SqlitePool, community_id: i64, name: &str) -> Result<Option<Named>> {
    Ok(sqlx::query_as(
        "SELECT id, name, COALESCE(name_en, name) AS name_en FROM buildings
         WHERE community_id = ?1 AND (name = ?2 OR lower(name_en) = lower(?2))",
    )
    .bind(community_id)
    .bind(name.trim())
    .fetch_optional(pool)
    .await?)
}

pub struct NewResident<'a> {
    pub community_id: i64,
    pub building_id: i64,
    pub unit_room: &'a str,
    pub household_size: i64,
    pub phone: Option<&'a str>,
}

/// Registers (or re-registers) a resident. Returns false when the building no longer
/// belongs to the community (a re-import moved it), so nothing half-valid is stored.
pub async fn save_resident(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    user_id: i64,
    r: &NewResident<'_>,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO residents (user_id, community_id, building_id, unit_room, household, household_size, phone,
             registered_at)
         SELECT ?, community_id, id, ?, ?, ?, ?, ? FROM buildings WHERE id = ? AND community_id = ?
         ON CONFLICT (user_id) DO UPDATE SET community_id = excluded.community_id,
             building_id = excluded.building_id, unit_room = excluded.unit_room, household = excluded.household,
             household_size = excluded.household_size, phone = excluded.phone",
    )
    .bind(user_id)
    .bind(r.unit_room)
    .bind(crate::people::model::household_key(r.unit_room))
    .bind(r.household_size)
    .bind(r.phone)
    .bind(millis(now))
    .bind(r.building_id)
    .bind(r.community_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Clone, Copy)]
pub enum FieldValue<'a> {
    Building(i64),
    UnitRoom(&'a str),
    Household(i64),
    Phone(Option<&'a str>),
}

/// Changes one field of a registered resident; false when they are not registered (or
/// the building is not in their community).
pub async fn update_resident(conn: &mut SqliteConnection, user_id: i64, value: FieldValue<'_>) -> Result<bool> {
    let q = match value {
        FieldValue::Building(id) => sqlx::query(
            "UPDATE residents SET building_id = ?1 WHERE user_id = ?2
             AND EXISTS (SELECT 1 FROM buildings b WHERE b.id = ?1 AND b.community_id = residents.community_id)",
        )
        .bind(id),
        FieldValue::UnitRoom(v) => {
            sqlx::query("UPDATE residents SET unit_room = ?1, household = ?3 WHERE user_id = ?2").bind(v)
        }
        FieldValue::Household(v) => sqlx::query("UPDATE residents SET household_size = ?1 WHERE user_id = ?2").bind(v),
        FieldValue::Phone(v) => sqlx::query("UPDATE residents SET phone = ?1 WHERE user_id = ?2").bind(v),
    };
    let q = q.bind(user_id);
    // `?3` of the unit/room's statement: its household key, kept with it.
    let q = if let FieldValue::UnitRoom(v) = value { q.bind(crate::people::model::household_key(v)) } else { q };
    Ok(q.execute(conn).await?.rows_affected() == 1)
}

/// A `users` row for what must outlive an erased person (an order's place in the
/// figures, an attended shift): a fresh negative id, which no Telegram user has, no name
/// ("—"), unreachable, so nothing is ever sent to it and nothing leads back to them.
pub async fn create_anonymous(conn: &mut SqliteConnection, now: DateTime<Utc>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (id, display_name, lang, unreachable, created_at)
         SELECT coalesce(min(id), 0) - 1, '—', 'zh-CN', 1, ? FROM users WHERE id < 0
         RETURNING id",
    )
    .bind(millis(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Deletes everything the people slice holds about this person: their row (with it, by
/// cascade, their address, memberships and scope), their dialogue, and their id where it
/// recorded who invited, decided or linked (cleared, or the anonymous id where a value is
/// required). The other slices' erase hooks run first, on the same transaction.
pub async fn delete_user(conn: &mut SqliteConnection, user_id: i64, anonymous_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM dialogues WHERE chat_id = ?").bind(user_id).execute(&mut *conn).await?;
    for sql in [
        "UPDATE invites SET created_by = NULL WHERE created_by = ?1",
        "UPDATE memberships SET invited_by = NULL WHERE invited_by = ?1",
        "UPDATE memberships SET decided_by = NULL WHERE decided_by = ?1",
    ] {
        sqlx::query(sql).bind(user_id).execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE linked_chats SET linked_by = ? WHERE linked_by = ?")
        .bind(anonymous_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM users WHERE id = ?").bind(user_id).execute(&mut *conn).await?;
    Ok(())
}

/// Officials of a community who can be told about it (approved officials, and the
/// administrators who have talked to the bot), with their language.
pub async fn officials_of(conn: &mut SqliteConnection, community_id: i64, admins: &[i64]) -> Result<Vec<(i64, Lang)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.lang FROM users u WHERE u.id IN (
             SELECT user_id FROM memberships WHERE community_id = ? AND role = 'official' AND status = 'approved'
             UNION SELECT value FROM json_each(?))
         ORDER BY u.id",
    )
    .bind(community_id)
    .bind(serde_json::to_string(admins)?)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, l)| (id, Lang::from_code(&l).unwrap_or_default())).collect())
}
