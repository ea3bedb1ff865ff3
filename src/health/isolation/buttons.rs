//! The isolation slice's buttons: the marking/declaring dialogue, an official's decision on
//! a declaration, the officials' list and a household in it.

use crate::health::isolation::model::Kind;

crate::callbacks! {
    pub enum Cb {
        /// The dialogue (an official marking, a resident declaring): a building, a page of
        /// buildings, the kind, a start `days_back` days before today, a length, confirm.
        Building(id: i64) = "isb",
        BuildingPage(page: u16) = "isg",
        ChooseKind(kind: Kind) = "isk",
        Start(days_back: u16) = "iss",
        Length(days: u16) = "isl",
        Confirm = "isc",
        /// A resident without an isolation: declare one.
        Declare = "isd",
        /// An official on a resident's declaration.
        Accept(id: i64) = "isa",
        Decline(id: i64) = "isx",
        /// `/isolated`: a page of the list, one household, lift it (asks), lift it (yes),
        /// the list as CSV.
        ListPage(page: u16) = "isp",
        Household(id: i64) = "ish",
        Lift(id: i64) = "isu",
        LiftConfirm(id: i64) = "isy",
        Csv = "isv",
    }
}
