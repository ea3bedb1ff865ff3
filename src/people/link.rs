//! `/link` in a group: an official binds the group to a community or one of its buildings,
//! so that community's notices are posted there.
//!
//! ```text
//! official (帝湖) → /link 3号楼          bot → 本群已绑定到帝湖社区3号楼。…
//! official (学府) → /link               bot → 本群已绑定到帝湖社区3号楼。只有该社区的工作人员或管理员可以更改绑定。
//! official (帝湖) → /link               bot → 本群已绑定到帝湖社区3号楼。要改为绑定到帝湖社区吗？ [改为绑定到帝湖社区]
//! ```
//! A bound group belongs to its community: only that community's officials, or an
//! administrator, may bind it elsewhere, and only after confirming. The check runs for
//! the typed command and again at every tap (anyone in the group can tap an old button),
//! inside the transaction that changes the link.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{ChatId, InlineKeyboardMarkup};

use crate::bot::keyboard::button;
use crate::bot::{Ctx, HandlerResult, Work};
use crate::i18n::Lang;
use crate::people::buttons::Cb;
use crate::people::groups::{group_lang, group_of};
use crate::people::store::{self, Named};
use crate::people::view;
use crate::App;

/// Where a group is, or would be, bound.
struct Place {
    community: Named,
    building: Option<Named>,
}

impl Place {
    fn ids(&self) -> (i64, Option<i64>) {
        (self.community.id, self.building.as_ref().map(|b| b.id))
    }

    fn label(&self, lang: Lang) -> String {
        let community = self.community.label(lang);
        match &self.building {
            None => community.to_owned(),
            Some(b) => {
                t!("people.link.place_building", locale = lang.code(), community = community, building = b.label(lang))
                    .into_owned()
            }
        }
    }
}

/// What asking to bind a group to a place came to.
enum Outcome {
    Linked(Place),
    /// Bound to a community the asker does not run: not theirs to move.
    BoundElsewhere(Place),
    /// Bound elsewhere within what they run: asked to confirm first.
    Confirm {
        from: Place,
        to: Place,
    },
}

/// `/link` or `/link <building>` typed in a group (replies in the group's language).
pub async fn on_command(bot: &Bot, app: &App, ctx: &Ctx, msg: &Message, lang: Lang, building: &str) -> HandlerResult {
    let l = lang.code();
    let chat = msg.chat.id;
    if !ctx.roles.is_official_anywhere() {
        bot.send_message(chat, t!("people.not_allowed", locale = l)).await?;
        return Ok(());
    }
    // Bound to a community they do not run: not theirs to move, say so before asking
    // anything (`settle` checks again, in the transaction that would move it).
    if let Some((community, building)) = store::linked_place(&app.pool, chat.0).await? {
        if !ctx.roles.is_official_of(community.id) {
            return announce(bot, chat, lang, Outcome::BoundElsewhere(Place { community, building })).await;
        }
    }
    let communities = store::official_communities(&app.pool, ctx.user_id, ctx.roles.admin).await?;
    let mut places = Vec::new();
    for community in communities {
        if building.is_empty() {
            places.push(Place { community, building: None });
        } else if let Some(b) = store::find_building(&app.pool, community.id, building).await? {
            places.push(Place { community, building: Some(b) });
        }
    }
    if places.len() > 1 {
        // "1号楼" exists in several of this official's communities (or an administrator
        // sent a bare /link): ask which. The tap is checked like the command.
        let rows = places.iter().map(|p| vec![button(p.label(lang), cb_for(p, false))]).collect::<Vec<_>>();
        bot.send_message(chat, t!("people.link.which_community", locale = l))
            .reply_markup(InlineKeyboardMarkup::new(rows))
            .await?;
        return Ok(());
    }
    let Some(place) = places.pop() else {
        let text = if building.is_empty() {
            t!("people.no_communities_admin", locale = l)
        } else {
            t!("people.link.no_such_building", locale = l, name = building)
        };
        bot.send_message(chat, text).await?;
        return Ok(());
    };
    let title = msg.chat.title().unwrap_or_default();
    let outcome = settle(app, ctx, chat.0, title, place, false).await?;
    announce(bot, chat, lang, outcome).await
}

fn cb_for(place: &Place, confirmed: bool) -> Cb {
    let (community_id, building_id) = place.ids();
    let building_id = building_id.unwrap_or(0);
    if confirmed {
        Cb::RelinkGroup { community_id, building_id }
    } else {
        Cb::LinkGroup { community_id, building_id }
    }
}

/// A "which community" button (`confirmed` false) or a "rebind" confirmation (true): the
/// tapper must run the place's community, and the community the group is bound to now.
pub async fn on_callback(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    community_id: i64,
    building_id: i64,
    confirmed: bool,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(chat) = group_of(q) else {
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
    let lang = group_lang(app, chat.id.0).await?;
    let title = chat.title().unwrap_or_default();
    match settle(app, ctx, chat.id.0, title, Place { community, building }, confirmed).await? {
        Outcome::BoundElsewhere(current) => {
            let text = t!("people.link.bound_elsewhere", locale = l, place = current.label(ctx.lang));
            view::refuse(bot, q, text).await
        }
        outcome => {
            view::ack(bot, q).await?;
            announce(bot, chat.id, lang, outcome).await
        }
    }
}

/// Binds the group unless it is bound to another place: then only an official of that
/// place's community may move it, after confirming. Read and written in one transaction.
async fn settle(app: &App, ctx: &Ctx, chat_id: i64, title: &str, to: Place, confirmed: bool) -> crate::Result<Outcome> {
    let mut work = Work::begin(app, ctx).await?;
    if let Some((community, building)) = store::linked_place(&mut *work, chat_id).await? {
        let from = Place { community, building };
        if !ctx.roles.is_official_of(from.community.id) {
            return Ok(Outcome::BoundElsewhere(from));
        }
        if from.ids() != to.ids() && !confirmed {
            return Ok(Outcome::Confirm { from, to });
        }
    }
    let now = work.now;
    let (community_id, building_id) = to.ids();
    let lang = app.settings.default_lang;
    store::link_chat(&mut work, now, chat_id, community_id, building_id, title, ctx.user_id, lang).await?;
    work.commit().await?;
    Ok(Outcome::Linked(to))
}

async fn announce(bot: &Bot, chat: ChatId, lang: Lang, outcome: Outcome) -> HandlerResult {
    let l = lang.code();
    match outcome {
        Outcome::Linked(place) => {
            let community = place.community.label(lang);
            let text = match &place.building {
                Some(b) => {
                    t!("people.link.linked_building", locale = l, community = community, building = b.label(lang))
                }
                None => t!("people.link.linked_community", locale = l, community = community),
            };
            bot.send_message(chat, text).await?;
        }
        Outcome::BoundElsewhere(current) => {
            bot.send_message(chat, t!("people.link.bound_elsewhere", locale = l, place = current.label(lang))).await?;
        }
        Outcome::Confirm { from, to } => {
            let text = t!("people.link.rebind_confirm", locale = l, from = from.label(lang), to = to.label(lang));
            let label = t!("people.link.rebind_button", locale = l, to = to.label(lang)).into_owned();
            let kb = InlineKeyboardMarkup::new(vec![vec![button(label, cb_for(&to, true))]]);
            bot.send_message(chat, text).reply_markup(kb).await?;
        }
    }
    Ok(())
}
