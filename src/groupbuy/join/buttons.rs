//! The join dialogue's buttons.

crate::callbacks! {
    pub enum Cb {
        /// Open a buy from `/groupbuys`.
        OpenBuy(buy: i64) = "gbo",
        /// Set the draft's quantity of one item (the ➖ / ➕ either side of it).
        SetQty { buy: i64, item: i64, to: u16 } = "gbq",
        /// Show my name in the group's tally, or not.
        ShowName { buy: i64, show: bool } = "gbn",
        /// Join, or save the change.
        SaveJoin(buy: i64) = "gbs",
        /// Leave (asks), leave (confirmed).
        LeaveBuy(buy: i64) = "gbl",
        ConfirmLeave(buy: i64) = "gbly",
    }
}
