//! What this person can do: the command menu Telegram shows them (per chat, in their
//! language) and the `/help` text. Both come from one list so they never disagree.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};

use crate::i18n::Lang;
use crate::people::Roles;

/// Commands available to a person with these roles, in menu order.
pub fn commands_for(roles: &Roles) -> Vec<&'static str> {
    let mut cmds = vec!["help"];
    if roles.resident.is_none() {
        cmds.push("register");
    }
    cmds.push("me");
    if roles.resident.is_some() {
        cmds.extend(["order", "myorders"]);
    }
    cmds.push("notices");
    if roles.memberships.iter().any(|m| {
        m.role == crate::people::model::Role::Volunteer && m.status == crate::people::model::MembershipStatus::Approved
    }) {
        cmds.extend(["shifts", "myshifts", "hours", "deliveries"]);
    }
    if roles.is_official_anywhere() {
        cmds.extend(["orders", "catalog", "orderfor", "notice", "roster", "checkpoints", "freeze", "unfreeze"]);
        cmds.extend(["applications", "invite", "link", "outbox"]);
    }
    cmds.extend(["lang", "cancel"]);
    cmds
}

fn describe(lang: Lang, cmd: &str) -> String {
    let l = lang.code();
    match cmd {
        "help" => t!("menu.help", locale = l),
        "register" => t!("menu.register", locale = l),
        "me" => t!("menu.me", locale = l),
        "invite" => t!("menu.invite", locale = l),
        "link" => t!("menu.link", locale = l),
        "outbox" => t!("menu.outbox", locale = l),
        "notice" => t!("menu.notice", locale = l),
        "shifts" => t!("menu.shifts", locale = l),
        "myshifts" => t!("menu.myshifts", locale = l),
        "hours" => t!("menu.hours", locale = l),
        "roster" => t!("menu.roster", locale = l),
        "checkpoints" => t!("menu.checkpoints", locale = l),
        "order" => t!("menu.order", locale = l),
        "myorders" => t!("menu.myorders", locale = l),
        "freeze" => t!("menu.freeze", locale = l),
        "unfreeze" => t!("menu.unfreeze", locale = l),
        "orders" => t!("menu.orders", locale = l),
        "deliveries" => t!("menu.deliveries", locale = l),
        "catalog" => t!("menu.catalog", locale = l),
        "orderfor" => t!("menu.orderfor", locale = l),
        "notices" => t!("menu.notices", locale = l),
        "applications" => t!("menu.applications", locale = l),
        "lang" => t!("menu.lang", locale = l),
        "cancel" => t!("menu.cancel", locale = l),
        _ => t!("menu.start", locale = l),
    }
    .into_owned()
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
