//! Telling volunteers an errand is waiting. Medical help is paged at once, with the
//! outbox's urgent priority, to the community's officials and the volunteers on duty now
//! (checked in at a checkpoint), and again every `settings.health.urgent_repeat` while
//! nobody has claimed it: the `errands.page` job carries the page number it follows, so a
//! page made stale by a claim, a cancel or a newer page (the errand reopened) stops there.
//! Other errands are announced once, without priority, to the volunteers on duty.
//!
//! Pages name the kind and the building, never the unit/room or the note: those go to the
//! claimer only (officials, who run the community, get the address too).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::clock::from_millis;
use crate::health::errands::buttons::Cb;
use crate::health::errands::model;
use crate::health::errands::store::{self, Errand};
use crate::i18n::Lang;
use crate::jobs::{schedule, BoxFuture, JobCtx, NewJob};
use crate::outbox::{self, OutMessage, Priority};
use crate::{App, Result};

pub const PAGE: &str = "errands.page";

/// The page job's payload: the errand and the page it follows.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Page {
    pub errand: i64,
    pub page: i64,
}

fn claim_keyboard(lang: Lang, id: i64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![button(
        rust_i18n::t!("errands.board.claim_button", locale = lang.code()),
        Cb::ClaimErrand(id),
    )]])
}

/// Who hears of an errand: (user, language, sees the address).
async fn audience(
    conn: &mut SqliteConnection,
    app: &App,
    now: DateTime<Utc>,
    e: &Errand,
    urgent: bool,
) -> Result<Vec<(i64, Lang, bool)>> {
    let mut to: Vec<(i64, Lang, bool)> = Vec::new();
    if urgent {
        let officials = crate::people::read::officials_of(conn, e.community_id, &app.settings.admins).await?;
        to.extend(officials.into_iter().map(|(id, lang)| (id, lang, true)));
    }
    for (id, lang) in crate::shifts::read::on_duty(conn, e.community_id, now).await? {
        if !to.iter().any(|(o, _, _)| *o == id) {
            to.push((id, lang, false));
        }
    }
    // Whoever asked is not paged about their own errand.
    to.retain(|(id, _, _)| *id != e.requester);
    Ok(to)
}

/// Pages an open urgent errand now and schedules the next page. Returns how many were
/// paged (0 when it is no longer open).
pub async fn page(conn: &mut SqliteConnection, app: &App, now: DateTime<Utc>, id: i64) -> Result<usize> {
    let Some(n) = store::count_page(conn, now, id).await? else { return Ok(0) };
    let Some(e) = store::get(conn, id).await? else { return Ok(0) };
    let to = audience(conn, app, now, &e, true).await?;
    for (user, lang, sees_address) in &to {
        let l = lang.code();
        let place = if *sees_address { e.address(*lang) } else { e.building(*lang).to_owned() };
        let mut text = rust_i18n::t!(
            "errands.page.urgent",
            locale = l,
            kind = e.kind.name(*lang),
            place = place,
            age = model::age(*lang, now - from_millis(e.created_at))
        )
        .into_owned();
        if n > 1 {
            text.push('\n');
            text.push_str(&rust_i18n::t!("errands.page.again", locale = l, n = n));
        }
        let opts = outbox::Options { priority: Priority::Urgent, subject: None, paid: false };
        outbox::enqueue(conn, now, *user, OutMessage::text(text).keyboard(claim_keyboard(*lang, id)), opts).await?;
    }
    let next = NewJob::once(
        PAGE,
        now + app.settings.health.urgent_repeat,
        crate::jobs::to_payload(&Page { errand: id, page: n }),
    );
    schedule(conn, now, &next).await?;
    Ok(to.len())
}

/// A new errand that is not urgent: the volunteers on duty hear of it once.
pub async fn announce(conn: &mut SqliteConnection, app: &App, now: DateTime<Utc>, id: i64) -> Result<()> {
    let Some(e) = store::get(conn, id).await? else { return Ok(()) };
    for (user, lang, _) in audience(conn, app, now, &e, false).await? {
        let text = rust_i18n::t!(
            "errands.page.new",
            locale = lang.code(),
            kind = e.kind.name(lang),
            building = e.building(lang)
        );
        let message = OutMessage::text(text).keyboard(claim_keyboard(lang, id));
        outbox::enqueue(conn, now, user, message, outbox::Options::default()).await?;
    }
    Ok(())
}

/// An errand that is open (again): urgent ones are paged, others announced.
pub async fn open(conn: &mut SqliteConnection, app: &App, now: DateTime<Utc>, id: i64, urgent: bool) -> Result<()> {
    if urgent {
        page(conn, app, now, id).await.map(|_| ())
    } else {
        announce(conn, app, now, id).await
    }
}

/// The `errands.page` job: pages again only if nothing happened since the page it follows.
pub fn repeat(conn: &mut SqliteConnection, ctx: JobCtx, payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let Page { errand, page: after } = crate::jobs::payload(PAGE, payload)?;
        let Some(e) = store::get(conn, errand).await? else { return Ok(()) };
        if e.status != model::Status::Open || e.pages != after {
            return Ok(());
        }
        page(conn, &ctx.app, ctx.now, errand).await.map(|_| ())
    })
}
