//! Words for shifts: times in the community's zone, counts with their plural forms,
//! durations from the settings, coverage, refusals.

use chrono::{DateTime, Duration, Utc};
use rust_i18n::t;

use crate::i18n::{plural, Lang};
use crate::shifts::model::{self, ClaimRefusal, CoverageStatus, Phase, ReleaseRefusal};
use crate::shifts::store::BoardShift;

pub use crate::i18n::dates::{at, day_label, hhmm};

pub fn when(lang: Lang, start: DateTime<Utc>, end: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    format!("{} {}–{}", day_label(lang, start.with_timezone(&tz).date_naive()), hhmm(start, tz), hhmm(end, tz))
}

pub fn seniors_at_least(lang: Lang, n: i64) -> String {
    let l = lang.code();
    plural(n, t!("shifts.n.seniors_one", locale = l, count = n), t!("shifts.n.seniors_other", locale = l, count = n))
}

pub fn seniors_more(lang: Lang, n: i64) -> String {
    let l = lang.code();
    plural(
        n,
        t!("shifts.n.more_seniors_one", locale = l, count = n),
        t!("shifts.n.more_seniors_other", locale = l, count = n),
    )
}

pub fn hours(lang: Lang, n: i64) -> String {
    let l = lang.code();
    plural(n, t!("shifts.n.hours_one", locale = l, count = n), t!("shifts.n.hours_other", locale = l, count = n))
}

pub fn minutes(lang: Lang, n: i64) -> String {
    let l = lang.code();
    plural(n, t!("shifts.n.minutes_one", locale = l, count = n), t!("shifts.n.minutes_other", locale = l, count = n))
}

pub fn places(lang: Lang, n: i64) -> String {
    let l = lang.code();
    plural(n, t!("shifts.n.places_one", locale = l, count = n), t!("shifts.n.places_other", locale = l, count = n))
}

pub fn kept(lang: Lang, n: i64) -> String {
    let l = lang.code();
    plural(n, t!("shifts.setup.kept_one", locale = l, count = n), t!("shifts.setup.kept_other", locale = l, count = n))
}

/// "2 shifts short (3 places)".
pub fn short_shifts(lang: Lang, n: i64, free: i64) -> String {
    let (l, free) = (lang.code(), places(lang, free));
    plural(
        n,
        t!("shifts.overview.short_one", locale = l, count = n, places = free.as_str()),
        t!("shifts.overview.short_other", locale = l, count = n, places = free.as_str()),
    )
}

pub fn without_senior(lang: Lang, n: i64) -> String {
    let l = lang.code();
    plural(
        n,
        t!("shifts.overview.senior_one", locale = l, count = n),
        t!("shifts.overview.senior_other", locale = l, count = n),
    )
}

pub fn no_shows(lang: Lang, n: i64) -> String {
    let l = lang.code();
    plural(
        n,
        t!("shifts.overview.no_shows_one", locale = l, count = n),
        t!("shifts.overview.no_shows_other", locale = l, count = n),
    )
}

/// "2 people, at least 1 party member or experienced volunteer", or only the people when
/// no party member is required.
pub fn staffing(lang: Lang, capacity: i64, min_senior: i64) -> String {
    let mut text = crate::i18n::people(lang, capacity);
    if min_senior > 0 {
        text.push_str(&t!("shifts.n.list_sep", locale = lang.code()));
        text.push_str(&seniors_at_least(lang, min_senior));
    }
    text
}

/// "12 hours", "1 hour 30 minutes", "3 minutes".
pub fn duration(lang: Lang, d: Duration) -> String {
    let total = d.num_minutes().max(0);
    let (h, m) = (total / 60, total % 60);
    match (h, m) {
        (0, m) => minutes(lang, m),
        (h, 0) => hours(lang, h),
        (h, m) => format!("{} {}", hours(lang, h), minutes(lang, m)),
    }
}

/// "12 hours and 1 hour" / "12 小时和 1 小时".
pub fn durations(lang: Lang, ds: &[Duration]) -> String {
    let words: Vec<String> = ds.iter().map(|d| duration(lang, *d)).collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => {
            format!(
                "{}{}{last}",
                rest.join(&t!("shifts.n.list_sep", locale = lang.code())),
                t!("shifts.n.and", locale = lang.code())
            )
        }
    }
}

/// What a volunteer is told about the reminders they will get for a shift starting at
/// `start` (those of the settings still ahead of `now`; none left is said so).
pub fn reminders_note(lang: Lang, start: DateTime<Utc>, now: DateTime<Utc>, before: &[Duration]) -> String {
    let ahead: Vec<Duration> = model::reminder_times(start, now, before).into_iter().map(|t| start - t).collect();
    if ahead.is_empty() {
        t!("shifts.no_reminders", locale = lang.code()).into_owned()
    } else {
        t!("shifts.reminders_before", locale = lang.code(), before = durations(lang, &ahead)).into_owned()
    }
}

/// Until when the volunteer may release the shift themselves, or that they no longer can.
pub fn release_note(
    lang: Lang,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    cutoff: Duration,
    tz: chrono_tz::Tz,
) -> String {
    let l = lang.code();
    match model::release_deadline(start, now, cutoff) {
        Some(deadline) => t!("shifts.release_until", locale = l, deadline = at(lang, deadline, now, tz)),
        None => t!("shifts.release_closed", locale = l, cutoff = duration(lang, cutoff)),
    }
    .into_owned()
}

/// "帝湖花园西王府门口 08:00–16:00 1/2 · 还需1名党员或有经验的志愿者"
pub fn shift_line(lang: Lang, n: usize, s: &BoardShift, tz: chrono_tz::Tz, now: DateTime<Utc>) -> String {
    let l = lang.code();
    let mut line = base(lang, n, s, tz);
    match model::phase(s.start(), s.end(), now) {
        Phase::Ended => line.push_str(&t!("shifts.ended_mark", locale = l)),
        Phase::Started => line.push_str(&t!("shifts.started_mark", locale = l)),
        Phase::Upcoming => match s.coverage().status() {
            CoverageStatus::Complete => line.push_str(&t!("shifts.full_mark", locale = l)),
            CoverageStatus::Open { .. } => {}
            CoverageStatus::NeedsSenior { missing, .. } => {
                let more = seniors_more(lang, i64::from(missing));
                line.push_str(&t!("shifts.needs_senior_mark", locale = l, more = more));
            }
        },
    }
    if s.mine {
        line.push_str(&t!("shifts.mine_mark", locale = l));
    }
    if s.offered_by.is_some() {
        line.push_str(&t!("shifts.offered_mark", locale = l));
    }
    line
}

fn base(lang: Lang, n: usize, s: &BoardShift, tz: chrono_tz::Tz) -> String {
    format!("{n}. {} {}–{} {}/{}", s.checkpoint(lang), hhmm(s.start(), tz), hhmm(s.end(), tz), s.taken, s.capacity)
}

/// Whether the roster offers a way into the shift: it has not ended and has free places,
/// lacks a party member or has someone who did not check in.
pub fn needs_attention(s: &BoardShift, now: DateTime<Utc>) -> bool {
    let c = s.coverage();
    model::phase(s.start(), s.end(), now) != Phase::Ended && (c.gap > 0 || c.lacks_senior() || s.no_shows > 0)
}

/// A roster line: gaps, missing composition and no-shows marked; an ended shift is only
/// history (its no-shows still shown).
pub fn roster_line(lang: Lang, n: usize, s: &BoardShift, tz: chrono_tz::Tz, now: DateTime<Utc>) -> String {
    let l = lang.code();
    let base = base(lang, n, s, tz);
    let no_shows = if s.no_shows > 0 {
        t!("shifts.no_shows_mark", locale = l, count = s.no_shows).into_owned()
    } else {
        String::new()
    };
    if model::phase(s.start(), s.end(), now) == Phase::Ended {
        return format!("▫️ {base}{}{no_shows}", t!("shifts.ended_mark", locale = l));
    }
    match s.coverage().status() {
        CoverageStatus::Complete if s.no_shows == 0 => format!("✅ {base}"),
        CoverageStatus::Complete => format!("⚠️ {base}{no_shows}"),
        CoverageStatus::Open { free } => {
            format!("⚠️ {base}{}{no_shows}", t!("shifts.gap_mark", locale = l, free = free))
        }
        CoverageStatus::NeedsSenior { missing, free } => {
            let more = seniors_more(lang, i64::from(missing));
            let gap = if free > 0 {
                t!("shifts.gap_senior_mark", locale = l, free = free, more = more)
            } else {
                t!("shifts.senior_only_mark", locale = l, more = more)
            };
            format!("❗ {base}{gap}{no_shows}")
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
        ClaimRefusal::Ended => t!("shifts.release_ended", locale = l),
        ClaimRefusal::Full => t!("shifts.refused.full", locale = l),
        ClaimRefusal::Overlaps { .. } => t!("shifts.refused.overlaps", locale = l),
        ClaimRefusal::NeedsSenior { missing } => t!("shifts.refused.needs_senior", locale = l, missing = missing),
    }
    .into_owned()
}

pub fn release_refusal(
    lang: Lang,
    r: ReleaseRefusal,
    cutoff: Duration,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> String {
    let l = lang.code();
    match r {
        ReleaseRefusal::PastCutoff { deadline } => t!(
            "shifts.release_cutoff",
            locale = l,
            cutoff = duration(lang, cutoff),
            deadline = at(lang, deadline, now, tz)
        ),
        ReleaseRefusal::Ended => t!("shifts.release_ended", locale = l),
    }
    .into_owned()
}
