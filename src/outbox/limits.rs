//! How fast the sender may go: Telegram's flood limits (free and paid), how many sends
//! may be in flight, and how failures are retried. `linli run` fills it from its
//! `LINLI_RATE_*` settings.

use std::time::Duration;

use crate::outbox::limiter::Rates;

#[derive(Debug, Clone)]
pub struct Limits {
    pub global_per_sec: usize,
    pub private_per_sec: usize,
    pub group_per_min: usize,
    /// Paid broadcasts a second (`allow_paid_broadcast`, Telegram's at most 1000, each
    /// paid in Stars and only once the operator enabled them for the bot): rows queued as
    /// `Options::paid` go at this rate, in their own window, instead of the free
    /// `global_per_sec`. 0 (the default): off, and such rows go like any other.
    pub paid_per_sec: usize,
    /// Added to each window to absorb jitter between our clock and Telegram's.
    pub margin: Duration,
    pub max_in_flight: usize,
    /// Tries for retryable failures (5xx, network) before a row is `failed`.
    pub max_attempts: i64,
    pub base_backoff: Duration,
    pub send_timeout: Duration,
    /// How often an idle sender looks for new rows.
    pub idle_poll: Duration,
}

impl Default for Limits {
    /// Telegram's published limits.
    fn default() -> Self {
        Self {
            global_per_sec: 30,
            private_per_sec: 1,
            group_per_min: 20,
            paid_per_sec: 0,
            margin: Duration::from_millis(15),
            max_in_flight: 32,
            max_attempts: 5,
            base_backoff: Duration::from_secs(1),
            send_timeout: Duration::from_secs(20),
            idle_poll: Duration::from_millis(100),
        }
    }
}

impl Limits {
    /// No rate limits (a local Bot API server, or measuring the sender itself).
    pub fn unthrottled() -> Self {
        Self {
            global_per_sec: usize::MAX,
            private_per_sec: usize::MAX,
            group_per_min: usize::MAX,
            margin: Duration::ZERO,
            max_in_flight: 64,
            ..Self::default()
        }
    }

    pub(super) fn rates(&self) -> Rates {
        Rates {
            global_per_sec: self.global_per_sec,
            private_per_sec: self.private_per_sec,
            group_per_min: self.group_per_min,
            paid_per_sec: self.paid_per_sec,
            margin: self.margin,
        }
    }

    /// Sends in flight at once: `max_in_flight`, or a quarter of the paid rate when that is
    /// higher (1000/s over a 250 ms round trip to Telegram needs 250 requests in flight).
    pub fn in_flight_cap(&self) -> usize {
        self.max_in_flight.max(self.paid_per_sec / 4).max(1)
    }
}
