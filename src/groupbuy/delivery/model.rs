//! The words of a household's delivery and payment at the database boundary, the
//! leader's figures, and the order of the pick-up list. No IO.

use serde::{Deserialize, Serialize};

use crate::groupbuy::model::address_key;

/// Where a household's goods are: `group_buy_joins.delivery`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum Stage {
    /// Not yet taken by a volunteer, or not yet picked up.
    Waiting,
    /// A volunteer took the household's building.
    Out,
    /// Left at the door.
    Delivered,
    /// The household said it has it.
    Received,
    /// Collected at the pick-up point (ticked by the leader).
    PickedUp,
}

/// How a household paid the leader: recorded, not processed (`group_buy_joins.paid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum Payment {
    Cash,
    Transfer,
}

impl Payment {
    pub const ALL: [Payment; 2] = [Payment::Cash, Payment::Transfer];

    pub fn code(self) -> &'static str {
        match self {
            Payment::Cash => "cash",
            Payment::Transfer => "transfer",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

crate::coded_field!(Payment);

/// A buy's delivery and payment at a glance, for its leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct Figures {
    pub households: i64,
    pub waiting: i64,
    pub out: i64,
    pub delivered: i64,
    pub received: i64,
    pub picked_up: i64,
    pub paid: i64,
    pub cash: i64,
    pub transfer: i64,
    /// What the households that paid owe in all, in fen.
    pub paid_fen: i64,
    /// What every household owes in all, in fen.
    pub due_fen: i64,
}

impl Figures {
    /// Every household has its goods (delivered, received or picked up).
    pub fn all_handed_over(&self) -> bool {
        self.households > 0 && self.waiting == 0 && self.out == 0
    }
}

/// Sorts (building position, building id, unit/room) as a slip reads: building, then the
/// address as people read it ("2单元9" before "2单元10").
pub fn slip_order<T>(rows: &mut [T], key: impl Fn(&T) -> (i64, i64, &str)) {
    rows.sort_by_cached_key(|row| {
        let (position, building, unit_room) = key(row);
        (position, building, address_key(unit_room))
    });
}

/// The page actually shown (clamped to the last) and how many pages there are.
pub fn page_of(len: usize, per_page: usize, page: u16) -> (usize, usize) {
    let pages = len.div_ceil(per_page.max(1)).max(1);
    (usize::from(page).min(pages - 1), pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pick_up_list_reads_building_then_unit_then_room() {
        let mut rows = vec![(2, 20, "1-101"), (1, 10, "2单元10"), (1, 10, "2单元9"), (1, 10, "10-101"), (1, 11, "1-1")];
        slip_order(&mut rows, |r| (r.0, r.1, r.2));
        assert_eq!(
            rows,
            vec![(1, 10, "2单元9"), (1, 10, "2单元10"), (1, 10, "10-101"), (1, 11, "1-1"), (2, 20, "1-101")]
        );
    }

    #[test]
    fn a_page_past_the_end_shows_the_last() {
        assert_eq!(page_of(0, 8, 0), (0, 1));
        assert_eq!(page_of(8, 8, 1), (0, 1));
        assert_eq!(page_of(9, 8, 1), (1, 2));
        assert_eq!(page_of(9, 8, 7), (1, 2));
    }

    #[test]
    fn handed_over_means_nobody_is_still_waiting() {
        let mut f = Figures { households: 3, delivered: 1, received: 1, picked_up: 0, out: 1, ..Figures::default() };
        assert!(!f.all_handed_over());
        f.out = 0;
        f.delivered = 2;
        assert!(f.all_handed_over());
        assert!(!Figures::default().all_handed_over(), "nobody joined: nothing to hand over");
    }
}
