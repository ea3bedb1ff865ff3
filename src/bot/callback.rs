//! The two buttons that belong to no slice: the label between page arrows ("2/3"), which
//! does nothing, and "Cancel", which ends whatever dialogue the person is in. Every other
//! button is a slice's own (`callbacks!` in that slice's `buttons.rs`).

crate::callbacks! {
    pub enum Common {
        /// A label-only button: answered, does nothing.
        Noop = "nn",
        /// Leave the current dialogue.
        Cancel = "no",
    }
}

/// `Slice::buttons` for the glue's own buttons (checked with every slice's).
pub fn buttons() -> Vec<(String, bool)> {
    crate::bot::cbdata::samples_of::<Common>()
}
