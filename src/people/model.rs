//! Pure types and rules of the people slice: roles, volunteer skills, and the validated
//! values a resident types during registration. No IO here, so plain tests reach it.

use serde::{Deserialize, Serialize};

use crate::i18n::numbers::parse_whole;

/// Roles scoped to one community. (Resident is its own table; administrator comes from
/// settings and spans every community.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(rename_all = "lowercase")]
pub enum Role {
    Volunteer,
    Official,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Volunteer, Role::Official];

    pub fn code(self) -> &'static str {
        match self {
            Role::Volunteer => "volunteer",
            Role::Official => "official",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        match code {
            "volunteer" => Some(Role::Volunteer),
            "official" => Some(Role::Official),
            _ => None,
        }
    }
}

/// Where a membership stands: a volunteer fills a profile, then waits for approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(rename_all = "lowercase")]
pub enum MembershipStatus {
    Profile,
    Pending,
    Approved,
    Rejected,
}

impl MembershipStatus {
    pub fn code(self) -> &'static str {
        match self {
            MembershipStatus::Profile => "profile",
            MembershipStatus::Pending => "pending",
            MembershipStatus::Approved => "approved",
            MembershipStatus::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "profile" => Some(Self::Profile),
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Skill {
    Medical,
    Driver,
    Counselling,
    Carrying,
    Phones,
}

impl Skill {
    pub const ALL: [Skill; 5] = [Skill::Medical, Skill::Driver, Skill::Counselling, Skill::Carrying, Skill::Phones];

    pub fn code(self) -> &'static str {
        match self {
            Skill::Medical => "medical",
            Skill::Driver => "driver",
            Skill::Counselling => "counselling",
            Skill::Carrying => "carrying",
            Skill::Phones => "phones",
        }
    }

    pub fn from_code(code: &str) -> Option<Skill> {
        Skill::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Skills as stored: comma-separated codes, unknown codes ignored.
    pub fn parse_list(list: &str) -> Vec<Skill> {
        list.split(',').filter_map(Skill::from_code).collect()
    }

    pub fn join(skills: &[Skill]) -> String {
        skills.iter().map(|s| s.code()).collect::<Vec<_>>().join(",")
    }
}

/// The resident fields `/me` can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileField {
    /// Moving to another community: registration runs again (roles are kept).
    Community,
    Building,
    UnitRoom,
    Household,
    Phone,
}

impl ProfileField {
    pub const ALL: [ProfileField; 5] = [
        ProfileField::Community,
        ProfileField::Building,
        ProfileField::UnitRoom,
        ProfileField::Household,
        ProfileField::Phone,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProfileField::Community => "c",
            ProfileField::Building => "b",
            ProfileField::UnitRoom => "u",
            ProfileField::Household => "h",
            ProfileField::Phone => "p",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// Why a typed answer was not accepted. Each maps to a localized reason (`people.invalid.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputError {
    Empty,
    TooLong {
        max: usize,
    },
    NotANumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    BadPhone,
    /// Only emoji, symbols or punctuation where an address is expected.
    NoLettersOrDigits,
}

/// Format characters that show nothing: zero-width spaces and joiners, direction marks,
/// the word joiner family, the byte-order mark, the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Unit and room as the resident writes them ("3单元502", "2-301").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRoom(String);

impl UnitRoom {
    pub const MAX_CHARS: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        // A zero-width space pasted from a chat looks empty but is not: invisible format
        // characters go first, then runs of whitespace become one space.
        let visible: String = raw.chars().filter(|c| !is_invisible(*c)).collect();
        let text = visible.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(InputError::Empty);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(InputError::TooLong { max: Self::MAX_CHARS });
        }
        // "🏠🏠🏠" or "…" is no address a volunteer can find.
        if !text.chars().any(char::is_alphanumeric) {
            return Err(InputError::NoLettersOrDigits);
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A household within its building: the unit/room without spaces, in lower case ("2单元 301"
/// and "2单元301" are one household). Orders count their per-day limits by it and an
/// isolation covers everyone registered at it; `residents.household` stores it.
pub fn household_key(unit_room: &str) -> String {
    unit_room.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// People living in the household, 1–20.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdSize(u8);

impl HouseholdSize {
    pub const MIN: i64 = 1;
    pub const MAX: i64 = 20;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(InputError::Empty);
        }
        // "3人", "三口人", "３": read as spoken, in one place shared with order quantities;
        // "-1" is a number, only not a household: it gets the range, not "a number".
        let n = parse_whole(text).ok_or(InputError::NotANumber)?;
        if !(Self::MIN..=Self::MAX).contains(&n) {
            return Err(Self::out_of_range());
        }
        Ok(Self(u8::try_from(n).map_err(|_| InputError::NotANumber)?))
    }

    fn out_of_range() -> InputError {
        InputError::OutOfRange { min: Self::MIN, max: Self::MAX }
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

/// A phone number: digits with an optional leading `+`, 5–20 digits, separators dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(InputError::Empty);
        }
        let plus = text.starts_with('+');
        let body = text.trim_start_matches('+');
        if !body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')')) {
            return Err(InputError::BadPhone);
        }
        let digits: String = body.chars().filter(char::is_ascii_digit).collect();
        if !(5..=20).contains(&digits.len()) {
            return Err(InputError::BadPhone);
        }
        Ok(Self(if plus { format!("+{digits}") } else { digits }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Shown to the person themself: the middle hidden, as Chinese apps do.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() <= 7 {
            return self.0.clone();
        }
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_household_is_its_unit_and_room_without_spaces() {
        assert_eq!(household_key(" 2单元 301 "), "2单元301");
        assert_eq!(household_key("3-2-301"), household_key("3-2-301\u{3000}"));
        assert_eq!(household_key("A 1"), household_key("a1"));
    }

    #[test]
    fn unit_room_trims_and_limits() {
        assert_eq!(UnitRoom::parse("  3单元   502 ").unwrap().as_str(), "3单元 502");
        assert_eq!(UnitRoom::parse("   "), Err(InputError::Empty));
        assert_eq!(UnitRoom::parse(&"室".repeat(33)), Err(InputError::TooLong { max: 32 }));
        assert!(UnitRoom::parse(&"室".repeat(32)).is_ok());
    }

    #[test]
    fn unit_room_refuses_invisible_and_emoji_only_answers() {
        for invisible in ["\u{200B}", " \u{200B}\u{200C}\u{200D} ", "\u{FEFF}", "\u{2060}\u{3000}"] {
            assert_eq!(UnitRoom::parse(invisible), Err(InputError::Empty), "{invisible:?}");
        }
        for symbols in ["🏠🏠🏠", "…", "🏠 ❤️", "——"] {
            assert_eq!(UnitRoom::parse(symbols), Err(InputError::NoLettersOrDigits), "{symbols}");
        }
        assert_eq!(UnitRoom::parse("\u{200B}2单元\u{200D}301\u{FEFF}").unwrap().as_str(), "2单元301");
        assert_eq!(UnitRoom::parse("🏠 2-301").unwrap().as_str(), "🏠 2-301");
        assert_eq!(UnitRoom::parse("B座").unwrap().as_str(), "B座");
    }

    #[test]
    fn household_size_accepts_1_to_20_including_full_width() {
        assert_eq!(HouseholdSize::parse("3").unwrap().get(), 3);
        assert_eq!(HouseholdSize::parse("１２").unwrap().get(), 12);
        assert_eq!(HouseholdSize::parse("0"), Err(InputError::OutOfRange { min: 1, max: 20 }));
        assert_eq!(HouseholdSize::parse("21"), Err(InputError::OutOfRange { min: 1, max: 20 }));
        assert_eq!(HouseholdSize::parse("-1"), Err(InputError::OutOfRange { min: 1, max: 20 }));
        assert_eq!(HouseholdSize::parse("3.5"), Err(InputError::NotANumber));
        assert_eq!(HouseholdSize::parse("three"), Err(InputError::NotANumber));
        for (spoken, n) in
            [("3人", 3), ("3口人", 3), ("三", 3), ("两口人", 2), ("十二", 12), ("二十", 20), ("五 人", 5)]
        {
            assert_eq!(HouseholdSize::parse(spoken).map(HouseholdSize::get), Ok(n), "{spoken}");
        }
        assert_eq!(HouseholdSize::parse("二十一"), Err(InputError::OutOfRange { min: 1, max: 20 }));
        assert_eq!(HouseholdSize::parse("人"), Err(InputError::NotANumber));
        assert_eq!(HouseholdSize::parse("99999999999999999999"), Err(InputError::NotANumber));
        assert_eq!(HouseholdSize::parse(""), Err(InputError::Empty));
    }

    #[test]
    fn phone_keeps_digits_and_masks_the_middle() {
        let p = Phone::parse("138-0013 8000").unwrap();
        assert_eq!(p.as_str(), "13800138000");
        assert_eq!(p.masked(), "138****8000");
        assert_eq!(Phone::parse("+86 138 0013 8000").unwrap().as_str(), "+8613800138000");
        assert_eq!(Phone::parse("call me"), Err(InputError::BadPhone));
        assert_eq!(Phone::parse("123"), Err(InputError::BadPhone));
    }

    #[test]
    fn codes_round_trip() {
        for s in Skill::ALL {
            assert_eq!(Skill::from_code(s.code()), Some(s));
        }
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        for f in ProfileField::ALL {
            assert_eq!(ProfileField::from_code(f.code()), Some(f));
        }
        assert_eq!(Skill::parse_list("medical,bogus,driver"), vec![Skill::Medical, Skill::Driver]);
        assert_eq!(Skill::join(&[Skill::Medical, Skill::Phones]), "medical,phones");
    }
}
