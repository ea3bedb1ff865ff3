//! The leader's buttons. Each carries the buy it acts on; the handler checks again, at
//! every tap, that the tapper leads that buy or is an official of its community.

crate::callbacks! {
    pub enum Cb {
        /// A page of `/buys`.
        Page(page: u16) = "gxp",
        /// One buy: its figures and what can be done with it now.
        Buy(buy: i64) = "gxb",
        /// Cancel this buy (asks), cancel it (confirmed).
        Cancel(buy: i64) = "gxc",
        ConfirmCancel(buy: i64) = "gxcy",
        /// The supplier order and the slips again, with the phone numbers or without.
        Slips { buy: i64, phones: bool } = "gxs",
    }
}
