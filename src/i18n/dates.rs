//! Dates as people type them, shared by every dialogue that asks for one (an isolation's
//! start or end, a report's day, an export's range): full-width digits, "2026年12月10日",
//! "12月10号", "12/10", "12.10" all become "2026-12-10" / "12-10" here, and each caller
//! applies its own rule for a month-day without a year. And the other way: a day and a
//! time as the bot writes them (`day_label`, `hhmm`, `at`).

use chrono::{DateTime, NaiveDate, Utc};

use crate::i18n::Lang;

/// A full-width digit ("３") as its ASCII digit; any other character unchanged.
pub fn ascii_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        c => c,
    }
}

/// `raw` with ASCII digits, "-" between year, month and day, and a space where "日" / "号"
/// ended a date (so "11月1日至11月28日" keeps its two dates apart).
pub fn date_text(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match ascii_digit(c) {
            '年' | '月' | '/' | '.' | '－' => '-',
            '日' | '号' | '號' => ' ',
            c => c,
        })
        .collect()
}

/// "07:45" in the community's zone.
pub fn hhmm(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

pub fn day_label(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::ZhCn => day.format("%-m月%-d日").to_string(),
        Lang::En => day.format("%b %-d").to_string(),
    }
}

/// "07:45" today, "5月4日 07:45" another day (of `now`, in the community's zone).
pub fn at(lang: Lang, t: DateTime<Utc>, now: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let day = t.with_timezone(&tz).date_naive();
    if day == now.with_timezone(&tz).date_naive() {
        hhmm(t, tz)
    } else {
        format!("{} {}", day_label(lang, day), hhmm(t, tz))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_dates_come_out_in_one_form() {
        assert_eq!(date_text(" 2026年１２月10日 "), "2026-12-10 ");
        assert_eq!(date_text("12/10"), "12-10");
        assert_eq!(date_text("12.10号至１２．２０"), "12-10 至12．20");
        assert_eq!(ascii_digit('７'), '7');
        assert_eq!(ascii_digit('x'), 'x');
    }
}
