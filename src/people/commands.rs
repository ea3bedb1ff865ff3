//! The people slice's commands in a private chat, and the always-available `/cancel`.

use std::sync::Arc;

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, KeyboardRemove, Me};

use crate::bot::keyboard::button;
use crate::bot::{menu, Ctx, HandlerResult, State};
use crate::i18n::Lang;
use crate::people::buttons::Cb;
use crate::people::scope::Scope;
use crate::people::{invites, profile, register, view, volunteer, Command};
use crate::App;

pub async fn on_command(bot: Bot, cmd: Command, ctx: Ctx, state: State, app: Arc<App>) -> HandlerResult {
    match cmd {
        Command::Start(payload) => start(&bot, &app, &ctx, payload.trim()).await,
        Command::Help => view::say(&bot, &ctx, menu::help_text(ctx.lang, &ctx.roles)).await,
        Command::Cancel => cancel(&bot, &app, &ctx, &state, None).await,
        Command::Lang => {
            let kb = InlineKeyboardMarkup::new(vec![vec![
                button("中文", Cb::SetLang(Lang::ZhCn)),
                button("English", Cb::SetLang(Lang::En)),
            ]]);
            view::say_with(&bot, &ctx, t!("people.lang.choose", locale = ctx.lang.code()), kb).await
        }
        Command::Me => profile::show(&bot, &app, &ctx).await,
        Command::Register => register::start(&bot, &app, &ctx).await,
        // Officials' commands reach `on_official_command` (through `scope::for_officials`).
        Command::Invite(_) | Command::Applications => Ok(()),
        Command::Community => crate::people::scope::show(&bot, &app, &ctx).await,
        Command::Link(_) => view::say(&bot, &ctx, t!("people.link.only_in_groups", locale = ctx.lang.code())).await,
    }
}

/// Commands that act on the community the official acts on.
pub async fn on_official_command(
    bot: Bot,
    cmd: Command,
    ctx: Ctx,
    app: Arc<App>,
    me: Me,
    scope: Scope,
) -> HandlerResult {
    match cmd {
        Command::Invite(args) => invites::on_command(&bot, &app, &ctx, &me, &scope, &args).await,
        Command::Applications => volunteer::list_applications(&bot, &app, &ctx, &scope).await,
        _ => Ok(()),
    }
}

/// `/start`, with the deep-link payloads the bot hands out: `inv_<code>` (an invite),
/// `register` and `me` (buttons shown in groups, which never display personal data).
async fn start(bot: &Bot, app: &App, ctx: &Ctx, payload: &str) -> HandlerResult {
    if let Some(code) = payload.strip_prefix("inv_") {
        return invites::redeem(bot, app, ctx, code).await;
    }
    match payload {
        "register" => return register::start(bot, app, ctx).await,
        "me" => return profile::show(bot, app, ctx).await,
        _ => {}
    }
    menu::refresh(bot, ctx.user_id, ctx.lang, &ctx.roles).await;
    let l = ctx.lang.code();
    let mut text = t!("people.welcome", locale = l).into_owned();
    if ctx.roles.resident.is_none() && ctx.roles.memberships.is_empty() && !ctx.roles.admin {
        text.push_str("\n\n");
        text.push_str(&t!("people.welcome_register", locale = l));
    }
    text.push_str("\n\n");
    text.push_str(&menu::help_text(ctx.lang, &ctx.roles));
    view::say(bot, ctx, text).await
}

/// Leaves whatever dialogue the person is in and shows the menu. Always works, in every
/// state, by command or by button.
pub async fn cancel(bot: &Bot, app: &App, ctx: &Ctx, state: &State, q: Option<&CallbackQuery>) -> HandlerResult {
    let l = ctx.lang.code();
    crate::bot::Work::save_state(app, ctx, &State::Idle).await?;
    if let Some(q) = q {
        view::ack(bot, q).await?;
    }
    let mut text = t!("common.cancelled", locale = l).into_owned();
    if let Some(kept) = crate::bot::slice::cancel_note(state) {
        text.push('\n');
        text.push_str(&t!(kept, locale = l));
    }
    let text = format!("{text}\n\n{}", menu::help_text(ctx.lang, &ctx.roles));
    // Also removes the phone-sharing keyboard if it was showing.
    bot.send_message(ctx.chat_id, text).reply_markup(KeyboardRemove::new()).await?;
    Ok(())
}
