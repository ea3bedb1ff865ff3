//! The daily report's buttons. A day travels as its number of days since 1 January of
//! year 1 (`day_code`), so a button names the exact report it was shown with.

use chrono::{Datelike, NaiveDate};

crate::callbacks! {
    pub enum Cb {
        /// An official submits the community's report of that day.
        Submit { community: i64, day: i64 } = "rps",
        /// A community's report of a day (from the chain's list, or the day before / after).
        Open { community: i64, day: i64 } = "rpo",
        /// The chain's list of a day (administrators).
        Chain(day: i64) = "rpc",
    }
}

pub fn day_code(day: NaiveDate) -> i64 {
    i64::from(day.num_days_from_ce())
}

/// `None` for a code no date has (a forged button).
pub fn code_day(code: i64) -> Option<NaiveDate> {
    i32::try_from(code).ok().and_then(NaiveDate::from_num_days_from_ce_opt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_survives_its_button() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(code_day(day_code(day)), Some(day));
        assert_eq!(code_day(i64::MAX), None);
        assert_eq!(code_day(i64::from(i32::MAX)), None);
    }
}
