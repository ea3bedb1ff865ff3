//! The officials' view: `/isolated` lists the community's isolated households by building
//! (days left, people registered), with declarations waiting for a decision; a household
//! opens on a button (who is registered, lift the isolation, with a confirmation); the
//! whole list as CSV for Excel.
//!
//! ```text
//! official → /isolated
//! bot      → 隔离中 12 户（登记 20 人）· 待确认申报 1
//!            3号楼
//!            · 2单元301 · 居家隔离 · 还剩 5 天 · 2 人
//!            [3号楼 2单元301] … [‹ 上一页] [1/2] [下一页 ›] [📄 导出 CSV]
//! official → (taps 3号楼 2单元301) → [解除隔离] → 确定解除？ [确认解除] → 已解除，已通知该户。
//! ```

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use crate::bot::keyboard::{button, cancel_button, PAGE_SIZE};
use crate::bot::reply::{ack, refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::health::isolation::buttons::Cb;
use crate::health::isolation::figures::{self, Overview, Row};
use crate::health::isolation::model::{self, Status};
use crate::health::isolation::store::{self, Isolation};
use crate::health::isolation::tell::{decision_keyboard, tell_household};
use crate::health::isolation::view;
use crate::i18n::Lang;
use crate::people::scope::Scope;
use crate::App;

/// Declarations shown with their decision buttons under the list (the rest on the next call).
const DECLARATIONS_SHOWN: usize = 5;

/// `/isolated`, or a page of it (`q`: the tapped page button, edited in place).
pub async fn list(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    scope: &Scope,
    page: u16,
) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let today = app.today();
    let mut conn = app.pool.acquire().await?;
    let o = figures::overview(&mut conn, app, scope.community_id, app.now()).await?;
    let declared = store::declared(&mut conn, scope.community_id).await?;
    drop(conn);
    let mut text = t!(
        "isolation.list.header",
        locale = l,
        households = o.rows.len(),
        people = crate::i18n::people(lang, o.people()),
        declared = declared.len()
    )
    .into_owned();
    if !o.rows.is_empty() {
        text.push('\n');
        text.push_str(&o.today_line(lang));
    }
    let pages = o.rows.len().div_ceil(PAGE_SIZE).max(1);
    let page = usize::from(page).min(pages - 1);
    let shown: Vec<&Row> = o.rows.iter().skip(page * PAGE_SIZE).take(PAGE_SIZE).collect();
    let mut building = None;
    for row in &shown {
        let iso = &row.iso;
        if building != Some(iso.building_id) {
            building = Some(iso.building_id);
            text.push_str(&format!("\n{}", lang.pick(&iso.building, &iso.building_en)));
        }
        text.push_str(&t!(
            "isolation.list.line",
            locale = l,
            unit_room = iso.unit_room.as_str(),
            kind = view::kind(lang, iso.kind),
            left = view::days_left(lang, iso.ends_on, today),
            people = crate::i18n::people(lang, row.people),
            reports = row.reports(lang)
        ));
    }
    if o.rows.is_empty() {
        text.push('\n');
        text.push_str(&t!("isolation.list.empty", locale = l));
    }
    let mut rows: Vec<Vec<InlineKeyboardButton>> =
        shown.iter().map(|row| vec![button(row.iso.address(lang), Cb::Household(row.iso.id))]).collect();
    if pages > 1 {
        let mut nav = Vec::new();
        if page > 0 {
            nav.push(button(t!("common.prev_page", locale = l), Cb::ListPage(page as u16 - 1)));
        }
        nav.push(button(t!("common.page_of", locale = l, page = page + 1, pages = pages), crate::bot::Common::Noop));
        if page + 1 < pages {
            nav.push(button(t!("common.next_page", locale = l), Cb::ListPage(page as u16 + 1)));
        }
        rows.push(nav);
    }
    if !o.rows.is_empty() {
        rows.push(vec![button(t!("isolation.list.csv_button", locale = l), Cb::Csv)]);
    }
    let kb = InlineKeyboardMarkup::new(rows);
    let text = scope.titled(lang, text);
    match q {
        Some(q) => {
            ack(bot, q).await?;
            return replace_with(bot, ctx, q, text, kb).await;
        }
        None => say_with(bot, ctx, text, kb).await?,
    }
    for iso in declared.iter().take(DECLARATIONS_SHOWN) {
        let text = t!("isolation.list.declared", locale = l, isolation = view::of(lang, iso));
        say_with(bot, ctx, text, decision_keyboard(lang, iso.id)).await?;
    }
    Ok(())
}

/// The isolation, if this person runs its community.
async fn authorised(app: &App, ctx: &Ctx, id: i64) -> crate::Result<Option<(Isolation, Scope)>> {
    let mut conn = app.pool.acquire().await?;
    let Some(iso) = store::get(&mut conn, id).await? else { return Ok(None) };
    drop(conn);
    Ok(Scope::of(app, ctx, iso.community_id).await?.map(|scope| (iso, scope)))
}

/// One household: its isolation, who is registered there, and [解除隔离].
pub async fn household(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let Some((iso, scope)) = authorised(app, ctx, id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    ack(bot, q).await?;
    let today = app.today();
    let mut conn = app.pool.acquire().await?;
    let names = store::names_at(&mut conn, iso.building_id, &iso.household).await?;
    drop(conn);
    let names =
        if names.is_empty() { t!("isolation.nobody_registered", locale = l).into_owned() } else { names.join("、") };
    let state = match iso.status {
        Status::Active if iso.is_current(today) => view::days_left(lang, iso.ends_on, today),
        Status::Declared => t!("isolation.state.declared", locale = l).into_owned(),
        Status::Active => t!("isolation.state.not_now", locale = l).into_owned(),
        Status::Ended | Status::Lifted | Status::Declined => t!("isolation.state.closed", locale = l).into_owned(),
    };
    let text = t!("isolation.household", locale = l, isolation = view::of(lang, &iso), state = state, names = names);
    let kb = match iso.status {
        Status::Active => {
            InlineKeyboardMarkup::new(vec![vec![button(t!("isolation.lift_button", locale = l), Cb::Lift(id))]])
        }
        Status::Declared => decision_keyboard(lang, id),
        _ => InlineKeyboardMarkup::default(),
    };
    say_with(bot, ctx, scope.titled(lang, text), kb).await
}

/// [解除隔离]: asks first (the household is told at once, and it cannot be undone here).
pub async fn lift(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let Some((iso, scope)) = authorised(app, ctx, id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    if iso.status != Status::Active {
        return refuse(bot, q, t!("isolation.already_closed", locale = l)).await;
    }
    ack(bot, q).await?;
    let kb = InlineKeyboardMarkup::new(vec![vec![
        button(t!("isolation.lift_confirm_button", locale = l), Cb::LiftConfirm(id)),
        cancel_button(lang),
    ]]);
    say_with(bot, ctx, scope.titled(lang, t!("isolation.lift_ask", locale = l, isolation = view::of(lang, &iso))), kb)
        .await
}

pub async fn lift_confirmed(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let Some((iso, scope)) = authorised(app, ctx, id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    if !store::decide(&mut work, now, id, Status::Active, Status::Lifted, ctx.user_id).await? {
        drop(work);
        return refuse(bot, q, t!("isolation.already_closed", locale = l)).await;
    }
    let told = tell_household(&mut work, app, now, &iso, "isolation.told.lifted").await?;
    work.commit().await?;
    ack(bot, q).await?;
    let text =
        t!("isolation.lifted", locale = l, isolation = view::of(lang, &iso), people = crate::i18n::people(lang, told));
    replace_with(bot, ctx, q, scope.titled(lang, text), InlineKeyboardMarkup::default()).await
}

/// The list as CSV: one row per household isolated today.
pub async fn csv(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, scope: &Scope) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    ack(bot, q).await?;
    let mut conn = app.pool.acquire().await?;
    let o = figures::overview(&mut conn, app, scope.community_id, app.now()).await?;
    drop(conn);
    if o.rows.is_empty() {
        return say(bot, ctx, scope.titled(lang, t!("isolation.list.empty", locale = l))).await;
    }
    let bytes = csv_bytes(lang, &o)?;
    let file = t!("isolation.csv.file", locale = l, community = scope.label(lang), day = o.day.to_string());
    bot.send_document(ctx.chat_id, InputFile::memory(bytes).file_name(file.into_owned())).await?;
    Ok(())
}

/// Building, unit/room, kind, start, end, days left, people registered, today's reports,
/// expected, fevers, open errands.
pub fn csv_bytes(lang: Lang, o: &Overview) -> crate::Result<Vec<u8>> {
    let l = lang.code();
    // One length for the header and every row, checked by the compiler.
    const COLUMNS: [&str; 11] = [
        "building",
        "unit_room",
        "kind",
        "starts_on",
        "ends_on",
        "days_left",
        "people",
        "reported",
        "expected",
        "fevers",
        "errands",
    ];
    let header = COLUMNS.map(|c| t!(format!("isolation.csv.{c}"), locale = l).into_owned());
    let rows = o.rows.iter().map(|row| -> [String; COLUMNS.len()] {
        let iso = &row.iso;
        [
            lang.pick(&iso.building, &iso.building_en).to_owned(),
            iso.unit_room.clone(),
            view::kind(lang, iso.kind),
            iso.starts_on.to_string(),
            iso.ends_on.to_string(),
            model::days_left(iso.ends_on, o.day).to_string(),
            row.people.to_string(),
            row.reported.to_string(),
            row.expected.to_string(),
            row.fevers.to_string(),
            row.errands.to_string(),
        ]
    });
    crate::export::csv(header, rows)
}
