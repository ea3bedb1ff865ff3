//! The bot in group chats. An official binds a group to a community or a building with
//! `/link` (`link.rs`; used for notices). In a group the bot never shows personal data:
//! anything personal is answered with a button that opens the private chat. Ordinary
//! group talk is left alone (the bot speaks only when addressed).
//!
//! A group speaks its own language, not that of whoever typed the command: the
//! deployment's (`LINLI_LANG`) until an official of its community changes it with `/lang`
//! in the group. Alerts on a tapped button are the tapper's own, so they stay in theirs.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{Chat, InlineKeyboardButton, InlineKeyboardMarkup, Me, ReplyParameters};

use crate::bot::keyboard::button;
use crate::bot::{Ctx, HandlerResult, Work};
use crate::i18n::Lang;
use crate::people::buttons::Cb;
use crate::people::{link, store, view, Command};
use crate::App;

/// A button opening the private chat with `/start <payload>`.
pub fn private_button(me: &Me, lang: Lang, payload: &str) -> InlineKeyboardMarkup {
    let mut url = me.tme_url();
    url.set_query(Some(&format!("start={payload}")));
    InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::url(
        t!("people.group.open_private", locale = lang.code()),
        url,
    )]])
}

/// The language the bot writes in this group: its own once linked, the deployment's before.
pub async fn group_lang(app: &App, chat_id: i64) -> crate::Result<Lang> {
    Ok(store::chat_lang(&app.pool, chat_id).await?.unwrap_or(app.settings.default_lang))
}

/// The group a tapped button's message is in (`None` in a private chat).
pub fn group_of(q: &CallbackQuery) -> Option<Chat> {
    q.message.as_ref().map(|m| m.chat().clone()).filter(|c| !c.is_private())
}

pub async fn on_command(
    bot: Bot,
    msg: Message,
    cmd: Command,
    ctx: Ctx,
    app: std::sync::Arc<App>,
    me: Me,
) -> HandlerResult {
    let lang = group_lang(&app, msg.chat.id.0).await?;
    let l = lang.code();
    let reply = |key: &str, payload: &str| {
        bot.send_message(msg.chat.id, t!(key, locale = l))
            .reply_markup(private_button(&me, lang, payload))
            .reply_parameters(ReplyParameters::new(msg.id))
    };
    match cmd {
        Command::Link(args) => return link::on_command(&bot, &app, &ctx, &msg, lang, args.trim()).await,
        Command::Lang => return choose_lang(&bot, &app, &ctx, &msg, &me, lang).await,
        Command::Register => reply("people.group.go_private", "register").await?,
        Command::Me => reply("people.group.go_private", "me").await?,
        Command::Invite(_) | Command::Applications | Command::Community => {
            reply("people.group.go_private", "start").await?
        }
        Command::Start(_) | Command::Help | Command::Cancel => reply("people.group.help", "start").await?,
    };
    Ok(())
}

/// `/lang` in a group: an official of its community chooses the group's language; anyone
/// else is told where their own language is set.
async fn choose_lang(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, me: &Me, lang: Lang) -> HandlerResult {
    let l = lang.code();
    let (text, kb) = match store::chat_link(&app.pool, msg.chat.id.0).await? {
        Some((community, _)) if ctx.roles.is_official_of(community) => (
            t!("people.group.lang_choose", locale = l),
            InlineKeyboardMarkup::new(vec![vec![
                button("中文", Cb::GroupLang(Lang::ZhCn)),
                button("English", Cb::GroupLang(Lang::En)),
            ]]),
        ),
        Some(_) => (t!("people.group.lang_officials_only", locale = l), private_button(me, lang, "start")),
        None => (t!("people.group.lang_unlinked", locale = l), private_button(me, lang, "start")),
    };
    bot.send_message(msg.chat.id, text).reply_markup(kb).reply_parameters(ReplyParameters::new(msg.id)).await?;
    Ok(())
}

/// A language button under `/lang` in a group: the tapper must run the group's community
/// now (a replayed button is checked again).
pub async fn on_lang_callback(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, lang: Lang) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(chat) = group_of(q) else {
        return view::refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    // Checked and changed in one transaction, so a rebind in between cannot slip through.
    let mut work = Work::begin(app, ctx).await?;
    match store::chat_link(&mut *work, chat.id.0).await? {
        None => return view::refuse(bot, q, t!("common.stale_button", locale = l)).await,
        Some((community, _)) if !ctx.roles.is_official_of(community) => {
            return view::refuse(bot, q, t!("people.not_allowed", locale = l)).await
        }
        Some(_) => {}
    }
    store::set_chat_lang(&mut work, chat.id.0, lang).await?;
    work.commit().await?;
    view::ack(bot, q).await?;
    bot.send_message(chat.id, t!("people.group.lang_set", locale = lang.code())).await?;
    Ok(())
}
