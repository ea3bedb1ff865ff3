//! The offer in the groups and its live tally: one message per group, edited in place.
//!
//! A join, change or leave only *arms* the `groupbuy.tally` job (one per buy, by its
//! unique key), due `EVERY` after the last render, or at once if that is past. The job
//! renders the tally for each group in its language and queues it through the outbox:
//! - the offer not yet posted (still `pending`): its text is replaced, so it goes out with
//!   the latest tally;
//! - posted: an edit of that message, or — while the last edit queued still waits — that
//!   edit's text replaced (`outbox::replace_pending`).
//!
//! So however many joins arrive, a group gets at most one edit per `EVERY` (4 s: 15 a
//! minute, under Telegram's ~20 per minute in a group, leaving room for the group's other
//! messages, which the outbox's per-group limit counts too), and the message is never more
//! than `EVERY` plus the scheduler's one-second tick behind. While the buy is open the job
//! also comes back on its own to keep "time left" true (every 10 minutes, every minute in
//! the last hour), and once more at the end to show the outcome without the join button.

use chrono::{DateTime, Duration, Utc};
use rust_i18n::t;
use sqlx::SqliteConnection;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::clock::{from_millis, millis};
use crate::groupbuy::model::{unit_of, BuyStatus, Delivery, MinKind};
use crate::groupbuy::store::{self, Buy, Item, TallyRow};
use crate::groupbuy::{households, units};
use crate::i18n::Lang;
use crate::jobs::{BoxFuture, JobCtx, NewJob};
use crate::orders::model::yuan;
use crate::outbox::{self, OutMessage, RowStatus};
use crate::Result;

pub const JOB: &str = "groupbuy.tally";

/// The least time between two renders of one buy's tally.
pub const EVERY: Duration = Duration::seconds(4);

/// Lines of the tally are shown up to this many characters; the rest is counted.
const BUDGET: usize = 3600;
/// At most this many lines are read for one render (a line is at least ~12 characters).
const MOST_LINES: i64 = 320;

fn key(buy: i64) -> String {
    format!("{JOB}:{buy}")
}

/// Makes sure the tally of `buy` is rendered soon: at once if the last render is `EVERY`
/// old, otherwise when it will be. Many calls in a burst leave one pending job.
pub async fn arm(conn: &mut SqliteConnection, now: DateTime<Utc>, buy: &Buy) -> Result<()> {
    let due = buy.tally_at.map_or(now, |at| (from_millis(at) + EVERY).max(now));
    arm_at(conn, now, buy.id, due).await
}

/// Renders at once, whatever the last render: the outcome at the deadline, a cancellation.
pub async fn arm_now(conn: &mut SqliteConnection, now: DateTime<Utc>, buy: i64) -> Result<()> {
    arm_at(conn, now, buy, now).await
}

async fn arm_at(conn: &mut SqliteConnection, now: DateTime<Utc>, buy: i64, due: DateTime<Utc>) -> Result<()> {
    let job = NewJob { unique_key: Some(key(buy)), ..NewJob::once(JOB, due, serde_json::json!({ "buy": buy })) };
    crate::jobs::schedule(conn, now, &job).await?;
    crate::jobs::bring_forward(conn, &key(buy), due).await?;
    Ok(())
}

/// Posts the offer in each of `chats` (linked groups of the buy's community), each in the
/// group's language, and remembers the posts for the tally.
pub async fn post(
    conn: &mut SqliteConnection,
    app: &crate::App,
    now: DateTime<Utc>,
    buy_id: i64,
    chats: &[i64],
) -> Result<()> {
    let Some(buy) = store::buy(&mut *conn, buy_id).await? else { return Ok(()) };
    let langs: Vec<(i64, String)> = sqlx::query_as(
        "SELECT chat_id, lang FROM linked_chats WHERE community_id = ? AND chat_id IN (SELECT value FROM json_each(?))",
    )
    .bind(buy.community_id)
    .bind(serde_json::to_string(chats)?)
    .fetch_all(&mut *conn)
    .await?;
    for (chat, lang) in langs {
        let lang = Lang::from_code(&lang).unwrap_or(app.settings.default_lang);
        let message = message(conn, app, now, &buy, lang).await?;
        let ids = outbox::enqueue(conn, now, chat, message, outbox::Options::default()).await?;
        if let Some(&id) = ids.last() {
            store::add_post(conn, buy.id, chat, id).await?;
        }
    }
    store::set_tally_at(conn, now, buy.id).await?;
    schedule_next(conn, now, &buy).await
}

/// The job: renders the tally into every group's message.
pub fn refresh(conn: &mut SqliteConnection, ctx: JobCtx, payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let p: Payload = crate::jobs::payload(JOB, payload)?;
        let Some(buy) = store::buy(&mut *conn, p.buy).await? else { return Ok(()) };
        let mut again = false;
        for post in store::posts(conn, buy.id, ctx.app.settings.default_lang).await? {
            let lang = Lang::from_code(&post.lang).unwrap_or(ctx.app.settings.default_lang);
            let message = message(conn, &ctx.app, ctx.now, &buy, lang).await?;
            match outbox::row_state(conn, post.post_outbox_id).await? {
                Some((RowStatus::Pending, _)) => {
                    outbox::replace_pending(conn, post.post_outbox_id, &message).await?;
                }
                // In flight: its message id is not known yet.
                Some((RowStatus::Sending, _)) => again = true,
                Some((RowStatus::Sent, Some(message_id))) => {
                    let mut edit = OutMessage::edit(message_id, text_of(&message));
                    edit.keyboard = message.keyboard.clone();
                    let replaced = match post.edit_outbox_id {
                        Some(row) => outbox::replace_pending(conn, row, &edit).await?,
                        None => false,
                    };
                    if !replaced {
                        let ids =
                            outbox::enqueue(conn, ctx.now, post.chat_id, edit, outbox::Options::default()).await?;
                        if let Some(&id) = ids.last() {
                            store::set_edit(conn, buy.id, post.chat_id, id).await?;
                        }
                    }
                }
                // Failed or blocked (the bot was removed from the group): nothing to edit.
                _ => {}
            }
        }
        store::set_tally_at(conn, ctx.now, buy.id).await?;
        if again {
            arm_at(conn, ctx.now, buy.id, ctx.now + EVERY).await?;
        } else {
            schedule_next(conn, ctx.now, &buy).await?;
        }
        Ok(())
    })
}

#[derive(serde::Deserialize)]
struct Payload {
    buy: i64,
}

/// While open, the next render keeps "time left" true: in 10 minutes, every minute in the
/// last hour, and at the deadline (the deadline job renders the outcome itself).
async fn schedule_next(conn: &mut SqliteConnection, now: DateTime<Utc>, buy: &Buy) -> Result<()> {
    if buy.status != BuyStatus::Open {
        return Ok(());
    }
    let left = buy.deadline() - now;
    if left <= Duration::zero() {
        return Ok(());
    }
    let step = if left > Duration::hours(1) { Duration::minutes(10) } else { Duration::minutes(1) };
    arm_at(conn, now, buy.id, (now + step).min(buy.deadline())).await
}

fn text_of(message: &OutMessage) -> String {
    match &message.content {
        outbox::Content::Text { text, .. } => text.clone(),
        _ => String::new(),
    }
}

/// The group message: the offer, the tally, and while open the join button.
pub async fn message(
    conn: &mut SqliteConnection,
    app: &crate::App,
    now: DateTime<Utc>,
    buy: &Buy,
    lang: Lang,
) -> Result<OutMessage> {
    let items = store::items(&mut *conn, buy.id).await?;
    let totals = store::item_totals(conn, buy.id).await?;
    let rows = store::tally_rows(conn, lang, buy.id, MOST_LINES).await?;
    let text = render(lang, app.settings.timezone, now, buy, &items, &totals, &rows);
    let message = OutMessage::text(text);
    Ok(if buy.is_open_at(now) { message.keyboard(join_keyboard(lang, buy)) } else { message })
}

pub fn join_keyboard(lang: Lang, buy: &Buy) -> InlineKeyboardMarkup {
    let button = match reqwest::Url::parse(&buy.join_url) {
        Ok(url) => InlineKeyboardButton::url(t!("groupbuy.tally.join_button", locale = lang.code()), url),
        Err(_) => return InlineKeyboardMarkup::default(),
    };
    InlineKeyboardMarkup::new(vec![vec![button]])
}

/// The text of the group message. Pure: everything comes in.
pub fn render(
    lang: Lang,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    buy: &Buy,
    items: &[Item],
    totals: &[(i64, i64)],
    rows: &[TallyRow],
) -> String {
    let l = lang.code();
    let mut text = t!("groupbuy.tally.title", locale = l, id = buy.id, title = buy.title.as_str()).into_owned();
    text.push_str(&item_lines(lang, items, totals));
    text.push('\n');
    text.push_str(&match buy.total_cap {
        Some(cap) => t!(
            "groupbuy.tally.caps_total",
            locale = l,
            per = buy.household_cap,
            cap = cap,
            left = (cap - buy.taken).max(0)
        ),
        None => t!("groupbuy.tally.caps", locale = l, per = buy.household_cap),
    });
    let min = buy.minimum();
    let have = min.progress(buy.households, buy.taken);
    let count = |n: i64| match min.kind {
        MinKind::Households => households(lang, n),
        MinKind::Units => units(lang, n),
    };
    let counted = count(min.count);
    let (joined, taken) = (households(lang, buy.households), units(lang, buy.taken));
    text.push('\n');
    text.push_str(&if have >= min.count {
        t!("groupbuy.tally.min_reached", locale = l, min = counted, households = joined, units = taken)
    } else {
        t!(
            "groupbuy.tally.min_short",
            locale = l,
            min = counted,
            households = joined,
            units = taken,
            short = count(min.count - have)
        )
    });
    text.push('\n');
    text.push_str(&delivery_line(lang, tz, now, buy));
    text.push('\n');
    text.push_str(&status_line(lang, tz, now, buy));
    text.push_str("\n────────");
    if rows.is_empty() {
        text.push('\n');
        text.push_str(&t!("groupbuy.tally.nobody", locale = l));
    }
    let several = items.len() > 1;
    let mut shown = 0;
    let mut length = text.chars().count();
    for (n, row) in rows.iter().enumerate() {
        let line = tally_line(lang, n + 1, row, items, several);
        length += 1 + line.chars().count();
        if length > BUDGET {
            break;
        }
        text.push('\n');
        text.push_str(&line);
        shown += 1;
    }
    let rest = buy.households - shown as i64;
    if rest > 0 {
        text.push('\n');
        text.push_str(&t!("groupbuy.tally.more", locale = l, households = households(lang, rest)));
    }
    if buy.is_open_at(now) {
        text.push_str("\n\n");
        text.push_str(&t!("groupbuy.tally.how", locale = l));
    }
    text
}

/// One line per item with its price and the units joined so far ("• 蔬菜套餐 ¥58.00/份 — 已接
/// 12 份"), each after a line break: the group's tally and the leader's view of a buy.
pub fn item_lines(lang: Lang, items: &[Item], totals: &[(i64, i64)]) -> String {
    let mut text = String::new();
    for item in items {
        let total = totals.iter().find(|(id, _)| *id == item.id).map_or(0, |(_, n)| *n);
        text.push('\n');
        text.push_str(&t!(
            "groupbuy.tally.item",
            locale = lang.code(),
            name = item.name.as_str(),
            price = yuan(item.price_fen),
            unit = item.unit.as_str(),
            total = total
        ));
    }
    text
}

/// "3. 3号楼 2单元 ×2" — or with each item for a buy of several, and the nickname if chosen.
fn tally_line(lang: Lang, n: usize, row: &TallyRow, items: &[Item], several: bool) -> String {
    let l = lang.code();
    let mut line = format!("{n}. {}", row.building);
    if let Some(unit) = unit_of(&row.unit_room) {
        line.push(' ');
        line.push_str(&t!("groupbuy.tally.unit", locale = l, unit = unit));
    }
    if several {
        for part in row.lines.split(',') {
            let Some((item, qty)) = part.split_once(':') else { continue };
            let Some(item) = items.iter().find(|i| i.id.to_string() == item) else { continue };
            line.push_str(&format!(" {}×{qty}", item.name));
        }
    } else {
        line.push_str(&format!(" ×{}", row.units));
    }
    if let Some(nick) = row.nickname.as_deref().filter(|n| !n.is_empty()) {
        line.push_str(&format!("（{nick}）"));
    }
    line
}

fn delivery_line(lang: Lang, tz: chrono_tz::Tz, now: DateTime<Utc>, buy: &Buy) -> String {
    let l = lang.code();
    match (buy.delivery, &buy.pickup_place, buy.pickup_at) {
        (Delivery::Pickup, Some(place), Some(at)) => t!(
            "groupbuy.tally.pickup",
            locale = l,
            place = place.as_str(),
            at = crate::i18n::dates::at(lang, from_millis(at), now, tz)
        )
        .into_owned(),
        _ => t!("groupbuy.tally.door", locale = l).into_owned(),
    }
}

/// The deadline and time left, or the outcome.
fn status_line(lang: Lang, tz: chrono_tz::Tz, now: DateTime<Utc>, buy: &Buy) -> String {
    let l = lang.code();
    let deadline = crate::i18n::dates::at(lang, buy.deadline(), now, tz);
    match buy.status {
        BuyStatus::Open if millis(now) < buy.deadline => {
            let left = buy.deadline() - now;
            let left = if left >= Duration::hours(1) {
                t!("groupbuy.tally.left_hours", locale = l, hours = left.num_hours(), minutes = left.num_minutes() % 60)
            } else {
                t!("groupbuy.tally.left_minutes", locale = l, minutes = left.num_minutes().max(1))
            };
            t!("groupbuy.tally.deadline", locale = l, at = deadline, left = left).into_owned()
        }
        BuyStatus::Open => t!("groupbuy.tally.counting", locale = l, at = deadline).into_owned(),
        BuyStatus::Closed => t!("groupbuy.tally.closed", locale = l, at = deadline).into_owned(),
        BuyStatus::CalledOff => t!("groupbuy.tally.called_off", locale = l, at = deadline).into_owned(),
        BuyStatus::Cancelled => t!("groupbuy.tally.cancelled", locale = l).into_owned(),
    }
}
