//! `/buys` and one buy's view: the figures, and the buttons its status allows. Every tap
//! is authorised on the buy (`authorised`), never on the list it came from.

use chrono::{DateTime, Duration, Utc};
use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::{button, PAGE_SIZE};
use crate::bot::reply::{ack, refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::clock::millis;
use crate::groupbuy::deadline::minimum_text;
use crate::groupbuy::lead::buttons::Cb;
use crate::groupbuy::lead::slips;
use crate::groupbuy::lead::store::{self as lead_store, Whose};
use crate::groupbuy::model::BuyStatus;
use crate::groupbuy::store::{self, Buy};
use crate::i18n::Lang;
use crate::people::scope::{self, Offices, Scope};
use crate::App;

/// The buy, if this person may act on it: its leader, or an official of its community.
pub(super) async fn authorised(app: &App, ctx: &Ctx, id: i64) -> crate::Result<Option<Buy>> {
    let buy = store::buy(&app.pool, id).await?;
    Ok(buy.filter(|b| b.leader_id == ctx.user_id || ctx.roles.is_official_of(b.community_id)))
}

pub(super) fn not_yours(ctx: &Ctx) -> String {
    t!("groupbuy_lead.not_yours", locale = ctx.lang.code()).into_owned()
}

/// `/buys`, or a page of it (`q`: the page button, edited in place).
pub async fn list(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>, page: u16) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    // An official sees the community they act on; one of several who has not chosen yet
    // is asked first, as for every official's list.
    let scope: Option<Scope> = match scope::resolve(app, ctx).await? {
        Some(Offices { scope: Some(scope), .. }) => Some(scope),
        Some(Offices { communities, scope: None }) if !communities.is_empty() => {
            if let Some(q) = q {
                ack(bot, q).await?;
            }
            return scope::ask(bot, ctx, &communities, None).await;
        }
        _ => None,
    };
    let whose = Whose { leader: ctx.user_id, community: scope.as_ref().map(|s| s.community_id) };
    let per = PAGE_SIZE as i64;
    let mut conn = app.pool.acquire().await?;
    let (mut buys, total) = lead_store::buys_page(&mut conn, whose, i64::from(page), per).await?;
    let pages = ((total + per - 1) / per).max(1);
    let page = i64::from(page).min(pages - 1);
    if buys.is_empty() && total > 0 {
        // A page button from when there were more buys: the last page there is now.
        buys = lead_store::buys_page(&mut conn, whose, page, per).await?.0;
    }
    drop(conn);
    let now = app.now();
    let mut text = match &scope {
        Some(s) => t!("groupbuy_lead.list.header_community", locale = l, community = s.label(lang), count = total),
        None => t!("groupbuy_lead.list.header", locale = l, count = total),
    }
    .into_owned();
    for buy in &buys {
        text.push('\n');
        text.push_str(&t!(
            "groupbuy_lead.list.line",
            locale = l,
            id = buy.id,
            title = buy.title.as_str(),
            status = status_text(lang, now, buy)
        ));
    }
    if buys.is_empty() {
        text.push('\n');
        text.push_str(&t!("groupbuy_lead.list.none", locale = l));
    }
    let mut rows: Vec<Vec<InlineKeyboardButton>> = buys
        .iter()
        .map(|b| {
            vec![button(
                t!("groupbuy_lead.list.open_button", locale = l, id = b.id, title = b.title.as_str()),
                Cb::Buy(b.id),
            )]
        })
        .collect();
    if pages > 1 {
        rows.push(page_row(lang, page as u16, pages as u16));
    }
    let kb = InlineKeyboardMarkup::new(rows);
    let text = match &scope {
        Some(s) => s.titled(lang, text),
        None => text,
    };
    match q {
        Some(q) => {
            ack(bot, q).await?;
            replace_with(bot, ctx, q, text, kb).await
        }
        None => say_with(bot, ctx, text, kb).await,
    }
}

/// ‹ previous · page of pages · next ›
fn page_row(lang: Lang, page: u16, pages: u16) -> Vec<InlineKeyboardButton> {
    let l = lang.code();
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(t!("common.prev_page", locale = l), Cb::Page(page - 1)));
    }
    nav.push(button(t!("common.page_of", locale = l, page = page + 1, pages = pages), crate::bot::Common::Noop));
    if page + 1 < pages {
        nav.push(button(t!("common.next_page", locale = l), Cb::Page(page + 1)));
    }
    nav
}

/// Where the buy stands: open with its figures and time left, closed, called off, cancelled.
pub(super) fn status_text(lang: Lang, now: DateTime<Utc>, buy: &Buy) -> String {
    let l = lang.code();
    let (households, units) = (buy.households, buy.taken);
    match buy.status {
        BuyStatus::Open if millis(now) < buy.deadline => {
            let left = buy.deadline() - now;
            let left = if left >= Duration::hours(1) {
                t!("groupbuy.tally.left_hours", locale = l, hours = left.num_hours(), minutes = left.num_minutes() % 60)
            } else {
                t!("groupbuy.tally.left_minutes", locale = l, minutes = left.num_minutes().max(1))
            };
            t!("groupbuy_lead.status.open", locale = l, households = households, units = units, left = left)
        }
        BuyStatus::Open => t!("groupbuy_lead.status.counting", locale = l, households = households, units = units),
        BuyStatus::Closed => t!("groupbuy_lead.status.closed", locale = l, households = households, units = units),
        BuyStatus::CalledOff => {
            t!("groupbuy_lead.status.called_off", locale = l, households = households, units = units)
        }
        BuyStatus::Cancelled => t!("groupbuy_lead.status.cancelled", locale = l),
    }
    .into_owned()
}

/// One buy: its status, minimum, deadline and items with their totals; the buttons.
pub async fn show(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64) -> HandlerResult {
    let Some(buy) = authorised(app, ctx, id).await? else { return refuse(bot, q, not_yours(ctx)).await };
    ack(bot, q).await?;
    let (text, kb) = view(app, ctx, &buy, None).await?;
    replace_with(bot, ctx, q, text, kb).await
}

/// The buy's message and keyboard; `lead`: what just happened, on top.
pub(super) async fn view(
    app: &App,
    ctx: &Ctx,
    buy: &Buy,
    lead: Option<String>,
) -> crate::Result<(String, InlineKeyboardMarkup)> {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let now = app.now();
    let mut conn = app.pool.acquire().await?;
    let items = store::items(&mut *conn, buy.id).await?;
    let totals = store::item_totals(&mut conn, buy.id).await?;
    drop(conn);
    let mut text = lead.map(|s| s + "\n\n").unwrap_or_default();
    text.push_str(&t!("groupbuy_lead.buy.title", locale = l, id = buy.id, title = buy.title.as_str()));
    text.push('\n');
    text.push_str(&status_text(lang, now, buy));
    text.push('\n');
    text.push_str(&t!(
        "groupbuy_lead.buy.terms",
        locale = l,
        min = minimum_text(lang, buy),
        at = crate::i18n::dates::at(lang, buy.deadline(), now, app.settings.timezone)
    ));
    text.push_str(&crate::groupbuy::tally::item_lines(lang, &items, &totals));
    let mut rows = Vec::new();
    match buy.status {
        BuyStatus::Open if buy.is_open_at(now) => {
            rows.push(vec![button(t!("groupbuy_lead.buy.cancel_button", locale = l), Cb::Cancel(buy.id))]);
        }
        BuyStatus::Closed => {
            rows.push(vec![button(
                t!("groupbuy_lead.buy.slips_button", locale = l),
                Cb::Slips { buy: buy.id, phones: false },
            )]);
            rows.push(vec![button(
                t!("groupbuy_lead.buy.phones_button", locale = l),
                Cb::Slips { buy: buy.id, phones: true },
            )]);
            rows.push(vec![crate::groupbuy::delivery::manage_button(lang, buy.id)]);
        }
        _ => {}
    }
    rows.push(vec![button(t!("groupbuy_lead.buy.back_button", locale = l), Cb::Page(0))]);
    Ok((text, InlineKeyboardMarkup::new(rows)))
}

/// The supplier order and the slips again, to whoever asks (the leader, or an official of
/// the community), in their language; phone numbers only with the button that says so.
pub async fn resend_slips(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, id: i64, phones: bool) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(buy) = authorised(app, ctx, id).await? else { return refuse(bot, q, not_yours(ctx)).await };
    if buy.status != BuyStatus::Closed {
        return refuse(bot, q, t!("groupbuy_lead.buy.not_closed", locale = l, id = id)).await;
    }
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    slips::send_to(&mut work, app, now, &buy, ctx.user_id, ctx.lang, phones).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let key = if phones { "groupbuy_lead.buy.slips_coming_phones" } else { "groupbuy_lead.buy.slips_coming" };
    say(bot, ctx, t!(key, locale = l, id = id)).await
}
