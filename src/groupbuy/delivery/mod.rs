//! A closed group buy's goods to the households: to the door by volunteers, a building
//! each, or picked up with a tick per household; payment recorded by the leader.

pub mod buttons;

use teloxide::types::InlineKeyboardButton;

use crate::i18n::Lang;

/// The leader's way into a closed buy's delivery (shown in `/buys`).
pub fn manage_button(lang: Lang, buy: i64) -> InlineKeyboardButton {
    crate::bot::keyboard::button(
        rust_i18n::t!("groupbuy.delivery.manage_button", locale = lang.code()),
        buttons::Cb::Manage(buy),
    )
}
