//! Telegram's flood limits as sliding windows: about 30 messages a second overall, one a
//! second per private chat, 20 a minute per group. A send takes a slot when it starts;
//! a window holds at most its limit of starts, so every window of that length does too.
//! A small margin widens each window to absorb network jitter between our clock and
//! Telegram's. A 429 pauses everything until its `retry_after`.
//!
//! The sender plans a batch of sends (`try_acquire`) before it marks them `sending`; each
//! send checks again as it goes out (`start`), so a 429 that arrives in between holds it,
//! and a send that went out late counts from when it went out.

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

    /// A send planned by `try_acquire` at `*planned` goes out now, or is told when to ask
    /// again: never while a pause lasts, and one that was held longer than the margin gives
    /// back its planned slot and takes one at `now` (the planned one is spent once: `None`
    /// afterwards).
    pub fn start(&mut self, chat_id: i64, planned: &mut Option<Instant>, now: Instant) -> Result<(), Instant> {
        if let Some(until) = self.paused(now) {
            return Err(until);
        }
        match *planned {
            Some(at) if now.saturating_duration_since(at) <= self.rates.margin => return Ok(()),
            Some(at) => {
                *planned = None;
                forget(&mut self.global, at);
                if let Some(chat) = self.chats.get_mut(&chat_id) {
                    forget(chat, at);
                }
            }
            None => {}
        }
        self.try_acquire(chat_id, now)
    }

    /// Telegram said "retry after": nothing goes out before then.
    pub fn pause_until(&mut self, until: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }

    /// When the pause in force at `now` ends, if one is.
    pub fn paused(&self, now: Instant) -> Option<Instant> {
        self.paused_until.filter(|until| now < *until)
    }

    /// Forgets chats with no recent sends, so memory stays bounded.
    fn sweep(&mut self, now: Instant) {
        let group_window = Duration::from_secs(60) + self.rates.margin;
        self.chats.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < group_window));
    }
}

/// Removes one start at `at`, searching from the newest (a planned start is recent).
fn forget(q: &mut VecDeque<Instant>, at: Instant) {
    if let Some(i) = q.iter().rposition(|t| *t == at) {
        q.remove(i);
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

    #[test]
    fn a_planned_send_is_held_by_a_pause_that_came_after_it_and_counts_from_when_it_goes() {
        let mut l = Limiter::new(rates());
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        assert!(l.try_acquire(7, t0).is_ok());
        let mut planned = Some(t0);
        l.pause_until(t0 + ms(200));
        assert_eq!(l.start(7, &mut planned, t0 + ms(100)), Err(t0 + ms(200)), "held by the pause");
        assert_eq!(planned, Some(t0), "the planned slot is kept while waiting");
        assert!(l.start(7, &mut planned, t0 + ms(200)).is_ok());
        assert_eq!((planned, l.global.len()), (None, 1), "the planned slot was given back for a new one");
        assert_eq!(l.try_acquire(7, t0 + ms(1000)), Err(t0 + ms(1200)), "the window counts from the real start");
    }

    #[test]
    fn a_send_that_goes_out_as_planned_keeps_its_slot() {
        let mut l = Limiter::new(Rates { margin: Duration::from_millis(15), ..rates() });
        let t0 = Instant::now();
        assert!(l.try_acquire(7, t0).is_ok());
        let mut planned = Some(t0);
        assert!(l.start(7, &mut planned, t0 + Duration::from_millis(10)).is_ok());
        assert_eq!((planned, l.global.len()), (Some(t0), 1));
    }
}
