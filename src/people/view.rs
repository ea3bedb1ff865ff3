//! Texts and keyboards of the people slice, all through `locales/`.

use rust_i18n::t;
use teloxide::types::{ButtonRequest, InlineKeyboardMarkup, KeyboardButton, KeyboardMarkup};

use crate::bot::keyboard::button;
use crate::bot::Ctx;
use crate::i18n::Lang;
use crate::people::buttons::Cb;
use crate::people::model::{InputError, MembershipStatus, Phone, ProfileField, Role, Skill};
use crate::people::Roles;

pub use crate::bot::reply::{ack, refuse, say, say_with};

/// Why a typed answer was refused, in words that say what to do instead.
pub fn invalid(lang: Lang, err: InputError) -> String {
    let l = lang.code();
    match err {
        InputError::Empty => t!("people.invalid.empty", locale = l),
        InputError::TooLong { max } => t!("people.invalid.too_long", locale = l, max = max),
        InputError::NotANumber => t!("people.invalid.not_a_number", locale = l),
        InputError::OutOfRange { min, max } => t!("people.invalid.out_of_range", locale = l, min = min, max = max),
        InputError::BadPhone => t!("people.invalid.phone", locale = l),
        InputError::NoLettersOrDigits => t!("people.invalid.no_letters_or_digits", locale = l),
    }
    .into_owned()
}

/// The reason for a message that is not text (photo, sticker, voice…).
pub fn not_text(lang: Lang) -> String {
    t!("people.invalid.not_text", locale = lang.code()).into_owned()
}

/// The reply keyboard with Telegram's "share my phone number" button and a skip button.
pub fn phone_keyboard(lang: Lang) -> KeyboardMarkup {
    KeyboardMarkup::new(vec![
        vec![KeyboardButton::new(t!("people.reg.share_phone", locale = lang.code())).request(ButtonRequest::Contact)],
        vec![KeyboardButton::new(t!("people.reg.skip_phone", locale = lang.code()))],
    ])
    .resize_keyboard()
    .one_time_keyboard()
}

/// True when the text is the skip button, in either language.
pub fn is_skip(text: &str) -> bool {
    let text = text.trim();
    Lang::ALL.iter().any(|l| text == t!("people.reg.skip_phone", locale = l.code()))
}

pub fn role_name(lang: Lang, role: Role) -> String {
    match role {
        Role::Volunteer => t!("people.role.volunteer", locale = lang.code()),
        Role::Official => t!("people.role.official", locale = lang.code()),
    }
    .into_owned()
}

pub fn skill_name(lang: Lang, skill: Skill) -> String {
    let l = lang.code();
    match skill {
        Skill::Medical => t!("people.skill.medical", locale = l),
        Skill::Driver => t!("people.skill.driver", locale = l),
        Skill::Counselling => t!("people.skill.counselling", locale = l),
        Skill::Carrying => t!("people.skill.carrying", locale = l),
        Skill::Phones => t!("people.skill.phones", locale = l),
    }
    .into_owned()
}

fn status_name(lang: Lang, status: MembershipStatus) -> String {
    let l = lang.code();
    match status {
        MembershipStatus::Profile => t!("people.status.profile", locale = l),
        MembershipStatus::Pending => t!("people.status.pending", locale = l),
        MembershipStatus::Approved => t!("people.status.approved", locale = l),
        MembershipStatus::Rejected => t!("people.status.rejected", locale = l),
    }
    .into_owned()
}

pub fn yes_no(lang: Lang, yes: bool) -> String {
    if yes { t!("common.answer_yes", locale = lang.code()) } else { t!("common.answer_no", locale = lang.code()) }
        .into_owned()
}

/// `/me`: the person's own data (phone masked), roles, and what they can change.
pub fn profile(lang: Lang, ctx: &Ctx, community_names: &[(i64, String)]) -> (String, InlineKeyboardMarkup) {
    let l = lang.code();
    let roles: &Roles = &ctx.roles;
    let mut text = t!("people.me.header", locale = l, name = ctx.display_name.as_str()).into_owned();
    let mut rows = Vec::new();
    if let Some(r) = &roles.resident {
        let phone = r.phone.as_deref().and_then(|p| Phone::parse(p).ok()).map(|p| p.masked());
        let phone = phone.unwrap_or_else(|| t!("people.me.no_phone", locale = l).into_owned());
        text.push('\n');
        text.push_str(&t!(
            "people.me.resident",
            locale = l,
            community = r.community_label(lang),
            building = r.building_label(lang),
            unit_room = r.unit_room.as_str(),
            household = r.household_size,
            phone = phone
        ));
        for field in ProfileField::ALL {
            let label = match field {
                ProfileField::Community => t!("people.me.edit_community", locale = l),
                ProfileField::Building => t!("people.me.edit_building", locale = l),
                ProfileField::UnitRoom => t!("people.me.edit_unit_room", locale = l),
                ProfileField::Household => t!("people.me.edit_household", locale = l),
                ProfileField::Phone => t!("people.me.edit_phone", locale = l),
            };
            rows.push(vec![button(label, Cb::EditProfile(field))]);
        }
    } else {
        text.push('\n');
        text.push_str(&t!("people.me.not_resident", locale = l));
    }
    if roles.admin {
        text.push('\n');
        text.push_str(&t!("people.me.admin", locale = l));
    }
    for m in &roles.memberships {
        let community = community_names.iter().find(|(id, _)| *id == m.community_id).map(|(_, n)| n.as_str());
        text.push('\n');
        text.push_str(&t!(
            "people.me.membership",
            locale = l,
            role = role_name(lang, m.role),
            community = community.unwrap_or("?"),
            status = status_name(lang, m.status)
        ));
        if m.role == Role::Volunteer && m.status != MembershipStatus::Profile {
            let skills: Vec<String> = m.skills.iter().map(|s| skill_name(lang, *s)).collect();
            text.push('\n');
            text.push_str(&t!(
                "people.me.volunteer_profile",
                locale = l,
                party = yes_no(lang, m.party_member),
                experienced = yes_no(lang, m.experienced),
                skills = if skills.is_empty() { "—".to_owned() } else { skills.join("、") }
            ));
        }
    }
    rows.push(vec![button(t!("people.me.delete", locale = l), Cb::DeleteMyData)]);
    (text, InlineKeyboardMarkup::new(rows))
}
