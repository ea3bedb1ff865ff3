//! What can be queued: text (plain or our own HTML templates), a photo or a document,
//! with an optional inline keyboard. Telegram's size limits are enforced here, at
//! enqueue time, so nothing fails for length at send time.

use serde::{Deserialize, Serialize};
use teloxide::types::InlineKeyboardMarkup;

use crate::{Error, Result};

/// Telegram's limit for a text message, in characters.
pub const TEXT_LIMIT: usize = 4096;
/// Telegram's limit for a media caption.
pub const CAPTION_LIMIT: usize = 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutMessage {
    pub content: Content,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyboard: Option<InlineKeyboardMarkup>,
    /// Pin after sending (urgent notices in groups); skipped where the bot may not pin.
    #[serde(default)]
    pub pin: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Content {
    /// `html` only for the bot's own templates: people's text is always sent plain, so
    /// nothing they type can break or inject formatting.
    Text {
        text: String,
        #[serde(default)]
        html: bool,
    },
    Photo {
        file: FileSource,
        caption: Option<String>,
    },
    Document {
        file: FileSource,
        caption: Option<String>,
    },
    /// New text (and keyboard) for a message the bot sent to this chat earlier: a group
    /// buy's live tally. Plain text, never split (`enqueue_edit` replaces an edit of the
    /// same message still waiting, so a burst of changes goes out as one edit).
    Edit {
        message_id: i32,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FileSource {
    /// A file Telegram already has.
    FileId(String),
    /// Bytes we upload; kept in the row's `attachment` column, not in the JSON.
    Upload {
        name: String,
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// A file on disk (an export), read and streamed at send time: a 45 MB part is never
    /// held in memory or in an outbox row. A file gone by then fails the row.
    Path { name: String, path: std::path::PathBuf },
}

impl OutMessage {
    pub fn text(text: impl Into<String>) -> Self {
        Self { content: Content::Text { text: text.into(), html: false }, keyboard: None, pin: false }
    }

    pub fn html(text: impl Into<String>) -> Self {
        Self { content: Content::Text { text: text.into(), html: true }, keyboard: None, pin: false }
    }

    pub fn document(name: impl Into<String>, bytes: Vec<u8>, caption: Option<String>) -> Self {
        let file = FileSource::Upload { name: name.into(), bytes };
        Self { content: Content::Document { file, caption }, keyboard: None, pin: false }
    }

    /// A picture we made (a chart), uploaded as a photo.
    pub fn photo_upload(name: impl Into<String>, bytes: Vec<u8>, caption: Option<String>) -> Self {
        let file = FileSource::Upload { name: name.into(), bytes };
        Self { content: Content::Photo { file, caption }, keyboard: None, pin: false }
    }

    /// A document streamed from `path` when it is sent (see [`FileSource::Path`]).
    pub fn document_file(name: impl Into<String>, path: std::path::PathBuf, caption: Option<String>) -> Self {
        let file = FileSource::Path { name: name.into(), path };
        Self { content: Content::Document { file, caption }, keyboard: None, pin: false }
    }

    pub fn photo(file_id: impl Into<String>, caption: Option<String>) -> Self {
        Self {
            content: Content::Photo { file: FileSource::FileId(file_id.into()), caption },
            keyboard: None,
            pin: false,
        }
    }

    /// Replaces the text of the bot's message `message_id` in the chat it is queued for.
    pub fn edit(message_id: i32, text: impl Into<String>) -> Self {
        Self { content: Content::Edit { message_id, text: text.into() }, keyboard: None, pin: false }
    }

    pub fn keyboard(mut self, keyboard: InlineKeyboardMarkup) -> Self {
        self.keyboard = Some(keyboard);
        self
    }

    pub fn pinned(mut self) -> Self {
        self.pin = true;
        self
    }

    /// The messages to store for this one: long plain text becomes several, split on
    /// line boundaries (the keyboard and pin go with the last part). HTML and captions
    /// cannot be split safely, so over-long ones are refused.
    pub fn into_parts(self) -> Result<Vec<OutMessage>> {
        match &self.content {
            Content::Text { text, .. } if text.trim().is_empty() => Err(Error::EmptyMessage),
            Content::Text { text, html } => {
                let len = text.chars().count();
                if len <= TEXT_LIMIT {
                    return Ok(vec![self]);
                }
                if *html {
                    return Err(Error::MessageTooLong { len, max: TEXT_LIMIT });
                }
                let chunks = split_lines(text, TEXT_LIMIT);
                let last = chunks.len() - 1;
                Ok(chunks
                    .into_iter()
                    .enumerate()
                    .map(|(i, chunk)| OutMessage {
                        content: Content::Text { text: chunk, html: false },
                        keyboard: if i == last { self.keyboard.clone() } else { None },
                        pin: i == last && self.pin,
                    })
                    .collect())
            }
            Content::Edit { text, .. } => {
                let len = text.chars().count();
                if text.trim().is_empty() {
                    return Err(Error::EmptyMessage);
                }
                if len > TEXT_LIMIT {
                    return Err(Error::MessageTooLong { len, max: TEXT_LIMIT });
                }
                Ok(vec![self])
            }
            Content::Photo { caption, .. } | Content::Document { caption, .. } => {
                let len = caption.as_deref().map_or(0, |c| c.chars().count());
                if len > CAPTION_LIMIT {
                    return Err(Error::MessageTooLong { len, max: CAPTION_LIMIT });
                }
                Ok(vec![self])
            }
        }
    }
}

/// Splits `text` into chunks of at most `max` characters, breaking after a newline where
/// possible and inside a line only when one line alone is longer than `max`.
pub fn split_lines(text: &str, max: usize) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for line in text.split_inclusive('\n') {
        let line_len = line.chars().count();
        if current_len + line_len > max && current_len > 0 {
            chunks.push(std::mem::take(&mut current));
            current_len = 0;
        }
        if line_len > max {
            let chars: Vec<char> = line.chars().collect();
            for piece in chars.chunks(max) {
                if current_len + piece.len() > max {
                    chunks.push(std::mem::take(&mut current));
                    current_len = 0;
                }
                current.extend(piece);
                current_len += piece.len();
            }
        } else {
            current.push_str(line);
            current_len += line_len;
        }
    }
    // A trailing newline alone would be an empty message, which Telegram refuses.
    if !current.trim().is_empty() || chunks.is_empty() {
        chunks.push(current);
    } else if let Some(last) = chunks.last_mut() {
        if last.chars().count() + current.chars().count() <= max {
            last.push_str(&current);
        }
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_part() {
        assert_eq!(OutMessage::text("你好").into_parts().unwrap().len(), 1);
    }

    #[test]
    fn long_text_splits_on_lines_and_keeps_everything() {
        let line = format!("{}\n", "楼".repeat(999)); // 1000 chars with the newline
        let text = line.repeat(10);
        let parts = OutMessage::text(text.clone()).keyboard(InlineKeyboardMarkup::default()).into_parts().unwrap();
        assert_eq!(parts.len(), 3);
        let mut joined = String::new();
        for (i, p) in parts.iter().enumerate() {
            let Content::Text { text, .. } = &p.content else { panic!() };
            assert!(text.chars().count() <= TEXT_LIMIT);
            assert!(text.ends_with('\n'), "split on a line boundary");
            assert_eq!(p.keyboard.is_some(), i == parts.len() - 1, "keyboard on the last part only");
            joined.push_str(text);
        }
        assert_eq!(joined, text);
    }

    #[test]
    fn empty_text_is_refused_and_no_part_is_blank() {
        assert!(matches!(OutMessage::text(" \n ").into_parts(), Err(Error::EmptyMessage)));
        let text = format!("{}\n", "a".repeat(TEXT_LIMIT));
        let chunks = split_lines(&text, TEXT_LIMIT);
        assert!(
            chunks.iter().all(|c| !c.trim().is_empty()),
            "{:?}",
            chunks.iter().map(|c| c.len()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_single_huge_line_is_cut_and_nothing_lost() {
        let text = "a".repeat(9000);
        let chunks = split_lines(&text, TEXT_LIMIT);
        assert_eq!(chunks.iter().map(|c| c.len()).collect::<Vec<_>>(), vec![4096, 4096, 808]);
    }

    #[test]
    fn long_html_and_captions_are_refused_with_the_count() {
        let err = OutMessage::html("x".repeat(5000)).into_parts().unwrap_err();
        assert!(matches!(err, Error::MessageTooLong { len: 5000, max: TEXT_LIMIT }));
        let err = OutMessage::document("a.csv", vec![], Some("c".repeat(1025))).into_parts().unwrap_err();
        assert!(matches!(err, Error::MessageTooLong { len: 1025, max: CAPTION_LIMIT }));
    }
}
