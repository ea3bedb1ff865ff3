//! The supplier order and the delivery slips, for the leader. In 2022 leaders turned the
//! 接龙 list into these by hand (volunteers wrote scripts for it): the supplier wants the
//! totals per item; the sorting table wants one slip per household, building by building,
//! then unit and room as people read them ("2单元9" before "2单元10"), with a cut line
//! between households. Phone numbers only when the leader asks for them.
//!
//! One read (`lead::store::slip_rows`), then pure rendering: the message here, the CSV
//! and the printable HTML in `files`. Everything is queued through the outbox on the
//! caller's transaction (the deadline job's, or the leader's tap's `Work`).

use chrono::{DateTime, Utc};
use rust_i18n::t;
use sqlx::SqliteConnection;

use crate::groupbuy::deadline::describe;
use crate::groupbuy::lead::{files, store as lead_store};
use crate::groupbuy::model::address_key;
use crate::groupbuy::store::{self, Buy, Item};
use crate::i18n::Lang;
use crate::orders::model::yuan;
use crate::outbox::{self, OutMessage};
use crate::Result;

/// Drawn between two households: where the scissors go.
pub const CUT: &str = "✂ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─";

/// Queues the supplier order and the slips (message, CSV, HTML) for the buy's leader, in
/// `lang`; phone numbers only when `with_phones`.
pub async fn send(
    conn: &mut SqliteConnection,
    app: &crate::App,
    now: DateTime<Utc>,
    buy: &Buy,
    lang: Lang,
    with_phones: bool,
) -> Result<()> {
    send_to(conn, app, now, buy, buy.leader_id, lang, with_phones).await
}

/// The same for `chat`: an official of the community who asks for them in `/buys`.
pub async fn send_to(
    conn: &mut SqliteConnection,
    _app: &crate::App,
    now: DateTime<Utc>,
    buy: &Buy,
    chat: i64,
    lang: Lang,
    with_phones: bool,
) -> Result<()> {
    let items = store::items(&mut *conn, buy.id).await?;
    let rows = lead_store::slip_rows(conn, lang, buy.id).await?;
    let sheet = Sheet::new(buy, items, rows);
    let opts = outbox::Options::default();
    outbox::enqueue(conn, now, chat, OutMessage::text(supplier_text(lang, &sheet)), opts).await?;
    if sheet.households.is_empty() {
        return Ok(());
    }
    let l = lang.code();
    let more = t!("groupbuy_lead.slips.more_in_files", locale = l, count = sheet.households.len());
    let text = within(slips_text(lang, &sheet, with_phones), IN_CHAT, &more);
    outbox::enqueue(conn, now, chat, OutMessage::text(text), opts).await?;
    let (csv_caption, html_caption) = if with_phones {
        (
            t!("groupbuy_lead.files.csv_caption_phones", locale = l, id = buy.id),
            t!("groupbuy_lead.files.html_caption_phones", locale = l, id = buy.id),
        )
    } else {
        (
            t!("groupbuy_lead.files.csv_caption", locale = l, id = buy.id),
            t!("groupbuy_lead.files.html_caption", locale = l, id = buy.id),
        )
    };
    let csv = files::csv(lang, &sheet, with_phones)?;
    let name = format!("groupbuy-{}-slips.csv", buy.id);
    outbox::enqueue(conn, now, chat, OutMessage::document(name, csv, Some(csv_caption.into_owned())), opts).await?;
    let html = files::html(lang, &sheet, with_phones).into_bytes();
    let name = format!("groupbuy-{}-slips.html", buy.id);
    outbox::enqueue(conn, now, chat, OutMessage::document(name, html, Some(html_caption.into_owned())), opts).await?;
    Ok(())
}

/// The slips in the chat stop at about three messages; the files always have every
/// household (a 2,000-household buy would otherwise be 35 messages at one a second).
const IN_CHAT: usize = 3 * outbox::message::TEXT_LIMIT - 200;

/// `text` cut after the last whole household that fits in `max` characters, then `more`.
pub fn within(text: String, max: usize, more: &str) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let cut_at = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let end = text[..cut_at].rfind(CUT).unwrap_or(cut_at);
    format!("{}{CUT}\n{more}", &text[..end])
}

/// A buy's households as the slips show them.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub id: i64,
    pub title: String,
    pub items: Vec<Item>,
    /// Sorted: building (its position, then name), then unit and room.
    pub households: Vec<Slip>,
}

/// One household's slip.
#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    pub building_id: i64,
    pub building: String,
    pub unit_room: String,
    pub name: String,
    pub phone: Option<String>,
    /// (item, quantity)
    pub lines: Vec<(i64, i64)>,
}

impl Sheet {
    /// Groups the rows (one per line, a household's rows together) into slips and sorts
    /// them building → unit → room.
    pub fn new(buy: &Buy, items: Vec<Item>, rows: Vec<lead_store::SlipRow>) -> Sheet {
        let mut keyed: Vec<(i64, i64, Slip)> = Vec::new();
        for row in rows {
            match keyed.last_mut() {
                Some((join_id, _, slip)) if *join_id == row.join_id => slip.lines.push((row.item_id, row.quantity)),
                _ => keyed.push((
                    row.join_id,
                    row.building_position,
                    Slip {
                        building_id: row.building_id,
                        building: row.building,
                        unit_room: row.unit_room,
                        name: row.name,
                        phone: row.phone,
                        lines: vec![(row.item_id, row.quantity)],
                    },
                )),
            }
        }
        keyed.sort_by_cached_key(|(join_id, position, slip)| {
            (*position, slip.building.clone(), slip.building_id, address_key(&slip.unit_room), *join_id)
        });
        let households = keyed.into_iter().map(|(_, _, slip)| slip).collect();
        Sheet { id: buy.id, title: buy.title.clone(), items, households }
    }

    /// Units of each item over all households, in the items' order: (item, units).
    pub fn totals(&self) -> Vec<(&Item, i64)> {
        self.items
            .iter()
            .map(|item| {
                let units = self
                    .households
                    .iter()
                    .flat_map(|h| h.lines.iter())
                    .filter(|(id, _)| *id == item.id)
                    .map(|(_, q)| q)
                    .sum();
                (item, units)
            })
            .collect()
    }

    /// The households building by building, in slip order.
    pub fn buildings(&self) -> Vec<&[Slip]> {
        self.households.chunk_by(|a, b| a.building_id == b.building_id).collect()
    }

    /// What a household's line costs, in fen.
    pub fn amount(&self, slip: &Slip) -> i64 {
        describe(Lang::default(), &self.items, &slip.lines).1
    }
}

/// The phone as a slip shows it: the number when asked for, or why there is none.
pub fn phone_text(lang: Lang, slip: &Slip, with_phones: bool) -> String {
    let l = lang.code();
    match (&slip.phone, with_phones) {
        (_, false) => t!("groupbuy_lead.slips.phone_hidden", locale = l).into_owned(),
        (Some(phone), true) => phone.clone(),
        (None, true) => t!("groupbuy_lead.slips.no_phone", locale = l).into_owned(),
    }
}

/// The supplier order: per item its price, units and subtotal; the total; households.
pub fn supplier_text(lang: Lang, sheet: &Sheet) -> String {
    let l = lang.code();
    let mut text =
        t!("groupbuy_lead.slips.supplier_title", locale = l, id = sheet.id, title = sheet.title.as_str()).into_owned();
    let (mut units, mut fen) = (0, 0);
    for (item, n) in sheet.totals() {
        units += n;
        fen += item.price_fen * n;
        text.push('\n');
        text.push_str(&t!(
            "groupbuy_lead.slips.supplier_line",
            locale = l,
            name = item.name.as_str(),
            price = yuan(item.price_fen),
            unit = item.unit.as_str(),
            units = n,
            subtotal = yuan(item.price_fen * n)
        ));
    }
    text.push('\n');
    text.push_str(&t!(
        "groupbuy_lead.slips.supplier_total",
        locale = l,
        total = yuan(fen),
        households = sheet.households.len(),
        units = units
    ));
    text
}

/// The slips as one message (the outbox splits it on lines): per building, each household
/// with its items, amount, name and phone (or "hidden"), a cut line between households.
pub fn slips_text(lang: Lang, sheet: &Sheet, with_phones: bool) -> String {
    let l = lang.code();
    let mut text = t!(
        "groupbuy_lead.slips.title",
        locale = l,
        id = sheet.id,
        title = sheet.title.as_str(),
        households = sheet.households.len()
    )
    .into_owned();
    for building in sheet.buildings() {
        let Some(first) = building.first() else { continue };
        text.push_str("\n\n");
        text.push_str(&t!(
            "groupbuy_lead.slips.building",
            locale = l,
            building = first.building.as_str(),
            households = building.len()
        ));
        for slip in building {
            let (what, fen) = describe(lang, &sheet.items, &slip.lines);
            text.push('\n');
            text.push_str(CUT);
            text.push('\n');
            text.push_str(&t!(
                "groupbuy_lead.slips.household",
                locale = l,
                building = slip.building.as_str(),
                unit_room = slip.unit_room.as_str(),
                what = what,
                amount = yuan(fen),
                name = slip.name.as_str(),
                phone = phone_text(lang, slip, with_phones)
            ));
        }
        text.push('\n');
        text.push_str(CUT);
    }
    text
}

#[cfg(test)]
#[path = "slips_tests.rs"]
mod tests;
