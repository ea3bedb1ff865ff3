//! The people slice's buttons: registration and profile steps, volunteers' answers,
//! officials' decisions, invites and group links.

use crate::i18n::Lang;
use crate::people::model::{ProfileField, Role, Skill};

crate::coded_field!(Lang);
crate::coded_field!(ProfileField);
crate::coded_field!(Role);
crate::coded_field!(Skill);

crate::callbacks! {
    pub enum Cb {
        /// Registration / editing: choose a community or a building; turn the list's page.
        PickCommunity(id: i64) = "pc",
        PickBuilding(id: i64) = "pb",
        Page(page: u16) = "pg",
        /// Confirm the registration summary, or the volunteer's skills.
        Confirm = "ok",
        /// `/me`: change one field, or delete everything (with a second confirmation).
        EditProfile(field: ProfileField) = "ed",
        DeleteMyData = "dm",
        ConfirmDeleteMyData = "dx",
        SetLang(lang: Lang) = "la",
        /// Volunteer profile questions.
        PartyMember(yes: bool) = "pm",
        Experienced(yes: bool) = "ex",
        ToggleSkill(skill: Skill) = "sk",
        /// An official's decision on a volunteer's application.
        Approve { user_id: i64, community_id: i64 } = "ap",
        Reject { user_id: i64, community_id: i64 } = "rj",
        /// `/invite` when the official could mean more than one community.
        Invite { role: Role, community_id: i64, uses: u16, days: u16 } = "iv",
        /// `/link` in a group: bind it to a community (building 0 = whole community).
        LinkGroup { community_id: i64, building_id: i64 } = "lk",
        /// Confirms moving a group that is bound elsewhere (checked again at the tap).
        RelinkGroup { community_id: i64, building_id: i64 } = "rl",
        /// `/lang` in a group: an official of its community sets the group's language.
        GroupLang(lang: Lang) = "gl",
        /// An official of several communities chooses the one they act on.
        UseCommunity(id: i64) = "uc",
    }
}
