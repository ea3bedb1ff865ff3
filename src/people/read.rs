//! What other slices may know about people, asked here rather than read from the people
//! slice's tables (`users`, `memberships`, `residents`): a person's language, who the
//! officials of a community are, a volunteer's facts for the shift rules, whom an official
//! may assign, a resident found by address. Each takes the caller's connection, so it can
//! be asked inside the caller's transaction.
//!
//! Lists that show names next to another slice's rows (a roster, the unacknowledged list)
//! still join `users` for `display_name` in SQL: a person's display name is public within
//! the bot, and a lookup per row would turn one query into hundreds.

use sqlx::SqliteConnection;

/// Places, roles and officials, with the people slice's SQL behind them.
pub use crate::people::store::{
    building_in, buildings, communities, community, find_building, groups_speaking, load_roles, official_communities,
    officials_of, Named,
};

use crate::i18n::Lang;
use crate::people::model::{MembershipStatus, Role};
use crate::Result;

/// The language a person reads (the default when the bot does not know them).
pub async fn lang_of(conn: &mut SqliteConnection, user_id: i64) -> Result<Lang> {
    Ok(name_and_lang(conn, user_id).await?.map(|(_, l)| l).unwrap_or_default())
}

pub async fn name_and_lang(conn: &mut SqliteConnection, user_id: i64) -> Result<Option<(String, Lang)>> {
    let row: Option<(String, String)> = sqlx::query_as("SELECT display_name, lang FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|(n, l)| (n, Lang::from_code(&l).unwrap_or_default())))
}

/// Of these people, those the bot knows, with their language.
pub async fn languages(conn: &mut SqliteConnection, ids: &[i64]) -> Result<Vec<(i64, Lang)>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, lang FROM users WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id")
            .bind(serde_json::to_string(ids)?)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|(id, l)| (id, Lang::from_code(&l).unwrap_or_default())).collect())
}

/// A volunteer as the shift rules see them in one community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VolunteerFacts {
    pub approved: bool,
    pub party_member: bool,
    pub experienced: bool,
}

/// `None` when the person is no volunteer of that community at all.
pub async fn volunteer_facts(
    conn: &mut SqliteConnection,
    user_id: i64,
    community_id: i64,
) -> Result<Option<VolunteerFacts>> {
    let row: Option<(MembershipStatus, bool, bool)> = sqlx::query_as(
        "SELECT status, party_member, experienced FROM memberships
         WHERE user_id = ? AND community_id = ? AND role = ?",
    )
    .bind(user_id)
    .bind(community_id)
    .bind(Role::Volunteer)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(status, party_member, experienced)| VolunteerFacts {
        approved: status == MembershipStatus::Approved,
        party_member,
        experienced,
    }))
}

/// Approved volunteers of a community (id, name), party members and experienced first,
/// leaving out `except`.
pub async fn approved_volunteers(
    conn: &mut SqliteConnection,
    community_id: i64,
    except: &[i64],
) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.community_id = ? AND m.role = ? AND m.status = ?
           AND u.id NOT IN (SELECT value FROM json_each(?))
         ORDER BY m.party_member DESC, m.experienced DESC, u.display_name",
    )
    .bind(community_id)
    .bind(Role::Volunteer)
    .bind(MembershipStatus::Approved)
    .bind(serde_json::to_string(except)?)
    .fetch_all(&mut *conn)
    .await?)
}

/// The resident registered first at this address (building name in either language, unit
/// and room as typed, spaces ignored): (user id, name).
/// The building named at the start of `args` — in either language; an English name may
/// hold a space ("Building 3") — and the rest of `args`.
pub async fn leading_building<'a>(
    pool: &sqlx::SqlitePool,
    community_id: i64,
    args: &'a str,
) -> Result<Option<(Named, &'a str)>> {
    let args = args.trim();
    let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    let rest = rest.trim_start();
    let mut candidates = Vec::new();
    if !rest.is_empty() {
        let (second, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        candidates.push((format!("{first} {second}"), after));
    }
    candidates.push((first.to_owned(), rest));
    for (name, rest) in candidates {
        if let Some(b) = find_building(pool, community_id, &name).await? {
            return Ok(Some((b, rest.trim())));
        }
    }
    Ok(None)
}

pub async fn resident_at(
    conn: &mut SqliteConnection,
    community_id: i64,
    building: &str,
    unit_room: &str,
) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT r.user_id, u.display_name FROM residents r JOIN buildings b ON b.id = r.building_id
         JOIN users u ON u.id = r.user_id
         WHERE r.community_id = ?1 AND (b.name = ?2 OR lower(b.name_en) = lower(?2))
           AND replace(r.unit_room, ' ', '') = replace(?3, ' ', '')
         ORDER BY r.registered_at LIMIT 1",
    )
    .bind(community_id)
    .bind(building.trim())
    .bind(unit_room.trim())
    .fetch_optional(&mut *conn)
    .await?)
}
