//! The fever alert: when a report becomes a fever (at or above `fever_tenths`), the
//! community's officials are told at once — urgent in the outbox, in each one's language —
//! with the household's address, the person, the temperature and the symptoms. It goes
//! when the value is saved, before the symptoms are asked; symptoms given afterwards
//! follow in a second alert. Only officials: a volunteer never sees a temperature.

use rust_i18n::t;
use sqlx::SqliteConnection;
use teloxide::types::InlineKeyboardMarkup;

use crate::health::temperature::model::{Symptoms, Temperature};
use crate::health::temperature::view;
use crate::i18n::Lang;
use crate::outbox::{self, OutMessage, Priority};
use crate::people::Resident;
use crate::{App, Result};

/// A fever just reported.
pub struct Fever<'a> {
    /// The reporting resident (the household's address and phone).
    pub resident: &'a Resident,
    /// Whose temperature: the resident's name or a household member's.
    pub name: &'a str,
    pub temperature: Temperature,
    /// `None` while the symptoms question is not answered yet (the alert goes at once).
    pub symptoms: Option<Symptoms>,
    /// The account that reported (the errand's resident).
    pub reporter: i64,
}

/// The button under a fever alert: open an urgent medical-help errand for the household
/// (the errands slice's button; it checks the tapper runs the resident's community).
pub fn fever_keyboard(lang: Lang, resident_id: i64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![crate::health::errands::medical_help_button(lang, resident_id)]])
}

/// Queues the alert to every official of the resident's community, urgent.
pub async fn alert_officials(
    conn: &mut SqliteConnection,
    app: &App,
    now: chrono::DateTime<chrono::Utc>,
    fever: &Fever<'_>,
) -> Result<()> {
    let r = fever.resident;
    let officials = crate::people::read::officials_of(conn, r.community_id, &app.settings.admins).await?;
    for (official, lang) in officials {
        let text = t!(
            "temperature.fever_alert",
            locale = lang.code(),
            address = format!("{} {}", r.building_label(lang), r.unit_room),
            name = fever.name,
            temp = view::degrees(fever.temperature),
            symptoms = match fever.symptoms {
                Some(s) => view::symptoms(lang, s),
                None => t!("temperature.symptoms_pending", locale = lang.code()).into_owned(),
            },
            phone = r.phone.as_deref().unwrap_or("—")
        );
        let mut message = OutMessage::text(text);
        let kb = fever_keyboard(lang, fever.reporter);
        if !kb.inline_keyboard.is_empty() {
            message = message.keyboard(kb);
        }
        let opts = outbox::Options { priority: Priority::Urgent, subject: None, paid: false };
        outbox::enqueue(conn, now, official, message, opts).await?;
    }
    Ok(())
}
