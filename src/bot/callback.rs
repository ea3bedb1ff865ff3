//! Typed inline-button data. Every button the bot shows carries one `Callback`, encoded
//! as `1:<tag>:<fields…>`: a version, a short tag and decimal fields. Telegram allows 64
//! bytes; the widest variant holds two `i64`s and two `u16`s (≤ 55 bytes, tested with
//! extreme values). Anything that does not decode — an old version, a forged tag, a
//! number out of range — is `None`, and the caller answers the tap politely.
//!
//! Decoding proves only the *shape*. Whether this person may do this to that id is
//! decided on the server by the handler, every time.

use crate::i18n::Lang;
use crate::notices::model::RoleSel;
use crate::notices::NoticeFlag;
use crate::people::model::{ProfileField, Role, Skill};

const VERSION: &str = "1";
pub const MAX_LEN: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    /// Registration / editing: choose a community or a building.
    PickCommunity(i64),
    PickBuilding(i64),
    /// Turn a page of the list the current dialogue shows.
    Page(u16),
    /// A label-only button (the "2/3" between the page arrows): answered, does nothing.
    Noop,
    /// Confirm or abandon the current dialogue.
    Confirm,
    Cancel,
    /// `/me`: change one field, or delete everything (with a second confirmation).
    EditProfile(ProfileField),
    DeleteMyData,
    ConfirmDeleteMyData,
    SetLang(Lang),
    /// Volunteer profile questions.
    PartyMember(bool),
    Experienced(bool),
    ToggleSkill(Skill),
    /// An official's decision on a volunteer's application.
    Approve {
        user_id: i64,
        community_id: i64,
    },
    Reject {
        user_id: i64,
        community_id: i64,
    },
    /// `/invite` when the official could mean more than one community.
    Invite {
        role: Role,
        community_id: i64,
        uses: u16,
        days: u16,
    },
    /// `/link` in a group: bind it to a community (building 0 = whole community).
    LinkGroup {
        community_id: i64,
        building_id: i64,
    },
    /// Composing a notice: audience by role, by place (community 0 = whole subdistrict;
    /// `buildings` = choose buildings next), yes/no questions, send now or later.
    NoticeRole(RoleSel),
    NoticeScope {
        community_id: i64,
        buildings: bool,
    },
    NoticeFlag(NoticeFlag, bool),
    NoticeSendNow,
    NoticeSchedule,
    /// "已收到 / Got it" under a notice.
    Ack(i64),
    /// Officials' `/notices`: a page of the list, one notice's figures, who has not
    /// acknowledged, resend to them (asks first), keep as a template, start from one.
    NoticesPage(u16),
    NoticeDetail(i64),
    NoticeUnacked(i64),
    NoticeResend(i64),
    NoticeConfirmResend(i64),
    NoticeSaveTemplate(i64),
    UseTemplate(i64),
    /// Shifts: the board for a day (0 = today), a page of it; claim, release, offer for
    /// swap, take an offered place, check in/out.
    ShiftDay {
        day: u16,
        page: u16,
    },
    ClaimShift(i64),
    ReleaseShift(i64),
    OfferShift(i64),
    TakeOffer {
        shift_id: i64,
        giver: i64,
    },
    CheckIn(i64),
    CheckOut(i64),
    /// Officials: the roster of a day, one shift's people, remove one, choose whom to
    /// assign, assign them.
    RosterDay(u16),
    RosterShift(i64),
    RemoveFromShift {
        shift_id: i64,
        user_id: i64,
    },
    AssignPick {
        shift_id: i64,
        page: u16,
    },
    Assign {
        shift_id: i64,
        user_id: i64,
    },
    /// Ordering: a category, an item, a quantity for it, the cart, a cart line's new
    /// quantity (0 removes), on to the note, no note, cancel one's order.
    OrderCategory(i64),
    ItemsPage {
        category: i64,
        page: u16,
    },
    OrderItem(i64),
    OrderQty {
        item_id: i64,
        qty: u16,
    },
    ShowCart,
    CartSet {
        item_id: i64,
        qty: u16,
    },
    Checkout,
    NoNote,
    CancelOrder(i64),
    /// Officials: accept every placed order, mark every accepted one packed, the pick
    /// list. Volunteers: take a building's packed orders, mark one left at the door.
    /// Residents: confirm they received it.
    AcceptAll,
    PackAll,
    PickList,
    PickListBuilding(i64),
    ClaimBuilding(i64),
    Delivered(i64),
    Received(i64),
    /// An official of several communities chooses the one they act on (`people::scope`).
    UseCommunity(i64),
    /// The roster overview: act on this community and open its roster.
    RosterOf(i64),
}

impl Callback {
    pub fn encode(&self) -> String {
        let body = match *self {
            Callback::PickCommunity(id) => format!("pc:{id}"),
            Callback::PickBuilding(id) => format!("pb:{id}"),
            Callback::Page(p) => format!("pg:{p}"),
            Callback::Noop => "nn".to_owned(),
            Callback::Confirm => "ok".to_owned(),
            Callback::Cancel => "no".to_owned(),
            Callback::EditProfile(f) => format!("ed:{}", f.code()),
            Callback::DeleteMyData => "dm".to_owned(),
            Callback::ConfirmDeleteMyData => "dx".to_owned(),
            Callback::SetLang(l) => format!("la:{}", l.code()),
            Callback::PartyMember(b) => format!("pm:{}", u8::from(b)),
            Callback::Experienced(b) => format!("ex:{}", u8::from(b)),
            Callback::ToggleSkill(s) => format!("sk:{}", s.code()),
            Callback::Approve { user_id, community_id } => format!("ap:{user_id}:{community_id}"),
            Callback::Reject { user_id, community_id } => format!("rj:{user_id}:{community_id}"),
            Callback::Invite { role, community_id, uses, days } => {
                format!("iv:{}:{community_id}:{uses}:{days}", role.code())
            }
            Callback::LinkGroup { community_id, building_id } => {
                format!("lk:{community_id}:{building_id}")
            }
            Callback::NoticeRole(r) => format!("nr:{}", r.code()),
            Callback::NoticeScope { community_id, buildings } => format!("ns:{community_id}:{}", u8::from(buildings)),
            Callback::NoticeFlag(f, v) => format!("nf:{}:{}", f.code(), u8::from(v)),
            Callback::NoticeSendNow => "sn".to_owned(),
            Callback::NoticeSchedule => "sl".to_owned(),
            Callback::Ack(id) => format!("ak:{id}"),
            Callback::NoticesPage(p) => format!("np:{p}"),
            Callback::NoticeDetail(id) => format!("nd:{id}"),
            Callback::NoticeUnacked(id) => format!("nu:{id}"),
            Callback::NoticeResend(id) => format!("nx:{id}"),
            Callback::NoticeConfirmResend(id) => format!("ny:{id}"),
            Callback::NoticeSaveTemplate(id) => format!("nt:{id}"),
            Callback::UseTemplate(id) => format!("ut:{id}"),
            Callback::ShiftDay { day, page } => format!("sd:{day}:{page}"),
            Callback::ClaimShift(id) => format!("sc:{id}"),
            Callback::ReleaseShift(id) => format!("sx:{id}"),
            Callback::OfferShift(id) => format!("so:{id}"),
            Callback::TakeOffer { shift_id, giver } => format!("st:{shift_id}:{giver}"),
            Callback::CheckIn(id) => format!("ci:{id}"),
            Callback::CheckOut(id) => format!("co:{id}"),
            Callback::RosterDay(d) => format!("rd:{d}"),
            Callback::RosterShift(id) => format!("rs:{id}"),
            Callback::RemoveFromShift { shift_id, user_id } => format!("rm:{shift_id}:{user_id}"),
            Callback::AssignPick { shift_id, page } => format!("aq:{shift_id}:{page}"),
            Callback::Assign { shift_id, user_id } => format!("as:{shift_id}:{user_id}"),
            Callback::OrderCategory(id) => format!("oc:{id}"),
            Callback::ItemsPage { category, page } => format!("ip:{category}:{page}"),
            Callback::OrderItem(id) => format!("oi:{id}"),
            Callback::OrderQty { item_id, qty } => format!("oq:{item_id}:{qty}"),
            Callback::ShowCart => "ov".to_owned(),
            Callback::CartSet { item_id, qty } => format!("os:{item_id}:{qty}"),
            Callback::Checkout => "ck".to_owned(),
            Callback::NoNote => "on".to_owned(),
            Callback::CancelOrder(id) => format!("ox:{id}"),
            Callback::AcceptAll => "aa".to_owned(),
            Callback::PackAll => "pa".to_owned(),
            Callback::PickList => "pl".to_owned(),
            Callback::PickListBuilding(id) => format!("pb2:{id}"),
            Callback::ClaimBuilding(id) => format!("cb:{id}"),
            Callback::Delivered(id) => format!("dv:{id}"),
            Callback::Received(id) => format!("rv:{id}"),
            Callback::UseCommunity(id) => format!("uc:{id}"),
            Callback::RosterOf(id) => format!("ro:{id}"),
        };
        format!("{VERSION}:{body}")
    }

    pub fn decode(data: &str) -> Option<Callback> {
        if data.len() > MAX_LEN {
            return None;
        }
        let mut parts = data.split(':');
        if parts.next()? != VERSION {
            return None;
        }
        let tag = parts.next()?;
        let fields: Vec<&str> = parts.collect();
        let int = |i: usize| fields.get(i).and_then(|s| s.parse::<i64>().ok());
        let small = |i: usize| fields.get(i).and_then(|s| s.parse::<u16>().ok());
        let flag = |i: usize| match fields.get(i).copied() {
            Some("0") => Some(false),
            Some("1") => Some(true),
            _ => None,
        };
        let arity = |n: usize| fields.len() == n;
        let cb = match tag {
            "pc" if arity(1) => Callback::PickCommunity(int(0)?),
            "pb" if arity(1) => Callback::PickBuilding(int(0)?),
            "pg" if arity(1) => Callback::Page(small(0)?),
            "nn" if arity(0) => Callback::Noop,
            "ok" if arity(0) => Callback::Confirm,
            "no" if arity(0) => Callback::Cancel,
            "ed" if arity(1) => Callback::EditProfile(ProfileField::from_code(fields[0])?),
            "dm" if arity(0) => Callback::DeleteMyData,
            "dx" if arity(0) => Callback::ConfirmDeleteMyData,
            "la" if arity(1) => Callback::SetLang(Lang::from_code(fields[0])?),
            "pm" if arity(1) => Callback::PartyMember(flag(0)?),
            "ex" if arity(1) => Callback::Experienced(flag(0)?),
            "sk" if arity(1) => Callback::ToggleSkill(Skill::from_code(fields[0])?),
            "ap" if arity(2) => Callback::Approve { user_id: int(0)?, community_id: int(1)? },
            "rj" if arity(2) => Callback::Reject { user_id: int(0)?, community_id: int(1)? },
            "iv" if arity(4) => Callback::Invite {
                role: Role::from_code(fields[0])?,
                community_id: int(1)?,
                uses: small(2)?,
                days: small(3)?,
            },
            "lk" if arity(2) => Callback::LinkGroup { community_id: int(0)?, building_id: int(1)? },
            "nr" if arity(1) => Callback::NoticeRole(RoleSel::from_code(fields[0].parse().ok()?)?),
            "ns" if arity(2) => Callback::NoticeScope { community_id: int(0)?, buildings: flag(1)? },
            "nf" if arity(2) => Callback::NoticeFlag(NoticeFlag::from_code(fields[0])?, flag(1)?),
            "sn" if arity(0) => Callback::NoticeSendNow,
            "sl" if arity(0) => Callback::NoticeSchedule,
            "ak" if arity(1) => Callback::Ack(int(0)?),
            "np" if arity(1) => Callback::NoticesPage(small(0)?),
            "nd" if arity(1) => Callback::NoticeDetail(int(0)?),
            "nu" if arity(1) => Callback::NoticeUnacked(int(0)?),
            "nx" if arity(1) => Callback::NoticeResend(int(0)?),
            "ny" if arity(1) => Callback::NoticeConfirmResend(int(0)?),
            "nt" if arity(1) => Callback::NoticeSaveTemplate(int(0)?),
            "ut" if arity(1) => Callback::UseTemplate(int(0)?),
            "sd" if arity(2) => Callback::ShiftDay { day: small(0)?, page: small(1)? },
            "sc" if arity(1) => Callback::ClaimShift(int(0)?),
            "sx" if arity(1) => Callback::ReleaseShift(int(0)?),
            "so" if arity(1) => Callback::OfferShift(int(0)?),
            "st" if arity(2) => Callback::TakeOffer { shift_id: int(0)?, giver: int(1)? },
            "ci" if arity(1) => Callback::CheckIn(int(0)?),
            "co" if arity(1) => Callback::CheckOut(int(0)?),
            "rd" if arity(1) => Callback::RosterDay(small(0)?),
            "rs" if arity(1) => Callback::RosterShift(int(0)?),
            "rm" if arity(2) => Callback::RemoveFromShift { shift_id: int(0)?, user_id: int(1)? },
            "aq" if arity(2) => Callback::AssignPick { shift_id: int(0)?, page: small(1)? },
            "as" if arity(2) => Callback::Assign { shift_id: int(0)?, user_id: int(1)? },
            "oc" if arity(1) => Callback::OrderCategory(int(0)?),
            "ip" if arity(2) => Callback::ItemsPage { category: int(0)?, page: small(1)? },
            "oi" if arity(1) => Callback::OrderItem(int(0)?),
            "oq" if arity(2) => Callback::OrderQty { item_id: int(0)?, qty: small(1)? },
            "ov" if arity(0) => Callback::ShowCart,
            "os" if arity(2) => Callback::CartSet { item_id: int(0)?, qty: small(1)? },
            "ck" if arity(0) => Callback::Checkout,
            "on" if arity(0) => Callback::NoNote,
            "ox" if arity(1) => Callback::CancelOrder(int(0)?),
            "aa" if arity(0) => Callback::AcceptAll,
            "pa" if arity(0) => Callback::PackAll,
            "pl" if arity(0) => Callback::PickList,
            "pb2" if arity(1) => Callback::PickListBuilding(int(0)?),
            "cb" if arity(1) => Callback::ClaimBuilding(int(0)?),
            "dv" if arity(1) => Callback::Delivered(int(0)?),
            "rv" if arity(1) => Callback::Received(int(0)?),
            "uc" if arity(1) => Callback::UseCommunity(int(0)?),
            "ro" if arity(1) => Callback::RosterOf(int(0)?),
            _ => return None,
        };
        Some(cb)
    }
}

#[cfg(test)]
#[path = "callback_tests.rs"]
mod tests;
