//! When to send a scheduled notice, read the way officials type it.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// "8点", "8点半", "晚上8点30", "下午3点15分" as people say them.
fn spoken_time(s: &str) -> Option<NaiveTime> {
    let (pm, rest) = if let Some(r) = ["下午", "晚上", "傍晚"].iter().find_map(|p| s.strip_prefix(p)) {
        (true, r)
    } else {
        (false, ["上午", "早上", "早晨", "中午"].iter().find_map(|p| s.strip_prefix(p)).unwrap_or(s))
    };
    let (hour, minutes) = rest.split_once('点')?;
    let mut hour: u32 = hour.trim().parse().ok()?;
    let minutes = minutes.trim().trim_end_matches('分');
    let minute: u32 = match minutes {
        "" | "整" => 0,
        "半" => 30,
        m => m.parse().ok()?,
    };
    if pm && hour < 12 {
        hour += 12;
    }
    NaiveTime::from_hms_opt(hour, minute, 0)
}

#[derive(Debug, PartialEq, Eq)]
pub enum WhenError {
    Unreadable,
    Past,
    TooFar,
}

/// "20:30" (today, or tomorrow if that has passed), "明天 8:00" / "tomorrow 8:00", or
/// "2026-12-01 08:00", in the community's zone; at most 30 days ahead.
pub fn parse_when(
    input: &str,
    now: chrono::DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Result<chrono::DateTime<Utc>, WhenError> {
    let text = input.trim().replace('：', ":");
    let today = now.with_timezone(&tz).date_naive();
    let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok().or_else(|| spoken_time(s.trim()));
    let lower = text.to_lowercase();
    let text = text.strip_prefix("今天").or_else(|| lower.strip_prefix("today")).unwrap_or(&text).trim().to_owned();
    let lower = text.to_lowercase();
    let tomorrow = text.strip_prefix("明天").or_else(|| lower.strip_prefix("tomorrow"));
    let local: NaiveDateTime = if let Ok(dt) = NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M") {
        dt
    } else if let Some(rest) = tomorrow {
        let t = time(rest).ok_or(WhenError::Unreadable)?;
        today.succ_opt().ok_or(WhenError::Unreadable)?.and_time(t)
    } else {
        let t = time(&text).ok_or(WhenError::Unreadable)?;
        let candidate = today.and_time(t);
        if tz.from_local_datetime(&candidate).earliest().is_some_and(|c| c > now) {
            candidate
        } else {
            today.succ_opt().unwrap_or(NaiveDate::MAX).and_time(t)
        }
    };
    let at = tz.from_local_datetime(&local).earliest().ok_or(WhenError::Unreadable)?.with_timezone(&Utc);
    if at <= now {
        return Err(WhenError::Past);
    }
    if at > now + Duration::days(30) {
        return Err(WhenError::TooFar);
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> chrono::DateTime<Utc> {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn times_are_read_in_the_community_zone() {
        let tz = chrono_tz::Asia::Shanghai;
        let now = utc("2026-11-27T02:00:00Z"); // 10:00 in Shanghai
        assert_eq!(parse_when("20:30", now, tz), Ok(utc("2026-11-27T12:30:00Z")));
        assert_eq!(parse_when("08：00", now, tz), Ok(utc("2026-11-28T00:00:00Z")), "passed today → tomorrow");
        assert_eq!(parse_when("明天 8:00", now, tz), Ok(utc("2026-11-28T00:00:00Z")));
        assert_eq!(parse_when("tomorrow 8:00", now, tz), Ok(utc("2026-11-28T00:00:00Z")));
        assert_eq!(parse_when("2026-12-01 08:00", now, tz), Ok(utc("2026-12-01T00:00:00Z")));
        assert_eq!(parse_when("2026-11-01 08:00", now, tz), Err(WhenError::Past));
        assert_eq!(parse_when("2027-06-01 08:00", now, tz), Err(WhenError::TooFar));
        assert_eq!(parse_when("soon", now, tz), Err(WhenError::Unreadable));
        assert_eq!(parse_when("晚上8点半", now, tz), Ok(utc("2026-11-27T12:30:00Z")));
        assert_eq!(parse_when("今天 20:30", now, tz), Ok(utc("2026-11-27T12:30:00Z")));
        assert_eq!(parse_when("明天8点", now, tz), Ok(utc("2026-11-28T00:00:00Z")));
        assert_eq!(parse_when("下午3点15分", now, tz), Ok(utc("2026-11-27T07:15:00Z")));
    }
}
