//! People and roles: who someone is, where they live and what they may do.
//!
//! ```text
//! resident  → /register
//! bot       → 请选择您所在的社区 [帝湖社区] [学府社区] …
//! resident  → (taps 帝湖社区) → (taps 3号楼) → "2单元301" → "3" → (shares contact)
//! bot       → summary … [确认] [取消]  → 登记完成
//! volunteer → t.me/<bot>?start=inv_… → party member? experienced? skills → waits
//! official  → [批准] / [拒绝] → the volunteer is told
//! ```
//! Roles: resident (one address), volunteer and official (scoped to a community, via
//! invite links), administrator (from settings, every community). Every privileged action
//! is checked here, on the server, whatever buttons the person was shown.

pub mod buttons;
pub mod commands;
pub mod erase;
pub mod groups;
pub mod invites;
pub mod link;
pub mod model;
pub mod profile;
pub mod read;
pub mod register;
pub mod scope;
pub mod store;
pub mod view;
pub mod volunteer;

use serde::{Deserialize, Serialize};
use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::{Ctx, HandlerResult, State};
use crate::i18n::Lang;
use crate::people::buttons::Cb;
use crate::Error;
use model::{MembershipStatus, ProfileField, Role, Skill};

/// A registered address (read from `people::store::ROLES_COLUMNS`' JSON).
#[derive(Debug, Clone, Deserialize)]
pub struct Resident {
    pub community_id: i64,
    pub community: String,
    pub community_en: String,
    pub building_id: i64,
    pub building: String,
    pub building_en: String,
    pub unit_room: String,
    pub household_size: i64,
    pub phone: Option<String>,
}

impl Resident {
    pub fn community_label(&self, lang: Lang) -> &str {
        lang.pick(&self.community, &self.community_en)
    }

    pub fn building_label(&self, lang: Lang) -> &str {
        lang.pick(&self.building, &self.building_en)
    }
}

#[derive(Debug, Clone)]
pub struct Membership {
    pub community_id: i64,
    pub role: Role,
    pub status: MembershipStatus,
    pub party_member: bool,
    pub experienced: bool,
    pub skills: Vec<Skill>,
}

/// Everything this person may be. Loaded by the guard for every update.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    pub admin: bool,
    pub resident: Option<Resident>,
    pub memberships: Vec<Membership>,
}

impl Roles {
    pub fn is_official_of(&self, community_id: i64) -> bool {
        self.admin || self.has_approved(Role::Official, community_id)
    }

    pub fn is_official_anywhere(&self) -> bool {
        self.admin
            || self.memberships.iter().any(|m| m.role == Role::Official && m.status == MembershipStatus::Approved)
    }

    /// The community where this person is an approved volunteer.
    pub fn volunteer_community(&self) -> Option<i64> {
        self.memberships
            .iter()
            .find(|m| m.role == Role::Volunteer && m.status == MembershipStatus::Approved)
            .map(|m| m.community_id)
    }

    pub fn has_approved(&self, role: Role, community_id: i64) -> bool {
        self.memberships
            .iter()
            .any(|m| m.role == role && m.community_id == community_id && m.status == MembershipStatus::Approved)
    }
}

/// Dialogue states of this slice (stored as JSON; see `bot::storage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flow {
    Register { step: RegStep, page: u16, draft: Draft },
    Volunteer { community_id: i64, step: VolStep, party: bool, experienced: bool, skills: Vec<Skill> },
    Edit { field: ProfileField, page: u16 },
    ConfirmDelete,
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "People";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegStep {
    Community,
    Building,
    UnitRoom,
    Household,
    Phone,
    Confirm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VolStep {
    Party,
    Experienced,
    Skills,
}

/// What a resident has answered so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub community_id: Option<i64>,
    pub building_id: Option<i64>,
    pub unit_room: Option<String>,
    pub household: Option<i64>,
    pub phone: Option<String>,
}

#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Start(String),
    Help,
    Cancel,
    Lang,
    Me,
    Register,
    Invite(String),
    Link(String),
    Applications,
    Community,
}

impl Command {
    /// Officials' commands that act on the community they act on (`scope`).
    fn acts_on_scope(&self) -> bool {
        matches!(self, Command::Invite(_) | Command::Applications)
    }
}

/// Messages this slice answers: its commands (private and group), then the text,
/// contact, photo or sticker a person sends while in one of its dialogues.
pub fn messages() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(dptree::filter(|ctx: Ctx| !ctx.private).filter_command::<Command>().endpoint(groups::on_command))
        .branch(
            dptree::filter(|ctx: Ctx| ctx.private)
                .filter_command::<Command>()
                .branch(
                    dptree::filter(|cmd: Command| cmd.acts_on_scope())
                        .chain(scope::for_officials(dptree::endpoint(commands::on_official_command))),
                )
                .endpoint(commands::on_command),
        )
}

/// What a person types while in one of this slice's dialogues.
pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::entry().branch(
        dptree::filter_map(|state: State, ctx: Ctx| state.flow::<Flow>().filter(|_| ctx.private))
            .endpoint(on_flow_message),
    )
}

async fn on_flow_message(
    bot: Bot,
    msg: Message,
    ctx: Ctx,
    flow: Flow,
    app: std::sync::Arc<crate::App>,
) -> HandlerResult {
    // A mistyped command is not an answer (commands that exist were handled before this).
    if msg.text().is_some_and(|t| t.starts_with('/')) {
        bot.send_message(ctx.chat_id, rust_i18n::t!("common.unknown_command_in_flow", locale = ctx.lang.code()))
            .await?;
        return Ok(());
    }
    match flow {
        Flow::Register { step, draft, .. } => register::on_message(&bot, &app, &ctx, &msg, step, draft).await,
        Flow::Edit { field, .. } => profile::on_edit_message(&bot, &app, &ctx, &msg, field).await,
        Flow::Volunteer { step, skills, .. } => volunteer::ask_again(&bot, &ctx, step, &skills).await,
        Flow::ConfirmDelete => {
            bot.send_message(ctx.chat_id, rust_i18n::t!("common.use_buttons", locale = ctx.lang.code())).await?;
            Ok(())
        }
    }
}

/// Button taps this slice owns.
pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(on_callback)
}

async fn on_callback(
    bot: Bot,
    q: CallbackQuery,
    cb: Cb,
    ctx: Ctx,
    state: State,
    app: std::sync::Arc<crate::App>,
    me: teloxide::types::Me,
) -> HandlerResult {
    let flow = state.flow::<Flow>();
    // In a group only `/link`'s and `/lang`'s buttons mean anything; the rest concern one
    // person's data and must never open a dialogue or show a prompt there, even forged.
    if !ctx.private && !matches!(cb, Cb::LinkGroup { .. } | Cb::RelinkGroup { .. } | Cb::GroupLang(_)) {
        return view::refuse(&bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await;
    }
    match (cb, flow) {
        (
            Cb::PickCommunity(_) | Cb::PickBuilding(_) | Cb::Page(_) | Cb::Confirm,
            Some(Flow::Register { step, page, draft }),
        ) => register::on_callback(&bot, &app, &ctx, &q, cb, step, page, draft).await,
        (Cb::PickBuilding(_) | Cb::Page(_), Some(Flow::Edit { field: ProfileField::Building, page })) => {
            profile::on_building_callback(&bot, &app, &ctx, &q, cb, page).await
        }
        (
            Cb::PartyMember(_) | Cb::Experienced(_) | Cb::ToggleSkill(_) | Cb::Confirm,
            Some(Flow::Volunteer { community_id, step, party, experienced, skills }),
        ) => {
            volunteer::on_profile_callback(&bot, &app, &ctx, &q, cb, community_id, step, party, experienced, skills)
                .await
        }
        (Cb::ConfirmDeleteMyData, Some(Flow::ConfirmDelete)) => profile::delete(&bot, &app, &ctx, &q).await,
        (Cb::EditProfile(field), _) => profile::start_edit(&bot, &app, &ctx, &q, field).await,
        (Cb::DeleteMyData, _) => profile::ask_delete(&bot, &app, &ctx, &q).await,
        (Cb::SetLang(lang), _) => profile::set_lang(&bot, &app, &ctx, &q, lang).await,
        (Cb::Approve { user_id, community_id }, _) => {
            volunteer::decide(&bot, &app, &ctx, &q, user_id, community_id, true).await
        }
        (Cb::Reject { user_id, community_id }, _) => {
            volunteer::decide(&bot, &app, &ctx, &q, user_id, community_id, false).await
        }
        (Cb::Invite { role, community_id, uses, days }, _) => {
            invites::on_invite_callback(&bot, &app, &ctx, &q, &me, role, community_id, uses, days).await
        }
        (Cb::UseCommunity(community_id), _) => scope::on_use(&bot, &app, &ctx, &q, community_id).await,
        (Cb::LinkGroup { community_id, building_id }, _) => {
            link::on_callback(&bot, &app, &ctx, &q, community_id, building_id, false).await
        }
        (Cb::RelinkGroup { community_id, building_id }, _) => {
            link::on_callback(&bot, &app, &ctx, &q, community_id, building_id, true).await
        }
        (Cb::GroupLang(lang), _) => groups::on_lang_callback(&bot, &app, &ctx, &q, lang).await,
        _ => view::refuse(&bot, &q, rust_i18n::t!("common.stale_button", locale = ctx.lang.code())).await,
    }
}

use crate::bot::slice::{Audience, MenuCommand, Slice};

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "People",
    commands: &[
        MenuCommand { name: "help", audience: Audience::Everyone, describe: "menu.help", order: 0 },
        MenuCommand { name: "register", audience: Audience::Unregistered, describe: "menu.register", order: 1 },
        MenuCommand { name: "me", audience: Audience::Everyone, describe: "menu.me", order: 2 },
        MenuCommand { name: "applications", audience: Audience::Official, describe: "menu.applications", order: 308 },
        MenuCommand { name: "invite", audience: Audience::Official, describe: "menu.invite", order: 309 },
        MenuCommand { name: "link", audience: Audience::Official, describe: "menu.link", order: 310 },
        MenuCommand { name: "community", audience: Audience::Official, describe: "menu.community", order: 312 },
        MenuCommand { name: "lang", audience: Audience::Everyone, describe: "menu.lang", order: 900 },
        MenuCommand { name: "cancel", audience: Audience::Everyone, describe: "menu.cancel", order: 901 },
    ],
    command_branch: messages,
    flow_branch: flow_messages,
    callback_branch: callbacks,
    jobs: |r| r,
    setup: None,
    erase: None,
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: Some(crate::bot::slice::reads::<Flow>),
    cancel_note: None,
};
