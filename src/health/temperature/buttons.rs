//! The temperature slice's buttons: a prompt's quick answers (each carrying its day and
//! slot, so a button from an earlier slot is refused), the reporting dialogue's steps, and
//! `/family`.

use crate::health::temperature::model::{Slot, Symptom};

crate::callbacks! {
    pub enum Cb {
        /// A prompt's quick value (tenths of °C) for the day (days since the common era)
        /// and slot it was sent for.
        Quick { day: i64, slot: Slot, tenths: u16 } = "tq",
        /// "≥ 37.3" or "other": type the value.
        Other { day: i64, slot: Slot } = "to",
        /// For whom: 0 is the account itself, otherwise a household member's id.
        Whom(member: i64) = "tw",
        /// Symptoms: toggle one, none at all, done.
        Toggle(symptom: Symptom) = "ts",
        NoSymptoms = "tn",
        SymptomsDone = "td",
        /// `/family`: add a member, ask to remove one, confirm the removal.
        AddMember = "tfa",
        RemoveMember(id: i64) = "tfr",
        ConfirmRemove(id: i64) = "tfx",
    }
}
