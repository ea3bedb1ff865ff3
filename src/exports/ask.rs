//! The export dialogue: which table, which days, confirm; then the file(s) come later.
//!
//! ```text
//! official → /export
//! bot      → 导出哪张表（帝湖社区）？ [居民] [订单（每行一件商品）] [代办] [体温] [值班与考勤] [通知与确认] [全部]
//! official → (taps 订单)
//! bot      → 哪段日期？ [今天] [最近7天] [最近30天] [本月]  或输入：2026-11-01 2026-11-28
//! official → 11-01至11-28
//! bot      → 请确认：帝湖社区 · 订单 · 2026-11-01 至 2026-11-28 [确认] [取消]
//! official → (taps 确认)
//! bot      → 正在准备，文件好了会发在这里。
//! bot      → 📎 帝湖社区-orders-2026-11-01_2026-11-28.csv  订单：1,234 行
//! ```
//! The request is recorded and committed with the end of the dialogue; the export runs
//! after the commit (`runner`). Every step checks again that the person runs the community.

use chrono::NaiveDate;
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::{button, cancel_button, confirm_cancel};
use crate::bot::reply::{ack, end_not_allowed, refuse, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::exports::buttons::Cb;
use crate::exports::model::{self, Pick, Preset};
use crate::exports::{runner, store};
use crate::people::model::Role;
use crate::people::scope::Scope;
use crate::App;

/// The export slice's dialogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub community_id: i64,
    pub step: Step,
    pub pick: Option<Pick>,
    pub range: Option<(NaiveDate, NaiveDate)>,
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "Exports";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Table,
    Range,
    Confirm,
}

/// `/export` on the community the official acts on.
pub async fn start(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope) -> HandlerResult {
    let flow = Flow { community_id: scope.community_id, step: Step::Table, pick: None, range: None };
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Pick::ALL
        .iter()
        .map(|p| vec![button(pick_label(lang.code(), *p), Cb::Table { community: scope.community_id, pick: *p })])
        .collect();
    rows.push(vec![cancel_button(lang)]);
    let text = t!("exports.ask.table", locale = l, community = scope.label(lang));
    say_with(bot, ctx, scope.titled(lang, text), InlineKeyboardMarkup::new(rows)).await
}

fn pick_label(l: &str, pick: Pick) -> String {
    t!(format!("exports.table.{}", pick.code()), locale = l).into_owned()
}

async fn ask(bot: &Bot, app: &App, ctx: &Ctx, flow: &Flow) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    match flow.step {
        Step::Table => Ok(()),
        Step::Range => {
            let mut rows: Vec<Vec<InlineKeyboardButton>> = Preset::ALL
                .chunks(2)
                .map(|two| two.iter().map(|p| button(t!(p.key(), locale = l), Cb::Range(*p))).collect())
                .collect();
            rows.push(vec![cancel_button(lang)]);
            let example = format!("{} {}", app.today() - chrono::Duration::days(27), app.today());
            say_with(bot, ctx, t!("exports.ask.range", locale = l, example = example), InlineKeyboardMarkup::new(rows))
                .await
        }
        Step::Confirm => {
            let (Some(pick), Some((from, to))) = (flow.pick, flow.range) else { return Ok(()) };
            let community = crate::people::read::community(&app.pool, flow.community_id).await?;
            let community = community.map(|c| lang.pick(&c.name, &c.name_en).to_owned()).unwrap_or_default();
            let text = t!(
                "exports.ask.confirm",
                locale = l,
                community = community,
                table = pick_label(l, pick),
                from = from.to_string(),
                to = to.to_string()
            );
            say_with(bot, ctx, text, confirm_cancel(lang, Cb::Confirm)).await
        }
    }
}

async fn advance(bot: &Bot, app: &App, ctx: &Ctx, flow: Flow) -> HandlerResult {
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    ask(bot, app, ctx, &flow).await
}

/// A typed range (the only thing typed in this dialogue).
pub async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, text: Option<&str>, flow: Flow) -> HandlerResult {
    let l = ctx.lang.code();
    if !ctx.roles.is_official_of(flow.community_id) {
        return end_not_allowed(bot, app, ctx).await;
    }
    if flow.step != Step::Range {
        return say(bot, ctx, t!("common.use_buttons", locale = l)).await;
    }
    match model::parse_range(text.unwrap_or_default(), app.today()) {
        Err(e) => {
            say(bot, ctx, t!(e.key(), locale = l, max = model::MAX_DAYS)).await?;
            ask(bot, app, ctx, &flow).await
        }
        Ok(range) => advance(bot, app, ctx, Flow { step: Step::Confirm, range: Some(range), ..flow }).await,
    }
}

/// A tap on one of the dialogue's buttons; taken only in the step that showed it.
pub async fn on_tap(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, cb: Cb, flow: Option<Flow>) -> HandlerResult {
    let l = ctx.lang.code();
    let stale = || t!("common.stale_button", locale = l);
    let Some(flow) = flow.filter(|_| ctx.private) else { return refuse(bot, q, stale()).await };
    if !ctx.roles.is_official_of(flow.community_id) {
        ack(bot, q).await?;
        return end_not_allowed(bot, app, ctx).await;
    }
    match (flow.step, cb) {
        (Step::Table, Cb::Table { community, pick }) if community == flow.community_id => {
            ack(bot, q).await?;
            advance(bot, app, ctx, Flow { step: Step::Range, pick: Some(pick), ..flow }).await
        }
        (Step::Range, Cb::Range(preset)) => {
            ack(bot, q).await?;
            let range = Some(preset.range(app.today()));
            advance(bot, app, ctx, Flow { step: Step::Confirm, range, ..flow }).await
        }
        (Step::Confirm, Cb::Confirm) => confirm(bot, app, ctx, q, flow).await,
        _ => refuse(bot, q, stale()).await,
    }
}

/// Records the request and ends the dialogue in one commit, then starts the export.
async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, flow: Flow) -> HandlerResult {
    let l = ctx.lang.code();
    let (Some(pick), Some((from, to))) = (flow.pick, flow.range) else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let request = store::Request {
        user_id: ctx.user_id,
        community_id: flow.community_id,
        tables: pick.tables(),
        from,
        to,
        lang: ctx.lang,
        // The phone is for the community's own officials, not for an administrator.
        with_phone: ctx.roles.has_approved(Role::Official, flow.community_id),
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let id = store::record(&mut work, now, &request).await?;
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    runner::spawn(app, id);
    ack(bot, q).await?;
    say(bot, ctx, t!("exports.preparing", locale = l)).await
}
