//! The supervision round's buttons: the list and its pages, a checkpoint's card, the
//! one-tap "on duty" (with the count the supervisor confirms), and the problem dialogue.

use crate::supervision::model::ProblemKind;

crate::callbacks! {
    pub enum Cb {
        /// `/round`: a page of tonight's list; open one checkpoint.
        Page(page: u16) = "svp",
        Open(checkpoint_id: i64) = "svo",
        /// On duty, `people` of them, a party member or experienced staffer among them.
        OnDuty { checkpoint_id: i64, people: u16 } = "svk",
        /// On duty, `people` of them, but no party member or experienced staffer: a
        /// problem recorded in one tap.
        NoSenior { checkpoint_id: i64, people: u16 } = "svn",
        /// A problem: choose its kind, then a note (or none), then a photo (or none).
        Problem(checkpoint_id: i64) = "svx",
        Kind(kind: ProblemKind) = "svt",
        NoNote = "svz",
        NoPhoto = "svf",
    }
}
