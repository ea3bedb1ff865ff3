//! Settings from the command line and the environment. The bot token is read by
//! teloxide itself (`TELOXIDE_TOKEN`) and never stored or logged here.

use chrono_tz::Tz;

use crate::i18n::Lang;
use crate::{Error, Result};

/// The shift rules officials may want to change (issue 5 calls them configurable).
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftRules {
    /// A volunteer may release a claim until this long before the start.
    pub release_cutoff: chrono::Duration,
    /// Reminders this long before a claimed shift.
    pub reminders: Vec<chrono::Duration>,
    /// The nightly supervision report, community time ("20:00").
    pub nightly_at: String,
}

impl Default for ShiftRules {
    fn default() -> Self {
        Self {
            release_cutoff: crate::shifts::model::RELEASE_CUTOFF,
            reminders: crate::shifts::model::REMINDERS_BEFORE.to_vec(),
            nightly_at: "20:00".to_owned(),
        }
    }
}

impl ShiftRules {
    /// From the settings' text forms: cutoff hours ("2"), reminder hours ("12,1"), "20:00".
    pub fn parse(cutoff_hours: &str, reminder_hours: &str, nightly_at: &str) -> Result<Self> {
        let hours = |s: &str, name: &str| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|h| (0.0..=72.0).contains(h))
                .map(|h| chrono::Duration::minutes((h * 60.0) as i64))
                .ok_or_else(|| Error::Settings(format!("{name} must be hours between 0 and 72, got {s:?}")))
        };
        let release_cutoff = hours(cutoff_hours, "LINLI_RELEASE_CUTOFF_HOURS")?;
        let reminders = reminder_hours
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| hours(s, "LINLI_REMINDER_HOURS"))
            .collect::<Result<Vec<_>>>()?;
        if crate::community::parse_hhmm(nightly_at.trim()).is_none() {
            return Err(Error::Settings(format!("LINLI_NIGHTLY_AT must be HH:MM such as 20:00, got {nightly_at:?}")));
        }
        Ok(Self { release_cutoff, reminders, nightly_at: nightly_at.trim().to_owned() })
    }
}

/// Isolated households' rules (issue 12): when temperatures are asked for, what counts as a
/// fever, when the missing are reminded and the officials told, the daily garbage round.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthRules {
    /// The morning and the afternoon prompt, community time ("08:00", "14:00").
    pub morning_at: String,
    pub afternoon_at: String,
    /// A temperature at or above this, in tenths of a degree Celsius (373 = 37.3 °C).
    pub fever_tenths: u16,
    /// After a prompt: the reminder to those who have not reported, then the officials' list.
    pub remind_after: chrono::Duration,
    pub officials_after: chrono::Duration,
    /// The daily garbage round of each building with isolated households ("09:00"), or
    /// `None` (each household asks).
    pub garbage_round_at: Option<String>,
    /// An urgent errand nobody has claimed is paged again this often.
    pub urgent_repeat: chrono::Duration,
}

impl Default for HealthRules {
    fn default() -> Self {
        Self {
            morning_at: "08:00".to_owned(),
            afternoon_at: "14:00".to_owned(),
            fever_tenths: 373,
            remind_after: chrono::Duration::hours(1),
            officials_after: chrono::Duration::hours(2),
            garbage_round_at: Some("09:00".to_owned()),
            urgent_repeat: chrono::Duration::minutes(10),
        }
    }
}

impl HealthRules {
    /// From the settings' text forms: "08:00,14:00", "37.3", "09:00" or "off".
    pub fn parse(times: &str, fever: &str, garbage_round: &str) -> Result<Self> {
        let hhmm = |s: &str| crate::community::parse_hhmm(s.trim()).map(|_| s.trim().to_owned());
        let (morning_at, afternoon_at) = times
            .split_once(',')
            .and_then(|(a, b)| Some((hhmm(a)?, hhmm(b)?)))
            .filter(|(a, b)| a < b)
            .ok_or_else(|| {
                Error::Settings(format!(
                    "LINLI_TEMPERATURE_TIMES must be two times of day, morning first, such as 08:00,14:00; got {times:?}"
                ))
            })?;
        let fever_tenths = fever
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|c| (35.0..=42.0).contains(c))
            .map(|c| (c * 10.0).round() as u16)
            .ok_or_else(|| {
                Error::Settings(format!("LINLI_FEVER_AT must be degrees Celsius such as 37.3, got {fever:?}"))
            })?;
        let garbage_round_at = match garbage_round.trim() {
            "off" | "" => None,
            at => Some(hhmm(at).ok_or_else(|| {
                Error::Settings(format!("LINLI_GARBAGE_ROUND_AT must be HH:MM such as 09:00, or off; got {at:?}"))
            })?),
        };
        Ok(Self { morning_at, afternoon_at, fever_tenths, garbage_round_at, ..Self::default() })
    }
}

/// The daily report (issue 13): when it is made and sent to the officials, when it is due
/// (a reminder to those who have not submitted; later submissions are "late"), and when a
/// report still not submitted is submitted automatically (marked so). Community time.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRules {
    pub report_at: String,
    pub due_at: String,
    pub auto_at: String,
}

impl Default for ReportRules {
    fn default() -> Self {
        Self { report_at: "21:00".to_owned(), due_at: "22:00".to_owned(), auto_at: "23:00".to_owned() }
    }
}

impl ReportRules {
    /// Three times of day, in this order, all before midnight (a day's report belongs to it).
    pub fn parse(report_at: &str, due_at: &str, auto_at: &str) -> Result<Self> {
        let mut times = Vec::new();
        for (name, at) in [("LINLI_REPORT_AT", report_at), ("LINLI_REPORT_DUE", due_at), ("LINLI_REPORT_AUTO", auto_at)]
        {
            let parsed = crate::community::parse_hhmm(at.trim())
                .ok_or_else(|| Error::Settings(format!("{name} must be HH:MM such as 21:00, got {at:?}")))?;
            times.push((parsed, at.trim().to_owned()));
        }
        if !(times[0].0 < times[1].0 && times[1].0 <= times[2].0) {
            return Err(Error::Settings(format!(
                "the report's times must come in order: LINLI_REPORT_AT ({report_at}) before LINLI_REPORT_DUE ({due_at}), not after LINLI_REPORT_AUTO ({auto_at})"
            )));
        }
        let mut it = times.into_iter().map(|(_, s)| s);
        let (Some(report_at), Some(due_at), Some(auto_at)) = (it.next(), it.next(), it.next()) else {
            return Err(Error::Settings("three report times are needed".to_owned()));
        };
        Ok(Self { report_at, due_at, auto_at })
    }
}

/// Exports for Excel (issue 13): where the files are written, the size of one part (Telegram
/// refuses documents over 50 MB), how long files are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRules {
    /// `LINLI_EXPORT_DIR`; the binary defaults it to `exports/` beside the database file.
    /// `None`: `linli-exports` in the system's temporary folder.
    pub dir: Option<std::path::PathBuf>,
    /// A table's CSV is cut into parts of at most this many bytes, each with the header.
    pub part_bytes: u64,
    /// Files older than this are deleted by the nightly `exports.prune` (the rows stay).
    pub keep: chrono::Duration,
}

impl Default for ExportRules {
    fn default() -> Self {
        Self { dir: None, part_bytes: 45 * 1024 * 1024, keep: chrono::Duration::days(7) }
    }
}

impl ExportRules {
    /// The folder files are written to.
    pub fn dir(&self) -> std::path::PathBuf {
        self.dir.clone().unwrap_or_else(|| std::env::temp_dir().join("linli-exports"))
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Telegram user ids with every role in every community.
    pub admins: Vec<i64>,
    /// Zone for showing and scheduling times.
    pub timezone: Tz,
    /// Language for people whose Telegram client reports none.
    pub default_lang: Lang,
    pub shifts: ShiftRules,
    pub health: HealthRules,
    pub reports: ReportRules,
    pub exports: ExportRules,
    /// When the evening supervision round starts (`LINLI_ROUND_FROM`, community time).
    pub round_from: chrono::NaiveTime,
}

/// `LINLI_ROUND_FROM`: HH:MM, 20:00 when unset.
pub fn round_from(raw: Option<&str>) -> Result<chrono::NaiveTime> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("20:00");
    crate::community::parse_hhmm(raw)
        .and_then(|m| chrono::NaiveTime::from_hms_opt(u32::try_from(m / 60).ok()?, u32::try_from(m % 60).ok()?, 0))
        .ok_or_else(|| Error::Settings(format!("LINLI_ROUND_FROM must be HH:MM such as 20:00, got {raw:?}")))
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            admins: Vec::new(),
            timezone: chrono_tz::Asia::Shanghai,
            default_lang: Lang::ZhCn,
            shifts: ShiftRules::default(),
            health: HealthRules::default(),
            reports: ReportRules::default(),
            round_from: chrono::NaiveTime::from_hms_opt(20, 0, 0).unwrap_or_default(),
            exports: ExportRules::default(),
        }
    }
}

impl Settings {
    /// Builds settings from raw strings (as given by the CLI or the environment), with a
    /// one-line message naming the setting to fix on error.
    pub fn parse(admins: Option<&str>, timezone: Option<&str>, lang: Option<&str>) -> Result<Self> {
        let admins = match admins.map(str::trim).filter(|s| !s.is_empty()) {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|id| {
                    id.trim().parse::<i64>().map_err(|_| {
                        Error::Settings(format!(
                            "LINLI_ADMINS must be comma-separated Telegram user ids (numbers), got {id:?}"
                        ))
                    })
                })
                .collect::<Result<_>>()?,
        };
        let timezone = match timezone.map(str::trim).filter(|s| !s.is_empty()) {
            None => chrono_tz::Asia::Shanghai,
            Some(name) => name.parse::<Tz>().map_err(|_| {
                Error::Settings(format!("LINLI_TZ must be an IANA time zone such as Asia/Shanghai, got {name:?}"))
            })?,
        };
        let default_lang = match lang.map(str::trim).filter(|s| !s.is_empty()) {
            None => Lang::ZhCn,
            Some(code) => Lang::from_code(code)
                .ok_or_else(|| Error::Settings(format!("LINLI_LANG must be zh-CN or en, got {code:?}")))?,
        };
        Ok(Self { admins, timezone, default_lang, ..Self::default() })
    }

    pub fn is_admin(&self, user_id: i64) -> bool {
        self.admins.contains(&user_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_rules_parse_and_name_the_setting() {
        let r = ShiftRules::parse("3", "24, 2, 0.5", "21:30").unwrap();
        assert_eq!(r.release_cutoff, chrono::Duration::hours(3));
        assert_eq!(
            r.reminders,
            vec![chrono::Duration::hours(24), chrono::Duration::hours(2), chrono::Duration::minutes(30)]
        );
        assert_eq!(r.nightly_at, "21:30");
        assert!(ShiftRules::parse("x", "1", "20:00").unwrap_err().to_string().contains("LINLI_RELEASE_CUTOFF_HOURS"));
        assert!(ShiftRules::parse("2", "1,abc", "20:00").unwrap_err().to_string().contains("LINLI_REMINDER_HOURS"));
        assert!(ShiftRules::parse("2", "1", "8pm").unwrap_err().to_string().contains("LINLI_NIGHTLY_AT"));
    }

    #[test]
    fn report_rules_parse_in_order_and_name_the_setting() {
        assert_eq!(ReportRules::parse("21:00", "22:00", "23:00").unwrap(), ReportRules::default());
        let r = ReportRules::parse(" 20:30", "21:30", "21:30").unwrap();
        assert_eq!((r.report_at.as_str(), r.due_at.as_str(), r.auto_at.as_str()), ("20:30", "21:30", "21:30"));
        assert!(ReportRules::parse("9pm", "22:00", "23:00").unwrap_err().to_string().contains("LINLI_REPORT_AT"));
        assert!(ReportRules::parse("21:00", "22:00", "25:00").unwrap_err().to_string().contains("LINLI_REPORT_AUTO"));
        assert!(ReportRules::parse("22:00", "21:00", "23:00").unwrap_err().to_string().contains("in order"));
    }

    #[test]
    fn health_rules_parse_and_name_the_setting() {
        let r = HealthRules::parse("07:30, 15:00", "37.5", "off").unwrap();
        assert_eq!((r.morning_at.as_str(), r.afternoon_at.as_str(), r.fever_tenths), ("07:30", "15:00", 375));
        assert_eq!(r.garbage_round_at, None);
        assert_eq!(HealthRules::parse("08:00,14:00", "37.3", "09:00").unwrap(), HealthRules::default());
        for (times, fever, round, setting) in [
            ("14:00,08:00", "37.3", "off", "LINLI_TEMPERATURE_TIMES"),
            ("08:00", "37.3", "off", "LINLI_TEMPERATURE_TIMES"),
            ("08:00,14:00", "hot", "off", "LINLI_FEVER_AT"),
            ("08:00,14:00", "99", "off", "LINLI_FEVER_AT"),
            ("08:00,14:00", "37.3", "9am", "LINLI_GARBAGE_ROUND_AT"),
        ] {
            let err = HealthRules::parse(times, fever, round).unwrap_err().to_string();
            assert!(err.contains(setting), "{times} {fever} {round}: {err}");
        }
    }

    #[test]
    fn defaults_are_shanghai_and_chinese() {
        let s = Settings::parse(None, None, None).unwrap();
        assert_eq!(s.timezone, chrono_tz::Asia::Shanghai);
        assert_eq!(s.default_lang, Lang::ZhCn);
        assert!(s.admins.is_empty());
    }

    #[test]
    fn admins_are_parsed_and_bad_ones_name_the_setting() {
        let s = Settings::parse(Some(" 1, 22 ,333"), Some("Europe/Berlin"), Some("en")).unwrap();
        assert_eq!(s.admins, vec![1, 22, 333]);
        assert!(s.is_admin(22) && !s.is_admin(2));
        let err = Settings::parse(Some("12,abc"), None, None).unwrap_err().to_string();
        assert!(err.contains("LINLI_ADMINS"), "{err}");
        let err = Settings::parse(None, Some("Mars/Base"), None).unwrap_err().to_string();
        assert!(err.contains("LINLI_TZ"), "{err}");
        let err = Settings::parse(None, None, Some("fr")).unwrap_err().to_string();
        assert!(err.contains("LINLI_LANG"), "{err}");
    }
}
