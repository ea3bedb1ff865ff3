//! The notices slice's buttons: composing (audience, place, flags, when), acknowledging,
//! and the officials' figures, reminders and templates.

use crate::bot::cbdata::Field;
use crate::notices::model::RoleSel;
use crate::notices::NoticeFlag;

impl Field for RoleSel {
    fn put(&self) -> String {
        self.code().to_string()
    }
    fn take(s: &str) -> Option<Self> {
        RoleSel::from_code(s.parse().ok()?)
    }
    fn samples() -> Vec<Self> {
        RoleSel::ALL.to_vec()
    }
}

crate::coded_field!(NoticeFlag);

crate::callbacks! {
    pub enum Cb {
        /// Composing: choose buildings (a page of them), done choosing / confirm the preview.
        PickBuilding(id: i64) = "npb",
        Page(page: u16) = "npg",
        Confirm = "nok",
        /// Audience by role, by place (community 0 = whole subdistrict; `buildings` = choose
        /// buildings next), yes/no questions, send now or later.
        NoticeRole(role: RoleSel) = "nr",
        NoticeScope { community_id: i64, buildings: bool } = "ns",
        NoticeFlag(flag: NoticeFlag, on: bool) = "nf",
        NoticeSendNow = "sn",
        NoticeSchedule = "sl",
        /// "已收到 / Got it" under a notice.
        Ack(id: i64) = "ak",
        /// Officials' `/notices`: a page of the list, one notice's figures, who has not
        /// acknowledged, remind them (asks first; the confirmation carries the number of
        /// the reminder it creates, so it acts once), keep as a template, start from one,
        /// cancel a scheduled one (asks first).
        NoticesPage(page: u16) = "np",
        NoticeDetail(id: i64) = "nd",
        NoticeUnacked(id: i64) = "nu",
        NoticeResend(id: i64) = "nx",
        NoticeConfirmResend { id: i64, reminder: u16 } = "ny",
        NoticeSaveTemplate(id: i64) = "nt",
        UseTemplate(id: i64) = "ut",
        NoticeCancel(id: i64) = "nc",
        NoticeConfirmCancel(id: i64) = "nk",
    }
}
