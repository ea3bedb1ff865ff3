//! Telegram glue shared by every slice: the handler tree, the per-update context, the
//! dialogue storage, typed callback data, command menus and small keyboard builders.

pub mod callback;
pub mod cbdata;
pub mod guard;
pub mod inbound;
pub mod keyboard;
pub mod listener;
pub mod menu;
pub mod reply;
pub mod routes;
pub mod schema;
pub mod slice;
pub mod state;
pub mod storage;
pub mod work;

use teloxide::types::ChatId;

use crate::i18n::Lang;
use crate::people::Roles;

pub use callback::Common;
pub use cbdata::CallbackData;
pub use schema::schema;
pub use state::State;
pub use work::Work;

/// The error type handlers return.
pub type HandlerResult = crate::Result<()>;

/// Who sent this update and what they may do; loaded once per update by the guard and
/// injected into every handler.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The Telegram update being answered; marked done with its effects (`Work::commit`).
    pub update_id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub lang: Lang,
    pub chat_id: ChatId,
    /// A private chat with the bot (as opposed to a group).
    pub private: bool,
    pub roles: Roles,
}
