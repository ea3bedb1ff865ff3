//! Export rules without SQL or Telegram: the tables one can ask for, the date ranges
//! (buttons and typed), and the file names.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest range one export covers, in days (a year, leap day included).
pub const MAX_DAYS: i64 = 366;

/// A table one can export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Table {
    Residents,
    Orders,
    Errands,
    Temperatures,
    Shifts,
    Notices,
}

impl Table {
    pub const ALL: [Table; 6] =
        [Table::Residents, Table::Orders, Table::Errands, Table::Temperatures, Table::Shifts, Table::Notices];

    /// Its code in `exports.tables`, its file names and its locale keys.
    pub fn code(self) -> &'static str {
        match self {
            Table::Residents => "residents",
            Table::Orders => "orders",
            Table::Errands => "errands",
            Table::Temperatures => "temperatures",
            Table::Shifts => "shifts",
            Table::Notices => "notices",
        }
    }

    pub fn from_code(s: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.code() == s)
    }
}

/// What the first question's buttons offer: one table or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pick {
    One(Table),
    All,
}

impl Pick {
    pub const ALL: [Pick; 7] = [
        Pick::One(Table::Residents),
        Pick::One(Table::Orders),
        Pick::One(Table::Errands),
        Pick::One(Table::Temperatures),
        Pick::One(Table::Shifts),
        Pick::One(Table::Notices),
        Pick::All,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Pick::One(t) => t.code(),
            Pick::All => "all",
        }
    }

    pub fn from_code(s: &str) -> Option<Pick> {
        Pick::ALL.into_iter().find(|p| p.code() == s)
    }

    pub fn tables(self) -> Vec<Table> {
        match self {
            Pick::One(t) => vec![t],
            Pick::All => Table::ALL.to_vec(),
        }
    }
}

crate::coded_field!(Pick);

/// The date range buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preset {
    Today,
    Last7,
    Last30,
    ThisMonth,
}

impl Preset {
    pub const ALL: [Preset; 4] = [Preset::Today, Preset::Last7, Preset::Last30, Preset::ThisMonth];

    pub fn code(self) -> &'static str {
        match self {
            Preset::Today => "t",
            Preset::Last7 => "7",
            Preset::Last30 => "30",
            Preset::ThisMonth => "m",
        }
    }

    pub fn from_code(s: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.code() == s)
    }

    pub fn key(self) -> &'static str {
        match self {
            Preset::Today => "exports.range.today",
            Preset::Last7 => "exports.range.last7",
            Preset::Last30 => "exports.range.last30",
            Preset::ThisMonth => "exports.range.this_month",
        }
    }

    /// The days it covers, both included, ending today.
    pub fn range(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let from = match self {
            Preset::Today => today,
            Preset::Last7 => today - Duration::days(6),
            Preset::Last30 => today - Duration::days(29),
            Preset::ThisMonth => today.with_day(1).unwrap_or(today),
        };
        (from, today)
    }
}

crate::coded_field!(Preset);

/// Why a typed range was refused (each says what to type instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeError {
    NotARange,
    Reversed,
    TooLong,
}

impl RangeError {
    pub fn key(self) -> &'static str {
        match self {
            RangeError::NotARange => "exports.range.not_a_range",
            RangeError::Reversed => "exports.range.reversed",
            RangeError::TooLong => "exports.range.too_long",
        }
    }
}

/// A typed range: "2026-11-01 2026-11-28", "11-01至11-28", "11月1日到11月28日", "11/1 - 11/28",
/// full-width digits. A month-day without a year is the latest such day not after today
/// (exports look back).
pub fn parse_range(raw: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), RangeError> {
    let text: String = crate::i18n::dates::date_text(raw)
        .chars()
        .map(|c| match c {
            '至' | '到' | '~' | '～' | '—' | '–' | ',' | '，' => ' ',
            c => c,
        })
        .collect();
    // "11-1 - 11-28": a lone dash between dates is a separator.
    let words: Vec<&str> = text.split_whitespace().filter(|w| *w != "-" && !w.eq_ignore_ascii_case("to")).collect();
    let [from, to] = words.as_slice() else { return Err(RangeError::NotARange) };
    let (from, to) = (parse_day(from, today)?, parse_day(to, today)?);
    check(from, to)?;
    Ok((from, to))
}

/// A range's rules: not reversed, at most [`MAX_DAYS`].
pub fn check(from: NaiveDate, to: NaiveDate) -> Result<(), RangeError> {
    if to < from {
        return Err(RangeError::Reversed);
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(RangeError::TooLong);
    }
    Ok(())
}

fn parse_day(word: &str, today: NaiveDate) -> Result<NaiveDate, RangeError> {
    let parts: Vec<&str> = word.trim_matches('-').split('-').collect();
    let num = |s: &str| s.parse::<u32>().ok();
    let date = match parts.as_slice() {
        [y, m, d] => {
            num(y).and_then(|y| i32::try_from(y).ok()).and_then(|y| NaiveDate::from_ymd_opt(y, num(m)?, num(d)?))
        }
        [m, d] => {
            let (m, d) = (num(m), num(d));
            m.zip(d).and_then(|(m, d)| {
                NaiveDate::from_ymd_opt(today.year(), m, d)
                    .filter(|date| *date <= today)
                    .or_else(|| NaiveDate::from_ymd_opt(today.year() - 1, m, d))
            })
        }
        _ => None,
    };
    date.ok_or(RangeError::NotARange)
}

/// "帝湖社区-orders-2026-11-01_2026-11-28-part2.csv" (no part number when there is one).
pub fn file_name(community: &str, table: &str, from: NaiveDate, to: NaiveDate, part: u32, parts: u32) -> String {
    let community: String = community.chars().filter(|c| !matches!(c, '/' | '\\' | ':' | ' ')).collect();
    if parts > 1 {
        format!("{community}-{table}-{from}_{to}-part{part}.csv")
    } else {
        format!("{community}-{table}-{from}_{to}.csv")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn typed_ranges_in_the_forms_people_type() {
        let today = d(2026, 11, 29);
        for raw in [
            "2026-11-01 2026-11-28",
            "11-01至11-28",
            "11月1日到11月28日",
            "11/1 - 11/28",
            "１１－０１至１１－２８",
            "2026年11月1日至2026年11月28日",
            "11-1 to 11-28",
        ] {
            assert_eq!(parse_range(raw, today), Ok((d(2026, 11, 1), d(2026, 11, 28))), "{raw}");
        }
        assert_eq!(
            parse_range("12-20 1-5", d(2027, 1, 10)),
            Ok((d(2026, 12, 20), d(2027, 1, 5))),
            "last year's December"
        );
    }

    #[test]
    fn reversed_long_and_unreadable_ranges_are_refused() {
        let today = d(2026, 11, 29);
        assert_eq!(parse_range("11-28 11-01", today), Err(RangeError::Reversed));
        assert_eq!(parse_range("2025-01-01 2026-11-28", today), Err(RangeError::TooLong));
        assert_eq!(parse_range("2025-11-28 2026-11-28", today), Ok((d(2025, 11, 28), d(2026, 11, 28))));
        for raw in ["yesterday", "11-01", "2026-13-01 2026-13-02", "1 2 3"] {
            assert_eq!(parse_range(raw, today), Err(RangeError::NotARange), "{raw}");
        }
    }

    #[test]
    fn presets_end_today() {
        let today = d(2026, 11, 29);
        assert_eq!(Preset::Today.range(today), (today, today));
        assert_eq!(Preset::Last7.range(today), (d(2026, 11, 23), today));
        assert_eq!(Preset::Last30.range(today), (d(2026, 10, 31), today));
        assert_eq!(Preset::ThisMonth.range(today), (d(2026, 11, 1), today));
    }

    #[test]
    fn file_names_number_parts_only_when_there_are_several() {
        let (f, t) = (d(2026, 11, 1), d(2026, 11, 28));
        assert_eq!(file_name("帝湖 社区", "orders", f, t, 1, 1), "帝湖社区-orders-2026-11-01_2026-11-28.csv");
        assert_eq!(file_name("Dihu", "orders", f, t, 2, 3), "Dihu-orders-2026-11-01_2026-11-28-part2.csv");
    }
}
