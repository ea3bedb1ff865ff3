//! The daily report in words: one line per subject, in the reader's language, with the
//! figures as of when they were taken; a zero report says in words that nothing happened;
//! the last line says where the report stands (to review and submit, submitted by whom
//! and when, late, or submitted automatically).

use chrono::{DateTime, NaiveDate, Utc};
use rust_i18n::t;

use crate::clock::from_millis;
use crate::i18n::Lang;
use crate::reports::figures::DayReport;
use crate::reports::store::Submission;
use crate::shifts::view::{at, day_label};

/// Where a report stands, for its last line.
pub enum Standing<'a> {
    /// Not submitted; `due`: the day's deadline and automatic submission, when still ahead.
    Open {
        due: Option<(String, String)>,
    },
    Submitted(&'a Submission),
}

/// The report's text (plain, one subject per line).
pub fn report(lang: Lang, community: &str, r: &DayReport, standing: &Standing, tz: chrono_tz::Tz) -> String {
    let l = lang.code();
    let as_of = from_millis(r.as_of);
    let mut lines = vec![t!(
        "reports.title",
        locale = l,
        community = community,
        day = day_label(lang, r.day),
        as_of = at(lang, as_of, day_end(r.day, tz), tz)
    )
    .into_owned()];
    if r.is_zero() {
        lines.push(t!("reports.zero", locale = l).into_owned());
    }
    let p = &r.people;
    lines.push(
        t!("reports.people", locale = l, residents = p.residents, households = p.households, registered = p.registered)
            .into_owned(),
    );
    let h = &r.health;
    lines.push(if h.isolated == 0 && h.expected == 0 && h.reported == 0 {
        t!("reports.health_none", locale = l).into_owned()
    } else {
        t!(
            "reports.health",
            locale = l,
            isolated = h.isolated,
            reported = h.reported,
            expected = h.expected,
            fevers = h.fevers
        )
        .into_owned()
    });
    let o = &r.orders;
    let mut orders =
        t!("reports.orders", locale = l, placed = o.placed, delivered = o.delivered, open = o.open).into_owned();
    if let Some(oldest) = o.oldest_open_at {
        orders.push_str(&t!("reports.orders_oldest", locale = l, at = at(lang, from_millis(oldest), as_of, tz)));
    }
    lines.push(orders);
    let e = &r.errands;
    lines.push(t!("reports.errands", locale = l, open = e.open, done = e.done, overdue = e.overdue).into_owned());
    let s = &r.shifts;
    lines.push(if s.total == 0 {
        t!("reports.shifts_none", locale = l).into_owned()
    } else {
        t!(
            "reports.shifts",
            locale = l,
            total = s.total,
            covered = s.covered,
            free = s.free_places,
            no_shows = s.no_shows,
            hours = hours(s.minutes)
        )
        .into_owned()
    });
    let n = &r.notices;
    lines.push(match r.confirmation_percent() {
        None => t!("reports.notices_none", locale = l, sent = n.sent).into_owned(),
        Some(percent) => t!(
            "reports.notices",
            locale = l,
            sent = n.sent,
            recipients = n.recipients,
            confirmed = n.confirmed,
            percent = percent
        )
        .into_owned(),
    });
    lines.extend(round(lang, &r.round));
    lines.push(String::new());
    lines.push(standing_line(lang, standing, as_of, tz));
    lines.join("\n")
}

/// Checkpoints named in the round's line before "and n more".
const NAMES_SHOWN: usize = 8;

/// "🌙 昨晚巡查 11月28日夜：已查 3/4 个卡口 · 问题 1", each problem, who was not visited.
fn round(lang: Lang, round: &crate::reports::figures::Round) -> Vec<String> {
    let l = lang.code();
    let Some(night) = round.night.filter(|_| round.checkpoints > 0) else { return Vec::new() };
    let mut lines = vec![t!(
        "reports.round",
        locale = l,
        night = day_label(lang, night),
        visited = round.visited,
        checkpoints = round.checkpoints,
        problems = round.problems.len()
    )
    .into_owned()];
    for p in &round.problems {
        let mut line = t!(
            "reports.round_problem",
            locale = l,
            checkpoint = p.checkpoint.pick(lang),
            kind = t!(p.kind_key.as_str(), locale = l)
        )
        .into_owned();
        if let Some(note) = p.note.as_deref().filter(|n| !n.is_empty()) {
            line.push_str(&t!("reports.round_note", locale = l, note = note));
        }
        if p.photo {
            line.push_str(" 📷");
        }
        lines.push(line);
    }
    if !round.not_visited.is_empty() {
        let names: Vec<&str> = round.not_visited.iter().take(NAMES_SHOWN).map(|n| n.pick(lang)).collect();
        let mut line =
            t!("reports.round_not_visited", locale = l, names = names.join(lang.pick("、", ", "))).into_owned();
        if round.not_visited.len() > NAMES_SHOWN {
            line.push_str(&t!("reports.round_more", locale = l, count = round.not_visited.len() - NAMES_SHOWN));
        }
        lines.push(line);
    }
    lines
}

/// "✅ 已由 刘敏 于 21:12 提交" / "⏰ … 提交（迟报）" / "🤖 23:00 自动提交" / "请核对…".
pub fn standing_line(lang: Lang, standing: &Standing, now: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let l = lang.code();
    match standing {
        Standing::Open { due: Some((due, auto)) } => {
            t!("reports.standing.open", locale = l, due = due.as_str(), auto = auto.as_str()).into_owned()
        }
        Standing::Open { due: None } => t!("reports.standing.open_late", locale = l).into_owned(),
        Standing::Submitted(s) => {
            let when = at(lang, s.at, now, tz);
            match (&s.by_name, s.late) {
                (None, _) => t!("reports.standing.auto", locale = l, at = when).into_owned(),
                (Some(name), false) => {
                    t!("reports.standing.submitted", locale = l, name = name.as_str(), at = when).into_owned()
                }
                (Some(name), true) => {
                    t!("reports.standing.late", locale = l, name = name.as_str(), at = when).into_owned()
                }
            }
        }
    }
}

/// "12.5" hours from minutes (one decimal, none when whole).
pub fn hours(minutes: i64) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// The last instant of `day` (a time on that day is shown without its date).
fn day_end(day: NaiveDate, tz: chrono_tz::Tz) -> DateTime<Utc> {
    crate::clock::day_bounds(day, tz).1 - chrono::Duration::milliseconds(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_as_people_write_them() {
        assert_eq!(hours(0), "0");
        assert_eq!(hours(480), "8");
        assert_eq!(hours(750), "12.5");
        assert_eq!(hours(61), "1");
        assert_eq!(hours(63), "1.1");
    }

    #[test]
    fn the_time_of_day_is_shown_without_the_date() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let tz = chrono_tz::Asia::Shanghai;
        let t = crate::clock::day_bounds(day, tz).0 + chrono::Duration::hours(21);
        assert_eq!(at(Lang::ZhCn, t, day_end(day, tz), tz), "21:00");
    }
}
