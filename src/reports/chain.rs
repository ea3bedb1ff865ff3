//! Up the chain: the subdistrict's administrators see every community's report of a day
//! in one message — submitted on time, late, automatically, or missing — with the
//! subdistrict's totals, and open any community's report from it.
//!
//! ```text
//! admin → /reports            (or /reports 11-28; also sent at the deadline and after
//!                              the automatic submission)
//! bot   → 📊 各社区日报 · 11月29日
//!         已提交 2/3 · 迟报 0 · 自动 0 · 未提交 1
//!         ✅ 帝湖社区 · 21:12 刘敏
//!         ❌ 学府社区 · 未提交
//!         合计：居民 2,468 人 · 隔离 20 户 · 体温 35/40 · 发热 1 · 订单 下单 48 / 送达 40 /
//!         未完成 9 · 差事 待办 3 · 班次 满员 15/18 · 未到岗 1
//!         (未提交的社区按实时数字计入)
//!         [帝湖社区] [学府社区]
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use rust_i18n::t;
use sqlx::SqliteConnection;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult};
use crate::i18n::Lang;
use crate::people::read::{self as people, Named};
use crate::reports::buttons::{code_day, day_code, Cb};
use crate::reports::figures::{self, DayReport};
use crate::reports::model::{self, DayError};
use crate::reports::store::{self, Submission};
use crate::shifts::view::{at, day_label};
use crate::App;

/// One community in the chain's list.
pub struct Entry {
    pub community: Named,
    pub submission: Option<Submission>,
    /// As submitted, or live for a community that has not.
    pub report: DayReport,
}

/// Every community's report of `day`, in the communities' order.
pub async fn entries(
    conn: &mut SqliteConnection,
    app: &App,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> crate::Result<Vec<Entry>> {
    let mut submitted = store::of_day(conn, day).await?;
    let mut entries = Vec::new();
    for community in people::communities(&mut *conn).await? {
        let entry = match submitted.iter().position(|(s, _)| s.community_id == community.id) {
            Some(i) => {
                let (submission, report) = submitted.swap_remove(i);
                Entry { community, submission: Some(submission), report }
            }
            None => {
                let report = figures::gather(conn, app, community.id, day, now).await?;
                Entry { community, submission: None, report }
            }
        };
        entries.push(entry);
    }
    Ok(entries)
}

/// The list's text and its buttons (one per community, then the day before / after).
pub fn render(
    app: &App,
    lang: Lang,
    day: NaiveDate,
    entries: &[Entry],
    now: DateTime<Utc>,
) -> (String, InlineKeyboardMarkup) {
    let (l, tz) = (lang.code(), app.settings.timezone);
    let count =
        |f: &dyn Fn(&Submission) -> bool| entries.iter().filter(|e| e.submission.as_ref().is_some_and(f)).count();
    let (on_time, late, auto) =
        (count(&|s| s.by.is_some() && !s.late), count(&|s| s.by.is_some() && s.late), count(&|s| s.by.is_none()));
    let missing = entries.iter().filter(|e| e.submission.is_none()).count();
    let mut text = t!("reports.chain.title", locale = l, day = day_label(lang, day)).into_owned();
    text.push('\n');
    text.push_str(&t!(
        "reports.chain.counts",
        locale = l,
        submitted = on_time + late + auto,
        communities = entries.len(),
        late = late,
        auto = auto,
        missing = missing
    ));
    for e in entries {
        let name = e.community.label(lang);
        let line = match &e.submission {
            None => t!("reports.chain.missing", locale = l, community = name),
            Some(s) => {
                let when = at(lang, s.at, now, tz);
                match (&s.by_name, s.late) {
                    (None, _) => t!("reports.chain.auto", locale = l, community = name, at = when),
                    (Some(by), false) => {
                        t!("reports.chain.on_time", locale = l, community = name, at = when, name = by.as_str())
                    }
                    (Some(by), true) => {
                        t!("reports.chain.late", locale = l, community = name, at = when, name = by.as_str())
                    }
                }
            }
        };
        text.push('\n');
        text.push_str(&line);
    }
    text.push('\n');
    text.push_str(&totals(lang, entries));
    if missing > 0 && !entries.is_empty() {
        text.push('\n');
        text.push_str(&t!("reports.chain.live_note", locale = l));
    }
    let mut rows: Vec<Vec<_>> = entries
        .chunks(2)
        .map(|pair| {
            pair.iter()
                .map(|e| button(e.community.label(lang), Cb::Open { community: e.community.id, day: day_code(day) }))
                .collect()
        })
        .collect();
    let mut nav = Vec::new();
    if let Some(before) = day.pred_opt() {
        nav.push(button(
            t!("reports.day_before", locale = l, day = day_label(lang, before)),
            Cb::Chain(day_code(before)),
        ));
    }
    if let Some(after) = day.succ_opt().filter(|d| *d <= app.day_at(now)) {
        nav.push(button(t!("reports.day_after", locale = l, day = day_label(lang, after)), Cb::Chain(day_code(after))));
    }
    rows.push(nav);
    (text, InlineKeyboardMarkup::new(rows))
}

/// The subdistrict's totals line.
fn totals(lang: Lang, entries: &[Entry]) -> String {
    let sum = |f: &dyn Fn(&DayReport) -> i64| entries.iter().map(|e| f(&e.report)).sum::<i64>();
    t!(
        "reports.chain.totals",
        locale = lang.code(),
        residents = sum(&|r| r.people.residents),
        isolated = sum(&|r| r.health.isolated),
        reported = sum(&|r| r.health.reported),
        expected = sum(&|r| r.health.expected),
        fevers = sum(&|r| r.health.fevers),
        placed = sum(&|r| r.orders.placed),
        delivered = sum(&|r| r.orders.delivered),
        open = sum(&|r| r.orders.open),
        errands = sum(&|r| r.errands.open),
        covered = sum(&|r| r.shifts.covered),
        shifts = sum(&|r| r.shifts.total),
        no_shows = sum(&|r| r.shifts.no_shows)
    )
    .into_owned()
}

/// `/reports [day]` (administrators).
pub async fn command(bot: &Bot, app: &App, ctx: &Ctx, arg: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let day = match model::parse_day(arg, app.today()) {
        Ok(day) => day,
        Err(DayError::NotADate) => return say(bot, ctx, t!("reports.bad_day", locale = l, typed = arg.trim())).await,
        Err(DayError::Future) => return say(bot, ctx, t!("reports.future_day", locale = l)).await,
    };
    let now = app.now();
    let mut conn = app.pool.acquire().await?;
    let entries = entries(&mut conn, app, day, now).await?;
    drop(conn);
    let (text, kb) = render(app, ctx.lang, day, &entries, now);
    say_with(bot, ctx, text, kb).await
}

/// The list of another day, in place.
pub async fn on_chain(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, day: i64) -> HandlerResult {
    let l = ctx.lang.code();
    if !ctx.roles.admin {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    }
    let Some(day) = code_day(day).filter(|d| *d <= app.today()) else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let now = app.now();
    let mut conn = app.pool.acquire().await?;
    let entries = entries(&mut conn, app, day, now).await?;
    drop(conn);
    let (text, kb) = render(app, ctx.lang, day, &entries, now);
    ack(bot, q).await?;
    replace_with(bot, ctx, q, text, kb).await
}
