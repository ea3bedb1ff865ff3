//! What a leader types while opening a group buy, read into domain values: the title, the
//! items ("蔬菜套餐 ¥58/份", "鸡蛋 15元/盒", "Veg box 58 box"), the caps, the minimum
//! ("10户", "30 units") and the times ("18:00", "明天 18:00", "11月30日18点"). Pure: no
//! Telegram, no SQL; each answer becomes a value or a [`Mistake`] the dialogue says in words.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::groupbuy::model::{MinKind, Minimum};
use crate::groupbuy::store::NewItem;
use crate::i18n::dates::{ascii_digit, date_text};
use crate::i18n::numbers::parse_count;

pub const TITLE_MAX: usize = 40;
pub const ITEMS_MAX: usize = 10;
pub const NAME_MAX: usize = 30;
pub const UNIT_MAX: usize = 10;
pub const PLACE_MAX: usize = 60;
/// Per household: a family's share of one supplier's case, not a shop's stock.
pub const HOUSEHOLD_CAP_MAX: i64 = 99;
pub const TOTAL_CAP_MAX: i64 = 100_000;
pub const MINIMUM_MAX: i64 = 10_000;
/// Five-figure prices are a typo for a neighbourhood's vegetables.
pub const PRICE_MAX_FEN: i64 = 1_000_000;
/// Neighbours need time to see the offer before it closes.
pub const DEADLINE_LEAD: Duration = Duration::minutes(10);
/// A buy is for this lockdown's week, not next month's.
pub const DEADLINE_DAYS: i64 = 14;
/// The household caps offered as buttons.
pub const HOUSEHOLD_CAPS: [u16; 5] = [1, 2, 3, 5, 10];
/// The minimums offered as buttons.
pub const MINIMUMS: [(MinKind, u16); 4] =
    [(MinKind::Households, 5), (MinKind::Households, 10), (MinKind::Households, 20), (MinKind::Units, 30)];

/// Why an answer was not taken; the dialogue names it and asks again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mistake {
    TitleEmpty,
    TitleTooLong,
    NoItems,
    TooManyItems {
        count: usize,
    },
    /// Line `line` (from 1) of the items, as typed, and what is wrong with it.
    ItemLine {
        line: usize,
        text: String,
        problem: LineProblem,
    },
    HouseholdCap,
    TotalCap,
    TotalBelowHousehold {
        per: i64,
    },
    Minimum,
    /// The minimum could never be reached within the total cap.
    MinimumOverTotal {
        total: i64,
    },
    Time,
    TooSoon,
    TooFar,
    PickupBeforeDeadline,
    Place,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineProblem {
    NoPrice,
    NoName,
    NoUnit,
    Price,
    NameTooLong,
    UnitTooLong,
}

/// The title: 1–40 characters, one line.
pub fn parse_title(raw: &str) -> Result<String, Mistake> {
    let title = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match title.chars().count() {
        0 => Err(Mistake::TitleEmpty),
        n if n > TITLE_MAX => Err(Mistake::TitleTooLong),
        _ => Ok(title),
    }
}

/// One item per line: a name, a price in yuan, a unit. Blank lines are skipped.
pub fn parse_items(raw: &str) -> Result<Vec<NewItem>, Mistake> {
    let lines: Vec<&str> = raw.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        return Err(Mistake::NoItems);
    }
    if lines.len() > ITEMS_MAX {
        return Err(Mistake::TooManyItems { count: lines.len() });
    }
    lines
        .iter()
        .enumerate()
        .map(|(n, line)| {
            parse_item(line).map_err(|problem| Mistake::ItemLine { line: n + 1, text: (*line).to_owned(), problem })
        })
        .collect()
}

/// A number as it may be written in a price: digits with at most one point.
#[derive(Debug, Clone, Copy)]
struct Number {
    start: usize,
    end: usize,
    /// Written right after "¥".
    after_yuan_sign: bool,
    /// Followed by "元" or "块".
    before_yuan: bool,
    after_space: bool,
}

fn numbers(chars: &[char]) -> Vec<Number> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '.')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
            i += 1;
        }
        let before = start.checked_sub(1).map(|p| chars[p]);
        let after = chars[i..].iter().find(|c| !c.is_whitespace()).copied();
        found.push(Number {
            start,
            end: i,
            after_yuan_sign: before == Some('¥'),
            before_yuan: matches!(after, Some('元' | '块')),
            after_space: before.is_some_and(char::is_whitespace),
        });
    }
    found
}

/// "蔬菜套餐 ¥58/份", "鸡蛋 15元/盒", "Veg box 58 box", "牛奶 ￥4.5 瓶". The price is the
/// number after "¥", else the one before "元", else the last one after a space — so a
/// name may hold digits ("5斤装大米 45 袋") and a unit too ("鸡蛋 15元/30枚").
fn parse_item(line: &str) -> Result<NewItem, LineProblem> {
    let chars: Vec<char> = line
        .chars()
        .map(|c| match ascii_digit(c) {
            '￥' => '¥',
            '／' => '/',
            '．' => '.',
            '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    let candidates = numbers(&chars);
    let price = candidates
        .iter()
        .rev()
        .find(|n| n.after_yuan_sign)
        .or_else(|| candidates.iter().rev().find(|n| n.before_yuan))
        .or_else(|| candidates.iter().rev().find(|n| n.after_space))
        .ok_or(LineProblem::NoPrice)?;
    let name_end = if price.after_yuan_sign { price.start - 1 } else { price.start };
    let name: String = chars[..name_end].iter().collect();
    let name = name.trim().trim_end_matches([':', '：', ',', '，', '-']).trim().to_owned();
    let number: String = chars[price.start..price.end].iter().collect();
    let unit: String = chars[price.end..].iter().collect();
    let unit = unit.trim_start();
    let unit = unit.strip_prefix("元").or_else(|| unit.strip_prefix("块")).unwrap_or(unit).trim_start();
    let unit = unit.strip_prefix("yuan").unwrap_or(unit).trim_start();
    let unit = unit.strip_prefix('/').or_else(|| unit.strip_prefix("每")).unwrap_or(unit).trim();
    let unit = unit.strip_prefix("per ").unwrap_or(unit).trim().to_owned();
    if name.is_empty() {
        return Err(LineProblem::NoName);
    }
    if name.chars().count() > NAME_MAX {
        return Err(LineProblem::NameTooLong);
    }
    if unit.is_empty() {
        return Err(LineProblem::NoUnit);
    }
    if unit.chars().count() > UNIT_MAX {
        return Err(LineProblem::UnitTooLong);
    }
    let price_fen = fen(&number).ok_or(LineProblem::Price)?;
    Ok(NewItem { name, unit, price_fen })
}

/// "58" → 5800, "4.5" → 450, "4.50" → 450; more than two decimals, zero or over the
/// maximum → `None`.
fn fen(yuan: &str) -> Option<i64> {
    let (whole, frac) = yuan.split_once('.').unwrap_or((yuan, ""));
    if whole.is_empty() || frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fen = whole.parse::<i64>().ok()?.checked_mul(100)? + format!("{frac:0<2}").parse::<i64>().ok()?;
    (1..=PRICE_MAX_FEN).contains(&fen).then_some(fen)
}

/// Units a household may take: 1–99, "3", "３份", "三".
pub fn parse_household_cap(raw: &str) -> Result<i64, Mistake> {
    parse_count(raw).map(i64::from).filter(|n| (1..=HOUSEHOLD_CAP_MAX).contains(n)).ok_or(Mistake::HouseholdCap)
}

/// The total cap: a number at least the household cap, or "不限" / "no limit" (`None`).
pub fn parse_total_cap(raw: &str, household: i64) -> Result<Option<i64>, Mistake> {
    let text = raw.trim().to_lowercase();
    if ["不限", "不限量", "无", "没有", "no limit", "none", "unlimited"].contains(&text.as_str()) {
        return Ok(None);
    }
    let total =
        parse_count(&text).map(i64::from).filter(|n| (1..=TOTAL_CAP_MAX).contains(n)).ok_or(Mistake::TotalCap)?;
    if total < household {
        return Err(Mistake::TotalBelowHousehold { per: household });
    }
    Ok(Some(total))
}

/// "10户", "10 households", "30份", "30 units"; a bare number counts households.
pub fn parse_minimum(raw: &str) -> Result<Minimum, Mistake> {
    let text = raw.trim().to_lowercase();
    let kinds: [(&str, MinKind); 9] = [
        ("households", MinKind::Households),
        ("household", MinKind::Households),
        ("户", MinKind::Households),
        ("家", MinKind::Households),
        ("units", MinKind::Units),
        ("unit", MinKind::Units),
        ("份", MinKind::Units),
        ("件", MinKind::Units),
        ("箱", MinKind::Units),
    ];
    let (kind, number) = kinds
        .iter()
        .find_map(|(suffix, kind)| text.strip_suffix(suffix).map(|rest| (*kind, rest)))
        .unwrap_or((MinKind::Households, text.as_str()));
    let count = parse_count(number).map(i64::from).filter(|n| (1..=MINIMUM_MAX).contains(n)).ok_or(Mistake::Minimum)?;
    Ok(Minimum { kind, count })
}

/// A minimum the total cap leaves room for: every household takes at least one unit.
pub fn check_minimum(minimum: Minimum, total_cap: Option<i64>) -> Result<(), Mistake> {
    match total_cap {
        Some(total) if minimum.count > total => Err(Mistake::MinimumOverTotal { total }),
        _ => Ok(()),
    }
}

/// "18:00", "18点", "18点半", "晚上8点", "6pm", "6:30 pm".
fn parse_time(raw: &str) -> Option<NaiveTime> {
    let text = raw.trim().replace('：', ":");
    let (mut pm, text) = match ["下午", "晚上", "傍晚"].iter().find_map(|p| text.strip_prefix(p)) {
        Some(rest) => (true, rest.trim()),
        None => {
            (false, ["上午", "早上", "早晨", "中午"].iter().find_map(|p| text.strip_prefix(p)).unwrap_or(&text).trim())
        }
    };
    // "6pm", "9am": a bare hour is taken only with its half of the day.
    let (half_day, text) = match (text.strip_suffix("pm"), text.strip_suffix("am")) {
        (Some(rest), _) => {
            pm = true;
            (true, rest.trim())
        }
        (None, Some(rest)) => (true, rest.trim()),
        (None, None) => (pm, text),
    };
    let (hour, minute) = if let Some((h, m)) = text.split_once(':') {
        (h.trim().parse::<u32>().ok()?, m.trim().parse::<u32>().ok()?)
    } else if let Some((h, m)) = text.split_once('点') {
        let m = match m.trim().trim_end_matches('分') {
            "" | "整" => 0,
            "半" => 30,
            m => m.trim().parse().ok()?,
        };
        (h.trim().parse::<u32>().ok()?, m)
    } else if half_day {
        (text.parse::<u32>().ok()?, 0)
    } else {
        return None;
    };
    let hour = if pm && hour < 12 { hour + 12 } else { hour };
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// A day and time as typed, in the community's zone `tz`: "18:00" (today), "明天 18:00" /
/// "tomorrow 6pm", "后天 9点", "11-30 18:00", "11/30 18:00", "11月30日18点",
/// "2026-11-30 18:00". A month and day without a year is the next one to come.
pub fn parse_at(raw: &str, now: DateTime<Utc>, tz: chrono_tz::Tz) -> Result<DateTime<Utc>, Mistake> {
    let today = now.with_timezone(&tz).date_naive();
    let text = date_text(raw).to_lowercase();
    let text = text.trim();
    let after = |days: i64, rest: &str| (today + Duration::days(days), rest.to_owned());
    let (day, rest) = if let Some(rest) = text.strip_prefix("今天").or_else(|| text.strip_prefix("today")) {
        after(0, rest)
    } else if let Some(rest) = text.strip_prefix("明天").or_else(|| text.strip_prefix("tomorrow")) {
        after(1, rest)
    } else if let Some(rest) = text.strip_prefix("后天") {
        after(2, rest)
    } else if text.starts_with(|c: char| c.is_ascii_digit()) && text.contains('-') {
        let end = text.find(|c: char| !(c.is_ascii_digit() || c == '-')).unwrap_or(text.len());
        (date(text[..end].trim_end_matches('-'), today).ok_or(Mistake::Time)?, text[end..].to_owned())
    } else {
        after(0, text)
    };
    let time = parse_time(&rest).ok_or(Mistake::Time)?;
    let local = day.and_time(time);
    Ok(tz.from_local_datetime(&local).earliest().ok_or(Mistake::Time)?.with_timezone(&Utc))
}

/// "2026-11-30" or "11-30" (this year, or next if that day has passed).
fn date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day);
    }
    let (m, d) = text.split_once('-')?;
    let (m, d) = (m.parse().ok()?, d.parse().ok()?);
    let this = NaiveDate::from_ymd_opt(today.year(), m, d)?;
    if this >= today {
        Some(this)
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, m, d)
    }
}

/// A deadline at least ten minutes ahead and at most 14 days.
pub fn check_deadline(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), Mistake> {
    if at < now + DEADLINE_LEAD {
        Err(Mistake::TooSoon)
    } else if at > now + Duration::days(DEADLINE_DAYS) {
        Err(Mistake::TooFar)
    } else {
        Ok(())
    }
}

/// A pick-up after the deadline, and within 14 days of it.
pub fn check_pickup(at: DateTime<Utc>, deadline: DateTime<Utc>) -> Result<(), Mistake> {
    if at <= deadline {
        Err(Mistake::PickupBeforeDeadline)
    } else if at > deadline + Duration::days(DEADLINE_DAYS) {
        Err(Mistake::TooFar)
    } else {
        Ok(())
    }
}

/// The pick-up place: one line, 1–60 characters.
pub fn parse_place(raw: &str) -> Result<String, Mistake> {
    let place = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match place.chars().count() {
        1..=PLACE_MAX => Ok(place),
        _ => Err(Mistake::Place),
    }
}

/// Which deadline a button offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Tonight,
    TomorrowNoon,
    TomorrowEvening,
}

/// The deadlines offered as buttons: today 20:00 while still ten minutes ahead, tomorrow
/// 12:00 and 20:00.
pub fn deadline_choices(now: DateTime<Utc>, tz: chrono_tz::Tz) -> Vec<(Choice, DateTime<Utc>)> {
    let today = now.with_timezone(&tz).date_naive();
    let at = |day: NaiveDate, hour: u32| {
        NaiveTime::from_hms_opt(hour, 0, 0)
            .and_then(|t| tz.from_local_datetime(&day.and_time(t)).earliest())
            .map(|t| t.with_timezone(&Utc))
    };
    let tomorrow = today + Duration::days(1);
    [
        (Choice::Tonight, at(today, 20)),
        (Choice::TomorrowNoon, at(tomorrow, 12)),
        (Choice::TomorrowEvening, at(tomorrow, 20)),
    ]
    .into_iter()
    .filter_map(|(choice, at)| at.map(|at| (choice, at)))
    .filter(|(_, at)| check_deadline(*at, now).is_ok())
    .collect()
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
