//! Who is told about an isolation, and the buttons officials decide with: the household
//! (everyone registered at the address, each in their language) when it is marked,
//! confirmed, declined, lifted or over; the officials' [确认] [不属实] under a declaration.
//! Shared by the dialogue, the decisions, the list and the nightly job.

use rust_i18n::t;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::health::isolation::buttons::Cb;
use crate::health::isolation::store;
use crate::health::isolation::view;
use crate::i18n::Lang;
use crate::outbox::{self, OutMessage};
use crate::App;

/// [确认] [不属实] under a declaration.
pub fn decision_keyboard(lang: Lang, id: i64) -> InlineKeyboardMarkup {
    let l = lang.code();
    InlineKeyboardMarkup::new(vec![vec![
        button(t!("isolation.accept_button", locale = l), Cb::Accept(id)),
        button(t!("isolation.decline_button", locale = l), Cb::Decline(id)),
    ]])
}

/// Tells everyone registered at the isolation's address, each in their language, with the
/// temperature times (`key` takes `isolation`, `morning`, `afternoon`); returns how many.
pub async fn tell_household(
    conn: &mut sqlx::SqliteConnection,
    app: &App,
    now: chrono::DateTime<chrono::Utc>,
    iso: &store::Isolation,
    key: &str,
) -> crate::Result<i64> {
    let residents = store::residents_at(conn, iso.building_id, &iso.household).await?;
    let rules = &app.settings.health;
    for (resident, lang) in &residents {
        let text = t!(
            key,
            locale = lang.code(),
            isolation = view::of(*lang, iso),
            morning = rules.morning_at.as_str(),
            afternoon = rules.afternoon_at.as_str()
        );
        outbox::enqueue(conn, now, *resident, OutMessage::text(text), outbox::Options::default()).await?;
    }
    Ok(residents.len() as i64)
}
