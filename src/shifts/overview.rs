//! The subdistrict level of the roster: someone who runs several communities (an
//! administrator runs them all) sees one line per community first — shifts short of
//! people, shifts without a party member or experienced volunteer, no-shows — and opens a
//! community from there, which also makes it the community they act on.
//!
//! ```text
//! admin → /roster
//! bot   → 📋 11月28日 各社区值守概况（点社区打开它的排班表）
//!         ❗ 帝湖社区：2 个班次缺人（共缺 3 人）· 1 个班次缺党员 · 未到岗 0 人次
//!         ✅ 学府社区：全部到位
//!         [帝湖社区] [📍 学府社区]
//!         (then the roster of the community they act on, if they chose one)
//! ```

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{refuse, say_with};
use crate::bot::{Ctx, HandlerResult};
use crate::i18n::Lang;
use crate::people::scope::{self, Offices};
use crate::shifts::board::today;
use crate::shifts::buttons::Cb;
use crate::shifts::roster;
use crate::shifts::store::{self, BoardShift};
use crate::shifts::view;
use crate::App;

/// What needs attention in one community over a stretch of time.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub shifts: usize,
    /// Shifts with free places, and how many places.
    pub short: usize,
    pub free: u32,
    /// Shifts still missing a party member or experienced volunteer.
    pub without_senior: usize,
    pub no_shows: usize,
}

impl Figures {
    /// Shifts that ended by `now` are history: only their no-shows count.
    pub fn of(shifts: &[BoardShift], no_shows: usize, now: DateTime<Utc>) -> Figures {
        let mut f = Figures { shifts: shifts.len(), no_shows, ..Figures::default() };
        for s in shifts.iter().filter(|s| s.end() > now) {
            let c = s.coverage();
            if c.gap > 0 {
                f.short += 1;
                f.free += u32::from(c.gap);
            }
            if c.lacks_senior() {
                f.without_senior += 1;
            }
        }
        f
    }

    fn all_well(&self) -> bool {
        self.short == 0 && self.without_senior == 0 && self.no_shows == 0
    }

    /// One line of the overview.
    pub fn line(&self, lang: Lang, community: &str) -> String {
        let l = lang.code();
        if self.all_well() {
            let key = if self.shifts == 0 { "shifts.overview.no_shifts" } else { "shifts.overview.all_well" };
            return t!(key, locale = l, community = community).into_owned();
        }
        // ❗ where only an official can help (composition, no-shows); ⚠️ where volunteers can.
        let mark = if self.without_senior > 0 || self.no_shows > 0 { "❗" } else { "⚠️" };
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let mut parts = Vec::new();
        if self.short > 0 {
            parts.push(view::short_shifts(lang, count(self.short), i64::from(self.free)));
        }
        if self.without_senior > 0 {
            parts.push(view::without_senior(lang, count(self.without_senior)));
        }
        if self.no_shows > 0 {
            parts.push(view::no_shows(lang, count(self.no_shows)));
        }
        t!("shifts.overview.line", locale = l, mark = mark, community = community, parts = parts.join(" · "))
            .into_owned()
    }
}

/// `/roster`: the overview for someone who runs several communities, then the roster of
/// the community they act on.
pub async fn open(bot: Bot, ctx: Ctx, app: Arc<App>, offices: Offices) -> HandlerResult {
    if offices.several() {
        subdistrict(&bot, &app, &ctx, &offices).await?;
    }
    match &offices.scope {
        Some(scope) => roster::roster(&bot, &app, &ctx, None, scope, 0).await,
        // The overview's buttons are the choice.
        None => Ok(()),
    }
}

/// Today in each community, one line each, with a button to open it.
async fn subdistrict(bot: &Bot, app: &App, ctx: &Ctx, offices: &Offices) -> HandlerResult {
    let l = ctx.lang.code();
    let date = today(app);
    let (from, to) = store::day_bounds(date, app.settings.timezone);
    let now = app.now().min(to);
    let clock_now = app.now();
    let current = offices.scope.as_ref().map(|s| s.community_id);
    let mut text = t!("shifts.overview.header", locale = l, day = view::day_label(ctx.lang, date)).into_owned();
    let mut rows = Vec::new();
    let mut conn = app.pool.acquire().await?;
    for c in &offices.communities {
        let shifts = store::coverage_between(&mut conn, c.id, from, to).await?;
        let no_shows = store::no_shows_between(&mut conn, c.id, from, now).await?.len();
        text.push('\n');
        text.push_str(&Figures::of(&shifts, no_shows, clock_now).line(ctx.lang, c.label(ctx.lang)));
        let label =
            if current == Some(c.id) { format!("📍 {}", c.label(ctx.lang)) } else { c.label(ctx.lang).to_owned() };
        rows.push(vec![button(label, Cb::RosterOf(c.id))]);
    }
    drop(conn);
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

/// A community tapped in the overview: act on it from now on, and show its roster.
pub async fn open_community(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, community: i64) -> HandlerResult {
    let Some(scope) = scope::choose(app, ctx, community).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = ctx.lang.code())).await;
    };
    roster::roster(bot, app, ctx, Some(q), &scope, 0).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(capacity: i64, min_senior: i64, taken: i64, seniors_taken: i64) -> BoardShift {
        BoardShift {
            id: 1,
            checkpoint: "东门".into(),
            checkpoint_en: "East Gate".into(),
            start_at: 0,
            end_at: 10,
            capacity,
            min_senior,
            taken,
            seniors_taken,
            mine: false,
            offered_by: None,
            no_shows: 0,
        }
    }

    #[test]
    fn figures_count_short_shifts_places_and_missing_seniors() {
        let before = crate::clock::from_millis(0);
        let f = Figures::of(&[shift(2, 1, 1, 0), shift(2, 0, 0, 0), shift(2, 1, 2, 1)], 1, before);
        assert_eq!(f, Figures { shifts: 3, short: 2, free: 3, without_senior: 1, no_shows: 1 });
        assert_eq!(
            f.line(Lang::En, "Dihu"),
            "❗ Dihu: 2 shifts short (3 places) · 1 shift without a party member · 1 no-show"
        );
        let only_places = Figures::of(&[shift(2, 0, 1, 0)], 0, before);
        assert_eq!(only_places.line(Lang::En, "Dihu"), "⚠️ Dihu: 1 shift short (1 place)", "nothing said of zeros");
        assert_eq!(only_places.line(Lang::ZhCn, "帝湖"), "⚠️ 帝湖：1 个班次缺人（共缺 1 人）");
        let ended = Figures::of(&[shift(2, 1, 1, 0)], 0, crate::clock::from_millis(10));
        assert_eq!(ended, Figures { shifts: 1, ..Figures::default() }, "an ended shift's gaps are history");
        assert_eq!(
            Figures::of(&[], 0, before).line(Lang::En, "Dihu"),
            crate::tr("en", "shifts.overview.no_shifts").replace("%{community}", "Dihu")
        );
    }
}
