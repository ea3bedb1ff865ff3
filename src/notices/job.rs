//! Sending a stored notice, now (from the compose dialogue) or later (the scheduler's
//! `notices.send` job). Both run on the caller's transaction, so the notice, its
//! recipients and every outbox row commit together — and a scheduled notice goes out once.

use sqlx::SqliteConnection;

use crate::i18n::Lang;
use crate::jobs::{BoxFuture, JobCtx, Registry};
use crate::notices::{store, view};
use crate::Result;

pub const SEND: &str = "notices.send";

/// The payload of `notices.send`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SendNotice {
    pub notice: i64,
}

pub fn register(registry: Registry) -> Registry {
    registry.register(SEND, scheduled)
}

/// Sends notice `id` if it has not gone out yet; returns (people, groups) reached.
/// `today` is the community's date (who is isolated today).
pub async fn send_now(
    conn: &mut SqliteConnection,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
    today: chrono::NaiveDate,
) -> Result<(u64, u64)> {
    let Some(notice) = store::get(conn, id).await? else { return Ok((0, 0)) };
    let media = notice.media_kind.as_deref().zip(notice.media_file_id.as_deref());
    let zh = view::render(Lang::ZhCn, &notice.body, media, notice.urgent, id, false);
    let en = view::render(Lang::En, &notice.body, media, notice.urgent, id, false);
    let group_zh = view::render(Lang::ZhCn, &notice.body, media, notice.urgent, id, true);
    let group_en = view::render(Lang::En, &notice.body, media, notice.urgent, id, true);
    store::send(conn, &notice, &zh, &en, (&group_zh, &group_en), now, today).await
}

fn scheduled(conn: &mut SqliteConnection, ctx: JobCtx, payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let SendNotice { notice: id } = crate::jobs::payload(SEND, payload)?;
        let (people, groups) = send_now(conn, id, ctx.now, ctx.app.day_at(ctx.now)).await?;
        tracing::info!(notice = id, people, groups, "scheduled notice sent");
        Ok(())
    })
}
