//! Counts as people type them: "3", "３", "三", "两", "十二", "3人", "三口人", "三份",
//! "两袋". Elderly residents answer the way they would speak, on a Chinese keyboard, so a
//! household size and an order quantity are read the same way, here.

/// Measure words and units a count may end with ("3人", "三口人", "两个人", "五份").
/// Longest first, so "口人" goes before "人".
const UNITS: [&str; 28] = [
    "个人", "口人", "公斤", "人", "口", "位", "个", "份", "件", "袋", "斤", "瓶", "盒", "包", "箱", "只", "支", "罐",
    "桶", "块", "条", "把", "颗", "棵", "双", "套", "听", "卷",
];

/// A whole number as typed, negative ones too ("-1" is a number, only below any count):
/// the caller says "at least 1" rather than "type a number". `None` as `parse_count`.
pub fn parse_whole(text: &str) -> Option<i64> {
    match text.trim().strip_prefix('-') {
        Some(rest) => parse_count(rest).map(|n| -i64::from(n)),
        None => parse_count(text).map(i64::from),
    }
}

/// A whole number of things or people, 0 or more; `None` for anything else ("3.5", "-1",
/// "abc", "人", an overflow). Ascii and full-width digits, or Chinese numerals up to
/// 九千九百九十九 (with 两 and the spoken "一百二" = 120), optionally followed by a measure
/// word; surrounding whitespace is ignored. Range checks are the caller's.
pub fn parse_count(text: &str) -> Option<u32> {
    let mut core = text.trim();
    // At most two: "两个人" is 两 + 个人, "3 个 人" is rare enough to refuse.
    for _ in 0..2 {
        if let Some(rest) = UNITS.iter().find_map(|u| core.strip_suffix(u)) {
            core = rest.trim_end();
        }
    }
    if core.is_empty() {
        return None;
    }
    let ascii: String = core.chars().map(super::dates::ascii_digit).collect();
    if ascii.chars().all(|c| c.is_ascii_digit()) {
        return ascii.parse().ok();
    }
    chinese(core)
}

/// 零一二三四五六七八九 and 两 as a digit.
fn digit(c: char) -> Option<u32> {
    match c {
        '两' => Some(2),
        _ => "零一二三四五六七八九".chars().position(|d| d == c).and_then(|p| u32::try_from(p).ok()),
    }
}

fn unit(c: char) -> Option<u32> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

/// A Chinese numeral below 10,000: "十二" 12, "二十" 20, "一百零五" 105, "一百二" 120.
fn chinese(s: &str) -> Option<u32> {
    let mut total = 0;
    let mut pending: Option<u32> = None;
    // The last unit used: units must fall (百 before 十), and a bare trailing digit after
    // one of them is the next place down ("一百二" = 120), unless a 零 came between.
    let mut last_unit = u32::MAX;
    let mut zero = false;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            if pending.is_some() {
                return None; // "三三"
            }
            if d == 0 {
                zero = true;
            } else {
                pending = Some(d);
            }
        } else if let Some(u) = unit(c) {
            if u >= last_unit {
                return None; // "十十", "十百"
            }
            // "十二" starts with a bare 十; elsewhere a unit needs its digit.
            let d = match pending.take() {
                Some(d) => d,
                None if u == 10 && total == 0 && !zero => 1,
                None => return None,
            };
            total += d * u;
            last_unit = u;
            zero = false;
        } else {
            return None;
        }
    }
    match pending {
        Some(d) if !zero && last_unit != u32::MAX && last_unit > 10 => Some(total + d * last_unit / 10),
        Some(d) => Some(total + d),
        None if last_unit == u32::MAX && !zero => None,
        None => Some(total),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_count, parse_whole};

    #[test]
    fn whole_numbers_keep_their_sign() {
        assert_eq!(parse_whole("-1"), Some(-1));
        assert_eq!(parse_whole(" -三 "), Some(-3));
        assert_eq!(parse_whole("3份"), Some(3));
        assert_eq!(parse_whole("--1"), None);
        assert_eq!(parse_whole("abc"), None);
    }

    #[test]
    fn chinese_numerals_one_to_ten_and_beyond() {
        for (i, n) in ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"].iter().enumerate() {
            assert_eq!(parse_count(n), Some(i as u32 + 1), "{n}");
        }
        for (text, n) in [
            ("两", 2),
            ("十二", 12),
            ("二十", 20),
            ("二十一", 21),
            ("九十九", 99),
            ("一百", 100),
            ("一百零五", 105),
            ("一百二", 120),
            ("两百", 200),
            ("一千零一", 1001),
            ("零", 0),
        ] {
            assert_eq!(parse_count(text), Some(n), "{text}");
        }
    }

    #[test]
    fn digits_full_width_and_measure_words() {
        for (text, n) in [
            ("3", 3),
            ("３", 3),
            ("１２", 12),
            (" 7 ", 7),
            ("3人", 3),
            ("3口人", 3),
            ("三口人", 3),
            ("两个人", 2),
            ("五 人", 5),
            ("三份", 3),
            ("3份", 3),
            ("２袋", 2),
            ("十斤", 10),
        ] {
            assert_eq!(parse_count(text), Some(n), "{text}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for text in
            ["3.5", "-1", "+3", "abc", "three", "", "   ", "人", "份", "三三", "十十", "百", "3三", "99999999999"]
        {
            assert_eq!(parse_count(text), None, "{text}");
        }
    }
}
