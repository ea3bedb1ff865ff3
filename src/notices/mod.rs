//! Notices: an official's broadcast to a targeted audience, with a "已收到 / Got it"
//! button whose taps are counted, so officials finally know who has read it.
//!
//! ```text
//! official → /notice
//! bot      → 请发送通知内容（文字，或带说明的图片/文件）   [模板: 核酸检测通知…]
//! official → "明天上午8点在小区南门核酸检测，请带好身份证。"
//! bot      → 发给谁？[所有人] [居民] [志愿者] [工作人员]
//! official → [居民] → [帝湖社区 · 选择楼栋] → [3号楼 ✅] [完成] → 只发隔离户？[否]
//!            → 同时发到绑定的群？[是] → 紧急？[否]
//! bot      → (the notice exactly as residents will see it) 将发给 126 人、2 个群
//!            [立即发送] [定时发送] [取消]  → [立即发送] → 确认？[确认] → 已发送
//! resident → [已收到]  → 已确认收到，谢谢！
//! official → /notices → 每条通知：送达 / 失败 / 屏蔽 / 已确认 → 未确认名单 / 再次提醒
//!            (定时的通知发出前可以取消)
//! ```

mod ask;
pub mod buttons;
pub mod cancel;
pub mod compose;
pub mod job;
pub mod manage;
pub mod model;
pub mod remind;
pub mod store;
pub mod view;
pub mod when;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use teloxide::dispatching::{HandlerExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::{Ctx, HandlerResult, State};
use crate::notices::buttons::Cb;
use crate::{App, Error};
use model::{RoleSel, Scope};

/// The yes/no questions of composing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeFlag {
    Isolated,
    Groups,
    Urgent,
}

impl NoticeFlag {
    pub const ALL: [NoticeFlag; 3] = [NoticeFlag::Isolated, NoticeFlag::Groups, NoticeFlag::Urgent];

    pub fn code(self) -> &'static str {
        match self {
            NoticeFlag::Isolated => "i",
            NoticeFlag::Groups => "g",
            NoticeFlag::Urgent => "u",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Text,
    Roles,
    Scope,
    Buildings,
    Isolated,
    Groups,
    Urgent,
    Preview,
    When,
    Confirm,
}

/// What has been composed so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub body: String,
    /// ("photo" | "document", Telegram file id)
    pub media: Option<(String, String)>,
    pub roles: Option<RoleSel>,
    pub scope: Option<Scope>,
    pub isolated_only: bool,
    pub groups: bool,
    pub urgent: bool,
    /// Unix ms; `None` = now.
    pub send_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flow {
    Compose { step: Step, page: u16, draft: Draft },
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "Notices";
}

#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Notice,
    Notices,
}

/// This slice's commands (private chats).
pub fn commands() -> UpdateHandler<Error> {
    dptree::filter(|ctx: Ctx| ctx.private).filter_command::<Command>().endpoint(on_command)
}

/// What a person types while composing (after every slice's commands had their turn).
pub fn flow_messages() -> UpdateHandler<Error> {
    dptree::filter_map(|state: State, ctx: Ctx| match state.flow::<Flow>() {
        Some(Flow::Compose { step, draft, .. }) if ctx.private => Some((step, draft)),
        _ => None,
    })
    .endpoint(|bot: Bot, msg: Message, ctx: Ctx, app: Arc<App>, (step, draft): (Step, Draft)| async move {
        compose::on_message(&bot, &app, &ctx, &msg, step, draft).await
    })
}

/// Taps this slice owns: its own buttons, and the shared list/confirm buttons while
/// composing.
pub fn callbacks() -> UpdateHandler<Error> {
    crate::bot::slice::taps::<Cb>().endpoint(on_callback)
}

async fn on_command(bot: Bot, cmd: Command, ctx: Ctx, app: Arc<App>) -> HandlerResult {
    match cmd {
        Command::Notice => compose::start(&bot, &app, &ctx).await,
        Command::Notices => manage::list(&bot, &app, &ctx, 0).await,
    }
}

async fn on_callback(bot: Bot, q: CallbackQuery, cb: Cb, ctx: Ctx, state: State, app: Arc<App>) -> HandlerResult {
    // An acknowledgement works anywhere (private chats and linked groups).
    if let Cb::Ack(id) = cb {
        return manage::acknowledge(&bot, &app, &ctx, &q, id).await;
    }
    if !ctx.private {
        return view::stale(&bot, &q, &ctx).await;
    }
    match (cb, state.flow::<Flow>()) {
        (Cb::NoticesPage(page), _) => {
            view::ack(&bot, &q).await?;
            manage::list(&bot, &app, &ctx, page).await
        }
        (Cb::NoticeDetail(id), _) => manage::detail(&bot, &app, &ctx, &q, id).await,
        (Cb::NoticeUnacked(id), _) => manage::unacknowledged(&bot, &app, &ctx, &q, id).await,
        (Cb::NoticeResend(id), _) => remind::ask(&bot, &app, &ctx, &q, id).await,
        (Cb::NoticeConfirmResend { id, reminder }, _) => remind::confirm(&bot, &app, &ctx, &q, id, reminder).await,
        (Cb::NoticeCancel(id), _) => cancel::ask(&bot, &app, &ctx, &q, id).await,
        (Cb::NoticeConfirmCancel(id), _) => cancel::confirm(&bot, &app, &ctx, &q, id).await,
        (Cb::NoticeSaveTemplate(id), _) => manage::save_template(&bot, &app, &ctx, &q, id).await,
        (cb, Some(Flow::Compose { step, page, draft })) => {
            compose::on_callback(&bot, &app, &ctx, &q, cb, step, page, draft).await
        }
        _ => view::stale(&bot, &q, &ctx).await,
    }
}

use crate::bot::slice::{Audience, MenuCommand, Slice};

/// How this slice plugs into the bot (see `bot::slice`).
pub const SLICE: Slice = Slice {
    name: "Notices",
    commands: &[
        MenuCommand { name: "notices", audience: Audience::Everyone, describe: "menu.notices", order: 150 },
        MenuCommand { name: "notice", audience: Audience::Official, describe: "menu.notice", order: 303 },
    ],
    command_branch: commands,
    flow_branch: flow_messages,
    callback_branch: callbacks,
    jobs: job::register,
    setup: None,
    erase: None,
    buttons: crate::bot::cbdata::samples_of::<Cb>,
    tags: <Cb as crate::bot::CallbackData>::TAGS,
    flow_reads: Some(crate::bot::slice::reads::<Flow>),
    cancel_note: None,
};
