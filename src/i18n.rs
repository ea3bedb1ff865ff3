//! The two languages. Chinese first: Telegram reports `zh`, `zh-hans`, `zh-hant`, `zh-CN`…
//! and all of them map to zh-CN; anything else is English. The locale is passed to every
//! `t!` call (`locale = lang.code()`), never set process-wide, because one process serves
//! people in both languages at once.

use serde::{Deserialize, Serialize};

pub mod dates;
pub mod numbers;

/// English has a singular; Chinese reads the same either way (both keys exist in both
/// files). Both forms are rendered by the caller so every key stays a literal the locale
/// test sees.
pub fn plural(count: i64, one: std::borrow::Cow<'_, str>, other: std::borrow::Cow<'_, str>) -> String {
    if count == 1 { one } else { other }.into_owned()
}

/// "1 person" / "3 people" ("3 人").
pub fn people(lang: Lang, n: impl TryInto<i64>) -> String {
    let (l, n) = (lang.code(), n.try_into().unwrap_or_default());
    plural(
        n,
        rust_i18n::t!("common.people_one", locale = l, count = n),
        rust_i18n::t!("common.people_other", locale = l, count = n),
    )
}

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

    /// The name to show this reader: the English one, when it reads English and there is one.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        if self == Lang::En && !en.trim().is_empty() {
            en
        } else {
            zh
        }
    }

    /// A SQL expression for a name column pair as this reader should see it (the columns
    /// are the caller's constants, never input).
    pub fn sql_pick(self, zh: &str, en: &str) -> String {
        match self {
            Lang::ZhCn => zh.to_owned(),
            Lang::En => format!("coalesce(nullif(trim({en}), ''), {zh})"),
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
