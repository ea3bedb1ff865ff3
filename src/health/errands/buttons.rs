//! The errands slice's buttons: the resident's request and their errands, the volunteers'
//! list, the garbage round, and the fever alert's "medical help".

use crate::health::errands::model::Kind;

crate::callbacks! {
    pub enum Cb {
        /// The request: a kind, "no note", confirm; garbage asked anyway while the daily
        /// round is on.
        ErrandKind(kind: Kind) = "erk",
        NoNote = "ern",
        ConfirmErrand = "ery",
        GarbageAnyway = "erg",
        /// The resident's errands: cancel (asked), cancel (confirmed), done / not done.
        CancelErrand(id: i64) = "erx",
        ConfirmCancelErrand(id: i64) = "erz",
        Thanks(id: i64) = "ert",
        NotDone(id: i64) = "eru",
        /// Volunteers and officials: a page of a community's open errands, claim one, done.
        ErrandsPage { community_id: i64, page: u16 } = "erl",
        ClaimErrand(id: i64) = "erc",
        ErrandDone(id: i64) = "erd",
        /// The daily garbage round of a building: claim it, done.
        ClaimRound(id: i64) = "grc",
        RoundDone(id: i64) = "grd",
        /// The fever alert (officials): open an urgent medical-help errand for this resident.
        MedicalHelp(resident_id: i64) = "erm",
    }
}
