//! Errands' part of "delete all my data" (`bot::slice::Erase`). The person's errands still
//! under way as a resident are cancelled (nobody is left to receive the help), and a
//! volunteer who had claimed one is told not to go. Errands and garbage rounds they
//! claimed as a volunteer go back to open, and urgent ones are paged again at once, so
//! the household is not left waiting on someone who is gone. History stays under the
//! anonymous id, with every note cleared (a note may hold health details).

use rust_i18n::t;
use sqlx::SqliteConnection;

use crate::bot::slice::{Erasing, Erasure};
use crate::clock::millis;
use crate::health::errands::page;
use crate::health::errands::store::{self, Errand};
use crate::i18n::Lang;
use crate::jobs::BoxFuture;
use crate::outbox::{self, OutMessage};
use crate::{App, Result};

/// `Slice::erase` of the errands slice.
pub fn erase<'c>(conn: &'c mut SqliteConnection, app: &'c App, who: Erasing) -> BoxFuture<'c, Result<Vec<Erasure>>> {
    Box::pin(erase_errands(conn, app, who))
}

async fn erase_errands(conn: &mut SqliteConnection, app: &App, who: Erasing) -> Result<Vec<Erasure>> {
    let now = who.now;
    let asked = store::requested_by(conn, who.user_id).await?;
    let mut erasures = Vec::new();
    for e in
        asked.into_iter().filter(|e| matches!(e.status, super::model::Status::Open | super::model::Status::Claimed))
    {
        sqlx::query("UPDATE errands SET status = 'cancelled', closed_at = ? WHERE id = ?")
            .bind(millis(now))
            .bind(e.id)
            .execute(&mut *conn)
            .await?;
        if let Some(volunteer) = e.claimed_by {
            let lang = crate::people::read::lang_of(conn, volunteer).await?;
            let text = t!("errands.erase.dont_go", locale = lang.code(), id = e.id, kind = e.kind.name(lang));
            outbox::enqueue(conn, now, volunteer, OutMessage::text(text), outbox::Options::default()).await?;
        }
        erasures.push(erasure(&e, false));
    }
    let claimed = store::claimed_by(conn, who.user_id).await?;
    for e in &claimed {
        sqlx::query("UPDATE errands SET status = 'open', claimed_by = NULL, claimed_at = NULL WHERE id = ?")
            .bind(e.id)
            .execute(&mut *conn)
            .await?;
        page::open(conn, app, now, e.id, e.urgent).await?;
        erasures.push(erasure(e, true));
    }
    sqlx::query("UPDATE garbage_rounds SET status = 'open', claimed_by = NULL, claimed_at = NULL WHERE claimed_by = ? AND status = 'claimed'")
        .bind(who.user_id)
        .execute(&mut *conn)
        .await?;
    for sql in [
        "UPDATE errands SET requester = ?2, note = '' WHERE requester = ?1",
        "UPDATE errands SET opened_by = ?2 WHERE opened_by = ?1",
        "UPDATE errands SET claimed_by = ?2, note = '' WHERE claimed_by = ?1",
        "UPDATE garbage_rounds SET claimed_by = ?2 WHERE claimed_by = ?1",
    ] {
        sqlx::query(sql).bind(who.user_id).bind(who.anonymous_id).execute(&mut *conn).await?;
    }
    Ok(erasures)
}

/// The officials' line: an errand cancelled (its requester left) or open again (its
/// volunteer left).
fn erasure(e: &Errand, reopened: bool) -> Erasure {
    let (id, kind, building, building_en) = (e.id, e.kind, e.building.clone(), e.building_en.clone());
    Erasure {
        community_id: e.community_id,
        counted_as: if reopened { "errands.erase.count_reopened" } else { "errands.erase.count_cancelled" },
        line: Box::new(move |lang: Lang| {
            let (l, kind, building) = (lang.code(), kind.name(lang), lang.pick(&building, &building_en));
            if reopened {
                t!("errands.erase.reopened_line", locale = l, id = id, kind = kind, building = building).into_owned()
            } else {
                t!("errands.erase.cancelled_line", locale = l, id = id, kind = kind, building = building).into_owned()
            }
        }),
    }
}
