//! After ordering: the officials' `/orders` (counts by status and building, accept or
//! pack in bulk, the pick list as a message and a CSV file Excel opens in Chinese,
//! `/reject 订单号 原因`), the volunteers' `/deliveries` (take a building's packed orders —
//! one volunteer wins — see those addresses and phones only, mark each left at the door)
//! and the resident's "received" (or automatically after 24 hours). Every change tells
//! the people it concerns through the outbox, in their language.

use rust_i18n::t;
use sqlx::SqliteConnection;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, InputFile};

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::i18n::Lang;
use crate::jobs::{BoxFuture, JobCtx, Registry};
use crate::orders::buttons::Cb;
use crate::orders::model::Status;
use crate::orders::store;
use crate::outbox::{self, OutMessage};
use crate::people::read as people;
use crate::people::scope::Scope;
use crate::App;

pub const AUTO_RECEIVE: &str = "orders.auto_receive";

/// Tells each resident what happened to their order (order, resident), in their language:
/// the languages are looked up once for the whole batch.
async fn tell(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<chrono::Utc>,
    orders: &[(i64, i64)],
    status: Status,
    reason: &str,
) -> crate::Result<()> {
    let residents: Vec<i64> = orders.iter().map(|(_, r)| *r).collect();
    let langs: std::collections::HashMap<i64, Lang> =
        crate::people::read::languages(conn, &residents).await?.into_iter().collect();
    for &(order, resident) in orders {
        let lang = langs.get(&resident).copied().unwrap_or_default();
        tell_one(conn, now, resident, order, lang, status, reason).await?;
    }
    Ok(())
}

async fn tell_one(
    conn: &mut SqliteConnection,
    now: chrono::DateTime<chrono::Utc>,
    resident: i64,
    order: i64,
    lang: Lang,
    status: Status,
    reason: &str,
) -> crate::Result<()> {
    let l = lang.code();
    let text = match status {
        Status::Accepted => t!("orders.notify.accepted", locale = l, id = order),
        Status::Packed => t!("orders.notify.packed", locale = l, id = order),
        Status::OutForDelivery => t!("orders.notify.out_for_delivery", locale = l, id = order),
        Status::Delivered => t!("orders.notify.delivered", locale = l, id = order),
        Status::Rejected => t!("orders.notify.rejected", locale = l, id = order, reason = reason),
        _ => return Ok(()),
    };
    let mut message = OutMessage::text(text);
    if status == Status::Delivered {
        let kb = InlineKeyboardMarkup::new(vec![vec![button(
            t!("orders.received_button", locale = l, id = order),
            Cb::Received(order),
        )]]);
        message = message.keyboard(kb);
    }
    outbox::enqueue(conn, now, resident, message, outbox::Options::default()).await?;
    Ok(())
}

pub async fn pipeline(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope) -> HandlerResult {
    show(bot, app, ctx, scope, String::new()).await
}

/// The pipeline with its next steps' buttons, after `lead` (what was just done, if anything),
/// so an official goes on from accepting to the pick list without typing /orders again.
async fn show(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, lead: String) -> HandlerResult {
    let l = ctx.lang.code();
    let rows = store::pipeline(&app.pool, ctx.lang, scope.community_id).await?;
    let mut text = if lead.is_empty() { lead } else { lead + "\n\n" };
    text.push_str(&t!("orders.pipeline_header", locale = l, community = scope.label(ctx.lang)));
    if rows.is_empty() {
        text.push('\n');
        text.push_str(&t!("orders.pipeline_empty", locale = l));
    }
    let mut placed = 0;
    let mut accepted = 0;
    for status in [Status::Placed, Status::Accepted, Status::Packed, Status::OutForDelivery, Status::Delivered] {
        let of: Vec<_> = rows.iter().filter(|r| r.0 == status).collect();
        if of.is_empty() {
            continue;
        }
        let total: i64 = of.iter().map(|r| r.2).sum();
        match status {
            Status::Placed => placed = total,
            Status::Accepted => accepted = total,
            _ => {}
        }
        let buildings: Vec<String> = of.iter().map(|r| format!("{} {}", r.1, r.2)).collect();
        text.push('\n');
        text.push_str(&t!(
            "orders.pipeline_line",
            locale = l,
            status = crate::orders::mine::status_name(ctx.lang, status),
            total = total,
            buildings = buildings.join(&t!("orders.list_separator", locale = l))
        ));
    }
    let mut kb = Vec::new();
    if placed > 0 {
        kb.push(vec![button(t!("orders.accept_all", locale = l, count = placed), Cb::AcceptAll)]);
    }
    if accepted > 0 {
        kb.push(vec![button(t!("orders.pick_list", locale = l), Cb::PickList)]);
        kb.push(vec![button(t!("orders.pack_all", locale = l, count = accepted), Cb::PackAll)]);
    }
    say_with(bot, ctx, scope.titled(ctx.lang, text), InlineKeyboardMarkup::new(kb)).await
}

/// Accept every placed order, or pack every accepted one; each resident is told.
pub async fn advance_all(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    scope: &Scope,
    to: Status,
) -> HandlerResult {
    let l = ctx.lang.code();
    let from = if to == Status::Accepted { Status::Placed } else { Status::Accepted };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let moved = store::advance_all(&mut work, now, scope.community_id, from, to).await?;
    tell(&mut work, now, &moved, to, "").await?;
    work.commit().await?;
    ack(bot, q).await?;
    let status = crate::orders::mine::status_name(ctx.lang, to);
    show(bot, app, ctx, scope, t!("orders.advanced", locale = l, count = moved.len(), status = status).into_owned())
        .await
}

/// The supermarket's pick list: as a message, and as a CSV with a byte-order mark so
/// Excel shows the Chinese names.
pub async fn pick_list(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, scope: &Scope) -> HandlerResult {
    let l = ctx.lang.code();
    ack(bot, q).await?;
    let rows = store::pick_list(&app.pool, ctx.lang, scope.community_id).await?;
    if rows.is_empty() {
        return say(bot, ctx, scope.titled(ctx.lang, t!("orders.pick_list_empty", locale = l))).await;
    }
    // The whole community as a CSV for the supermarket; each building's list on a button.
    let buttons: Vec<_> = store::buildings_to_pick(&app.pool, ctx.lang, scope.community_id)
        .await?
        .into_iter()
        .map(|(id, name, count)| {
            vec![button(
                t!("orders.pick_list_building", locale = l, building = name.as_str(), count = count),
                Cb::PickListBuilding(id),
            )]
        })
        .collect();
    let header = scope.titled(ctx.lang, t!("orders.pick_list_header", locale = l));
    say_with(bot, ctx, header, InlineKeyboardMarkup::new(buttons)).await?;
    let day = app.now().with_timezone(&app.settings.timezone).format("%Y-%m-%d");
    let file = t!("orders.pick_list_file", locale = l, community = scope.label(ctx.lang), day = day.to_string());
    let csv = pick_list_csv(ctx.lang, &rows)?;
    bot.send_document(ctx.chat_id, InputFile::memory(csv).file_name(file.into_owned())).await?;
    Ok(())
}

/// One building's pick list as a message.
pub async fn pick_list_building(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    scope: &Scope,
    building: i64,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(name) = people::building_in(&app.pool, building, scope.community_id).await? else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    ack(bot, q).await?;
    let mut text = t!("orders.pick_list_building_header", locale = l, building = name.label(ctx.lang)).into_owned();
    for (item, unit, qty) in store::pick_list_for(&app.pool, ctx.lang, scope.community_id, building).await? {
        text.push('\n');
        text.push_str(&t!("orders.pick_list_line", locale = l, item = item, qty = qty, unit = unit));
    }
    say(bot, ctx, scope.titled(ctx.lang, text)).await
}

/// The pick list as CSV for Excel (`crate::export::csv`): building, item, unit, quantity.
pub fn pick_list_csv(lang: Lang, rows: &[(String, String, String, i64)]) -> crate::Result<Vec<u8>> {
    let l = lang.code();
    let header = ["orders.csv.building", "orders.csv.item", "orders.csv.unit", "orders.csv.quantity"]
        .map(|key| t!(key, locale = l).into_owned());
    crate::export::csv(header, rows.iter().map(|(b, i, u, q)| [b.clone(), i.clone(), u.clone(), q.to_string()]))
}

/// `/reject 订单号 原因`.
pub async fn reject(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let (id, reason) = args.trim().split_once(char::is_whitespace).unwrap_or((args.trim(), ""));
    let (Ok(id), reason) = (id.trim_start_matches('#').parse::<i64>(), reason.trim()) else {
        return say(bot, ctx, scope.titled(ctx.lang, t!("orders.reject_usage", locale = l))).await;
    };
    if reason.is_empty() {
        return say(bot, ctx, scope.titled(ctx.lang, t!("orders.reject_usage", locale = l))).await;
    }
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let Some(resident) = store::reject(&mut work, now, id, scope.community_id, reason).await? else {
        drop(work);
        return say(bot, ctx, scope.titled(ctx.lang, t!("orders.cannot_reject", locale = l, id = id))).await;
    };
    tell(&mut work, now, &[(id, resident)], Status::Rejected, reason).await?;
    work.commit().await?;
    say(bot, ctx, scope.titled(ctx.lang, t!("orders.rejected", locale = l, id = id))).await
}

pub async fn deliveries(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(community) = ctx.roles.volunteer_community() else {
        return say(bot, ctx, t!("shifts.refused.not_approved", locale = l)).await;
    };
    let mine = store::my_deliveries(&app.pool, ctx.lang, ctx.user_id).await?;
    let mut text = String::new();
    let mut rows = Vec::new();
    if !mine.is_empty() {
        text.push_str(&t!("orders.my_deliveries", locale = l));
        for d in &mine {
            let phone = d.phone.clone().unwrap_or_else(|| t!("people.me.no_phone", locale = l).into_owned());
            text.push_str(&format!("\n#{} {} {} ☎ {phone}\n   {}", d.id, d.building, d.unit_room, d.items));
            if !d.note.is_empty() {
                text.push_str(&format!("\n   📝 {}", d.note));
            }
            rows.push(vec![button(t!("orders.delivered_button", locale = l, id = d.id), Cb::Delivered(d.id))]);
        }
        text.push_str("\n\n");
    }
    let board = store::delivery_board(&app.pool, ctx.lang, community).await?;
    if board.is_empty() {
        text.push_str(&t!("orders.board_empty", locale = l));
    } else {
        text.push_str(&t!("orders.board_header", locale = l));
        for (building_id, name, count) in board {
            rows.push(vec![button(
                t!("orders.claim_building", locale = l, building = name.as_str(), count = count),
                Cb::ClaimBuilding(building_id),
            )]);
        }
    }
    // The group buys' door deliveries share the board (`groupbuy::delivery::door`).
    let (group_buys, group_buy_rows) = crate::groupbuy::delivery::door::section(app, ctx, community).await?;
    text.push_str(&group_buys);
    rows.extend(group_buy_rows);
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

pub async fn claim_building(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, building: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(community) = ctx.roles.volunteer_community() else {
        return refuse(bot, q, t!("shifts.refused.not_approved", locale = l)).await;
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let taken = store::claim_building(&mut work, now, community, building, ctx.user_id).await?;
    tell(&mut work, now, &taken, Status::OutForDelivery, "").await?;
    work.commit().await?;
    if taken.is_empty() {
        return refuse(bot, q, t!("orders.batch_gone", locale = l)).await;
    }
    ack(bot, q).await?;
    deliveries(bot, app, ctx).await
}

pub async fn delivered(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, order: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let Some(resident) = store::delivered(&mut work, now, order, ctx.user_id).await? else {
        drop(work);
        return refuse(bot, q, t!("orders.not_your_delivery", locale = l)).await;
    };
    tell(&mut work, now, &[(order, resident)], Status::Delivered, "").await?;
    work.commit().await?;
    ack(bot, q).await?;
    say(bot, ctx, t!("orders.marked_delivered", locale = l, id = order)).await
}

pub async fn received(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, order: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let received = store::received(&mut work, now, order, ctx.user_id).await?;
    work.commit().await?;
    if !received {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    }
    ack(bot, q).await?;
    say(bot, ctx, t!("orders.thanks_received", locale = l, id = order)).await
}

pub fn register(registry: Registry) -> Registry {
    registry.register(AUTO_RECEIVE, auto_receive)
}

/// Hourly: orders left at the door more than 24 hours ago count as received.
fn auto_receive(conn: &mut SqliteConnection, ctx: JobCtx, _: serde_json::Value) -> BoxFuture<'_, crate::Result<()>> {
    Box::pin(async move {
        let n = store::auto_receive(conn, ctx.now, ctx.now - chrono::Duration::hours(24)).await?;
        if n > 0 {
            tracing::info!(orders = n, "orders marked received after 24 hours");
        }
        Ok(())
    })
}

/// The hourly "received after 24 hours" job (idempotent).
pub fn schedule_all<'c>(
    conn: &'c mut SqliteConnection,
    app: &'c crate::App,
) -> crate::jobs::BoxFuture<'c, crate::Result<()>> {
    Box::pin(async move {
        let hourly = crate::jobs::NewJob {
            recurrence: Some(crate::jobs::Recurrence::Every { seconds: 3600 }),
            unique_key: Some(AUTO_RECEIVE.to_owned()),
            ..crate::jobs::NewJob::once(AUTO_RECEIVE, app.now(), serde_json::Value::Null)
        };
        crate::jobs::schedule(conn, app.now(), &hourly).await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pick_list_csv_opens_in_excel_with_chinese() {
        let csv = pick_list_csv(
            Lang::ZhCn,
            &[("3号楼".into(), "西红柿".into(), "斤".into(), 12), ("3号楼".into(), "米, 5kg".into(), "袋".into(), 2)],
        )
        .unwrap();
        assert_eq!(&csv[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
        let text = String::from_utf8(csv).unwrap();
        assert!(text.starts_with("\u{feff}楼栋,商品,单位,数量\r\n"));
        assert!(text.contains("3号楼,西红柿,斤,12\r\n"));
        assert!(text.contains("3号楼,\"米, 5kg\",袋,2\r\n"), "a comma in a name is quoted");
    }

    #[test]
    fn names_with_quotes_commas_and_line_breaks_come_back_whole() {
        let awkward = "苹果 \"红富士\", 5斤\r\n第二行\r只回车\n只换行".to_owned();
        let rows =
            [("2号楼".to_owned(), awkward.clone(), "箱".to_owned(), 3), ("2号楼".into(), "米".into(), "袋".into(), 1)];
        let csv = pick_list_csv(Lang::ZhCn, &rows).unwrap();
        let mut reader = csv::Reader::from_reader(&csv[3..]);
        assert_eq!(reader.headers().unwrap(), vec!["楼栋", "商品", "单位", "数量"]);
        let read: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
        assert_eq!(
            read,
            vec![
                vec!["2号楼".to_owned(), awkward, "箱".into(), "3".into()],
                vec!["2号楼".into(), "米".into(), "袋".into(), "1".into()]
            ]
        );
    }
}
