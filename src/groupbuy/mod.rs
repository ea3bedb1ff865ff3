//! Group buys (接龙): a leader offers a supplier's items in the buildings' group chats,
//! households join in private, and each group's offer is one message whose tally is
//! edited in place. At the deadline the buy goes ahead or is called off; the leader gets
//! the supplier order and the delivery slips; the goods go to the doors or are picked up.
//!
//! ```text
//! leader   → /groupbuy → 标题、商品、每户限量、总量、成团条件、截止、群、配送方式 → [确认发布]
//! group    ← 🛒 接龙 #12：蔬菜套餐 … 1. 3号楼 2单元 ×2 … [🙋 接龙]
//! resident → [🙋 接龙] (opens the private chat) → [➕] ×2 → [✅ 确认接龙] → 你是第 13 号
//! group    ← (the same message, edited within seconds) … 13. 5号楼 1单元 ×2
//! deadline → 成团 → leader ← 供货单 + 分拣单 (message, CSV, printable HTML)
//! ```
//!
//! Four slices share the tables (`migrations/0018_create_group_buys.sql`), `model`,
//! `store` and `tally`: `join` (residents: `/groupbuys`, the join dialogue, the tally and
//! deadline jobs), `open` (leaders: `/groupbuy`, `/leaders`), `lead` (a leader's `/buys`,
//! cancelling, the slips) and `delivery` (to the door or picked up, paid).

pub mod deadline;
pub mod delivery;
pub mod join;
pub mod lead;
pub mod model;
pub mod open;
pub mod store;
pub mod tally;

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::Result;

/// "1 household" / "3 households" (户).
pub fn households(lang: crate::i18n::Lang, n: i64) -> String {
    let l = lang.code();
    crate::i18n::plural(
        n,
        rust_i18n::t!("groupbuy.households_one", locale = l, count = n),
        rust_i18n::t!("groupbuy.households", locale = l, count = n),
    )
}

/// "1 unit" / "3 units" (份).
pub fn units(lang: crate::i18n::Lang, n: i64) -> String {
    let l = lang.code();
    crate::i18n::plural(
        n,
        rust_i18n::t!("groupbuy.units_one", locale = l, count = n),
        rust_i18n::t!("groupbuy.units", locale = l, count = n),
    )
}

/// The same news for every household that joined `buy` (through the account that joined
/// or last changed its line), each in that person's language (`text(lang)`), queued in one
/// statement. Returns how many were told.
pub async fn tell_joiners(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    buy: i64,
    text: impl Fn(crate::i18n::Lang) -> String,
) -> Result<u64> {
    let people: Vec<i64> = store::joiners(conn, buy).await?.into_iter().map(|(user, _)| user).collect();
    let (zh, en) = (text(crate::i18n::Lang::ZhCn), text(crate::i18n::Lang::En));
    let (zh, en) = (crate::outbox::OutMessage::text(zh), crate::outbox::OutMessage::text(en));
    crate::outbox::enqueue_bulk(conn, now, &people, &zh, &en, crate::outbox::Options::default()).await
}

/// Creates the buy, posts the offer in its groups and schedules its deadline, on the
/// caller's transaction. Returns the buy's id.
pub async fn announce(
    conn: &mut SqliteConnection,
    app: &crate::App,
    now: DateTime<Utc>,
    buy: &store::NewBuy,
) -> Result<i64> {
    let id = store::open(conn, now, buy).await?;
    tally::post(conn, app, now, id, &buy.chats).await?;
    deadline::schedule(conn, now, id, buy.deadline).await?;
    Ok(id)
}
