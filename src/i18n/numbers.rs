//! Counts as people type them (temporary: replaced by the shared parser at merge).

/// "3", "３", "3份", "三" → 3.
pub fn parse_count(raw: &str) -> Option<i64> {
    let ascii: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    let core =
        ["份", "个", "袋", "斤", "瓶", "盒"].iter().fold(ascii.trim(), |s, unit| s.trim_end_matches(unit)).trim();
    if let Ok(n) = core.parse::<i64>() {
        return Some(n);
    }
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as i64);
    let chars: Vec<char> = core.chars().collect();
    match chars.as_slice() {
        [d] => digit(*d),
        _ => None,
    }
}
