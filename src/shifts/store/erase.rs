//! Shifts' part of "delete all my data" (`bot::slice::Erase`). A place the person holds
//! on a shift that has not ended is released exactly as an official's removal does it
//! (`release`: the claim goes, `taken` and `seniors_taken` drop, the reminders are
//! cancelled), so another volunteer can take it and the roster shows the gap; the
//! community's officials are told which place is free. Past shifts keep their attendance
//! (check-ins, hours, no-shows) under the anonymous id, so the day's coverage and the
//! leaderboard stay true without naming anyone.

use sqlx::SqliteConnection;

use crate::bot::slice::{Erasing, Erasure};
use crate::clock::{from_millis, millis};
use crate::i18n::Lang;
use crate::jobs::BoxFuture;
use crate::shifts::view;
use crate::{App, Result};

/// `Slice::erase` of the shifts slice.
pub fn erase<'c>(conn: &'c mut SqliteConnection, app: &'c App, who: Erasing) -> BoxFuture<'c, Result<Vec<Erasure>>> {
    Box::pin(erase_claims(conn, app.settings.timezone, who))
}

#[derive(sqlx::FromRow)]
struct Held {
    id: i64,
    community_id: i64,
    checkpoint: String,
    checkpoint_en: String,
    start_at: i64,
    end_at: i64,
}

async fn erase_claims(conn: &mut SqliteConnection, tz: chrono_tz::Tz, who: Erasing) -> Result<Vec<Erasure>> {
    let held: Vec<Held> = sqlx::query_as(
        "SELECT s.id, s.community_id, c.name AS checkpoint, COALESCE(c.name_en, c.name) AS checkpoint_en,
                s.start_at, s.end_at
         FROM shift_claims m JOIN shifts s ON s.id = m.shift_id JOIN checkpoints c ON c.id = s.checkpoint_id
         WHERE m.user_id = ? AND s.end_at > ? ORDER BY s.start_at",
    )
    .bind(who.user_id)
    .bind(millis(who.now))
    .fetch_all(&mut *conn)
    .await?;
    let mut freed = Vec::new();
    // A volunteer holds a few shifts at most (the next 8 days, none overlapping).
    for shift in held {
        if super::release(conn, shift.id, who.user_id, true, who.now).await?.is_ok() {
            freed.push(shift);
        }
    }
    for sql in [
        "UPDATE shift_claims SET user_id = ?2 WHERE user_id = ?1",
        "UPDATE shift_claims SET assigned_by = ?2 WHERE assigned_by = ?1",
    ] {
        sqlx::query(sql).bind(who.user_id).bind(who.anonymous_id).execute(&mut *conn).await?;
    }
    Ok(freed
        .into_iter()
        .map(|s| Erasure {
            community_id: s.community_id,
            counted_as: "people.erase.count_shifts",
            line: Box::new(move |lang: Lang| {
                let checkpoint = lang.pick(&s.checkpoint, &s.checkpoint_en);
                let when = view::when(lang, from_millis(s.start_at), from_millis(s.end_at), tz);
                rust_i18n::t!("people.erase.shift_freed", locale = lang.code(), checkpoint = checkpoint, when = when)
                    .into_owned()
            }),
        })
        .collect())
}
