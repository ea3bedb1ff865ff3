//! Settings from the command line and the environment. The bot token is read by
//! teloxide itself (`TELOXIDE_TOKEN`) and never stored or logged here.

use chrono_tz::Tz;

use crate::i18n::Lang;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct Settings {
    /// Telegram user ids with every role in every community.
    pub admins: Vec<i64>,
    /// Zone for showing and scheduling times.
    pub timezone: Tz,
    /// Language for people whose Telegram client reports none.
    pub default_lang: Lang,
}

impl Default for Settings {
    fn default() -> Self {
        Self { admins: Vec::new(), timezone: chrono_tz::Asia::Shanghai, default_lang: Lang::ZhCn }
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
        Ok(Self { admins, timezone, default_lang })
    }

    pub fn is_admin(&self, user_id: i64) -> bool {
        self.admins.contains(&user_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
