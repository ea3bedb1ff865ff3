//! Small keyboard builders shared by slices: paged lists and confirm/cancel rows. They take
//! the slice's own button type, so a page turn or a confirmation goes back to the slice
//! whose list or question it was.

use rust_i18n::t;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::callback::Common;
use crate::bot::cbdata::CallbackData;
use crate::i18n::Lang;

pub const PAGE_SIZE: usize = 8;

pub fn button(label: impl Into<String>, cb: impl CallbackData) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label.into(), cb.encode())
}

/// The items of page `page` (clamped), one per row, then a navigation row when the list
/// spans more than one page (`to_page` makes its buttons), then a cancel row.
pub fn paged<C: CallbackData>(
    lang: Lang,
    items: Vec<(String, C)>,
    page: u16,
    to_page: impl Fn(u16) -> C,
) -> InlineKeyboardMarkup {
    let pages = items.len().div_ceil(PAGE_SIZE).max(1);
    let page = usize::from(page).min(pages - 1);
    let mut rows: Vec<Vec<InlineKeyboardButton>> =
        items.into_iter().skip(page * PAGE_SIZE).take(PAGE_SIZE).map(|(label, cb)| vec![button(label, cb)]).collect();
    if pages > 1 {
        let mut nav = Vec::new();
        if page > 0 {
            nav.push(button(t!("common.prev_page", locale = lang.code()), to_page(page as u16 - 1)));
        }
        nav.push(button(t!("common.page_of", locale = lang.code(), page = page + 1, pages = pages), Common::Noop));
        if page + 1 < pages {
            nav.push(button(t!("common.next_page", locale = lang.code()), to_page(page as u16 + 1)));
        }
        rows.push(nav);
    }
    rows.push(vec![cancel_button(lang)]);
    InlineKeyboardMarkup::new(rows)
}

pub fn cancel_button(lang: Lang) -> InlineKeyboardButton {
    button(t!("common.cancel_button", locale = lang.code()), Common::Cancel)
}

/// "Confirm" (the slice's own confirmation button) and "Cancel".
pub fn confirm_cancel(lang: Lang, confirm: impl CallbackData) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        button(t!("common.confirm_button", locale = lang.code()), confirm),
        cancel_button(lang),
    ]])
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::callbacks! {
        enum Probe {
            Pick(id: i64) = "tp",
            Page(page: u16) = "tg",
        }
    }

    fn items(n: i64) -> Vec<(String, Probe)> {
        (0..n).map(|i| (format!("#{i}"), Probe::Pick(i))).collect()
    }

    #[test]
    fn short_list_has_no_navigation() {
        let kb = paged(Lang::En, items(3), 0, Probe::Page);
        assert_eq!(kb.inline_keyboard.len(), 4); // 3 items + cancel
    }

    #[test]
    fn long_list_pages_and_clamps() {
        let kb = paged(Lang::En, items(20), 9, Probe::Page);
        // page clamped to the last (items 16..20), then nav, then cancel
        assert_eq!(kb.inline_keyboard.len(), 4 + 2);
        assert_eq!(kb.inline_keyboard[0][0].text, "#16");
        let nav = &kb.inline_keyboard[4];
        assert_eq!(nav.len(), 2, "first-page nav has no prev; last page no next");
        let prev = match &nav[0].kind {
            teloxide::types::InlineKeyboardButtonKind::CallbackData(d) => Probe::decode(d),
            _ => None,
        };
        assert_eq!(prev, Some(Probe::Page(1)), "the page buttons are the caller's own");
    }
}
