//! Words for isolations: kinds, periods, addresses, the dialogue's questions.

use chrono::NaiveDate;
use rust_i18n::t;

use crate::health::isolation::model::{self, Kind};
use crate::health::isolation::store::Isolation;
use crate::i18n::Lang;
use crate::shifts::view::day_label;

pub fn kind(lang: Lang, kind: Kind) -> String {
    t!(kind.key(), locale = lang.code()).into_owned()
}

/// "11月29日–12月12日（14天）" / "Nov 29–Dec 12 (14 days)".
pub fn period(lang: Lang, start: NaiveDate, end: NaiveDate) -> String {
    t!(
        "isolation.period",
        locale = lang.code(),
        start = day_label(lang, start),
        end = day_label(lang, end),
        days = model::days_in(start, end)
    )
    .into_owned()
}

/// "3号楼 2单元301 · 居家隔离 · 11月29日–12月12日（14天）".
pub fn summary(lang: Lang, address: &str, k: Kind, start: NaiveDate, end: NaiveDate) -> String {
    format!("{address} · {} · {}", kind(lang, k), period(lang, start, end))
}

pub fn of(lang: Lang, iso: &Isolation) -> String {
    summary(lang, &iso.address(lang), iso.kind, iso.starts_on, iso.ends_on)
}

/// "还剩 5 天" / "5 days left" ("最后一天" on the last).
pub fn days_left(lang: Lang, end: NaiveDate, today: NaiveDate) -> String {
    let l = lang.code();
    match model::days_left(end, today) {
        1 => t!("isolation.last_day", locale = l).into_owned(),
        n => t!("isolation.days_left", locale = l, days = n).into_owned(),
    }
}

/// What a refused date says (the question follows it again).
pub fn period_error(lang: Lang, e: model::PeriodError) -> String {
    use model::PeriodError as E;
    let l = lang.code();
    match e {
        E::NotADate => t!("isolation.error.not_a_date", locale = l).into_owned(),
        E::StartTooEarly => t!("isolation.error.start_too_early", locale = l, days = model::MAX_DAYS_BACK).into_owned(),
        E::StartInFuture => t!("isolation.error.start_in_future", locale = l).into_owned(),
        E::EndBeforeStart => t!("isolation.error.end_before_start", locale = l).into_owned(),
        E::EndInPast => t!("isolation.error.end_in_past", locale = l).into_owned(),
        E::TooLong => t!("isolation.error.too_long", locale = l, days = model::MAX_DAYS).into_owned(),
    }
}
