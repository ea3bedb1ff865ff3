//! The delivery slice's buttons.

crate::callbacks! {
    pub enum Cb {
        /// The leader: a closed buy's delivery or pick-up.
        Manage(buy: i64) = "gdm",
    }
}
