//! Taking and giving up places: claim, release, offer for swap, take an offer. Each runs on
//! the caller's `BEGIN IMMEDIATE` transaction (the handler's `Work`), re-reads the counts,
//! applies `model`'s rules and changes `taken` with a conditional update, so capacity holds
//! under any race; reminders are scheduled or cancelled in the same transaction.

use chrono::{DateTime, Duration, Utc};
use sqlx::{FromRow, SqliteConnection};

use super::{Reminder, REMIND};
use crate::clock::{from_millis, millis};
use crate::jobs::{self, NewJob};
use crate::shifts::model::{self, ClaimRefusal, HeldShift, ReleaseRefusal, ShiftState, Volunteer};
use crate::Result;

/// The volunteer as the claim rule sees them in that community.
async fn volunteer(conn: &mut SqliteConnection, user: i64, community_id: i64) -> Result<Volunteer> {
    Ok(match crate::people::read::volunteer_facts(conn, user, community_id).await? {
        Some(f) => {
            Volunteer { community_id, approved: f.approved, party_member: f.party_member, experienced: f.experienced }
        }
        // No membership: another community's volunteer (or nobody).
        None => Volunteer { community_id: -1, approved: false, party_member: false, experienced: false },
    })
}

#[derive(FromRow)]
struct ShiftRow {
    id: i64,
    community_id: i64,
    start_at: i64,
    end_at: i64,
    capacity: i64,
    min_senior: i64,
    taken: i64,
    seniors_taken: i64,
}

async fn shift_row(conn: &mut SqliteConnection, id: i64) -> Result<Option<ShiftRow>> {
    Ok(sqlx::query_as(
        "SELECT id, community_id, start_at, end_at, capacity, min_senior, taken, seniors_taken FROM shifts WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

fn state(s: &ShiftRow, held_by_volunteer: bool, leaving_senior: Option<bool>) -> ShiftState {
    let n = |v: i64| u8::try_from(v.max(0)).unwrap_or(u8::MAX);
    // For a swap, the giver's place is free again (and their seniority gone).
    let (taken, seniors) = match leaving_senior {
        Some(senior) => (s.taken - 1, s.seniors_taken - i64::from(senior)),
        None => (s.taken, s.seniors_taken),
    };
    ShiftState {
        id: s.id,
        community_id: s.community_id,
        start: from_millis(s.start_at),
        end: from_millis(s.end_at),
        capacity: n(s.capacity),
        min_senior: n(s.min_senior),
        taken: n(taken),
        seniors_taken: n(seniors),
        held_by_volunteer,
    }
}

async fn held(conn: &mut SqliteConnection, user: i64, now: DateTime<Utc>) -> Result<Vec<HeldShift>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT s.id, s.start_at, s.end_at FROM shift_claims c JOIN shifts s ON s.id = c.shift_id
         WHERE c.user_id = ? AND s.end_at > ?",
    )
    .bind(user)
    .bind(millis(now))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, s, e)| HeldShift { id, start: from_millis(s), end: from_millis(e) }).collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimError {
    NoSuchShift,
    Refused(ClaimRefusal),
}

/// Takes a place for `user` (or, with `assigned_by`, an official places them): checks
/// every rule, takes the place with a conditional update and schedules the reminders.
pub async fn claim(
    conn: &mut SqliteConnection,
    shift_id: i64,
    user: i64,
    assigned_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), ClaimError>> {
    claim_with(conn, shift_id, user, assigned_by, now, &model::REMINDERS_BEFORE).await
}

/// `claim` with the reminder times from the settings.
pub async fn claim_with(
    conn: &mut SqliteConnection,
    shift_id: i64,
    user: i64,
    assigned_by: Option<i64>,
    now: DateTime<Utc>,
    reminders: &[Duration],
) -> Result<std::result::Result<(), ClaimError>> {
    let tx = conn;
    let Some(shift) = shift_row(&mut *tx, shift_id).await? else { return Ok(Err(ClaimError::NoSuchShift)) };
    let volunteer = volunteer(&mut *tx, user, shift.community_id).await?;
    let mine = held(&mut *tx, user, now).await?;
    // An official may place someone until the end (replacing a no-show), a volunteer
    // themselves until the start.
    let rule = if assigned_by.is_some() { model::check_assign } else { model::check_claim };
    if let Err(refusal) = rule(&state(&shift, false, None), &volunteer, &mine, now) {
        return Ok(Err(ClaimError::Refused(refusal)));
    }
    let senior = volunteer.is_senior();
    let took = sqlx::query(
        "UPDATE shifts SET taken = taken + 1, seniors_taken = seniors_taken + ? WHERE id = ? AND taken < capacity",
    )
    .bind(senior)
    .bind(shift_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if took != 1 {
        return Ok(Err(ClaimError::Refused(ClaimRefusal::Full)));
    }
    sqlx::query("INSERT INTO shift_claims (shift_id, user_id, senior, claimed_at, assigned_by) VALUES (?, ?, ?, ?, ?)")
        .bind(shift_id)
        .bind(user)
        .bind(senior)
        .bind(millis(now))
        .bind(assigned_by)
        .execute(&mut *tx)
        .await?;
    schedule_reminders(&mut *tx, shift_id, user, from_millis(shift.start_at), now, reminders).await?;
    Ok(Ok(()))
}

async fn schedule_reminders(
    conn: &mut SqliteConnection,
    shift_id: i64,
    user: i64,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    reminders: &[Duration],
) -> Result<()> {
    for at in model::reminder_times(start, now, reminders) {
        let minutes = (start - at).num_minutes();
        let job = NewJob {
            unique_key: Some(format!("remind:{shift_id}:{user}:{minutes}")),
            ..NewJob::once(REMIND, at, jobs::to_payload(&Reminder { shift: shift_id, user, minutes }))
        };
        jobs::schedule(conn, now, &job).await?;
    }
    Ok(())
}

/// Cancels every pending reminder of this claim, whatever times were configured.
async fn cancel_reminders(conn: &mut SqliteConnection, shift_id: i64, user: i64) -> Result<()> {
    sqlx::query("DELETE FROM jobs WHERE status = 'pending' AND unique_key LIKE ?")
        .bind(format!("remind:{shift_id}:{user}:%"))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseError {
    NotYours,
    Refused(ReleaseRefusal),
}

/// Gives a place back (a volunteer until the cutoff; an official until the end).
pub async fn release(
    conn: &mut SqliteConnection,
    shift_id: i64,
    user: i64,
    by_official: bool,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), ReleaseError>> {
    release_with(conn, shift_id, user, by_official, now, model::RELEASE_CUTOFF).await
}

/// `release` with the cutoff from the settings.
pub async fn release_with(
    conn: &mut SqliteConnection,
    shift_id: i64,
    user: i64,
    by_official: bool,
    now: DateTime<Utc>,
    cutoff: Duration,
) -> Result<std::result::Result<(), ReleaseError>> {
    let tx = conn;
    let Some(shift) = shift_row(&mut *tx, shift_id).await? else { return Ok(Err(ReleaseError::NotYours)) };
    let claim: Option<(bool,)> = sqlx::query_as("SELECT senior FROM shift_claims WHERE shift_id = ? AND user_id = ?")
        .bind(shift_id)
        .bind(user)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((senior,)) = claim else { return Ok(Err(ReleaseError::NotYours)) };
    let (start, end) = (from_millis(shift.start_at), from_millis(shift.end_at));
    if let Err(refusal) = model::can_release(start, end, now, cutoff, by_official) {
        return Ok(Err(ReleaseError::Refused(refusal)));
    }
    sqlx::query("DELETE FROM shift_claims WHERE shift_id = ? AND user_id = ?")
        .bind(shift_id)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE shifts SET taken = taken - 1, seniors_taken = seniors_taken - ? WHERE id = ?")
        .bind(senior)
        .bind(shift_id)
        .execute(&mut *tx)
        .await?;
    cancel_reminders(&mut *tx, shift_id, user).await?;
    Ok(Ok(()))
}

/// Offers one's place for a swap (or withdraws the offer).
pub async fn set_offer(
    conn: &mut SqliteConnection,
    shift_id: i64,
    user: i64,
    offered: bool,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE shift_claims SET offered = ? WHERE shift_id = ? AND user_id = ?
         AND EXISTS (SELECT 1 FROM shifts s WHERE s.id = shift_id AND s.start_at > ?)",
    )
    .bind(offered)
    .bind(shift_id)
    .bind(user)
    .bind(millis(now))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapError {
    NoOffer,
    Refused(ClaimRefusal),
}

/// `taker` takes the place `giver` offered: the rules are checked as if the giver had
/// left; the claim moves, reminders follow it. Returns the giver's id.
pub async fn take_offer(
    conn: &mut SqliteConnection,
    shift_id: i64,
    giver: i64,
    taker: i64,
    now: DateTime<Utc>,
    reminders: &[Duration],
) -> Result<std::result::Result<(), SwapError>> {
    let tx = conn;
    let Some(shift) = shift_row(&mut *tx, shift_id).await? else { return Ok(Err(SwapError::NoOffer)) };
    let offer: Option<(bool,)> =
        sqlx::query_as("SELECT senior FROM shift_claims WHERE shift_id = ? AND user_id = ? AND offered = 1")
            .bind(shift_id)
            .bind(giver)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((giver_senior,)) = offer else { return Ok(Err(SwapError::NoOffer)) };
    let volunteer = volunteer(&mut *tx, taker, shift.community_id).await?;
    let mine = held(&mut *tx, taker, now).await?;
    if let Err(refusal) = model::check_claim(&state(&shift, false, Some(giver_senior)), &volunteer, &mine, now) {
        return Ok(Err(SwapError::Refused(refusal)));
    }
    let taker_senior = volunteer.is_senior();
    sqlx::query("DELETE FROM shift_claims WHERE shift_id = ? AND user_id = ?")
        .bind(shift_id)
        .bind(giver)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO shift_claims (shift_id, user_id, senior, claimed_at) VALUES (?, ?, ?, ?)")
        .bind(shift_id)
        .bind(taker)
        .bind(taker_senior)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE shifts SET seniors_taken = seniors_taken - ? + ? WHERE id = ?")
        .bind(giver_senior)
        .bind(taker_senior)
        .bind(shift_id)
        .execute(&mut *tx)
        .await?;
    cancel_reminders(&mut *tx, shift_id, giver).await?;
    schedule_reminders(&mut *tx, shift_id, taker, from_millis(shift.start_at), now, reminders).await?;
    Ok(Ok(()))
}
