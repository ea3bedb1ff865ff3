//! The export dialogue's buttons: which table (with the community it was offered for, so a
//! button shown for another community is refused), which range, confirm.

use crate::exports::model::{Pick, Preset};

crate::callbacks! {
    pub enum Cb {
        Table { community: i64, pick: Pick } = "xpt",
        Range(preset: Preset) = "xpr",
        Confirm = "xpc",
    }
}
