//! The two languages. Chinese first: Telegram reports `zh`, `zh-hans`, `zh-hant`, `zh-CN`…
//! and all of them map to zh-CN; anything else is English. The locale is passed to every
//! `t!` call (`locale = lang.code()`), never set process-wide, because one process serves
//! people in both languages at once.

use serde::{Deserialize, Serialize};

pub mod numbers;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The locale code used by `locales/*.yml` and stored in `users.lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "zh-CN" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Telegram's `language_code` (an IETF tag) → our language; `None` when unknown.
    pub fn from_telegram(code: Option<&str>) -> Option<Lang> {
        let code = code?.trim().to_ascii_lowercase();
        if code.is_empty() {
            return None;
        }
        if code == "zh" || code.starts_with("zh-") || code.starts_with("zh_") {
            Some(Lang::ZhCn)
        } else {
            Some(Lang::En)
        }
    }

    /// Two-letter code for Telegram's per-language command menus.
    pub fn telegram_code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh",
            Lang::En => "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_variants_map_to_zh_cn() {
        for code in ["zh", "zh-hans", "zh-hant", "zh-CN", "ZH-TW", "zh_Hans"] {
            assert_eq!(Lang::from_telegram(Some(code)), Some(Lang::ZhCn), "{code}");
        }
    }

    #[test]
    fn other_languages_map_to_english_and_missing_is_none() {
        assert_eq!(Lang::from_telegram(Some("en")), Some(Lang::En));
        assert_eq!(Lang::from_telegram(Some("ru")), Some(Lang::En));
        assert_eq!(Lang::from_telegram(Some("")), None);
        assert_eq!(Lang::from_telegram(None), None);
    }

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
    }
}
