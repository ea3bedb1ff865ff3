//! Checkpoint shifts: volunteers claim places on the shifts that staff each checkpoint
//! around the clock, and officials see which shifts still have gaps.
//!
//! ```text
//! volunteer → /shifts
//! bot       → 哪一天？ [今天 5月3日] [明天 5月4日] …
//! volunteer → (taps 明天)
//! bot       → 帝湖花园西王府门口 08:00–16:00 1/2 · 需要一名党员 [认领] …
//! volunteer → (taps 认领)
//! bot       → 此班次最后一个名额留给党员或有经验的志愿者   (not a party member, not experienced)
//!          or 已认领：帝湖花园西王府门口 5月4日 08:00–16:00，开始前12小时和1小时会提醒您
//! volunteer → (15 min before start) [签到] or shares a location near the checkpoint
//! official  → alert 15 min after start if nobody checked in; /roster shows gaps
//! ```
//! The rules (capacity, one claim per person, no overlaps, keeping the last place for a
//! party member or experienced volunteer, release cutoff, check-in window, no-shows,
//! hours) live in `model`, free of SQL and Telegram, because the same rules must hold
//! whether a volunteer claims, swaps or an official assigns.

pub mod model;
