//! SQL of group buys. A join, change or leave is one statement sequence on the handler's
//! `Work` (`BEGIN IMMEDIATE`): the buy is read, the caps checked, the live totals moved
//! with a conditional UPDATE and the household's line written, so two households racing
//! for the last units of a total cap cannot both get them.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection, SqliteExecutor};

use crate::clock::{from_millis, millis};
use crate::groupbuy::model::{BuyStatus, Caps, Delivery, MinKind, Minimum, Refusal};
use crate::Result;

mod posts;
pub use posts::*;

#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    pub name: String,
    pub unit: String,
    pub price_fen: i64,
}

/// Everything the leader's dialogue collected.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBuy {
    pub community_id: i64,
    pub leader_id: i64,
    pub title: String,
    pub items: Vec<NewItem>,
    pub caps: Caps,
    pub minimum: Minimum,
    pub deadline: DateTime<Utc>,
    pub delivery: Delivery,
    /// For a pick-up: where, and from when.
    pub pickup: Option<(String, DateTime<Utc>)>,
    /// The linked groups it is announced in; their buildings may join.
    pub chats: Vec<i64>,
    /// The bot's `t.me` link (`Me::tme_url`); the buy's id is added as `?start=gb_<id>`.
    pub bot_url: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct Buy {
    pub id: i64,
    pub community_id: i64,
    pub leader_id: i64,
    pub title: String,
    pub household_cap: i64,
    pub total_cap: Option<i64>,
    pub min_kind: MinKind,
    pub min_count: i64,
    pub deadline: i64,
    pub delivery: Delivery,
    pub pickup_place: Option<String>,
    pub pickup_at: Option<i64>,
    pub status: BuyStatus,
    pub taken: i64,
    pub households: i64,
    pub tally_at: Option<i64>,
    pub arrived_at: Option<i64>,
    pub join_url: String,
}

impl Buy {
    pub fn caps(&self) -> Caps {
        Caps { household: self.household_cap, total: self.total_cap }
    }

    pub fn minimum(&self) -> Minimum {
        Minimum { kind: self.min_kind, count: self.min_count }
    }

    pub fn deadline(&self) -> DateTime<Utc> {
        from_millis(self.deadline)
    }

    /// Open for joining at `now`.
    pub fn is_open_at(&self, now: DateTime<Utc>) -> bool {
        self.status == BuyStatus::Open && millis(now) < self.deadline
    }
}

const BUY_COLUMNS: &str = "id, community_id, leader_id, title, household_cap, total_cap, min_kind, min_count, deadline,
     delivery, pickup_place, pickup_at, status, taken, households, tally_at, arrived_at, join_url";

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Item {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub price_fen: i64,
}

/// Creates the buy with its items and the buildings of its groups. Returns its id.
pub async fn open(conn: &mut SqliteConnection, now: DateTime<Utc>, buy: &NewBuy) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO group_buys (community_id, leader_id, title, household_cap, total_cap, min_kind, min_count,
                                 deadline, delivery, pickup_place, pickup_at, join_url, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?) RETURNING id",
    )
    .bind(buy.community_id)
    .bind(buy.leader_id)
    .bind(&buy.title)
    .bind(buy.caps.household)
    .bind(buy.caps.total)
    .bind(buy.minimum.kind)
    .bind(buy.minimum.count)
    .bind(millis(buy.deadline))
    .bind(buy.delivery)
    .bind(buy.pickup.as_ref().map(|(place, _)| place.as_str()))
    .bind(buy.pickup.as_ref().map(|(_, at)| millis(*at)))
    .bind(millis(now))
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE group_buys SET join_url = ? WHERE id = ?")
        .bind(join_link(&buy.bot_url, id))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (position, item) in buy.items.iter().enumerate() {
        sqlx::query("INSERT INTO group_buy_items (buy_id, position, name, unit, price_fen) VALUES (?, ?, ?, ?, ?)")
            .bind(id)
            .bind(position as i64)
            .bind(&item.name)
            .bind(&item.unit)
            .bind(item.price_fen)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "INSERT OR IGNORE INTO group_buy_buildings (buy_id, building_id)
         SELECT ?1, b.id FROM linked_chats l JOIN buildings b ON b.community_id = l.community_id
             AND (l.building_id IS NULL OR l.building_id = b.id)
         WHERE l.community_id = ?2 AND l.chat_id IN (SELECT value FROM json_each(?3))",
    )
    .bind(id)
    .bind(buy.community_id)
    .bind(serde_json::to_string(&buy.chats)?)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The deep link that opens the private chat on this buy: `/start gb_<id>`.
pub fn join_link(bot_url: &str, buy: i64) -> String {
    format!("{}?start={}{buy}", bot_url.trim_end_matches('/'), START_PREFIX)
}

/// The `/start` payload prefix of a buy's join link.
pub const START_PREFIX: &str = "gb_";

pub async fn buy<'e>(db: impl SqliteExecutor<'e>, id: i64) -> Result<Option<Buy>> {
    Ok(sqlx::query_as(&format!("SELECT {BUY_COLUMNS} FROM group_buys WHERE id = ?"))
        .bind(id)
        .fetch_optional(db)
        .await?)
}

pub async fn items<'e>(db: impl SqliteExecutor<'e>, buy: i64) -> Result<Vec<Item>> {
    Ok(sqlx::query_as("SELECT id, name, unit, price_fen FROM group_buy_items WHERE buy_id = ? ORDER BY position, id")
        .bind(buy)
        .fetch_all(db)
        .await?)
}

/// May a household of this building join?
pub async fn building_may_join<'e>(db: impl SqliteExecutor<'e>, buy: i64, building: i64) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM group_buy_buildings WHERE buy_id = ? AND building_id = ?")
        .bind(buy)
        .bind(building)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// The address a join is for.
#[derive(Debug, Clone, PartialEq)]
pub struct Household {
    pub building_id: i64,
    /// `people::model::household_key` of `unit_room`.
    pub key: String,
    pub unit_room: String,
}

/// A household's current join.
#[derive(Debug, Clone, PartialEq)]
pub struct Mine {
    pub join_id: i64,
    pub units: i64,
    pub nickname: Option<String>,
    /// (item, quantity)
    pub lines: Vec<(i64, i64)>,
}

pub async fn household_join(conn: &mut SqliteConnection, buy: i64, household: &Household) -> Result<Option<Mine>> {
    let row: Option<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, units, nickname FROM group_buy_joins WHERE buy_id = ? AND building_id = ? AND household = ?",
    )
    .bind(buy)
    .bind(household.building_id)
    .bind(&household.key)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((join_id, units, nickname)) = row else { return Ok(None) };
    let lines = sqlx::query_as("SELECT item_id, quantity FROM group_buy_lines WHERE join_id = ? ORDER BY item_id")
        .bind(join_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(Some(Mine { join_id, units, nickname, lines }))
}

/// What happened to a join, change or leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// A new line in the tally, with its number.
    New {
        number: i64,
    },
    /// The household's line changed (it keeps its number).
    Changed {
        number: i64,
    },
    /// The household left.
    Left,
    Refused(Refusal),
    /// Past the deadline, called off or cancelled.
    NotOpen,
}

/// Joins or changes the household's line to `lines` ((item, quantity), quantities ≥ 1,
/// items of this buy), with `nickname` shown in the group if given. The caller checked
/// that the household's building may join.
pub async fn join(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    buy_id: i64,
    user_id: i64,
    household: &Household,
    lines: &[(i64, i64)],
    nickname: Option<&str>,
) -> Result<Joined> {
    let Some(buy) = buy(&mut *conn, buy_id).await? else { return Ok(Joined::NotOpen) };
    if !buy.is_open_at(now) {
        return Ok(Joined::NotOpen);
    }
    let known: Vec<i64> = items(&mut *conn, buy_id).await?.into_iter().map(|i| i.id).collect();
    let lines: Vec<(i64, i64)> = lines.iter().copied().filter(|(item, q)| *q > 0 && known.contains(item)).collect();
    let wanted: i64 = lines.iter().map(|(_, q)| q).sum();
    let mine = household_join(conn, buy_id, household).await?;
    let held = mine.as_ref().map_or(0, |m| m.units);
    if let Err(refusal) = buy.caps().check(held, wanted, buy.taken) {
        return Ok(Joined::Refused(refusal));
    }
    let moved = sqlx::query(
        "UPDATE group_buys SET taken = taken + ?1, households = households + ?2
         WHERE id = ?3 AND status = 'open' AND (total_cap IS NULL OR taken + ?1 <= total_cap)",
    )
    .bind(wanted - held)
    .bind(i64::from(mine.is_none()))
    .bind(buy_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(Joined::Refused(Refusal::OverTotal { left: buy.caps().most(held, buy.taken) }));
    }
    let at = millis(now);
    let join_id = match &mine {
        Some(m) => {
            sqlx::query("UPDATE group_buy_joins SET units = ?, nickname = ?, user_id = ?, updated_at = ? WHERE id = ?")
                .bind(wanted)
                .bind(nickname)
                .bind(user_id)
                .bind(at)
                .bind(m.join_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("DELETE FROM group_buy_lines WHERE join_id = ?").bind(m.join_id).execute(&mut *conn).await?;
            m.join_id
        }
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO group_buy_joins (buy_id, building_id, household, unit_room, user_id, nickname, units,
                                              joined_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(buy_id)
            .bind(household.building_id)
            .bind(&household.key)
            .bind(&household.unit_room)
            .bind(user_id)
            .bind(nickname)
            .bind(wanted)
            .bind(at)
            .bind(at)
            .fetch_one(&mut *conn)
            .await?;
            id
        }
    };
    for (item, quantity) in &lines {
        sqlx::query("INSERT INTO group_buy_lines (join_id, item_id, quantity) VALUES (?, ?, ?)")
            .bind(join_id)
            .bind(item)
            .bind(quantity)
            .execute(&mut *conn)
            .await?;
    }
    let number = number_of(conn, buy_id, join_id).await?;
    Ok(if mine.is_some() { Joined::Changed { number } } else { Joined::New { number } })
}

/// The household leaves (before the deadline). `NotOpen` after it; `Left` also when it
/// had no line (a second tap of "leave").
pub async fn leave(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    buy_id: i64,
    household: &Household,
) -> Result<Joined> {
    let Some(buy) = buy(&mut *conn, buy_id).await? else { return Ok(Joined::NotOpen) };
    if !buy.is_open_at(now) {
        return Ok(Joined::NotOpen);
    }
    let gone: Option<(i64,)> = sqlx::query_as(
        "DELETE FROM group_buy_joins WHERE buy_id = ? AND building_id = ? AND household = ? RETURNING units",
    )
    .bind(buy_id)
    .bind(household.building_id)
    .bind(&household.key)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((units,)) = gone {
        sqlx::query("UPDATE group_buys SET taken = taken - ?, households = households - 1 WHERE id = ?")
            .bind(units)
            .bind(buy_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Joined::Left)
}

/// The join's number in the tally: its rank by id.
async fn number_of(conn: &mut SqliteConnection, buy: i64, join_id: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM group_buy_joins WHERE buy_id = ? AND id <= ?")
        .bind(buy)
        .bind(join_id)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// An open buy a household may join, with the units it holds in it (`None`: not joined).
#[derive(Debug, Clone, FromRow)]
pub struct OpenFor {
    #[sqlx(flatten)]
    pub buy: Buy,
    pub mine: Option<i64>,
}

/// The buys still open to the household's building, newest first, each with the
/// household's units: one statement for `/groupbuys`.
pub async fn open_for(conn: &mut SqliteConnection, household: &Household) -> Result<Vec<OpenFor>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {BUY_COLUMNS},
                (SELECT j.units FROM group_buy_joins j
                 WHERE j.buy_id = group_buys.id AND j.building_id = ?1 AND j.household = ?2) AS mine
         FROM group_buys
         WHERE status = 'open' AND id IN (SELECT buy_id FROM group_buy_buildings WHERE building_id = ?1)
         ORDER BY id DESC"
    ))
    .bind(household.building_id)
    .bind(&household.key)
    .fetch_all(conn)
    .await?)
}

/// Sets the status from `open`; false when it was no longer open (the deadline job and a
/// leader's cancel race: one wins).
pub async fn finish(conn: &mut SqliteConnection, now: DateTime<Utc>, buy: i64, status: BuyStatus) -> Result<bool> {
    let n = sqlx::query("UPDATE group_buys SET status = ?, closed_at = ? WHERE id = ? AND status = 'open'")
        .bind(status)
        .bind(millis(now))
        .bind(buy)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Everyone who joined: (user who joined or last changed the line, join id).
pub async fn joiners(conn: &mut SqliteConnection, buy: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT user_id, id FROM group_buy_joins WHERE buy_id = ? ORDER BY id")
        .bind(buy)
        .fetch_all(conn)
        .await?)
}

/// Is this person allowed to lead group buys in the community (besides its officials)?
pub async fn is_leader<'e>(db: impl SqliteExecutor<'e>, user: i64, community: i64) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM group_buy_leaders WHERE user_id = ? AND community_id = ?")
        .bind(user)
        .bind(community)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}
