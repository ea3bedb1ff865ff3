//! A slice plugs in here. Each capability slice (`people`, `orders`, `shifts`, `notices`,
//! …) exports one `pub const SLICE: Slice` describing its handler branches, its commands
//! (the menus and `/help` come from them), its buttons, its job kinds and its dialogue; the
//! glue composes the bot from [`crate::SLICES`]. Adding a slice is its folder, one line in
//! that list, its migration and its locale keys.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::SqliteConnection;
use teloxide::dispatching::UpdateHandler;

use crate::i18n::Lang;
use crate::jobs::{BoxFuture, Registry};
use crate::people::Roles;
use crate::{App, Error, Result};

/// Who sees a command in their menu and in `/help` (every command is still authorised
/// on the server when it is used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    /// People who have not registered an address yet.
    Unregistered,
    Resident,
    /// Approved volunteers.
    Volunteer,
    /// Officials of any community, and administrators.
    Official,
    Admin,
}

impl Audience {
    pub fn includes(self, roles: &Roles) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Unregistered => roles.resident.is_none(),
            Audience::Resident => roles.resident.is_some(),
            Audience::Volunteer => roles.volunteer_community().is_some(),
            Audience::Official => roles.is_official_anywhere(),
            Audience::Admin => roles.admin,
        }
    }
}

/// One command as menus and `/help` show it.
#[derive(Debug, Clone, Copy)]
pub struct MenuCommand {
    /// Without the slash, lowercase (as Telegram requires).
    pub name: &'static str,
    pub audience: Audience,
    /// Locale key of the one-line description.
    pub describe: &'static str,
    /// Position in the menu: lower first (0–99 everyone's basics, 100s residents,
    /// 200s volunteers, 300s officials, 900s always last).
    pub order: u16,
}

pub type Branch = fn() -> UpdateHandler<Error>;
pub type Setup = for<'c> fn(&'c mut SqliteConnection, &'c App) -> BoxFuture<'c, Result<()>>;

/// Whose data is being erased ("delete all my data" in `/me`), on the caller's transaction.
#[derive(Debug, Clone, Copy)]
pub struct Erasing {
    pub user_id: i64,
    /// A `users` row with nothing personal in it, made for this erasure: records that must
    /// stay for everyone else's counts (a cancelled order, an attended shift) move to it.
    pub anonymous_id: i64,
    pub now: DateTime<Utc>,
}

/// One thing an erasure changed that a community's officials must act on (an order
/// cancelled, a shift place free again), and that the person is told before confirming.
pub struct Erasure {
    pub community_id: i64,
    /// Locale key of the person's line before they confirm, taking `%{count}`; erasures
    /// with the same key are counted together.
    pub counted_as: &'static str,
    /// The officials' line, in the reader's language.
    pub line: Box<dyn Fn(Lang) -> String + Send + Sync>,
}

/// A slice's part of erasing a person: it ends what they still have open (returning
/// stock, freeing places, cancelling their jobs) so every count stays true, and moves
/// what must stay to `Erasing::anonymous_id`. Runs inside the erasure's one transaction.
pub type Erase = for<'c> fn(&'c mut SqliteConnection, &'c App, Erasing) -> BoxFuture<'c, Result<Vec<Erasure>>>;

pub struct Slice {
    pub name: &'static str,
    pub commands: &'static [MenuCommand],
    /// Its commands (tried before any slice's dialogue sees a message).
    pub command_branch: Branch,
    /// Messages typed while in one of its dialogues (or other non-command messages it owns).
    pub flow_branch: Branch,
    /// Its buttons.
    pub callback_branch: Branch,
    /// Its job kinds.
    pub jobs: fn(Registry) -> Registry,
    /// Schedules its recurring jobs at start (idempotent).
    pub setup: Option<Setup>,
    /// Its part of erasing a person's data, or `None` when it holds nothing of theirs.
    pub erase: Option<Erase>,
    /// Every button it can show, encoded (for the round-trip and uniqueness tests).
    pub buttons: fn() -> Vec<(String, bool)>,
    /// The tags of its buttons.
    pub tags: &'static [&'static str],
    /// Whether a stored dialogue of this slice still reads (`None`: it has no dialogue).
    pub flow_reads: Option<fn(&Value) -> bool>,
    /// For a dialogue of this slice, the locale key of what `/cancel` says was kept when it
    /// ends it (the orders' cart survives a cancelled checkout); `None`: nothing is kept.
    pub cancel_note: Option<fn(&Value) -> Option<&'static str>>,
}

/// What `/cancel` adds when it ends this dialogue (see `Slice::cancel_note`).
pub fn cancel_note(state: &crate::bot::State) -> Option<&'static str> {
    let crate::bot::State::Flow { slice, flow } = state else { return None };
    crate::SLICES.iter().find(|s| s.name == slice).and_then(|s| s.cancel_note).and_then(|note| note(flow))
}

/// `flow_reads` for a slice whose dialogue type is `F`.
pub fn reads<F: serde::de::DeserializeOwned>(v: &Value) -> bool {
    serde_json::from_value::<F>(v.clone()).is_ok()
}

/// A branch that handles nothing (for slices without commands, dialogues or buttons).
pub fn nothing() -> UpdateHandler<Error> {
    teloxide::dptree::filter(|| false).endpoint(|| async { Ok(()) })
}

/// Taps on buttons of type `C` (a slice's own), decoded and injected as `C`.
pub fn taps<C: crate::bot::CallbackData + Send + Sync + 'static>() -> UpdateHandler<Error> {
    teloxide::dptree::filter_map(|q: teloxide::types::CallbackQuery| q.data.as_deref().and_then(C::decode))
}

/// No buttons.
pub fn no_buttons() -> Vec<(String, bool)> {
    Vec::new()
}

/// Every command of every slice this person may use, in menu order.
pub fn commands_for(roles: &Roles) -> Vec<&'static MenuCommand> {
    let mut all: Vec<&MenuCommand> =
        crate::SLICES.iter().flat_map(|s| s.commands.iter()).filter(|c| c.audience.includes(roles)).collect();
    all.sort_by_key(|c| c.order);
    all
}

/// Every job kind of every slice.
pub fn job_registry() -> Registry {
    crate::SLICES.iter().fold(Registry::new(), |r, s| (s.jobs)(r))
}

/// Schedules every slice's recurring jobs.
pub async fn setup_all(conn: &mut SqliteConnection, app: &App) -> Result<()> {
    for slice in crate::SLICES {
        if let Some(setup) = slice.setup {
            setup(conn, app).await?;
        }
    }
    Ok(())
}

/// Runs every slice's erase hook for one person, in slice order, on the caller's
/// transaction (the deletion's `Work`).
pub async fn erase_all(conn: &mut SqliteConnection, app: &App, who: Erasing) -> Result<Vec<Erasure>> {
    let mut erasures = Vec::new();
    for slice in crate::SLICES {
        if let Some(erase) = slice.erase {
            erasures.extend(erase(conn, app, who).await?);
        }
    }
    Ok(erasures)
}

/// A stored dialogue that no slice can read any more (renamed step, removed slice).
pub fn flow_is_readable(slice: &str, flow: &Value) -> bool {
    crate::SLICES.iter().any(|s| s.name == slice && s.flow_reads.is_some_and(|reads| reads(flow)))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    #[test]
    fn every_button_of_every_slice_round_trips_within_telegrams_limit() {
        for (data, round_trips) in crate::bot::callback::buttons() {
            assert!(data.len() <= crate::bot::cbdata::MAX_LEN && round_trips, "{data}");
        }
        for slice in crate::SLICES {
            for (data, round_trips) in (slice.buttons)() {
                assert!(data.len() <= crate::bot::cbdata::MAX_LEN, "{}: {data} is {} bytes", slice.name, data.len());
                assert!(round_trips, "{}: {data} does not decode to itself", slice.name);
            }
        }
    }

    #[test]
    fn no_two_slices_share_a_button_tag_or_a_command() {
        let mut tags: HashSet<&str> = <crate::bot::Common as crate::bot::CallbackData>::TAGS.iter().copied().collect();
        let mut commands = HashSet::new();
        for slice in crate::SLICES {
            for tag in slice.tags {
                assert!(tags.insert(*tag), "button tag {tag:?} of {} is used twice", slice.name);
            }
            for c in slice.commands {
                assert!(commands.insert(c.name), "command /{} of {} is declared twice", c.name, slice.name);
            }
        }
    }

    #[test]
    fn every_command_has_a_description_in_both_languages() {
        for slice in crate::SLICES {
            for c in slice.commands {
                for lang in ["zh-CN", "en"] {
                    assert!(crate::translation_exists(lang, c.describe), "{lang}: {}", c.describe);
                }
            }
        }
    }
}
