//! `/round`: tonight's checkpoints in route order (community, then checkpoint), each with
//! what the shift data says now and whether it was visited, paged; the round's summary at
//! the end of the list. Officials see their communities', administrators every one's.
//!
//! ```text
//! official → /round
//! bot      → 🌙 11月29日夜间巡查 · 已查 1/3
//!            帝湖社区
//!            1. 西门 · 在岗 2/2 人 · 有党员或骨干 · ✅ 20:40 · 2 人
//!            2. 北门 · 在岗 0/2 人 · 党员未签到 · 未查
//!            …
//!            小结：已查 1/3，问题 0 处；未查：北门、南门
//!            [➡️ 下一个：北门] [✅ 西门] [▫️ 北门] …
//! ```

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::{button, paged, PAGE_SIZE};
use crate::bot::reply::{ack, refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult};
use crate::people::scope::{self, Offices};
use crate::shifts::view::day_label;
use crate::supervision::buttons::Cb;
use crate::supervision::model::{before_round, night_of, Outcome};
use crate::supervision::store::{self, Stop};
use crate::supervision::view;
use crate::App;

/// Where the list opens.
#[derive(Debug, Clone, Copy)]
pub enum At {
    Page(u16),
    /// After a visit of this checkpoint: the page of the next one not yet visited.
    After(i64),
}

/// The list (`q`: a tapped page button, edited in place).
pub async fn list(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>, at: At) -> HandlerResult {
    let l = ctx.lang.code();
    let text = match scope::resolve(app, ctx).await? {
        None => t!("people.not_allowed", locale = l),
        Some(Offices { communities, .. }) if communities.is_empty() => t!("people.no_communities_admin", locale = l),
        Some(offices) => return show(bot, app, ctx, q, &offices, at).await,
    };
    match q {
        Some(q) => refuse(bot, q, text).await,
        None => say(bot, ctx, text).await,
    }
}

async fn show(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>, offices: &Offices, at: At) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let tz = app.settings.timezone;
    let now = app.now();
    let night = night_of(now, tz);
    let ids: Vec<i64> = offices.communities.iter().map(|c| c.id).collect();
    let mut conn = app.pool.acquire().await?;
    let stops = store::stops(&mut conn, &ids, night, now).await?;
    drop(conn);
    if let Some(q) = q {
        ack(bot, q).await?;
    }
    if stops.is_empty() {
        return say(bot, ctx, t!("supervision.no_checkpoints", locale = l)).await;
    }
    let visited = stops.iter().filter(|s| s.visit.is_some()).count();
    let next = match at {
        At::After(id) => next_unvisited(&stops, stops.iter().position(|s| s.checkpoint_id == id)),
        At::Page(_) => next_unvisited(&stops, None),
    };
    let pages = stops.len().div_ceil(PAGE_SIZE).max(1);
    let page = match (at, next) {
        (At::After(_), Some(i)) => i / PAGE_SIZE,
        (At::Page(p), _) => usize::from(p).min(pages - 1),
        (At::After(_), None) => pages - 1,
    };
    let mut text = t!(
        "supervision.list.header",
        locale = l,
        night = day_label(lang, night),
        visited = visited,
        total = stops.len()
    )
    .into_owned();
    if before_round(now, tz, app.settings.round_from) {
        text.push('\n');
        text.push_str(&t!(
            "supervision.list.early",
            locale = l,
            from = app.settings.round_from.format("%H:%M").to_string()
        ));
    }
    let several = offices.communities.len() > 1;
    let mut community = None;
    for (i, stop) in stops.iter().enumerate().skip(page * PAGE_SIZE).take(PAGE_SIZE) {
        if several && community != Some(stop.community_id) {
            community = Some(stop.community_id);
            if let Some(c) = offices.communities.iter().find(|c| c.id == stop.community_id) {
                text.push_str(&format!("\n{}", c.label(lang)));
            }
        }
        text.push_str(&t!(
            "supervision.list.line",
            locale = l,
            n = i + 1,
            name = view::name(lang, stop),
            duty = view::duty(lang, &stop.duty),
            visit = view::visit(lang, stop.visit.as_ref(), tz)
        ));
    }
    if page + 1 == pages {
        text.push_str("\n\n");
        text.push_str(&summary(lang, &stops));
    }
    let items = stops
        .iter()
        .map(|s| (format!("{} {}", view::mark(s.visit.as_ref()), view::name(lang, s)), Cb::Open(s.checkpoint_id)))
        .collect();
    let mut kb = paged(lang, items, page as u16, Cb::Page);
    if let Some(stop) = next.map(|i| &stops[i]) {
        let label = t!("supervision.list.next_button", locale = l, name = view::name(lang, stop));
        let first: Vec<InlineKeyboardButton> = vec![button(label, Cb::Open(stop.checkpoint_id))];
        kb = InlineKeyboardMarkup::new(std::iter::once(first).chain(kb.inline_keyboard));
    }
    match (q, at) {
        (Some(q), At::Page(_)) => replace_with(bot, ctx, q, text, kb).await,
        _ => say_with(bot, ctx, text, kb).await,
    }
}

/// The first checkpoint not yet visited after `from` in route order, wrapping round.
fn next_unvisited(stops: &[Stop], from: Option<usize>) -> Option<usize> {
    let start = from.map_or(0, |i| i + 1);
    (0..stops.len()).map(|k| (start + k) % stops.len()).find(|&i| stops[i].visit.is_none())
}

/// "小结：已查 2/3，问题 1 处" with each problem and the checkpoints not yet visited.
fn summary(lang: crate::i18n::Lang, stops: &[Stop]) -> String {
    let l = lang.code();
    let visited = stops.iter().filter(|s| s.visit.is_some()).count();
    let problems: Vec<String> = stops
        .iter()
        .filter_map(|s| match s.visit.map(|v| v.outcome) {
            Some(Outcome::Problem(k)) => Some(
                t!("supervision.summary.problem", locale = l, name = view::name(lang, s), kind = view::kind(lang, k))
                    .into_owned(),
            ),
            _ => None,
        })
        .collect();
    let mut text =
        t!("supervision.summary.line", locale = l, visited = visited, total = stops.len(), problems = problems.len())
            .into_owned();
    for p in problems {
        text.push('\n');
        text.push_str(&p);
    }
    let missing: Vec<&str> = stops.iter().filter(|s| s.visit.is_none()).map(|s| view::name(lang, s)).collect();
    text.push('\n');
    text.push_str(&if missing.is_empty() {
        t!("supervision.summary.all_visited", locale = l).into_owned()
    } else {
        t!("supervision.summary.not_visited", locale = l, names = missing.join(lang_separator(lang))).into_owned()
    });
    text
}

fn lang_separator(lang: crate::i18n::Lang) -> &'static str {
    match lang {
        crate::i18n::Lang::ZhCn => "、",
        crate::i18n::Lang::En => ", ",
    }
}
