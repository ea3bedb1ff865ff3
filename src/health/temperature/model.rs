//! Temperature rules without SQL or Telegram: a temperature as people type it (in either
//! scale, in digits or Chinese numerals), the two daily slots, symptoms, fever. Elderly
//! residents answer the way they speak ("三十六度五", "37度2"), and some thermometers read
//! Fahrenheit; all of it becomes tenths of a degree Celsius here, in one place.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// A human body temperature in tenths of a degree Celsius (365 = 36.5 °C), within
/// [`Temperature::MIN`]–[`Temperature::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Temperature(u16);

/// Why a typed temperature is refused; the view says each in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TempError {
    /// Not a number the bot reads.
    NotANumber,
    /// Below [`Temperature::MIN`] (a thermometer misread, or not a body temperature).
    TooLow,
    /// Above [`Temperature::MAX`].
    TooHigh,
}

/// Fahrenheit numbers a bare value is read as (a body temperature of 34–42 °C is
/// 93.2–107.6 °F; no Celsius reading is that high).
const FAHRENHEIT: std::ops::RangeInclusive<f64> = 93.0..=108.0;

impl Temperature {
    /// The lowest and highest readings accepted (34.0 °C and 42.5 °C): outside this a
    /// living person's reading is a mistake.
    pub const MIN: u16 = 340;
    pub const MAX: u16 = 425;

    pub fn from_tenths(tenths: u16) -> Result<Self, TempError> {
        match tenths {
            t if t < Self::MIN => Err(TempError::TooLow),
            t if t > Self::MAX => Err(TempError::TooHigh),
            t => Ok(Self(t)),
        }
    }

    pub fn tenths(self) -> u16 {
        self.0
    }

    /// "36.5".
    pub fn celsius(self) -> String {
        format!("{}.{}", self.0 / 10, self.0 % 10)
    }

    /// A temperature as typed: "36.5", "36,5", "36.5度", "36.5℃", "36.5°C", "三十六度五",
    /// "三十六点五", "三十七度", "37度2", full-width digits; "97.7°F", "97.7F", "华氏97.7"
    /// converted to Celsius (to 0.1); a bare number of 93–108 is Fahrenheit.
    pub fn parse(raw: &str) -> Result<Self, TempError> {
        let (value, scale) = read_number(raw).ok_or(TempError::NotANumber)?;
        let fahrenheit = match scale {
            Scale::Fahrenheit => true,
            Scale::Celsius => false,
            Scale::Unsaid => FAHRENHEIT.contains(&value),
        };
        let celsius = if fahrenheit { (value - 32.0) * 5.0 / 9.0 } else { value };
        let tenths = (celsius * 10.0).round();
        if tenths < f64::from(Self::MIN) {
            return Err(TempError::TooLow);
        }
        if tenths > f64::from(Self::MAX) {
            return Err(TempError::TooHigh);
        }
        Self::from_tenths(tenths as u16)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scale {
    Celsius,
    Fahrenheit,
    Unsaid,
}

/// The number and the scale it names, or `None` when it is not a number.
fn read_number(raw: &str) -> Option<(f64, Scale)> {
    let mut s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match crate::i18n::dates::ascii_digit(c) {
            '，' | ',' | '。' | '．' | '点' | '點' => '.',
            'Ｆ' => 'f',
            'Ｃ' => 'c',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let mut scale = Scale::Unsaid;
    for (marks, named) in [
        (&["华氏度", "华氏", "°f", "℉", "f"][..], Scale::Fahrenheit),
        (&["摄氏度", "摄氏", "°c", "℃", "c", "°"][..], Scale::Celsius),
    ] {
        for mark in marks {
            if let Some(rest) = s.strip_prefix(mark).or_else(|| s.strip_suffix(mark)) {
                s = rest.to_owned();
                scale = named;
                break;
            }
        }
        if scale != Scale::Unsaid {
            break;
        }
    }
    // "36.5度", "三十七度", "三十六度五", "37度2": 度 is the unit, or the point.
    if let Some(rest) = s.strip_suffix('度') {
        s = rest.to_owned();
        if scale == Scale::Unsaid {
            scale = Scale::Celsius;
        }
    } else if s.contains('度') {
        s = s.replacen('度', ".", 1);
        if scale == Scale::Unsaid {
            scale = Scale::Celsius;
        }
    }
    let (whole, fraction) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() {
        return None;
    }
    // Digits or numerals only: the counting parser would also take "36个".
    if !whole.chars().all(|c| c.is_ascii_digit() || "零一二两三四五六七八九十百".contains(c)) {
        return None;
    }
    let whole = crate::i18n::numbers::parse_count(whole)?;
    let mut value = f64::from(whole);
    let mut place = 0.1;
    for c in fraction.chars().take(3) {
        let d = c.to_digit(10).or_else(|| "零一二三四五六七八九".chars().position(|z| z == c).map(|p| p as u32))?;
        value += f64::from(d) * place;
        place /= 10.0;
    }
    if fraction.chars().count() > 3 {
        return None;
    }
    Some((value, scale))
}

/// Fever: at or above the setting (`HealthRules::fever_tenths`, 373 = 37.3 °C).
pub fn is_fever(t: Temperature, fever_tenths: u16) -> bool {
    t.tenths() >= fever_tenths
}

/// The quick answers under a prompt, in tenths: 36.2 … 37.2.
pub fn quick_values() -> impl Iterator<Item = u16> {
    362..=372
}

/// The two reports of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum Slot {
    Morning,
    Afternoon,
}

impl Slot {
    pub const ALL: [Slot; 2] = [Slot::Morning, Slot::Afternoon];

    pub fn code(self) -> &'static str {
        match self {
            Slot::Morning => "m",
            Slot::Afternoon => "a",
        }
    }

    pub fn from_code(s: &str) -> Option<Slot> {
        Slot::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Locale key of its name ("上午" / "morning").
    pub fn key(self) -> &'static str {
        match self {
            Slot::Morning => "temperature.slot.morning",
            Slot::Afternoon => "temperature.slot.afternoon",
        }
    }

    /// The slot a local time of day belongs to: before the afternoon prompt, the morning.
    pub fn at(local: NaiveTime, afternoon_at: NaiveTime) -> Slot {
        if local < afternoon_at {
            Slot::Morning
        } else {
            Slot::Afternoon
        }
    }
}

crate::coded_field!(Slot);

/// A day and its slot: what a report is for, and what a prompt's buttons carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotOf {
    pub day: NaiveDate,
    pub slot: Slot,
}

impl SlotOf {
    /// The day as a button field (days since the common era).
    pub fn day_number(self) -> i64 {
        i64::from(chrono::Datelike::num_days_from_ce(&self.day))
    }

    pub fn from_day_number(day: i64, slot: Slot) -> Option<SlotOf> {
        let day = NaiveDate::from_num_days_from_ce_opt(i32::try_from(day).ok()?)?;
        Some(SlotOf { day, slot })
    }
}

/// The slot `now` belongs to in the community's zone.
pub fn slot_at(now: DateTime<Utc>, tz: chrono_tz::Tz, afternoon_at: NaiveTime) -> SlotOf {
    let local = now.with_timezone(&tz);
    SlotOf { day: local.date_naive(), slot: Slot::at(local.time(), afternoon_at) }
}

/// How many of the day's prompts (`morning_at`, `afternoon_at`) have passed at `local`.
pub fn prompts_passed(local: NaiveTime, morning_at: NaiveTime, afternoon_at: NaiveTime) -> u8 {
    u8::from(local >= morning_at) + u8::from(local >= afternoon_at)
}

/// "08:00" as a time of day (the settings are checked at start; midnight otherwise).
pub fn hhmm(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap_or(NaiveTime::MIN)
}

/// One symptom asked about with the temperature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Symptom {
    Cough,
    SoreThroat,
    Fatigue,
}

impl Symptom {
    pub const ALL: [Symptom; 3] = [Symptom::Cough, Symptom::SoreThroat, Symptom::Fatigue];

    pub fn code(self) -> &'static str {
        match self {
            Symptom::Cough => "c",
            Symptom::SoreThroat => "s",
            Symptom::Fatigue => "f",
        }
    }

    pub fn from_code(s: &str) -> Option<Symptom> {
        Symptom::ALL.into_iter().find(|k| k.code() == s)
    }

    fn bit(self) -> u8 {
        match self {
            Symptom::Cough => 1,
            Symptom::SoreThroat => 2,
            Symptom::Fatigue => 4,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Symptom::Cough => "temperature.symptom.cough",
            Symptom::SoreThroat => "temperature.symptom.sore_throat",
            Symptom::Fatigue => "temperature.symptom.fatigue",
        }
    }
}

crate::coded_field!(Symptom);

/// The symptoms of a report (`temperature_reports.symptoms`); empty is "none".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Symptoms(u8);

impl Symptoms {
    pub const NONE: Symptoms = Symptoms(0);

    pub fn from_bits(bits: i64) -> Symptoms {
        Symptoms(u8::try_from(bits & 7).unwrap_or(0))
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn has(self, s: Symptom) -> bool {
        self.0 & s.bit() != 0
    }

    pub fn toggled(self, s: Symptom) -> Symptoms {
        Symptoms(self.0 ^ s.bit())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn list(self) -> impl Iterator<Item = Symptom> {
        Symptom::ALL.into_iter().filter(move |s| self.has(*s))
    }
}

/// The longest name of a household member, and how many a household may have.
pub const MEMBER_NAME_MAX: usize = 20;
pub const MEMBERS_MAX: usize = 10;

/// Why a member's name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    Empty,
    TooLong,
    /// A command or other text that is not a name.
    NotAName,
}

/// A member's name as typed: trimmed, 1–20 characters, not a command.
pub fn member_name(raw: &str) -> Result<String, NameError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.starts_with('/') || name.chars().any(char::is_control) {
        return Err(NameError::NotAName);
    }
    if name.chars().count() > MEMBER_NAME_MAX {
        return Err(NameError::TooLong);
    }
    Ok(name)
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
