//! The guard's one read per update: everything it needs to know before the slices run (the
//! update, the sender, their roles and their dialogue), in one statement on a reader.

use std::sync::LazyLock;

use teloxide::types::{Chat, User};

use crate::bot::storage::{self, Loaded};
use crate::i18n::Lang;
use crate::people::{store, Roles};
use crate::{App, Result};

pub struct Seen {
    /// The update is in `inbound_updates` (the listener stored it, or a restart replays it).
    pub stored: bool,
    /// …and is done: a redelivery.
    pub done: bool,
    pub user: Option<Known>,
    pub roles: Option<Roles>,
    /// The private chat's dialogue state (idle in a group).
    pub dialogue: Loaded,
}

pub struct Known {
    pub display_name: String,
    pub lang: Lang,
    pub unreachable: bool,
}

type Row = (Option<bool>, Option<String>, Option<String>, Option<bool>, Option<String>, Option<String>, Option<String>);

static SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT (SELECT done_at IS NOT NULL FROM inbound_updates WHERE update_id = ?2),
                u.display_name, u.lang, u.unreachable,
                (SELECT state FROM dialogues WHERE chat_id = ?3),
                {}
         FROM (SELECT 1) LEFT JOIN users u ON u.id = ?1",
        store::ROLES_COLUMNS
    )
});

pub async fn read(app: &App, update_id: i64, sender: Option<&(User, Chat)>) -> Result<Seen> {
    let user_id = sender.map(|(u, _)| u.id.0 as i64);
    let private_chat = sender.and_then(|(_, c)| c.is_private().then_some(c.id.0));
    let (done, name, lang, unreachable, dialogue, resident, memberships): Row =
        sqlx::query_as(&SQL).bind(user_id).bind(update_id).bind(private_chat).fetch_one(&app.pool).await?;
    let user = match (name, lang) {
        (Some(display_name), Some(lang)) => Some(Known {
            display_name,
            lang: Lang::from_code(&lang).unwrap_or(app.settings.default_lang),
            unreachable: unreachable.unwrap_or(false),
        }),
        _ => None,
    };
    let roles = match (&user, user_id) {
        (Some(_), Some(id)) => {
            Some(store::roles_from(app.settings.is_admin(id), resident.as_deref(), memberships.as_deref())?)
        }
        _ => None,
    };
    Ok(Seen {
        stored: done.is_some(),
        done: done.unwrap_or(false),
        user,
        roles,
        dialogue: storage::parse(dialogue.as_deref()),
    })
}
