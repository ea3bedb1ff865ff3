//! Telegram's flood limits as sliding windows: about 30 messages a second overall, one a
//! second per private chat, 20 a minute per group. A send takes a slot when it starts;
//! a window holds at most its limit of starts, so every window of that length does too.
//! A small margin widens each window to absorb network jitter between our clock and
//! Telegram's. A 429 pauses everything until its `retry_after`.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub global_per_sec: usize,
    pub private_per_sec: usize,
    pub group_per_min: usize,
    pub margin: Duration,
}

#[derive(Debug)]
pub struct Limiter {
    rates: Rates,
    global: VecDeque<Instant>,
    chats: HashMap<i64, VecDeque<Instant>>,
    paused_until: Option<Instant>,
    ops: u64,
}

/// Telegram chat ids: users are positive, groups and channels negative.
fn is_private(chat_id: i64) -> bool {
    chat_id > 0
}

impl Limiter {
    pub fn new(rates: Rates) -> Self {
        Self { rates, global: VecDeque::new(), chats: HashMap::new(), paused_until: None, ops: 0 }
    }

    fn chat_window(&self, chat_id: i64) -> (usize, Duration) {
        if is_private(chat_id) {
            (self.rates.private_per_sec, Duration::from_secs(1) + self.rates.margin)
        } else {
            (self.rates.group_per_min, Duration::from_secs(60) + self.rates.margin)
        }
    }

    /// Takes a slot for `chat_id` now, or says when to ask again.
    pub fn try_acquire(&mut self, chat_id: i64, now: Instant) -> Result<(), Instant> {
        if let Some(until) = self.paused_until {
            if now < until {
                return Err(until);
            }
            self.paused_until = None;
        }
        let global_window = Duration::from_secs(1) + self.rates.margin;
        prune(&mut self.global, now, global_window);
        if self.global.len() >= self.rates.global_per_sec {
            return Err(self.global[0] + global_window);
        }
        let (limit, window) = self.chat_window(chat_id);
        let chat = self.chats.entry(chat_id).or_default();
        prune(chat, now, window);
        if chat.len() >= limit {
            return Err(chat[0] + window);
        }
        chat.push_back(now);
        self.global.push_back(now);
        self.ops += 1;
        if self.ops.is_multiple_of(4096) {
            self.sweep(now);
        }
        Ok(())
    }

    /// Telegram said "retry after": nothing goes out before then.
    pub fn pause_until(&mut self, until: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }

    /// Forgets chats with no recent sends, so memory stays bounded.
    fn sweep(&mut self, now: Instant) {
        let group_window = Duration::from_secs(60) + self.rates.margin;
        self.chats.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < group_window));
    }
}

fn prune(q: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
        q.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> Rates {
        Rates { global_per_sec: 3, private_per_sec: 1, group_per_min: 2, margin: Duration::ZERO }
    }

    #[test]
    fn one_per_second_per_private_chat() {
        let mut l = Limiter::new(rates());
        let t0 = Instant::now();
        assert!(l.try_acquire(7, t0).is_ok());
        assert_eq!(l.try_acquire(7, t0 + Duration::from_millis(500)), Err(t0 + Duration::from_secs(1)));
        assert!(l.try_acquire(7, t0 + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn global_limit_spans_chats_and_groups_get_a_minute_window() {
        let mut l = Limiter::new(rates());
        let t0 = Instant::now();
        assert!(l.try_acquire(1, t0).is_ok());
        assert!(l.try_acquire(-5, t0).is_ok());
        assert!(l.try_acquire(-5, t0).is_ok());
        assert!(l.try_acquire(2, t0).is_err(), "3 per second overall");
        let later = t0 + Duration::from_secs(2);
        assert_eq!(l.try_acquire(-5, later), Err(t0 + Duration::from_secs(60)), "2 per minute per group");
        assert!(l.try_acquire(2, later).is_ok());
    }

    #[test]
    fn a_pause_holds_everything_until_it_ends() {
        let mut l = Limiter::new(rates());
        let t0 = Instant::now();
        l.pause_until(t0 + Duration::from_secs(5));
        assert_eq!(l.try_acquire(1, t0 + Duration::from_secs(4)), Err(t0 + Duration::from_secs(5)));
        assert!(l.try_acquire(1, t0 + Duration::from_secs(5)).is_ok());
    }
}
