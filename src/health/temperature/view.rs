//! How temperatures, slots and symptoms read, and the keyboards of the reporting
//! dialogue, in the reader's language.

use chrono::Datelike;
use rust_i18n::t;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::{button, cancel_button};
use crate::health::temperature::buttons::Cb;
use crate::health::temperature::model::{quick_values, SlotOf, Symptom, Symptoms, TempError, Temperature};
use crate::health::temperature::store::Member;
use crate::i18n::Lang;

/// "11月29日上午" / "29 Nov, morning".
pub fn slot_label(lang: Lang, at: SlotOf) -> String {
    let (l, d) = (lang.code(), at.day);
    let slot = t!(at.slot.key(), locale = l);
    match lang {
        Lang::ZhCn => format!("{}月{}日{slot}", d.month(), d.day()),
        Lang::En => format!("{}, {slot}", d.format("%-d %b")),
    }
}

/// "36.5℃".
pub fn degrees(t: Temperature) -> String {
    format!("{}℃", t.celsius())
}

/// "咳嗽、乏力" / "cough, fatigue", or "无症状" / "no symptoms".
pub fn symptoms(lang: Lang, s: Symptoms) -> String {
    let l = lang.code();
    if s.is_empty() {
        return t!("temperature.symptom.none", locale = l).into_owned();
    }
    let names: Vec<String> = s.list().map(|x| t!(x.key(), locale = l).into_owned()).collect();
    names.join(if lang == Lang::ZhCn { "、" } else { ", " })
}

/// The refusal of a typed temperature (the question follows it).
pub fn temp_error(lang: Lang, e: TempError) -> String {
    let l = lang.code();
    let (min, max) = (tenths(Temperature::MIN), tenths(Temperature::MAX));
    match e {
        TempError::NotANumber => t!("temperature.invalid.not_a_number", locale = l).into_owned(),
        TempError::TooLow => t!("temperature.invalid.too_low", locale = l, min = min).into_owned(),
        TempError::TooHigh => t!("temperature.invalid.too_high", locale = l, max = max).into_owned(),
    }
}

/// "37.3" from tenths.
pub fn tenths(x: u16) -> String {
    format!("{}.{}", x / 10, x % 10)
}

/// A prompt's buttons: 36.2 … 37.2, then "≥ 37.3" (the fever setting) and "other", each
/// carrying the prompt's day and slot.
pub fn prompt_keyboard(lang: Lang, at: SlotOf, fever_tenths: u16) -> InlineKeyboardMarkup {
    let day = at.day_number();
    let quick: Vec<InlineKeyboardButton> =
        quick_values().map(|x| button(tenths(x), Cb::Quick { day, slot: at.slot, tenths: x })).collect();
    let mut rows: Vec<Vec<InlineKeyboardButton>> = quick.chunks(4).map(<[_]>::to_vec).collect();
    rows.push(vec![
        button(
            t!("temperature.prompt.fever_button", locale = lang.code(), fever = tenths(fever_tenths)),
            Cb::Other { day, slot: at.slot },
        ),
        button(t!("temperature.prompt.other_button", locale = lang.code()), Cb::Other { day, slot: at.slot }),
    ]);
    InlineKeyboardMarkup::new(rows)
}

/// "For whom?": the account itself, then each member.
pub fn whom_keyboard(lang: Lang, members: &[Member]) -> InlineKeyboardMarkup {
    let mut rows = vec![vec![button(t!("temperature.whom.me", locale = lang.code()), Cb::Whom(0))]];
    rows.extend(members.iter().map(|m| vec![button(m.name.clone(), Cb::Whom(m.id))]));
    rows.push(vec![cancel_button(lang)]);
    InlineKeyboardMarkup::new(rows)
}

/// The symptoms, ticked as chosen, then "none" and "done".
pub fn symptoms_keyboard(lang: Lang, chosen: Symptoms) -> InlineKeyboardMarkup {
    let l = lang.code();
    let toggles = Symptom::ALL
        .into_iter()
        .map(|s| {
            let mark = if chosen.has(s) { "✅ " } else { "" };
            button(format!("{mark}{}", t!(s.key(), locale = l)), Cb::Toggle(s))
        })
        .collect();
    InlineKeyboardMarkup::new(vec![
        toggles,
        vec![
            button(t!("temperature.symptom.none_button", locale = l), Cb::NoSymptoms),
            button(t!("temperature.symptom.done_button", locale = l), Cb::SymptomsDone),
        ],
        vec![cancel_button(lang)],
    ])
}
