//! The bot in group chats. An official binds a group to a community or a building with
//! `/link` (used later for notices and group buys). In a group the bot never shows
//! personal data: anything personal is answered with a button that opens the private
//! chat. Ordinary group talk is left alone (the bot speaks only when addressed).

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, Me};

use crate::bot::keyboard::button;
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::people::buttons::Cb;
use crate::people::{store, view, Command};
use crate::App;

/// A button opening the private chat with `/start <payload>`.
pub fn private_button(me: &Me, ctx: &Ctx, payload: &str) -> InlineKeyboardMarkup {
    let mut url = me.tme_url();
    url.set_query(Some(&format!("start={payload}")));
    InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::url(
        t!("people.group.open_private", locale = ctx.lang.code()),
        url,
    )]])
}

pub async fn on_command(
    bot: Bot,
    msg: Message,
    cmd: Command,
    ctx: Ctx,
    app: std::sync::Arc<App>,
    me: Me,
) -> HandlerResult {
    let l = ctx.lang.code();
    let reply = |text: String, kb: InlineKeyboardMarkup| {
        bot.send_message(msg.chat.id, text)
            .reply_markup(kb)
            .reply_parameters(teloxide::types::ReplyParameters::new(msg.id))
    };
    match cmd {
        Command::Link(args) => link(&bot, &app, &ctx, &msg, args.trim()).await,
        Command::Register => {
            reply(t!("people.group.go_private", locale = l).into_owned(), private_button(&me, &ctx, "register"))
                .await?;
            Ok(())
        }
        Command::Me => {
            reply(t!("people.group.go_private", locale = l).into_owned(), private_button(&me, &ctx, "me")).await?;
            Ok(())
        }
        Command::Invite(_) | Command::Applications | Command::Community => {
            reply(t!("people.group.go_private", locale = l).into_owned(), private_button(&me, &ctx, "start")).await?;
            Ok(())
        }
        Command::Start(_) | Command::Help | Command::Lang | Command::Cancel => {
            reply(t!("people.group.help", locale = l).into_owned(), private_button(&me, &ctx, "start")).await?;
            Ok(())
        }
    }
}

async fn link(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, building_name: &str) -> HandlerResult {
    let l = ctx.lang.code();
    if !ctx.roles.is_official_anywhere() {
        bot.send_message(msg.chat.id, t!("people.not_allowed", locale = l)).await?;
        return Ok(());
    }
    let communities = store::official_communities(&app.pool, ctx.user_id, ctx.roles.admin).await?;
    let title = msg.chat.title().unwrap_or_default();
    if !building_name.is_empty() {
        let mut matches = Vec::new();
        for c in &communities {
            if let Some(b) = store::find_building(&app.pool, c.id, building_name).await? {
                matches.push((c, b));
            }
        }
        match matches.as_slice() {
            [] => {
                let text = t!("people.link.no_such_building", locale = l, name = building_name);
                bot.send_message(msg.chat.id, text).await?;
            }
            [(c, b)] => {
                bind_group(app, ctx, msg.chat.id.0, c.id, Some(b.id), title).await?;
                let text = t!(
                    "people.link.linked_building",
                    locale = l,
                    community = c.label(ctx.lang),
                    building = b.name.as_str()
                );
                bot.send_message(msg.chat.id, text).await?;
            }
            // "3号楼" exists in several of this official's communities: ask which.
            many => {
                let rows = many
                    .iter()
                    .map(|(c, b)| {
                        let label = format!("{} {}", c.label(ctx.lang), b.name);
                        vec![button(label, Cb::LinkGroup { community_id: c.id, building_id: b.id })]
                    })
                    .collect::<Vec<_>>();
                bot.send_message(msg.chat.id, t!("people.link.which_community", locale = l))
                    .reply_markup(InlineKeyboardMarkup::new(rows))
                    .await?;
            }
        }
        return Ok(());
    }
    match communities.as_slice() {
        [] => {
            bot.send_message(msg.chat.id, t!("people.no_communities_admin", locale = l)).await?;
        }
        [only] => {
            bind_group(app, ctx, msg.chat.id.0, only.id, None, title).await?;
            bot.send_message(
                msg.chat.id,
                t!("people.link.linked_community", locale = l, community = only.label(ctx.lang)),
            )
            .await?;
        }
        many => {
            let rows = many
                .iter()
                .map(|c| vec![button(c.label(ctx.lang), Cb::LinkGroup { community_id: c.id, building_id: 0 })])
                .collect::<Vec<_>>();
            bot.send_message(msg.chat.id, t!("people.link.which_community", locale = l))
                .reply_markup(InlineKeyboardMarkup::new(rows))
                .await?;
        }
    }
    Ok(())
}

/// The tapper must run that community; the button's ids are checked again.
pub async fn on_link_callback(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    community_id: i64,
    building_id: i64,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(chat) = q.message.as_ref().map(|m| m.chat().clone()).filter(|c| !c.is_private()) else {
        return view::refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    if !ctx.roles.is_official_of(community_id) {
        return view::refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    }
    let Some(community) = store::community(&app.pool, community_id).await? else {
        return view::refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let building =
        if building_id == 0 { None } else { store::building_in(&app.pool, building_id, community_id).await? };
    if building_id != 0 && building.is_none() {
        return view::refuse(bot, q, t!("common.stale_button", locale = l)).await;
    }
    bind_group(app, ctx, chat.id.0, community_id, building.as_ref().map(|b| b.id), chat.title().unwrap_or_default())
        .await?;
    view::ack(bot, q).await?;
    let text = match &building {
        Some(b) => t!(
            "people.link.linked_building",
            locale = l,
            community = community.label(ctx.lang),
            building = b.name.as_str()
        ),
        None => t!("people.link.linked_community", locale = l, community = community.label(ctx.lang)),
    };
    bot.send_message(chat.id, text).await?;
    Ok(())
}

/// Binds the group (one change, its own transaction).
async fn bind_group(
    app: &App,
    ctx: &Ctx,
    chat_id: i64,
    community_id: i64,
    building_id: Option<i64>,
    title: &str,
) -> HandlerResult {
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    store::link_chat(&mut work, now, chat_id, community_id, building_id, title, ctx.user_id).await?;
    work.commit().await
}
