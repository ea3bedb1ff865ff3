//! Dates as people type them, shared by every dialogue that asks for one (an isolation's
//! start or end, a report's day, an export's range): full-width digits, "2026年12月10日",
//! "12月10号", "12/10", "12.10" all become "2026-12-10" / "12-10" here, and each caller
//! applies its own rule for a month-day without a year.

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
