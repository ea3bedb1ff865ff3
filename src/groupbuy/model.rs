//! Pure rules of a group buy: the minimum, the caps a join must keep, how an address is
//! shown in a group (building and unit, never the room) and sorted on a slip. No IO.

use serde::{Deserialize, Serialize};

/// What the minimum counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum MinKind {
    Households,
    Units,
}

impl MinKind {
    pub const ALL: [MinKind; 2] = [MinKind::Households, MinKind::Units];

    pub fn code(self) -> &'static str {
        match self {
            MinKind::Households => "households",
            MinKind::Units => "units",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

crate::coded_field!(MinKind);

/// The buy goes ahead at the deadline only with at least this many households or units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minimum {
    pub kind: MinKind,
    pub count: i64,
}

impl Minimum {
    pub fn reached(&self, households: i64, units: i64) -> bool {
        self.progress(households, units) >= self.count
    }

    /// How far along: households or units, as the minimum counts.
    pub fn progress(&self, households: i64, units: i64) -> i64 {
        match self.kind {
            MinKind::Households => households,
            MinKind::Units => units,
        }
    }
}

/// How the goods reach the households.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum Delivery {
    /// Carried to the door by volunteers, a building each (the orders' delivery board).
    Door,
    /// Picked up at `group_buys.pickup_place` from `pickup_at`.
    Pickup,
}

impl Delivery {
    pub const ALL: [Delivery; 2] = [Delivery::Door, Delivery::Pickup];

    pub fn code(self) -> &'static str {
        match self {
            Delivery::Door => "door",
            Delivery::Pickup => "pickup",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

crate::coded_field!(Delivery);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum BuyStatus {
    Open,
    /// Went ahead at the deadline.
    Closed,
    /// Below the minimum at the deadline.
    CalledOff,
    /// Withdrawn by its leader before the deadline.
    Cancelled,
}

/// The limits a household's join must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Units per household, all items together.
    pub household: i64,
    /// Units in all, all households together.
    pub total: Option<i64>,
}

/// Why a join (or a change to one) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// More than a household may take.
    OverHouseholdCap { cap: i64 },
    /// The total cap leaves only `left` more units for this household (0: it is full).
    OverTotal { left: i64 },
    /// Nothing chosen.
    Nothing,
}

impl Caps {
    /// May a household that holds `mine` units change to `wanted` while `taken` units are
    /// taken in all (its own included)? A reduction is always allowed.
    pub fn check(&self, mine: i64, wanted: i64, taken: i64) -> Result<(), Refusal> {
        if wanted <= 0 {
            return Err(Refusal::Nothing);
        }
        if wanted > self.household {
            return Err(Refusal::OverHouseholdCap { cap: self.household });
        }
        if let Some(total) = self.total {
            let left = (total - taken).max(0);
            if wanted > mine && wanted - mine > left {
                return Err(Refusal::OverTotal { left: mine + left });
            }
        }
        Ok(())
    }

    /// The most this household could hold now.
    pub fn most(&self, mine: i64, taken: i64) -> i64 {
        match self.total {
            Some(total) => self.household.min(mine + (total - taken).max(0)),
            None => self.household,
        }
    }
}

/// The unit part of an address as written ("2单元301" → "2单元", "2-301" → "2单元"), or
/// `None` when there is no unit to show. The room is never shown in a group: the tally
/// says which staircase, not which door.
pub fn unit_of(unit_room: &str) -> Option<u32> {
    let s: String = unit_room.chars().map(crate::i18n::dates::ascii_digit).filter(|c| !c.is_whitespace()).collect();
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let rest = &s[digits.len()..];
    let is_unit = rest.starts_with("单元") || rest.starts_with('-') || rest.starts_with('—') || rest.starts_with('/');
    if is_unit && rest.chars().skip(1).any(|c| c.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// A key that sorts addresses as people read them: "2单元9" before "2单元10", "10-101"
/// after "9-101". Runs of digits compare as numbers, everything else as text.
pub fn address_key(unit_room: &str) -> Vec<(u64, String)> {
    let mut key = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for c in unit_room.chars().map(crate::i18n::dates::ascii_digit) {
        if c.is_ascii_digit() {
            if !text.is_empty() && digits.is_empty() {
                key.push((0, std::mem::take(&mut text)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((digits.parse().unwrap_or(u64::MAX), String::new()));
                digits.clear();
            }
            text.extend(c.to_lowercase());
        }
    }
    if !digits.is_empty() {
        key.push((digits.parse().unwrap_or(u64::MAX), String::new()));
    }
    if !text.is_empty() {
        key.push((0, text));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimum_counts_what_it_says() {
        let households = Minimum { kind: MinKind::Households, count: 10 };
        assert!(!households.reached(9, 100));
        assert!(households.reached(10, 10));
        let units = Minimum { kind: MinKind::Units, count: 30 };
        assert!(!units.reached(29, 29));
        assert!(units.reached(3, 30));
    }

    #[test]
    fn caps_keep_the_household_and_the_total() {
        let caps = Caps { household: 3, total: Some(10) };
        assert_eq!(caps.check(0, 3, 0), Ok(()));
        assert_eq!(caps.check(0, 4, 0), Err(Refusal::OverHouseholdCap { cap: 3 }));
        assert_eq!(caps.check(0, 0, 0), Err(Refusal::Nothing));
        // 8 taken by others: 2 left.
        assert_eq!(caps.check(0, 3, 8), Err(Refusal::OverTotal { left: 2 }));
        assert_eq!(caps.check(0, 2, 8), Ok(()));
        // Holding 1 of the 10 taken: may go to 1 + 0 more, and always down.
        assert_eq!(caps.check(1, 2, 10), Err(Refusal::OverTotal { left: 1 }));
        assert_eq!(caps.check(2, 1, 10), Ok(()));
        assert_eq!(caps.most(1, 10), 1);
        assert_eq!(caps.most(0, 0), 3);
        assert_eq!(Caps { household: 5, total: None }.most(0, 1000), 5);
    }

    #[test]
    fn a_group_sees_the_unit_never_the_room() {
        assert_eq!(unit_of("2单元301"), Some(2));
        assert_eq!(unit_of("2-301"), Some(2));
        assert_eq!(unit_of("２单元３０１"), Some(2));
        assert_eq!(unit_of(" 12 - 1101"), Some(12));
        assert_eq!(unit_of("301"), None, "a bare room has no unit");
        assert_eq!(unit_of("301室"), None);
        assert_eq!(unit_of("东门旁平房"), None);
        assert_eq!(unit_of("2单元"), None, "a unit without a room is not parsed as one");
    }

    #[test]
    fn addresses_sort_as_people_read_them() {
        let mut rooms = vec!["2单元10", "10-101", "2单元9", "1-1201", "9-101", "1-201"];
        rooms.sort_by_key(|r| address_key(r));
        assert_eq!(rooms, ["1-201", "1-1201", "2单元9", "2单元10", "9-101", "10-101"]);
    }
}
