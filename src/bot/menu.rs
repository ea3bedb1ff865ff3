//! What this person can do: the command menu Telegram shows them (per chat, in their
//! language) and the `/help` text. Both come from one list so they never disagree.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};

use crate::i18n::Lang;
use crate::people::Roles;

/// Commands available to a person with these roles, in menu order (from every slice's
/// declared commands, `bot::slice`).
pub fn commands_for(roles: &Roles) -> Vec<&'static str> {
    crate::bot::slice::commands_for(roles).into_iter().map(|c| c.name).collect()
}

fn describe(lang: Lang, cmd: &str) -> String {
    let key = crate::SLICES
        .iter()
        .flat_map(|s| s.commands.iter())
        .find(|c| c.name == cmd)
        .map_or("menu.start", |c| c.describe);
    t!(key, locale = lang.code()).into_owned()
}

pub fn help_text(lang: Lang, roles: &Roles) -> String {
    let mut text = t!("menu.help_header", locale = lang.code()).into_owned();
    for cmd in commands_for(roles) {
        text.push_str(&format!("\n/{cmd} — {}", describe(lang, cmd)));
    }
    if roles.is_official_anywhere() {
        text.push_str("\n\n");
        text.push_str(&t!("menu.help_official", locale = lang.code()));
    }
    text
}

/// Sets this person's command menu in their private chat. Failure is logged: a stale
/// menu is an inconvenience, and every command is authorised on the server anyway.
pub async fn refresh(bot: &Bot, user_id: i64, lang: Lang, roles: &Roles) {
    let commands: Vec<BotCommand> =
        commands_for(roles).into_iter().map(|c| BotCommand::new(c, describe(lang, c))).collect();
    let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(user_id)) };
    if let Err(err) = bot.set_my_commands(commands).scope(scope).await {
        tracing::warn!(user_id, %err, "could not set the command menu");
    }
}

/// The menu for people the bot has not seen yet, in both languages.
pub async fn set_defaults(bot: &Bot) {
    let roles = Roles::default();
    for lang in Lang::ALL {
        let commands: Vec<BotCommand> =
            commands_for(&roles).into_iter().map(|c| BotCommand::new(c, describe(lang, c))).collect();
        let mut request = bot.set_my_commands(commands).scope(BotCommandScope::AllPrivateChats);
        if lang != Lang::En {
            request = request.language_code(lang.telegram_code());
        }
        if let Err(err) = request.await {
            tracing::warn!(%err, "could not set the default command menu");
        }
    }
}
