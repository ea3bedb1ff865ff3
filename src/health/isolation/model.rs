//! Isolation rules without SQL or Telegram: its kinds, its period (typed dates, the
//! offered lengths), the days left.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What kind of isolation the household is under (the seeds' 居家隔离, 居家健康监测, 封控楼栋).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum Kind {
    Home,
    Monitoring,
    Sealed,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Home, Kind::Monitoring, Kind::Sealed];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Home => "h",
            Kind::Monitoring => "m",
            Kind::Sealed => "s",
        }
    }

    pub fn from_code(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Locale key of its name.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Home => "isolation.kind.home",
            Kind::Monitoring => "isolation.kind.monitoring",
            Kind::Sealed => "isolation.kind.sealed",
        }
    }
}

crate::coded_field!(Kind);

/// Where an isolation stands (`isolations.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum Status {
    /// A resident's declaration, waiting for an official.
    Declared,
    Active,
    /// Its last day passed.
    Ended,
    /// An official ended it early.
    Lifted,
    /// An official refused the declaration.
    Declined,
}

/// The lengths offered as buttons, in days counted from the start (14 days was the seeds'
/// home isolation, 7 their health monitoring).
pub const LENGTHS: [u16; 3] = [7, 14, 21];
/// The longest isolation that can be entered; a longer one is a typing mistake.
pub const MAX_DAYS: i64 = 60;
/// How far back a start may be entered (an isolation noted a few days late).
pub const MAX_DAYS_BACK: i64 = 14;

/// Why a period is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodError {
    /// Not a date the bot reads.
    NotADate,
    StartTooEarly,
    /// Starts after today: an isolation is marked when it begins.
    StartInFuture,
    EndBeforeStart,
    /// Ends before today: nothing left to mark.
    EndInPast,
    TooLong,
}

/// A start date: today or up to [`MAX_DAYS_BACK`] days before.
pub fn check_start(start: NaiveDate, today: NaiveDate) -> Result<NaiveDate, PeriodError> {
    if start > today {
        return Err(PeriodError::StartInFuture);
    }
    if (today - start).num_days() > MAX_DAYS_BACK {
        return Err(PeriodError::StartTooEarly);
    }
    Ok(start)
}

/// An end date (the last day of isolation, included): not before the start or today, at
/// most [`MAX_DAYS`] days in all.
pub fn check_end(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> Result<NaiveDate, PeriodError> {
    if end < start {
        return Err(PeriodError::EndBeforeStart);
    }
    if end < today {
        return Err(PeriodError::EndInPast);
    }
    if days_in(start, end) > MAX_DAYS {
        return Err(PeriodError::TooLong);
    }
    Ok(end)
}

/// The last day of an isolation of `days` days from `start` (14 days from 1 Dec end on 14 Dec).
pub fn end_after(start: NaiveDate, days: u16) -> NaiveDate {
    start + chrono::Duration::days(i64::from(days.max(1)) - 1)
}

/// Days from `start` through `end`, both included.
pub fn days_in(start: NaiveDate, end: NaiveDate) -> i64 {
    (end - start).num_days() + 1
}

/// Days left including today (the last day counts 1).
pub fn days_left(end: NaiveDate, today: NaiveDate) -> i64 {
    ((end - today).num_days() + 1).max(0)
}

/// A typed date, in the year of `today` unless given: "2026-12-10", "12-10", "12/10",
/// "12.10", "12月10日", "12月10号". A month-day already far behind (more than 6 months) is
/// next year's, so "1-3" typed in December means January.
pub fn parse_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, PeriodError> {
    let text = crate::i18n::dates::date_text(raw);
    let parts: Vec<&str> = text.trim().split('-').map(str::trim).collect();
    let num = |s: &str| s.parse::<u32>().ok();
    let date = match parts.as_slice() {
        [y, m, d] => {
            let y = num(y).ok_or(PeriodError::NotADate)?;
            NaiveDate::from_ymd_opt(
                i32::try_from(y).map_err(|_| PeriodError::NotADate)?,
                num(m).ok_or(PeriodError::NotADate)?,
                num(d).ok_or(PeriodError::NotADate)?,
            )
        }
        [m, d] => {
            let (m, d) = (num(m).ok_or(PeriodError::NotADate)?, num(d).ok_or(PeriodError::NotADate)?);
            NaiveDate::from_ymd_opt(today.year(), m, d).map(|date| {
                if (today - date).num_days() > 183 {
                    NaiveDate::from_ymd_opt(today.year() + 1, m, d).unwrap_or(date)
                } else {
                    date
                }
            })
        }
        _ => None,
    };
    date.ok_or(PeriodError::NotADate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn typed_dates_in_every_form_we_accept() {
        let today = d(2026, 11, 29);
        for raw in ["2026-12-10", "12-10", "12/10", "12.10", "12月10日", "12月10号", "１２月１０日", " 2026年12月10日 "]
        {
            assert_eq!(parse_date(raw, today), Ok(d(2026, 12, 10)), "{raw}");
        }
        assert_eq!(parse_date("1-3", today), Ok(d(2027, 1, 3)), "January typed in November is next year's");
        assert_eq!(parse_date("11-20", today), Ok(d(2026, 11, 20)));
        for raw in ["", "tomorrow", "13-1", "2-30", "12", "12-10-2026-1", "一月三日"] {
            assert_eq!(parse_date(raw, today), Err(PeriodError::NotADate), "{raw}");
        }
    }

    #[test]
    fn a_period_starts_today_or_a_little_before_and_ends_after_it() {
        let today = d(2026, 11, 29);
        assert_eq!(check_start(today, today), Ok(today));
        assert_eq!(check_start(d(2026, 11, 15), today), Ok(d(2026, 11, 15)));
        assert_eq!(check_start(d(2026, 11, 14), today), Err(PeriodError::StartTooEarly));
        assert_eq!(check_start(d(2026, 11, 30), today), Err(PeriodError::StartInFuture));
        assert_eq!(check_end(today, d(2026, 11, 28), d(2026, 11, 28)), Err(PeriodError::EndBeforeStart));
        assert_eq!(check_end(d(2026, 11, 20), d(2026, 11, 28), today), Err(PeriodError::EndInPast));
        assert_eq!(check_end(today, today, today), Ok(today), "one day is a period");
        assert_eq!(check_end(today, end_after(today, 60), today).map(|_| ()), Ok(()));
        assert_eq!(check_end(today, end_after(today, 61), today), Err(PeriodError::TooLong));
    }

    #[test]
    fn fourteen_days_from_the_first_end_on_the_fourteenth_and_count_down_to_one() {
        let start = d(2026, 12, 1);
        let end = end_after(start, 14);
        assert_eq!(end, d(2026, 12, 14));
        assert_eq!(days_in(start, end), 14);
        assert_eq!(days_left(end, start), 14);
        assert_eq!(days_left(end, end), 1);
        assert_eq!(days_left(end, d(2026, 12, 15)), 0);
    }
}
