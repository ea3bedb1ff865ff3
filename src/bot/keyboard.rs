//! Small keyboard builders shared by slices: paged lists and confirm/cancel rows.

use rust_i18n::t;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::Callback;
use crate::i18n::Lang;

pub const PAGE_SIZE: usize = 8;

pub fn button(label: impl Into<String>, cb: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label.into(), cb.encode())
}

/// The items of page `page` (clamped), one per row, then a navigation row when the list
/// spans more than one page, then a cancel row.
pub fn paged(lang: Lang, items: Vec<(String, Callback)>, page: u16) -> InlineKeyboardMarkup {
    let pages = items.len().div_ceil(PAGE_SIZE).max(1);
    let page = usize::from(page).min(pages - 1);
    let mut rows: Vec<Vec<InlineKeyboardButton>> =
        items.into_iter().skip(page * PAGE_SIZE).take(PAGE_SIZE).map(|(label, cb)| vec![button(label, cb)]).collect();
    if pages > 1 {
        let mut nav = Vec::new();
        if page > 0 {
            nav.push(button(t!("common.prev_page", locale = lang.code()), Callback::Page(page as u16 - 1)));
        }
        nav.push(button(t!("common.page_of", locale = lang.code(), page = page + 1, pages = pages), Callback::Noop));
        if page + 1 < pages {
            nav.push(button(t!("common.next_page", locale = lang.code()), Callback::Page(page as u16 + 1)));
        }
        rows.push(nav);
    }
    rows.push(vec![cancel_button(lang)]);
    InlineKeyboardMarkup::new(rows)
}

pub fn cancel_button(lang: Lang) -> InlineKeyboardButton {
    button(t!("common.cancel_button", locale = lang.code()), Callback::Cancel)
}

pub fn confirm_cancel(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        button(t!("common.confirm_button", locale = lang.code()), Callback::Confirm),
        cancel_button(lang),
    ]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: i64) -> Vec<(String, Callback)> {
        (0..n).map(|i| (format!("#{i}"), Callback::PickBuilding(i))).collect()
    }

    #[test]
    fn short_list_has_no_navigation() {
        let kb = paged(Lang::En, items(3), 0);
        assert_eq!(kb.inline_keyboard.len(), 4); // 3 items + cancel
    }

    #[test]
    fn long_list_pages_and_clamps() {
        let kb = paged(Lang::En, items(20), 9);
        // page clamped to the last (items 16..20), then nav, then cancel
        assert_eq!(kb.inline_keyboard.len(), 4 + 2);
        assert_eq!(kb.inline_keyboard[0][0].text, "#16");
        let nav = &kb.inline_keyboard[4];
        assert_eq!(nav.len(), 2, "first-page nav has no prev; last page no next");
    }
}
