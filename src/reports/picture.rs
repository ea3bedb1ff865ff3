//! The report's picture: the community's last 14 days (`trend`) drawn by `crate::chart`,
//! sent as a photo under the report with the community's name in the caption.

use chrono::NaiveDate;
use rust_i18n::t;
use sqlx::SqliteConnection;
use teloxide::prelude::*;
use teloxide::types::InputFile;

use crate::bot::Ctx;
use crate::i18n::Lang;
use crate::outbox::OutMessage;
use crate::reports::trend::trend;
use crate::{App, Result};

/// The chart of the 14 days ending with `day`, in `lang`, as PNG bytes.
pub async fn png(
    conn: &mut SqliteConnection,
    app: &App,
    community: i64,
    day: NaiveDate,
    lang: Lang,
) -> Result<Vec<u8>> {
    let days = trend(conn, community, day, app.settings.timezone).await?;
    crate::chart::render(lang, &days)
}

/// "帝湖社区 · 近14天" (the name is not drawn: the picture holds only locale text).
pub fn caption(lang: Lang, community: &str) -> String {
    t!("reports.chart_caption", locale = lang.code(), community = community).into_owned()
}

/// The photo for the outbox (the evening report).
pub fn message(lang: Lang, community: &str, png: Vec<u8>) -> OutMessage {
    OutMessage::photo_upload("chart.png", png, Some(caption(lang, community)))
}

/// Under a report shown on demand: drawn off the async threads, then sent. A chart that
/// cannot be drawn is logged and left out: the report itself has been sent.
pub async fn send(bot: &Bot, app: &App, ctx: &Ctx, community: i64, name: &str, day: NaiveDate) -> Result<()> {
    let mut conn = app.pool.acquire().await?;
    let days = trend(&mut conn, community, day, app.settings.timezone).await?;
    drop(conn);
    let lang = ctx.lang;
    let drawn = tokio::task::spawn_blocking(move || crate::chart::render(lang, &days)).await;
    match drawn {
        Ok(Ok(png)) => {
            let photo = InputFile::memory(png).file_name("chart.png");
            bot.send_photo(ctx.chat_id, photo).caption(caption(lang, name)).await?;
        }
        Ok(Err(e)) => tracing::warn!(error = %e, community, "the report's chart could not be drawn"),
        Err(e) => tracing::warn!(error = %e, community, "the report's chart task failed"),
    }
    Ok(())
}
