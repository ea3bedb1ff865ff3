//! The shifts slice's buttons: the board, a volunteer's own shifts, the officials' roster
//! and checkpoints.

crate::callbacks! {
    pub enum Cb {
        /// The board for a day (0 = today), a page of it; claim, release, offer for swap,
        /// take an offered place, check in/out.
        ShiftDay { day: u16, page: u16 } = "sd",
        ClaimShift(id: i64) = "sc",
        ReleaseShift(id: i64) = "sx",
        OfferShift(id: i64) = "so",
        TakeOffer { shift_id: i64, giver: i64 } = "st",
        CheckIn(id: i64) = "ci",
        CheckOut(id: i64) = "co",
        /// Officials: the roster of a day, one shift's people, remove one, choose whom to
        /// assign (a page of them), assign them.
        RosterDay(day: u16) = "rd",
        RosterShift(id: i64) = "rs",
        RemoveFromShift { shift_id: i64, user_id: i64 } = "rm",
        AssignPick { shift_id: i64, page: u16 } = "aq",
        Assign { shift_id: i64, user_id: i64 } = "as",
        /// From the subdistrict overview: open one community's roster (and act on it).
        RosterOf(community_id: i64) = "ro",
        /// Officials' setup: open a checkpoint from `/checkpoints`, set its location, keep
        /// the radius it has.
        Checkpoint(id: i64) = "cp",
        SetLocation(id: i64) = "cl",
        LocationDone = "cd",
    }
}
