//! A community's daily report on demand, and its submission.
//!
//! ```text
//! official → /report            (or /report 11-28, /report 昨天)
//! bot      → 📋 帝湖社区 日报 · 11月29日（截至 21:05）
//!            👥 居民 1,234 人 · 612 户 · 今日新登记 3 人
//!            🏠 隔离 12 户 · 体温已报 18/20 · 发热 1
//!            …
//!            请核对后点"提交日报"。22:00 截止，23:00 仍未提交将自动提交。
//!            [✅ 提交日报] [‹ 11月28日]
//! bot      → (the 14-day chart, as a photo: "帝湖社区 · 近14天")
//! official → (taps ✅ 提交日报) → ✅ 已由 刘敏 于 21:12 提交 (the message is edited)
//! ```
//! A submitted day shows the figures as they were submitted. Submitting reads the figures
//! again at that moment, in the transaction that stores them: what is stored is what was
//! true when the official tapped.

use chrono::NaiveDate;
use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::i18n::Lang;
use crate::outbox::{self, OutMessage};
use crate::people::read as people;
use crate::reports::buttons::{code_day, day_code, Cb};
use crate::reports::figures::{self, DayReport};
use crate::reports::model::{self, DayError};
use crate::reports::store::{self, Submission};
use crate::reports::view::{self, Standing};
use crate::shifts::view::day_label;
use crate::App;

/// A community's report of a day, ready to show: submitted figures, or the live ones.
pub struct Shown {
    pub community: people::Named,
    pub report: DayReport,
    pub submission: Option<Submission>,
}

pub async fn load(app: &App, community_id: i64, day: NaiveDate) -> crate::Result<Option<Shown>> {
    let mut conn = app.pool.acquire().await?;
    let Some(community) = people::community(&mut *conn, community_id).await? else { return Ok(None) };
    let (report, submission) = match store::submitted(&mut conn, community_id, day).await? {
        Some((submission, report)) => (report, Some(submission)),
        None => (figures::gather(&mut conn, app, community_id, day, app.now()).await?, None),
    };
    Ok(Some(Shown { community, report, submission }))
}

impl Shown {
    pub fn text(&self, app: &App, lang: Lang) -> String {
        let rules = &app.settings.reports;
        let tz = app.settings.timezone;
        let standing = match &self.submission {
            Some(s) => Standing::Submitted(s),
            None if app.now() < model::at_time(self.report.day, &rules.auto_at, tz) => {
                Standing::Open { due: Some((rules.due_at.clone(), rules.auto_at.clone())) }
            }
            None => Standing::Open { due: None },
        };
        view::report(lang, self.community.label(lang), &self.report, &standing, tz)
    }

    pub fn keyboard(&self, app: &App, ctx: &Ctx) -> InlineKeyboardMarkup {
        let submit = self.submission.is_none() && ctx.roles.is_official_of(self.community.id);
        keyboard(ctx.lang, self.community.id, self.report.day, submit, app.today())
    }
}

/// [✅ 提交日报] when `submit`; the day before and after (not beyond `today`).
pub fn keyboard(lang: Lang, community: i64, day: NaiveDate, submit: bool, today: NaiveDate) -> InlineKeyboardMarkup {
    let l = lang.code();
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    if submit {
        rows.push(vec![button(t!("reports.submit_button", locale = l), Cb::Submit { community, day: day_code(day) })]);
    }
    let mut nav = Vec::new();
    if let Some(before) = day.pred_opt() {
        let label = t!("reports.day_before", locale = l, day = day_label(lang, before));
        nav.push(button(label, Cb::Open { community, day: day_code(before) }));
    }
    if let Some(after) = day.succ_opt().filter(|d| *d <= today) {
        let label = t!("reports.day_after", locale = l, day = day_label(lang, after));
        nav.push(button(label, Cb::Open { community, day: day_code(after) }));
    }
    rows.push(nav);
    InlineKeyboardMarkup::new(rows)
}

/// `/report [day]` on the community the official acts on.
pub async fn command(bot: &Bot, app: &App, ctx: &Ctx, community_id: i64, arg: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let day = match model::parse_day(arg, app.today()) {
        Ok(day) => day,
        Err(DayError::NotADate) => return say(bot, ctx, t!("reports.bad_day", locale = l, typed = arg.trim())).await,
        Err(DayError::Future) => return say(bot, ctx, t!("reports.future_day", locale = l)).await,
    };
    open(bot, app, ctx, None, community_id, day).await
}

/// A report on screen: as a new message with its chart (`q` is `None`), or in place of the
/// tapped one (the day before / after).
pub async fn open(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    community_id: i64,
    day: NaiveDate,
) -> HandlerResult {
    let Some(shown) = load(app, community_id, day).await? else {
        return match q {
            Some(q) => refuse(bot, q, t!("common.stale_button", locale = ctx.lang.code())).await,
            None => Ok(()),
        };
    };
    let (text, kb) = (shown.text(app, ctx.lang), shown.keyboard(app, ctx));
    match q {
        Some(q) => {
            ack(bot, q).await?;
            replace_with(bot, ctx, q, text, kb).await
        }
        None => {
            say_with(bot, ctx, text, kb).await?;
            let name = shown.community.label(ctx.lang);
            Ok(crate::reports::picture::send(bot, app, ctx, community_id, name, day).await?)
        }
    }
}

/// A tap on "open" (the chain's list, the day before / after): only for its officials.
pub async fn on_open(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, community: i64, day: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(day) = code_day(day).filter(|d| *d <= app.today()) else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    if !ctx.roles.is_official_of(community) {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    }
    open(bot, app, ctx, Some(q), community, day).await
}

/// [✅ 提交日报]: the figures of this moment are stored; after the deadline it is late and
/// the administrators are told. A second tap (or the automatic submission first) is
/// answered with who submitted it.
pub async fn submit(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, community: i64, day: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(day) = code_day(day).filter(|d| *d <= app.today()) else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    if !ctx.roles.is_official_of(community) {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    }
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let late = now > model::at_time(day, &app.settings.reports.due_at, app.settings.timezone);
    let report = figures::gather(&mut work, app, community, day, now).await?;
    if !store::submit(&mut work, community, &report, Some(ctx.user_id), now, late).await? {
        drop(work);
        return refuse(bot, q, t!("reports.already_submitted", locale = l)).await;
    }
    if late {
        tell_admins_late(&mut work, app, community, day).await?;
    }
    work.commit().await?;
    ack(bot, q).await?;
    open(bot, app, ctx, Some(q), community, day).await
}

/// "学府社区 补报了 11月29日 的日报（迟报）" to each administrator, in their language.
async fn tell_admins_late(work: &mut Work, app: &App, community: i64, day: NaiveDate) -> crate::Result<()> {
    let Some(named) = people::community(&mut **work, community).await? else { return Ok(()) };
    for (admin, lang) in people::languages(&mut *work, &app.settings.admins).await? {
        let text = t!(
            "reports.late_to_admins",
            locale = lang.code(),
            community = named.label(lang),
            day = day_label(lang, day)
        );
        let kb = InlineKeyboardMarkup::new(vec![vec![button(
            t!("reports.open_button", locale = lang.code()),
            Cb::Open { community, day: day_code(day) },
        )]]);
        work.notify(admin, OutMessage::text(text).keyboard(kb), outbox::Options::default()).await?;
    }
    Ok(())
}
