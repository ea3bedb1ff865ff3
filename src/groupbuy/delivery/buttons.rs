//! The delivery slice's buttons. Every one carries the buy or the household's join it acts
//! on, and every tap is authorised again on the server against that buy.

use crate::groupbuy::delivery::model::Payment;

crate::callbacks! {
    pub enum Cb {
        /// The leader: a closed buy's delivery or pick-up.
        Manage(buy: i64) = "gdm",
        /// The leader: the goods are here; delivery or pick-up starts and the joiners are told.
        Arrived(buy: i64) = "gda",
        /// The leader: the households, a page at a time, with the pick-up and paid ticks.
        Households { buy: i64, page: u16 } = "gdh",
        /// The leader: this household picked its goods up, or not after all.
        PickedUp { join: i64, page: u16 } = "gdk",
        UndoPickedUp { join: i64, page: u16 } = "gdku",
        /// The leader: this household paid (cash or transfer), or not after all.
        Paid { join: i64, how: Payment, page: u16 } = "gdp",
        UndoPaid { join: i64, page: u16 } = "gdpu",
        /// A volunteer: take one building's waiting households of a door buy.
        TakeBuilding { buy: i64, building: i64 } = "gdt",
        /// The carrier: left at this household's door.
        LeftAtDoor(join: i64) = "gdl",
        /// The household: we have it.
        Received(join: i64) = "gdr",
    }
}
