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
    /// The readers (`query_only`): every query that changes nothing.
    pub pool: sqlx::SqlitePool,
    /// The one writing connection: every change, through `bot::Work` or `writer.begin()`.
    pub writer: db::Writer,
    pub settings: config::Settings,
    pub clock: clock::SharedClock,
    /// Places for updates in flight (see `bot::listener`).
    pub admission: bot::listener::Admission,
    /// Updates answered without a change, marked done together (see `bot::inbound`).
    pub done_marks: bot::inbound::DoneMarks,
}

impl App {
    pub fn new(db: db::Db, settings: config::Settings) -> Arc<Self> {
        Self::with_clock(db, settings, Arc::new(clock::SystemClock))
    }

    pub fn with_clock(db: db::Db, settings: config::Settings, clock: clock::SharedClock) -> Arc<Self> {
        Arc::new(Self {
            pool: db.read,
            writer: db.write,
            settings,
            clock,
            admission: Default::default(),
            done_marks: Default::default(),
        })
    }

    /// The same database, for another `App` (a test's other clock or settings).
    pub fn db(&self) -> db::Db {
        db::Db { read: self.pool.clone(), write: self.writer.clone() }
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
