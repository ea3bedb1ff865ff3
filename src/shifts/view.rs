//! Words for shifts: times in the community's zone, coverage, refusals.

use chrono::{DateTime, NaiveDate, Utc};
use rust_i18n::t;

use crate::i18n::Lang;
use crate::shifts::model::{ClaimRefusal, CoverageStatus, ReleaseRefusal};
use crate::shifts::store::BoardShift;

pub fn hhmm(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

pub fn day_label(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::ZhCn => day.format("%-m月%-d日").to_string(),
        Lang::En => day.format("%b %-d").to_string(),
    }
}

pub fn when(lang: Lang, start: DateTime<Utc>, end: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    format!("{} {}–{}", day_label(lang, start.with_timezone(&tz).date_naive()), hhmm(start, tz), hhmm(end, tz))
}

/// "帝湖花园西王府门口 08:00–16:00 1/2 · 还需1名党员或有经验的志愿者"
pub fn shift_line(lang: Lang, n: usize, s: &BoardShift, tz: chrono_tz::Tz) -> String {
    let l = lang.code();
    let mut line =
        format!("{n}. {} {}–{} {}/{}", s.checkpoint, hhmm(s.start(), tz), hhmm(s.end(), tz), s.taken, s.capacity);
    match s.coverage().status() {
        CoverageStatus::Complete => line.push_str(&t!("shifts.full_mark", locale = l)),
        CoverageStatus::Open { .. } => {}
        CoverageStatus::NeedsSenior { missing, .. } => {
            line.push_str(&t!("shifts.needs_senior_mark", locale = l, missing = missing));
        }
    }
    if s.mine {
        line.push_str(&t!("shifts.mine_mark", locale = l));
    }
    if s.offered_by.is_some() {
        line.push_str(&t!("shifts.offered_mark", locale = l));
    }
    line
}

/// A roster line, gaps and missing composition marked.
pub fn roster_line(lang: Lang, n: usize, s: &BoardShift, tz: chrono_tz::Tz) -> String {
    let l = lang.code();
    let base =
        format!("{n}. {} {}–{} {}/{}", s.checkpoint, hhmm(s.start(), tz), hhmm(s.end(), tz), s.taken, s.capacity);
    match s.coverage().status() {
        CoverageStatus::Complete => format!("✅ {base}"),
        CoverageStatus::Open { free } => format!("⚠️ {base}{}", t!("shifts.gap_mark", locale = l, free = free)),
        CoverageStatus::NeedsSenior { missing, free } => {
            format!("❗ {base}{}", t!("shifts.gap_senior_mark", locale = l, free = free, missing = missing))
        }
    }
}

pub fn refusal(lang: Lang, r: ClaimRefusal) -> String {
    let l = lang.code();
    match r {
        ClaimRefusal::OtherCommunity => t!("shifts.refused.other_community", locale = l),
        ClaimRefusal::NotApproved => t!("shifts.refused.not_approved", locale = l),
        ClaimRefusal::AlreadyClaimed => t!("shifts.refused.already", locale = l),
        ClaimRefusal::Started => t!("shifts.refused.started", locale = l),
        ClaimRefusal::Full => t!("shifts.refused.full", locale = l),
        ClaimRefusal::Overlaps { .. } => t!("shifts.refused.overlaps", locale = l),
        ClaimRefusal::NeedsSenior { missing } => t!("shifts.refused.needs_senior", locale = l, missing = missing),
    }
    .into_owned()
}

pub fn release_refusal(lang: Lang, r: ReleaseRefusal, tz: chrono_tz::Tz) -> String {
    let l = lang.code();
    match r {
        ReleaseRefusal::PastCutoff { deadline } => {
            t!("shifts.release_cutoff", locale = l, deadline = hhmm(deadline, tz))
        }
        ReleaseRefusal::Ended => t!("shifts.release_ended", locale = l),
    }
    .into_owned()
}
