//! Pure rules of ordering: money, quantities, the order lifecycle. No IO.

use serde::{Deserialize, Serialize};

/// "¥4.50" from fen.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.abs();
    format!("{sign}¥{}.{:02}", fen / 100, fen % 100)
}

/// Why a typed quantity was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    NotANumber,
    TooSmall,
    OverLimit { limit: i64 },
    OverStock { stock: i64 },
}

/// A quantity typed or tapped: a whole number from 1 to the per-order limit and the stock.
pub fn parse_quantity(raw: &str, limit_per_order: i64, stock: i64) -> Result<i64, QuantityError> {
    let text: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    let text = ["份", "个", "袋", "斤", "瓶", "盒"].iter().fold(text.trim(), |s, unit| s.trim_end_matches(unit)).trim();
    let n: i64 = text.parse().map_err(|_| QuantityError::NotANumber)?;
    if n < 1 {
        return Err(QuantityError::TooSmall);
    }
    if n > limit_per_order {
        return Err(QuantityError::OverLimit { limit: limit_per_order });
    }
    if n > stock {
        return Err(QuantityError::OverStock { stock });
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

    #[test]
    fn quantities_are_whole_positive_within_limit_and_stock() {
        assert_eq!(parse_quantity("3", 5, 10), Ok(3));
        assert_eq!(parse_quantity("３袋", 5, 10), Ok(3));
        assert_eq!(parse_quantity("0", 5, 10), Err(QuantityError::TooSmall));
        assert_eq!(parse_quantity("-1", 5, 10), Err(QuantityError::TooSmall));
        assert_eq!(parse_quantity("1000000", 5, 10), Err(QuantityError::OverLimit { limit: 5 }));
        assert_eq!(parse_quantity("4", 5, 3), Err(QuantityError::OverStock { stock: 3 }));
        for bad in ["two", "🍅", "", "1.5", "99999999999999999999"] {
            assert_eq!(parse_quantity(bad, 5, 10), Err(QuantityError::NotANumber), "{bad:?}");
        }
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
