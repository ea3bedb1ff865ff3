//! Pure types and rules of checkpoint shifts: when a template's shift happens, who may
//! claim or release it, when check-in is open, who is a no-show and how many minutes
//! count. No IO here, so plain tests reach every rule; the store applies them inside the
//! claiming transaction.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

const MINUTES_PER_DAY: u16 = 24 * 60;

/// Volunteers may release their own claim until this long before the start (issue 5).
pub const RELEASE_CUTOFF: Duration = Duration::hours(2);
/// Check-in opens this long before the start.
pub const CHECK_IN_OPENS_BEFORE: Duration = Duration::minutes(15);
/// Without a check-in this long after the start, the volunteer is a no-show.
pub const NO_SHOW_GRACE: Duration = Duration::minutes(15);
/// Default reminders before a claimed shift.
pub const REMINDERS_BEFORE: [Duration; 2] = [Duration::hours(12), Duration::hours(1)];

/// A daily shift at a checkpoint, in the community's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftTemplate {
    /// Minutes after local midnight.
    pub start_minute: u16,
    /// Minutes after local midnight; `end_minute <= start_minute` ends the next day
    /// (16:00→00:00 is 8 h; equal times would make a 24 h shift, which `/addshift`
    /// refuses as a likely typo).
    pub end_minute: u16,
    pub capacity: u8,
    /// Places that must go to party members or experienced volunteers.
    pub min_senior: u8,
}

impl ShiftTemplate {
    /// From the stored integers (database row, community file); `None` when a time is
    /// not within a day, the capacity is not 1..=255 or `min_senior` is negative or above
    /// the capacity.
    pub fn new(start_minute: i64, end_minute: i64, capacity: i64, min_senior: i64) -> Option<Self> {
        let minute = |m: i64| u16::try_from(m).ok().filter(|m| *m < MINUTES_PER_DAY);
        let capacity = u8::try_from(capacity).ok().filter(|c| *c >= 1)?;
        let min_senior = u8::try_from(min_senior).ok().filter(|m| *m <= capacity)?;
        Some(Self { start_minute: minute(start_minute)?, end_minute: minute(end_minute)?, capacity, min_senior })
    }

    pub fn is_overnight(&self) -> bool {
        self.end_minute <= self.start_minute
    }

    /// The shift that starts on local `date`, as UTC instants. The real length changes
    /// on DST days (Berlin's 00:00–08:00 lasts 7 h in spring, 9 h in autumn); a start or
    /// end skipped by the clock change happens an hour later, a repeated one the first time.
    pub fn occurrence(&self, date: NaiveDate, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = date.and_time(time_of_day(self.start_minute));
        let end_date = if self.is_overnight() { date.succ_opt().unwrap_or(date) } else { date };
        let end = end_date.and_time(time_of_day(self.end_minute));
        (resolve_local(tz, start), resolve_local(tz, end))
    }
}

fn time_of_day(minute: u16) -> NaiveTime {
    let minute = u32::from(minute % MINUTES_PER_DAY);
    NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap_or(NaiveTime::MIN)
}

fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(local + Duration::hours(1))).earliest())
        .map(|t| t.with_timezone(&Utc))
        // No zone has a gap longer than an hour; reading the wall time as UTC keeps the
        // function total without inventing an error nobody could act on.
        .unwrap_or_else(|| local.and_utc())
}

/// What the composition rule needs to know about a volunteer: their volunteer membership
/// in the shift's community, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volunteer {
    pub community_id: i64,
    pub approved: bool,
    pub party_member: bool,
    pub experienced: bool,
}

impl Volunteer {
    /// Counts toward a shift's `min_senior`: a party member or an experienced staffer.
    pub fn is_senior(&self) -> bool {
        self.party_member || self.experienced
    }
}

/// One generated shift as the claim rule sees it, counts taken in the same transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftState {
    pub id: i64,
    pub community_id: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub capacity: u8,
    pub min_senior: u8,
    pub taken: u8,
    pub seniors_taken: u8,
    /// The claiming volunteer already holds a place on this shift.
    pub held_by_volunteer: bool,
}

/// A shift the volunteer already holds, for the overlap rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldShift {
    pub id: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl From<(i64, DateTime<Utc>, DateTime<Utc>)> for HeldShift {
    fn from((id, start, end): (i64, DateTime<Utc>, DateTime<Utc>)) -> Self {
        Self { id, start, end }
    }
}

/// Why a claim is refused; each variant becomes one explanation for the volunteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimRefusal {
    /// The volunteer has no volunteer membership in the shift's community.
    OtherCommunity,
    NotApproved,
    AlreadyClaimed,
    Started,
    /// Too late even for an official's assignment.
    Ended,
    Full,
    Overlaps {
        other_shift_id: i64,
    },
    /// The remaining places are needed for `missing` more party members or experienced
    /// volunteers, and this volunteer is neither.
    NeedsSenior {
        missing: u8,
    },
}

/// Whether `volunteer` may take a place on `shift` at `now`; `held` are the shifts the
/// volunteer already holds (this one among them or not). Checked in this order, so the
/// explanation is the most fundamental one: membership, approval, duplicate, time,
/// capacity, overlap, composition. The composition rule refuses a non-senior when the
/// places left after this claim could no longer seat the seniors still missing; a
/// senior is never refused by it.
pub fn check_claim(
    shift: &ShiftState,
    volunteer: &Volunteer,
    held: &[HeldShift],
    now: DateTime<Utc>,
) -> Result<(), ClaimRefusal> {
    check(shift, volunteer, held, now, false)
}

/// An official's assignment: the same rules, but until the end of the shift rather than
/// its start, so a no-show can be replaced while the shift runs.
pub fn check_assign(
    shift: &ShiftState,
    volunteer: &Volunteer,
    held: &[HeldShift],
    now: DateTime<Utc>,
) -> Result<(), ClaimRefusal> {
    check(shift, volunteer, held, now, true)
}

fn check(
    shift: &ShiftState,
    volunteer: &Volunteer,
    held: &[HeldShift],
    now: DateTime<Utc>,
    by_official: bool,
) -> Result<(), ClaimRefusal> {
    if volunteer.community_id != shift.community_id {
        return Err(ClaimRefusal::OtherCommunity);
    }
    if !volunteer.approved {
        return Err(ClaimRefusal::NotApproved);
    }
    if shift.held_by_volunteer || held.iter().any(|h| h.id == shift.id) {
        return Err(ClaimRefusal::AlreadyClaimed);
    }
    if now >= shift.end {
        return Err(if by_official { ClaimRefusal::Ended } else { ClaimRefusal::Started });
    }
    if now >= shift.start && !by_official {
        return Err(ClaimRefusal::Started);
    }
    if shift.taken >= shift.capacity {
        return Err(ClaimRefusal::Full);
    }
    if let Some(other) =
        held.iter().filter(|h| overlaps(h.start, h.end, shift.start, shift.end)).min_by_key(|h| (h.start, h.id))
    {
        return Err(ClaimRefusal::Overlaps { other_shift_id: other.id });
    }
    let missing = seniors_missing(shift.capacity, shift.min_senior, shift.seniors_taken);
    let free_after = shift.capacity.saturating_sub(shift.taken.saturating_add(1));
    if !volunteer.is_senior() && free_after < missing {
        return Err(ClaimRefusal::NeedsSenior { missing });
    }
    Ok(())
}

/// Half-open intervals `[start, end)`: a shift ending at 08:00 and one starting at 08:00
/// do not overlap.
pub fn overlaps(a_start: DateTime<Utc>, a_end: DateTime<Utc>, b_start: DateTime<Utc>, b_end: DateTime<Utc>) -> bool {
    a_start < b_end && b_start < a_end
}

/// A `min_senior` above the capacity means every place needs a senior.
fn seniors_missing(capacity: u8, min_senior: u8, seniors_taken: u8) -> u8 {
    min_senior.min(capacity).saturating_sub(seniors_taken)
}

/// Where a shift stands in time: what the board offers and how the roster marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Upcoming,
    Started,
    Ended,
}

pub fn phase(start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>) -> Phase {
    if now >= end {
        Phase::Ended
    } else if now >= start {
        Phase::Started
    } else {
        Phase::Upcoming
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReleaseRefusal {
    /// Too close to the start for the volunteer; an official can still release it.
    PastCutoff { deadline: DateTime<Utc> },
    /// The shift is over; nothing left to release.
    Ended,
}

/// A volunteer may release a claim until `cutoff` before the start; an official may
/// release (or remove) anyone until the end, e.g. to replace a no-show.
pub fn can_release(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
    cutoff: Duration,
    by_official: bool,
) -> Result<(), ReleaseRefusal> {
    if now >= end {
        return Err(ReleaseRefusal::Ended);
    }
    let deadline = start - cutoff;
    if !by_official && now >= deadline {
        return Err(ReleaseRefusal::PastCutoff { deadline });
    }
    Ok(())
}

/// Until when a volunteer may release a claim themselves; `None` once it has passed
/// (a passed deadline is never offered as one still ahead).
pub fn release_deadline(start: DateTime<Utc>, now: DateTime<Utc>, cutoff: Duration) -> Option<DateTime<Utc>> {
    Some(start - cutoff).filter(|deadline| *deadline > now)
}

/// The reminders still ahead of `now`, in time order (a claim made 3 h before the start
/// gets only the 1 h reminder).
pub fn reminder_times(start: DateTime<Utc>, now: DateTime<Utc>, before: &[Duration]) -> Vec<DateTime<Utc>> {
    let mut times: Vec<_> = before.iter().map(|b| start - *b).filter(|t| *t > now).collect();
    times.sort();
    times.dedup();
    times
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckIn {
    TooEarly { opens_at: DateTime<Utc> },
    Open,
    Closed,
}

/// Check-in is open from `opens_before` the start until the end of the shift: a late
/// arrival still checks in, and only the minutes after it count.
pub fn check_in_window(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
    opens_before: Duration,
) -> CheckIn {
    let opens_at = start - opens_before;
    if now < opens_at {
        CheckIn::TooEarly { opens_at }
    } else if now < end {
        CheckIn::Open
    } else {
        CheckIn::Closed
    }
}

/// A check-in nobody closed is closed this long after the shift's end, at the end.
pub const AUTO_CHECK_OUT_AFTER: Duration = Duration::hours(2);

/// Nobody checked in `grace` after the start: the officials are alerted and the absence
/// recorded.
pub fn is_no_show(start: DateTime<Utc>, now: DateTime<Utc>, checked_in: bool, grace: Duration) -> bool {
    !checked_in && now >= start + grace
}

/// How far a shift is from fully staffed, for the roster and the nightly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Free places.
    pub gap: u8,
    /// Party members or experienced volunteers still needed.
    pub seniors_missing: u8,
}

/// What the roster says about a shift; the view picks the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoverageStatus {
    /// Every place taken, composition met.
    Complete,
    /// Places free, composition met.
    Open { free: u8 },
    /// Composition not met; with `free == 0` only an official can fix it (swap someone).
    NeedsSenior { missing: u8, free: u8 },
}

impl Coverage {
    pub fn of(capacity: u8, min_senior: u8, taken: u8, seniors_taken: u8) -> Self {
        Self {
            gap: capacity.saturating_sub(taken),
            seniors_missing: seniors_missing(capacity, min_senior, seniors_taken),
        }
    }

    pub fn lacks_senior(&self) -> bool {
        self.seniors_missing > 0
    }

    pub fn status(&self) -> CoverageStatus {
        match (self.seniors_missing, self.gap) {
            (0, 0) => CoverageStatus::Complete,
            (0, free) => CoverageStatus::Open { free },
            (missing, free) => CoverageStatus::NeedsSenior { missing, free },
        }
    }
}

/// Minutes of `[check_in, check_out)` inside `[start, end)`: arriving early or leaving late
/// adds nothing; a check-out before the check-in counts zero.
pub fn worked_minutes(
    check_in: DateTime<Utc>,
    check_out: DateTime<Utc>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> i64 {
    let from = check_in.max(start);
    let to = check_out.min(end);
    if to > from {
        (to - from).num_minutes()
    } else {
        0
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
