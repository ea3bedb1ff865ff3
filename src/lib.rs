//! Linli (邻里) keeps a locked-down neighbourhood fed, staffed and informed over Telegram.
//!
//! Residents register their address and ask for help, volunteers staff checkpoints and
//! carry deliveries, officials run the community. The crate is a library (everything) with
//! a thin binary: `bot` holds the Telegram glue shared by the capability slices listed in
//! [`SLICES`] (`people`, `notices`, `shifts`, `orders`, `health`'s isolation,
//! temperatures and errands, and `reports`), `outbox` and `jobs` deliver and schedule, `db` is the SQLite
//! pool, `i18n` the two languages.

rust_i18n::i18n!("locales");

pub mod bot;
pub mod chart;
pub mod cli;
pub mod clock;
pub mod community;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod exports;
pub mod groupbuy;
pub mod health;
pub mod i18n;
pub mod jobs;
pub mod notices;
pub mod orders;
pub mod outbox;
pub mod people;
pub mod reports;
pub mod shifts;
pub mod supervision;

pub use error::{Error, Result};

/// The capability slices, in the order they see updates (see `bot::slice`).
pub const SLICES: &[bot::slice::Slice] = &[
    notices::SLICE,
    shifts::SLICE,
    supervision::SLICE,
    health::isolation::SLICE,
    health::temperature::SLICE,
    health::errands::SLICE,
    orders::SLICE,
    groupbuy::join::SLICE,
    groupbuy::open::SLICE,
    groupbuy::lead::SLICE,
    groupbuy::delivery::SLICE,
    reports::SLICE,
    people::SLICE,
    exports::SLICE,
    outbox::command::SLICE,
    jobs::housekeeping::SLICE,
];

use std::sync::Arc;

/// What every handler and job needs: the database, the settings and the clock.
/// Shared as `Arc<App>`.
#[derive(Debug)]
pub struct App {
    pub pool: sqlx::SqlitePool,
    pub settings: config::Settings,
    pub clock: clock::SharedClock,
}

impl App {
    pub fn new(pool: sqlx::SqlitePool, settings: config::Settings) -> Arc<Self> {
        Self::with_clock(pool, settings, Arc::new(clock::SystemClock))
    }

    pub fn with_clock(pool: sqlx::SqlitePool, settings: config::Settings, clock: clock::SharedClock) -> Arc<Self> {
        Arc::new(Self { pool, settings, clock })
    }

    /// The one "now" of the program: every rule that depends on time asks this clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The community's calendar day at `now` (dates of shifts, orders and isolations).
    pub fn day_at(&self, now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        now.with_timezone(&self.settings.timezone).date_naive()
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.day_at(self.now())
    }
}

/// Lookup used by the tests: does `key` exist in `locale` (no fallback)?
#[doc(hidden)]
pub fn translation_exists(locale: &str, key: &str) -> bool {
    _rust_i18n_try_translate(locale, key).is_some()
}

/// The message for `key` in `locale` without arguments, so tests compare against the
/// rendered text rather than a copied literal (and the demo page gets its words by key).
#[doc(hidden)]
pub fn tr(locale: &str, key: &str) -> String {
    _rust_i18n_translate(locale, key).into_owned()
}
