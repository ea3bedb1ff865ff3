//! Words for the round: what the shift data says at a checkpoint, what the night's visit
//! found, the kinds of problem.

use rust_i18n::t;

use crate::i18n::Lang;
use crate::shifts::view::hhmm;
use crate::supervision::model::{Duty, Outcome, ProblemKind};
use crate::supervision::store::{Stop, Visited};

pub fn kind(lang: Lang, kind: ProblemKind) -> String {
    t!(kind.key(), locale = lang.code()).into_owned()
}

pub fn name(lang: Lang, stop: &Stop) -> &str {
    lang.pick(&stop.name, &stop.name_en)
}

pub fn community(lang: Lang, stop: &Stop) -> &str {
    lang.pick(&stop.community.0, &stop.community.1)
}

/// "在岗 2/3 人 · 有党员或骨干" or "此时无班次".
pub fn duty(lang: Lang, d: &Duty) -> String {
    let l = lang.code();
    if d.shifts == 0 {
        return t!("supervision.duty.no_shift", locale = l).into_owned();
    }
    let senior = if d.seniors_in > 0 {
        t!("supervision.duty.senior_in", locale = l)
    } else if d.seniors_claimed > 0 {
        t!("supervision.duty.senior_not_in", locale = l)
    } else {
        t!("supervision.duty.no_senior", locale = l)
    };
    t!("supervision.duty.line", locale = l, checked_in = d.checked_in, claimed = d.claimed, senior = senior)
        .into_owned()
}

/// "未查", "✅ 21:05 · 2 人" or "⚠️ 无人在岗 · 21:10".
pub fn visit(lang: Lang, visit: Option<&Visited>, tz: chrono_tz::Tz) -> String {
    let l = lang.code();
    match visit {
        None => t!("supervision.visit.not_yet", locale = l).into_owned(),
        Some(v) => match v.outcome {
            Outcome::OnDuty => {
                t!("supervision.visit.ok", locale = l, time = hhmm(v.at, tz), people = v.people).into_owned()
            }
            Outcome::Problem(k) => {
                t!("supervision.visit.problem", locale = l, time = hhmm(v.at, tz), kind = kind(lang, k)).into_owned()
            }
        },
    }
}

/// The mark before a checkpoint's name on its button.
pub fn mark(visit: Option<&Visited>) -> &'static str {
    match visit.map(|v| v.outcome) {
        None => "▫️",
        Some(Outcome::OnDuty) => "✅",
        Some(Outcome::Problem(_)) => "⚠️",
    }
}
