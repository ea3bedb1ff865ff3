//! Pure rules of ordering: money, quantities, the order lifecycle. No IO.

use serde::{Deserialize, Serialize};

/// "¥4.50" from fen.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.abs();
    format!("{sign}¥{}.{:02}", fen / 100, fen % 100)
}

/// What a household may still put in the cart of one item: the per-order limit (a cart
/// line is one order's line), the per-day household limit counting today's orders of the
/// same address, and the stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub limit_per_order: i64,
    pub limit_per_day: i64,
    pub stock: i64,
    /// Already in this person's cart.
    pub in_cart: i64,
    /// Ordered today for this address (not cancelled or rejected).
    pub ordered_today: i64,
}

/// Which rule stops a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    PerOrder { limit: i64 },
    PerDay { limit: i64, already: i64 },
    Stock { left: i64 },
}

impl Allowance {
    /// The tightest rule, and how many more it allows (never negative).
    pub fn bound(&self) -> (Bound, i64) {
        let rules = [
            (Bound::PerOrder { limit: self.limit_per_order }, self.limit_per_order - self.in_cart),
            (
                Bound::PerDay { limit: self.limit_per_day, already: self.ordered_today },
                self.limit_per_day - self.ordered_today - self.in_cart,
            ),
            (Bound::Stock { left: self.stock }, self.stock - self.in_cart),
        ];
        let (bound, more) = rules.into_iter().min_by_key(|(_, more)| *more).unwrap_or(rules[0]);
        (bound, more.max(0))
    }

    /// How many more may be added.
    pub fn more(&self) -> i64 {
        self.bound().1
    }
}

/// Why a typed or tapped quantity was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    NotANumber,
    TooSmall,
    /// More than may be added: which rule, and how many more it allows.
    TooMany {
        bound: Bound,
        more: i64,
    },
}

/// A quantity to add, typed ("3", "３袋", "三份") or tapped: a whole number from 1 to
/// what the allowance leaves.
pub fn parse_quantity(raw: &str, allowance: &Allowance) -> Result<i64, QuantityError> {
    // "-1" is a number, just too small (`check_quantity` says so); "abc" is not one.
    let n = crate::i18n::numbers::parse_whole(raw).ok_or(QuantityError::NotANumber)?;
    check_quantity(n, allowance)
}

pub fn check_quantity(n: i64, allowance: &Allowance) -> Result<i64, QuantityError> {
    if n < 1 {
        return Err(QuantityError::TooSmall);
    }
    let (bound, more) = allowance.bound();
    if n > more {
        return Err(QuantityError::TooMany { bound, more });
    }
    Ok(n)
}

/// An order's status, stored as its snake_case name (`out_for_delivery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum Status {
    Placed,
    Accepted,
    Packed,
    OutForDelivery,
    Delivered,
    Received,
    Cancelled,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Placed,
        Status::Accepted,
        Status::Packed,
        Status::OutForDelivery,
        Status::Delivered,
        Status::Received,
        Status::Cancelled,
        Status::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Placed => "placed",
            Status::Accepted => "accepted",
            Status::Packed => "packed",
            Status::OutForDelivery => "out_for_delivery",
            Status::Delivered => "delivered",
            Status::Received => "received",
            Status::Cancelled => "cancelled",
            Status::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Still on its way (shown as "current" in /myorders).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Received | Status::Cancelled | Status::Rejected)
    }

    /// A resident may cancel until an official accepted the order.
    pub fn resident_may_cancel(self) -> bool {
        self == Status::Placed
    }

    /// Its stock goes back when it ends this way.
    pub fn returns_stock(self) -> bool {
        matches!(self, Status::Cancelled | Status::Rejected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_shown_in_yuan() {
        assert_eq!(yuan(450), "¥4.50");
        assert_eq!(yuan(7490), "¥74.90");
        assert_eq!(yuan(5), "¥0.05");
        assert_eq!(yuan(0), "¥0.00");
    }

    fn room(per_order: i64, per_day: i64, stock: i64, in_cart: i64, today: i64) -> Allowance {
        Allowance { limit_per_order: per_order, limit_per_day: per_day, stock, in_cart, ordered_today: today }
    }

    #[test]
    fn quantities_are_whole_positive_within_what_is_left() {
        let fresh = room(5, 10, 10, 0, 0);
        assert_eq!(parse_quantity("3", &fresh), Ok(3));
        assert_eq!(parse_quantity("３袋", &fresh), Ok(3));
        assert_eq!(parse_quantity("三", &fresh), Ok(3));
        assert_eq!(parse_quantity("0", &fresh), Err(QuantityError::TooSmall));
        let per_order = Bound::PerOrder { limit: 5 };
        assert_eq!(parse_quantity("1000000", &fresh), Err(QuantityError::TooMany { bound: per_order, more: 5 }));
        assert_eq!(parse_quantity("-1", &fresh), Err(QuantityError::TooSmall));
        for bad in ["two", "🍅", "", "1.5", "99999999999999999999"] {
            assert!(parse_quantity(bad, &fresh).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_cart_and_todays_orders_count_toward_the_limits() {
        // 2 in the cart, per order 5: 3 more.
        assert_eq!(room(5, 10, 10, 2, 0).bound(), (Bound::PerOrder { limit: 5 }, 3));
        // Ordered 4 today at this address, 1 in the cart, 6 a day: 1 more.
        assert_eq!(room(5, 6, 10, 1, 4).bound(), (Bound::PerDay { limit: 6, already: 4 }, 1));
        // Stock is the tightest.
        assert_eq!(room(5, 6, 2, 1, 0).bound(), (Bound::Stock { left: 2 }, 1));
        // Over already (the limit was lowered): nothing more, never negative.
        assert_eq!(room(2, 6, 10, 3, 0).more(), 0);
        assert_eq!(
            check_quantity(1, &room(2, 6, 10, 3, 0)),
            Err(QuantityError::TooMany { bound: Bound::PerOrder { limit: 2 }, more: 0 })
        );
    }

    #[test]
    fn lifecycle_rules() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert!(Status::Placed.resident_may_cancel());
        assert!(!Status::Accepted.resident_may_cancel());
        assert!(Status::Rejected.returns_stock() && !Status::Delivered.returns_stock());
        assert!(Status::Delivered.is_open() && !Status::Received.is_open());
    }
}
