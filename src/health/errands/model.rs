//! Errand rules without SQL or Telegram: the kinds, the statuses, the note, what "overdue"
//! means, and how an errand's age reads.
//!
//! **Overdue** (the officials' daily line, `store::day_figures`): an errand still waiting
//! longer than its kind allows —
//! - urgent (medical help) and still unclaimed after [`URGENT_OVERDUE`] (30 minutes: it is
//!   paged every 10, so three pages went unanswered);
//! - any other errand not done (open or claimed) [`ERRAND_OVERDUE`] (24 hours) after it was
//!   asked for: garbage and medicine are daily needs.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// What the household needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Garbage,
    Medicine,
    /// Medical help: urgent, paged.
    Medical,
    /// Someone to talk to (the seeds' 送心理).
    Talk,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Garbage, Kind::Medicine, Kind::Medical, Kind::Talk, Kind::Other];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Garbage => "g",
            Kind::Medicine => "m",
            Kind::Medical => "h",
            Kind::Talk => "t",
            Kind::Other => "o",
        }
    }

    pub fn from_code(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Medical help does not wait for someone to look at the list.
    pub fn is_urgent(self) -> bool {
        self == Kind::Medical
    }

    /// Medicine needs to say what to buy; the others may go without a note.
    pub fn note_required(self) -> bool {
        self == Kind::Medicine
    }

    pub fn name(self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            Kind::Garbage => rust_i18n::t!("errands.kind.garbage", locale = l),
            Kind::Medicine => rust_i18n::t!("errands.kind.medicine", locale = l),
            Kind::Medical => rust_i18n::t!("errands.kind.medical", locale = l),
            Kind::Talk => rust_i18n::t!("errands.kind.talk", locale = l),
            Kind::Other => rust_i18n::t!("errands.kind.other", locale = l),
        }
        .into_owned()
    }
}

crate::coded_field!(Kind);

/// Where an errand stands (`errands.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum Status {
    Open,
    Claimed,
    /// The volunteer says it is done; the resident has not confirmed yet.
    Done,
    Confirmed,
    Cancelled,
}

impl Status {
    pub fn name(self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            Status::Open => rust_i18n::t!("errands.status.open", locale = l),
            Status::Claimed => rust_i18n::t!("errands.status.claimed", locale = l),
            Status::Done => rust_i18n::t!("errands.status.done", locale = l),
            Status::Confirmed => rust_i18n::t!("errands.status.confirmed", locale = l),
            Status::Cancelled => rust_i18n::t!("errands.status.cancelled", locale = l),
        }
        .into_owned()
    }
}

/// The note is read at the door: short.
pub const NOTE_MAX: usize = 200;
/// An urgent errand unclaimed this long is overdue.
pub const URGENT_OVERDUE: Duration = Duration::minutes(30);
/// Any other errand not done this long after it was asked for is overdue.
pub const ERRAND_OVERDUE: Duration = Duration::hours(24);

/// Why a typed note is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteError {
    /// Medicine with nothing said (or not text at all).
    Empty,
    TooLong,
}

/// A typed note: trimmed, at most [`NOTE_MAX`] characters, not empty.
pub fn parse_note(raw: Option<&str>) -> Result<String, NoteError> {
    let note = raw.map(str::trim).unwrap_or_default();
    if note.is_empty() {
        return Err(NoteError::Empty);
    }
    if note.chars().count() > NOTE_MAX {
        return Err(NoteError::TooLong);
    }
    Ok(note.to_owned())
}

/// "刚刚", "12分钟前", "3小时前", "2天前".
pub fn age(lang: Lang, age: Duration) -> String {
    let l = lang.code();
    let minutes = age.num_minutes().max(0);
    if minutes < 1 {
        rust_i18n::t!("errands.age.now", locale = l).into_owned()
    } else if minutes < 60 {
        rust_i18n::t!("errands.age.minutes", locale = l, n = minutes).into_owned()
    } else if minutes < 48 * 60 {
        rust_i18n::t!("errands.age.hours", locale = l, n = minutes / 60).into_owned()
    } else {
        rust_i18n::t!("errands.age.days", locale = l, n = minutes / (24 * 60)).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_trimmed_not_empty_and_short() {
        assert_eq!(parse_note(Some("  布洛芬一盒 ")), Ok("布洛芬一盒".to_owned()));
        assert_eq!(parse_note(Some("   ")), Err(NoteError::Empty));
        assert_eq!(parse_note(None), Err(NoteError::Empty));
        assert_eq!(parse_note(Some(&"药".repeat(NOTE_MAX))).map(|n| n.chars().count()), Ok(NOTE_MAX));
        assert_eq!(parse_note(Some(&"药".repeat(NOTE_MAX + 1))), Err(NoteError::TooLong));
    }

    #[test]
    fn only_medical_help_is_urgent_and_only_medicine_needs_a_note() {
        for k in Kind::ALL {
            assert_eq!(k.is_urgent(), k == Kind::Medical);
            assert_eq!(k.note_required(), k == Kind::Medicine);
            assert_eq!(Kind::from_code(k.code()), Some(k));
        }
    }
}
