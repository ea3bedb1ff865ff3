//! Invite links: how volunteers and officials join a community. An official (or an
//! administrator) creates one with `/invite volunteer [uses] [days]` or from the CLI; the
//! link is `t.me/<bot>?start=inv_<code>`, good for a number of uses until it expires.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::Me;

use crate::bot::Work;
use crate::bot::{menu, Ctx, HandlerResult};
use crate::people::model::Role;
use crate::people::scope::Scope;
use crate::people::store::{self, InviteRefused, NewInvite, Redeemed};
use crate::people::{view, volunteer};
use crate::App;

pub const MAX_USES: u16 = 1000;
pub const MAX_DAYS: u16 = 90;

/// `/invite` arguments: a role, then optional uses (default 1) and days (default 7).
pub fn parse_args(args: &str) -> Option<(Role, u16, u16)> {
    let mut words = args.split_whitespace();
    let role = match words.next()?.to_lowercase().as_str() {
        "volunteer" | "志愿者" => Role::Volunteer,
        "official" | "工作人员" | "干部" => Role::Official,
        _ => return None,
    };
    let uses = words.next().map(str::parse::<u16>).unwrap_or(Ok(1)).ok()?;
    let days = words.next().map(str::parse::<u16>).unwrap_or(Ok(7)).ok()?;
    let in_range = (1..=MAX_USES).contains(&uses) && (1..=MAX_DAYS).contains(&days);
    (in_range && words.next().is_none()).then_some((role, uses, days))
}

pub fn link(bot_username: &str, code: &str) -> String {
    format!("https://t.me/{bot_username}?start=inv_{code}")
}

/// `/invite volunteer [uses] [days]`: a link for the community the official acts on.
pub async fn on_command(bot: &Bot, app: &App, ctx: &Ctx, me: &Me, scope: &Scope, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let Some((role, uses, days)) = parse_args(args) else {
        let usage = t!("people.invite.usage", locale = l, max_uses = MAX_USES, max_days = MAX_DAYS);
        return view::say(bot, ctx, scope.titled(ctx.lang, usage)).await;
    };
    create(bot, app, ctx, me, role, scope.community_id, uses, days).await
}

/// A button of an earlier version, which asked for the community of every invite: the
/// community is in the data, so it is checked again here.
#[allow(clippy::too_many_arguments)]
pub async fn on_invite_callback(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    me: &Me,
    role: Role,
    community_id: i64,
    uses: u16,
    days: u16,
) -> HandlerResult {
    // The button's data may be forged: check the role and the numbers again.
    let valid = (1..=MAX_USES).contains(&uses) && (1..=MAX_DAYS).contains(&days);
    if !ctx.roles.is_official_of(community_id) || !valid || store::community(&app.pool, community_id).await?.is_none() {
        return view::refuse(bot, q, t!("people.not_allowed", locale = ctx.lang.code())).await;
    }
    view::ack(bot, q).await?;
    create(bot, app, ctx, me, role, community_id, uses, days).await
}

#[allow(clippy::too_many_arguments)]
async fn create(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    me: &Me,
    role: Role,
    community_id: i64,
    uses: u16,
    days: u16,
) -> HandlerResult {
    let invite = NewInvite {
        role,
        community_id,
        created_by: Some(ctx.user_id),
        max_uses: i64::from(uses),
        days: i64::from(days),
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let code = store::create_invite(&mut work, now, &invite).await?;
    work.commit().await?;
    let community = store::community(&app.pool, community_id).await?.map(|c| c.label(ctx.lang).to_owned());
    let text = t!(
        "people.invite.created",
        locale = ctx.lang.code(),
        role = view::role_name(ctx.lang, role),
        community = community.unwrap_or_default(),
        uses = uses,
        days = days,
        link = link(me.username(), &code)
    );
    view::say(bot, ctx, text).await
}

/// `/start inv_<code>`.
pub async fn redeem(bot: &Bot, app: &App, ctx: &Ctx, code: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let outcome = if code.len() == 16 && code.bytes().all(|b| b.is_ascii_hexdigit()) {
        // Uses one place of the invite and creates the membership, in one transaction.
        let mut work = Work::begin(app, ctx).await?;
        let now = work.now;
        let outcome = store::redeem_invite(&mut work, now, code, ctx.user_id).await?;
        if let Ok(Redeemed::VolunteerProfile { community_id }) = outcome {
            work.set_state(ctx, &volunteer::first_step(community_id)).await?;
        }
        work.commit().await?;
        outcome
    } else {
        Err(InviteRefused::NotFound)
    };
    match outcome {
        Ok(Redeemed::Official { community_id }) => {
            let roles = store::load_roles(&app.pool, ctx.user_id, ctx.roles.admin).await?;
            menu::refresh(bot, ctx.user_id, ctx.lang, &roles).await;
            let community = store::community(&app.pool, community_id).await?.map(|c| c.label(ctx.lang).to_owned());
            let text = format!(
                "{}\n\n{}",
                t!("people.invite.official_welcome", locale = l, community = community.unwrap_or_default()),
                menu::help_text(ctx.lang, &roles)
            );
            view::say(bot, ctx, text).await
        }
        Ok(Redeemed::VolunteerProfile { community_id }) => volunteer::start_profile(bot, app, ctx, community_id).await,
        Err(refused) => {
            let text = match refused {
                InviteRefused::NotFound => t!("people.invite.not_found", locale = l),
                InviteRefused::Expired => t!("people.invite.expired", locale = l),
                InviteRefused::UsedUp => t!("people.invite.used_up", locale = l),
                InviteRefused::AlreadyMember => t!("people.invite.already_member", locale = l),
            };
            view::say(bot, ctx, text).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_arguments() {
        assert_eq!(parse_args("volunteer"), Some((Role::Volunteer, 1, 7)));
        assert_eq!(parse_args("official 5 30"), Some((Role::Official, 5, 30)));
        assert_eq!(parse_args("志愿者 20"), Some((Role::Volunteer, 20, 7)));
        for bad in ["", "boss", "volunteer 0", "volunteer 1001", "volunteer 1 91", "volunteer x", "volunteer 1 2 3"] {
            assert_eq!(parse_args(bad), None, "{bad:?}");
        }
    }
}
