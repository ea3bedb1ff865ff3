//! What a notice looks like to its recipients, and the slice's small replies.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::{Ctx, HandlerResult};
use crate::i18n::Lang;
use crate::notices::buttons::Cb;
use crate::outbox::{Content, FileSource, OutMessage};

pub use crate::bot::reply::{ack, refuse, say, say_with};

/// The line above every notice.
pub fn header(lang: Lang, urgent: bool) -> String {
    if urgent {
        t!("notices.header_urgent", locale = lang.code()).into_owned()
    } else {
        t!("notices.header", locale = lang.code()).into_owned()
    }
}

/// The longest header any recipient may get, so a length check holds for all of them.
pub fn longest_header() -> String {
    Lang::ALL
        .iter()
        .flat_map(|l| [header(*l, true), header(*l, false)])
        .max_by_key(|h| h.chars().count())
        .unwrap_or_default()
}

/// A notice as a person in `lang` receives it: header, the official's text as plain text
/// (no parse mode, so nothing typed can break or inject formatting), and the
/// acknowledgement button. Group copies are pinned when urgent.
pub fn render(
    lang: Lang,
    body: &str,
    media: Option<(&str, &str)>,
    urgent: bool,
    notice_id: i64,
    group: bool,
) -> OutMessage {
    let text = format!("{}{}", header(lang, urgent), body);
    let content = match media {
        Some(("photo", file_id)) => {
            Content::Photo { file: FileSource::FileId(file_id.to_owned()), caption: Some(text) }
        }
        Some((_, file_id)) => Content::Document { file: FileSource::FileId(file_id.to_owned()), caption: Some(text) },
        None => Content::Text { text, html: false },
    };
    let keyboard = InlineKeyboardMarkup::new(vec![vec![button(
        t!("notices.ack_button", locale = lang.code()),
        Cb::Ack(notice_id),
    )]]);
    OutMessage { content, keyboard: Some(keyboard), pin: group && urgent }
}

pub async fn stale(bot: &Bot, q: &CallbackQuery, ctx: &Ctx) -> HandlerResult {
    refuse(bot, q, t!("common.stale_button", locale = ctx.lang.code())).await
}

pub async fn not_allowed(bot: &Bot, q: &CallbackQuery, ctx: &Ctx) -> HandlerResult {
    refuse(bot, q, t!("people.not_allowed", locale = ctx.lang.code())).await
}

/// Sends `message` straight to the person composing (the preview), exactly as it will go out.
pub async fn send_preview(bot: &Bot, ctx: &Ctx, message: &OutMessage) -> HandlerResult {
    let kb = message.keyboard.clone().unwrap_or_default();
    match &message.content {
        Content::Text { text, .. } => {
            bot.send_message(ctx.chat_id, text.clone()).reply_markup(kb).await?;
        }
        Content::Photo { file: FileSource::FileId(id), caption } => {
            let mut req = bot.send_photo(ctx.chat_id, teloxide::types::InputFile::file_id(id.clone().into()));
            if let Some(c) = caption {
                req = req.caption(c.clone());
            }
            req.reply_markup(kb).await?;
        }
        Content::Document { file: FileSource::FileId(id), caption } => {
            let mut req = bot.send_document(ctx.chat_id, teloxide::types::InputFile::file_id(id.clone().into()));
            if let Some(c) = caption {
                req = req.caption(c.clone());
            }
            req.reply_markup(kb).await?;
        }
        _ => {}
    }
    Ok(())
}

/// "1 group" / "2 groups".
pub fn groups(lang: Lang, n: impl TryInto<i64>) -> String {
    let (l, n) = (lang.code(), n.try_into().unwrap_or_default());
    crate::i18n::plural(
        n,
        t!("notices.groups_one", locale = l, count = n),
        t!("notices.groups_many", locale = l, count = n),
    )
}

/// A one-line excerpt for lists.
pub fn excerpt(body: &str, chars: usize) -> String {
    let line = body.lines().next().unwrap_or_default();
    let mut out: String = line.chars().take(chars).collect();
    if line.chars().count() > chars || body.lines().count() > 1 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_an_officials_text_is_sent_as_plain_text() {
        let body = "<b>明天</b> *核酸* [link](http://x) _8点_ & </i>";
        let m = render(Lang::ZhCn, body, None, false, 7, false);
        let Content::Text { text, html } = &m.content else { panic!() };
        assert!(!html, "no parse mode");
        assert!(text.ends_with(body), "the text is not altered");
        assert!(m.keyboard.is_some() && !m.pin);
    }

    #[test]
    fn urgent_group_copies_are_pinned() {
        assert!(render(Lang::En, "x", None, true, 1, true).pin);
        assert!(!render(Lang::En, "x", None, true, 1, false).pin);
    }

    #[test]
    fn english_counts_agree_with_their_noun() {
        use crate::i18n::people;
        assert_eq!(people(Lang::En, 1_u64), "1 person");
        assert_eq!(people(Lang::En, 3_i64), "3 people");
        assert_eq!(people(Lang::En, 0_usize), "0 people");
        assert_eq!(groups(Lang::En, 1_u64), "1 group");
        assert_eq!(groups(Lang::En, 2_u64), "2 groups");
        assert_eq!(people(Lang::ZhCn, 1_u64), "1 人");
        assert_eq!(groups(Lang::ZhCn, 2_u64), "2 个群");
    }

    #[test]
    fn excerpts_are_short_and_marked() {
        assert_eq!(excerpt("核酸检测通知\n明天8点", 20), "核酸检测通知…");
        assert_eq!(excerpt("short", 20), "short");
        assert_eq!(excerpt(&"字".repeat(30), 10), format!("{}…", "字".repeat(10)));
    }
}
