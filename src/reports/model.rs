//! The report's rules about time: the day a person asks for, and the day's deadline.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::health::isolation::model::parse_date;

/// Why a typed day cannot be reported on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayError {
    NotADate,
    /// After today: nothing to report yet.
    Future,
}

/// The day `/report` is asked for: nothing (today), "昨天" / "yesterday", or a date as
/// people type it ("2026-11-28", "11-28", "11月28日", full-width digits). A month and day
/// months ahead is last year's (in January, "12-30" is the December just past); a day
/// just ahead is refused as not yet come.
pub fn parse_day(raw: &str, today: NaiveDate) -> Result<NaiveDate, DayError> {
    let raw = raw.trim();
    let day = match raw.to_lowercase().as_str() {
        "" | "今天" | "today" => today,
        "昨天" | "昨日" | "yesterday" => today.pred_opt().ok_or(DayError::NotADate)?,
        _ => parse_date(raw, today).map_err(|_| DayError::NotADate)?,
    };
    if day <= today {
        return Ok(day);
    }
    let has_year = raw.chars().map(crate::i18n::dates::ascii_digit).filter(char::is_ascii_digit).count() > 4;
    match day.with_year(day.year() - 1) {
        Some(last_year) if !has_year && (day - today).num_days() > 183 => Ok(last_year),
        _ => Err(DayError::Future),
    }
}

/// `day` at the clock time `hhmm` ("22:00", checked by the settings) in `tz`.
pub fn at_time(day: NaiveDate, hhmm: &str, tz: chrono_tz::Tz) -> DateTime<Utc> {
    let minutes = crate::community::parse_hhmm(hhmm).unwrap_or(0);
    crate::clock::day_bounds(day, tz).0 + Duration::minutes(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn days_are_read_as_people_type_them() {
        let today = d(2026, 11, 29);
        assert_eq!(parse_day("", today), Ok(today));
        assert_eq!(parse_day(" 昨天 ", today), Ok(d(2026, 11, 28)));
        assert_eq!(parse_day("Yesterday", today), Ok(d(2026, 11, 28)));
        assert_eq!(parse_day("2026-11-01", today), Ok(d(2026, 11, 1)));
        assert_eq!(parse_day("11月28日", today), Ok(d(2026, 11, 28)));
        assert_eq!(parse_day("１１－２８", today), Ok(d(2026, 11, 28)));
        assert_eq!(parse_day("hello", today), Err(DayError::NotADate));
        assert_eq!(parse_day("2-30", today), Err(DayError::NotADate));
    }

    #[test]
    fn a_day_ahead_is_refused_or_read_as_last_year() {
        assert_eq!(parse_day("12-30", d(2027, 1, 2)), Ok(d(2026, 12, 30)));
        assert_eq!(parse_day("11-30", d(2026, 11, 29)), Err(DayError::Future));
        assert_eq!(parse_day("2026-12-05", d(2026, 11, 29)), Err(DayError::Future));
        assert_eq!(parse_day("2027-12-30", d(2027, 1, 2)), Err(DayError::Future));
    }

    #[test]
    fn the_deadline_is_the_clock_time_on_that_day() {
        let tz = chrono_tz::Asia::Shanghai;
        let due = at_time(d(2026, 11, 29), "22:00", tz);
        assert_eq!(due.to_rfc3339(), "2026-11-29T14:00:00+00:00");
    }
}
