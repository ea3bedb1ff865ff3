//! The round's rules without SQL or Telegram: which night a visit belongs to, whether it
//! is the round's time yet, the kinds of problem, the note a supervisor types, and what
//! the shift data suggests the supervisor will find.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A visit this long after midnight still belongs to the evening before: the round starts
/// at 20:00 and a supervisor still out at 00:30 is finishing last night's round.
pub const NIGHT_ENDS_AFTER_MIDNIGHT: Duration = Duration::hours(6);

/// Longest note kept (a Telegram message may be 4,096 characters; an alert must stay short).
pub const NOTE_MAX_CHARS: usize = 500;

/// The evening whose round a visit at `now` belongs to: the local date of `now − 6 h`.
pub fn night_of(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    (now.with_timezone(&tz) - NIGHT_ENDS_AFTER_MIDNIGHT).date_naive()
}

/// Whether `now` is before the round's start (`from`, local) on its night: from 06:00 to
/// `from` the list still works but says the round is meant for later.
pub fn before_round(now: DateTime<Utc>, tz: Tz, from: NaiveTime) -> bool {
    let local = now.with_timezone(&tz).time();
    let morning = NaiveTime::MIN + NIGHT_ENDS_AFTER_MIDNIGHT;
    local >= morning && local < from
}

/// What the supervisor found wrong at a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProblemKind {
    /// Nobody on duty.
    Nobody,
    /// Fewer people than the shift needs.
    TooFew,
    /// No party member or experienced staffer among them.
    NoSenior,
    /// Anything else: the note is required.
    Other,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 4] =
        [ProblemKind::Nobody, ProblemKind::TooFew, ProblemKind::NoSenior, ProblemKind::Other];

    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::Nobody => "n",
            ProblemKind::TooFew => "f",
            ProblemKind::NoSenior => "s",
            ProblemKind::Other => "o",
        }
    }

    pub fn from_code(s: &str) -> Option<ProblemKind> {
        ProblemKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Locale key of its name.
    pub fn key(self) -> &'static str {
        match self {
            ProblemKind::Nobody => "supervision.kind.nobody",
            ProblemKind::TooFew => "supervision.kind.too_few",
            ProblemKind::NoSenior => "supervision.kind.no_senior",
            ProblemKind::Other => "supervision.kind.other",
        }
    }

    pub fn needs_note(self) -> bool {
        self == ProblemKind::Other
    }
}

crate::coded_field!(ProblemKind);

/// What a visit recorded (`supervision_visits.outcome`): on duty with a senior, or a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    OnDuty,
    Problem(ProblemKind),
}

impl Outcome {
    pub fn db(self) -> &'static str {
        match self {
            Outcome::OnDuty => "ok",
            Outcome::Problem(ProblemKind::Nobody) => "nobody",
            Outcome::Problem(ProblemKind::TooFew) => "too_few",
            Outcome::Problem(ProblemKind::NoSenior) => "no_senior",
            Outcome::Problem(ProblemKind::Other) => "other",
        }
    }

    /// A stored outcome; anything the table's CHECK would refuse reads as "other".
    pub fn from_db(s: &str) -> Outcome {
        match s {
            "ok" => Outcome::OnDuty,
            "nobody" => Outcome::Problem(ProblemKind::Nobody),
            "too_few" => Outcome::Problem(ProblemKind::TooFew),
            "no_senior" => Outcome::Problem(ProblemKind::NoSenior),
            _ => Outcome::Problem(ProblemKind::Other),
        }
    }

    pub fn problem(self) -> Option<ProblemKind> {
        match self {
            Outcome::OnDuty => None,
            Outcome::Problem(kind) => Some(kind),
        }
    }
}

/// Why a typed note is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteError {
    /// Nothing but spaces (or not text at all).
    Empty,
    TooLong,
}

/// A note as typed: trimmed, not empty, at most [`NOTE_MAX_CHARS`].
pub fn parse_note(text: &str) -> Result<String, NoteError> {
    let note = text.trim();
    if note.is_empty() {
        Err(NoteError::Empty)
    } else if note.chars().count() > NOTE_MAX_CHARS {
        Err(NoteError::TooLong)
    } else {
        Ok(note.to_owned())
    }
}

/// What the shift data says about a checkpoint now: the shifts running, people claimed
/// and checked in, and whether a senior (party member or experienced) is among them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duty {
    /// Shifts running now at the checkpoint (0: none scheduled at this hour).
    pub shifts: i64,
    /// Places the running shifts need.
    pub capacity: i64,
    pub claimed: i64,
    pub checked_in: i64,
    pub seniors_claimed: i64,
    pub seniors_in: i64,
}

impl Duty {
    /// The count and senior flag the one-tap "on duty" offers: those checked in, or, when
    /// nobody has checked in (people forget), those who claimed the places.
    pub fn suggested(&self) -> (i64, bool) {
        if self.checked_in > 0 {
            (self.checked_in, self.seniors_in > 0)
        } else {
            (self.claimed, self.seniors_claimed > 0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_visit_after_midnight_belongs_to_the_evening_before() {
        let tz = chrono_tz::Asia::Shanghai;
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // 21:00 and 00:30 local (UTC+8) are the same night; 06:00 is the next one.
        assert_eq!(night_of(utc("2026-11-29T13:00:00Z"), tz), day("2026-11-29"));
        assert_eq!(night_of(utc("2026-11-29T16:30:00Z"), tz), day("2026-11-29"));
        assert_eq!(night_of(utc("2026-11-29T21:59:00Z"), tz), day("2026-11-29"));
        assert_eq!(night_of(utc("2026-11-29T22:00:00Z"), tz), day("2026-11-30"));
    }

    #[test]
    fn the_round_is_meant_for_the_evening_and_the_small_hours() {
        let tz = chrono_tz::Asia::Shanghai;
        let eight = NaiveTime::from_hms_opt(20, 0, 0).unwrap();
        assert!(before_round(utc("2026-11-29T11:59:00Z"), tz, eight), "19:59");
        assert!(!before_round(utc("2026-11-29T12:00:00Z"), tz, eight), "20:00");
        assert!(!before_round(utc("2026-11-29T17:00:00Z"), tz, eight), "01:00");
        assert!(before_round(utc("2026-11-29T22:00:00Z"), tz, eight), "06:00");
    }

    #[test]
    fn a_note_is_trimmed_and_neither_empty_nor_too_long() {
        assert_eq!(parse_note("  门岗无人  "), Ok("门岗无人".to_owned()));
        assert_eq!(parse_note("   "), Err(NoteError::Empty));
        assert_eq!(parse_note(&"长".repeat(NOTE_MAX_CHARS + 1)), Err(NoteError::TooLong));
        assert!(ProblemKind::Other.needs_note() && !ProblemKind::Nobody.needs_note());
    }

    #[test]
    fn the_one_tap_offers_those_checked_in_or_else_those_who_claimed() {
        let d = Duty { shifts: 1, capacity: 3, claimed: 3, checked_in: 2, seniors_claimed: 1, seniors_in: 0 };
        assert_eq!(d.suggested(), (2, false));
        let d = Duty { checked_in: 0, ..d };
        assert_eq!(d.suggested(), (3, true));
    }
}
