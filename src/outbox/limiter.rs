//! Telegram's flood limits as sliding windows: about 30 messages a second overall, one a
//! second per private chat, 20 a minute per group. A send takes a slot when it starts;
//! a window holds at most its limit of starts, so every window of that length does too.
//! A small margin widens each window to absorb network jitter between our clock and
//! Telegram's. A 429 pauses everything until its `retry_after`.
//!
//! The sender plans a batch of sends (`try_acquire`) before it marks them `sending`; each
//! send checks again as it goes out (`start`), so a 429 that arrives in between holds it,
//! and a send that went out late counts from when it went out.
//!
//! A paid broadcast (`allow_paid_broadcast`, when the operator turned it on) is held to its
//! own overall window (`paid_per_sec`, Telegram's at most 1000/s) instead of the free one;
//! the per-chat windows hold every send alike, paid or not.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub global_per_sec: usize,
    pub private_per_sec: usize,
    pub group_per_min: usize,
    /// 0: paid broadcasts are off, and a send asking for one is a free one.
    pub paid_per_sec: usize,
    pub margin: Duration,
}

#[derive(Debug)]
pub struct Limiter {
    rates: Rates,
    global: VecDeque<Instant>,
    paid: VecDeque<Instant>,
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
        Self {
            rates,
            global: VecDeque::new(),
            paid: VecDeque::new(),
            chats: HashMap::new(),
            paused_until: None,
            ops: 0,
        }
    }

    /// Whether a send that may be paid goes as one: only while paid sending is on.
    pub fn goes_paid(&self, paid: bool) -> bool {
        paid && self.rates.paid_per_sec > 0
    }

    /// The overall window a send counts against, and its limit.
    fn overall(&mut self, paid: bool) -> (&mut VecDeque<Instant>, usize) {
        if self.goes_paid(paid) {
            (&mut self.paid, self.rates.paid_per_sec)
        } else {
            (&mut self.global, self.rates.global_per_sec)
        }
    }

    /// When the overall window of paid (or free) sends has room again, if it is full now
    /// (or everything is paused): no chat of that kind can send before then.
    pub fn full_until(&mut self, paid: bool, now: Instant) -> Option<Instant> {
        if let Some(until) = self.paused(now) {
            return Some(until);
        }
        // The paid window counts each send from its answer (`finish`), later than Telegram
        // saw it: no margin needed.
        let margin = if self.goes_paid(paid) { Duration::ZERO } else { self.rates.margin };
        let window = Duration::from_secs(1) + margin;
        let (q, limit) = self.overall(paid);
        prune(q, now, window);
        (q.len() >= limit).then(|| q[0] + window)
    }

    /// How many paid (or free) sends the overall window would take now.
    pub fn room(&mut self, paid: bool, now: Instant) -> usize {
        if self.full_until(paid, now).is_some() {
            return 0;
        }
        let (q, limit) = self.overall(paid);
        limit.saturating_sub(q.len())
    }

    fn chat_window(&self, chat_id: i64) -> (usize, Duration) {
        if is_private(chat_id) {
            (self.rates.private_per_sec, Duration::from_secs(1) + self.rates.margin)
        } else {
            (self.rates.group_per_min, Duration::from_secs(60) + self.rates.margin)
        }
    }

    /// Takes a slot for `chat_id` now, or says when to ask again. `paid`: the send may go
    /// as a paid broadcast (it does when paid sending is on).
    pub fn try_acquire(&mut self, chat_id: i64, paid: bool, now: Instant) -> Result<(), Instant> {
        if let Some(until) = self.paused_until {
            if now < until {
                return Err(until);
            }
            self.paused_until = None;
        }
        if let Some(until) = self.full_until(paid, now) {
            return Err(until);
        }
        let (limit, window) = self.chat_window(chat_id);
        let chat = self.chats.entry(chat_id).or_default();
        prune(chat, now, window);
        if chat.len() >= limit {
            return Err(chat[0] + window);
        }
        chat.push_back(now);
        self.overall(paid).0.push_back(now);
        self.ops += 1;
        if self.ops.is_multiple_of(4096) {
            self.sweep(now);
        }
        Ok(())
    }

    /// A send planned by `try_acquire` at `*planned` goes out now, or is told when to ask
    /// again: never while a pause lasts. One that goes out within the margin of its slot
    /// keeps it, moved to `now` (`*planned` becomes `now`): every window counts a send from
    /// when it went out, not from when it was planned — counted from the plan, a send that
    /// left 15 ms late let the next window's first send reach Telegram inside the same
    /// second. One held longer gives back its planned slot and takes one at `now` if there
    /// is room (the planned one is spent once: `None` afterwards).
    pub fn start(
        &mut self,
        chat_id: i64,
        paid: bool,
        planned: &mut Option<Instant>,
        now: Instant,
    ) -> Result<(), Instant> {
        if let Some(until) = self.paused(now) {
            return Err(until);
        }
        match *planned {
            Some(at) if now.saturating_duration_since(at) <= self.rates.margin => {
                move_later(self.overall(paid).0, at, now);
                if let Some(chat) = self.chats.get_mut(&chat_id) {
                    move_later(chat, at, now);
                }
                *planned = Some(at.max(now));
                return Ok(());
            }
            Some(at) => {
                *planned = None;
                forget(self.overall(paid).0, at);
                if let Some(chat) = self.chats.get_mut(&chat_id) {
                    forget(chat, at);
                }
            }
            None => {}
        }
        self.try_acquire(chat_id, paid, now)
    }

    /// The send to `chat_id` that took its slot at `slot` was answered at `now`: its chat's
    /// window, and the paid window if it went paid, count it from the answer. Telegram
    /// counts a message when it receives it, somewhere in between, and a send can reach it
    /// tens of milliseconds after its slot (a burst opening connections, a busy machine)
    /// while later ones arrive at once: counted from the answer, no window at Telegram ever
    /// holds more than the limit. The free window keeps the slot (moved to when the send
    /// left, by `start`): at 30/s its margin is enough, and a round trip per slot would
    /// cost it ~6 % at 60 ms; at 1000/s a 15 ms margin is not (88 × 429 in 20,000 sends
    /// before this).
    pub fn finish(&mut self, chat_id: i64, paid: bool, slot: Instant, now: Instant) {
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            move_later(chat, slot, now);
        }
        if self.goes_paid(paid) {
            move_later(&mut self.paid, slot, now);
        }
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

/// Moves one start at `from` (searched from the newest) to `to`, keeping the window in order.
fn move_later(q: &mut VecDeque<Instant>, from: Instant, to: Instant) {
    if let Some(i) = q.iter().rposition(|t| *t == from) {
        q.remove(i);
        let to = to.max(from);
        q.insert(q.partition_point(|t| *t <= to), to);
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
        Rates { global_per_sec: 3, private_per_sec: 1, group_per_min: 2, paid_per_sec: 0, margin: Duration::ZERO }
    }

    #[test]
    fn one_per_second_per_private_chat() {
        let mut l = Limiter::new(rates());
        let t0 = Instant::now();
        assert!(l.try_acquire(7, false, t0).is_ok());
        assert_eq!(l.try_acquire(7, false, t0 + Duration::from_millis(500)), Err(t0 + Duration::from_secs(1)));
        assert!(l.try_acquire(7, false, t0 + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn global_limit_spans_chats_and_groups_get_a_minute_window() {
        let mut l = Limiter::new(rates());
        let t0 = Instant::now();
        assert!(l.try_acquire(1, false, t0).is_ok());
        assert!(l.try_acquire(-5, false, t0).is_ok());
        assert!(l.try_acquire(-5, false, t0).is_ok());
        assert!(l.try_acquire(2, false, t0).is_err(), "3 per second overall");
        let later = t0 + Duration::from_secs(2);
        assert_eq!(l.try_acquire(-5, false, later), Err(t0 + Duration::from_secs(60)), "2 per minute per group");
        assert!(l.try_acquire(2, false, later).is_ok());
    }

    #[test]
    fn a_pause_holds_everything_until_it_ends() {
        let mut l = Limiter::new(rates());
        let t0 = Instant::now();
        l.pause_until(t0 + Duration::from_secs(5));
        assert_eq!(l.try_acquire(1, false, t0 + Duration::from_secs(4)), Err(t0 + Duration::from_secs(5)));
        assert!(l.try_acquire(1, false, t0 + Duration::from_secs(5)).is_ok());
    }

    #[test]
    fn a_planned_send_is_held_by_a_pause_that_came_after_it_and_counts_from_when_it_goes() {
        let mut l = Limiter::new(rates());
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        assert!(l.try_acquire(7, false, t0).is_ok());
        let mut planned = Some(t0);
        l.pause_until(t0 + ms(200));
        assert_eq!(l.start(7, false, &mut planned, t0 + ms(100)), Err(t0 + ms(200)), "held by the pause");
        assert_eq!(planned, Some(t0), "the planned slot is kept while waiting");
        assert!(l.start(7, false, &mut planned, t0 + ms(200)).is_ok());
        assert_eq!((planned, l.global.len()), (None, 1), "the planned slot was given back for a new one");
        assert_eq!(l.try_acquire(7, false, t0 + ms(1000)), Err(t0 + ms(1200)), "the window counts from the real start");
    }

    #[test]
    fn a_send_that_goes_out_within_the_margin_keeps_its_slot_counted_from_when_it_went() {
        let ms = Duration::from_millis;
        let mut l = Limiter::new(Rates { global_per_sec: 1, margin: ms(15), ..rates() });
        let t0 = Instant::now();
        assert!(l.try_acquire(7, false, t0).is_ok());
        let mut planned = Some(t0);
        assert!(l.start(7, false, &mut planned, t0 + ms(10)).is_ok());
        assert_eq!((planned, l.global.len()), (Some(t0 + ms(10)), 1), "the same slot, now at its start");
        l.finish(7, false, t0 + ms(10), t0 + ms(70));
        // Counted from the plan, the next send could start at t0 + 1015 ms: 1005 ms after
        // this one left, inside the margin.
        assert_eq!(l.try_acquire(8, false, t0 + ms(1015)), Err(t0 + ms(1025)), "the overall window");
        assert_eq!(l.try_acquire(7, false, t0 + ms(1025)), Err(t0 + ms(1085)), "the chat's, from the answer");
        assert!(l.try_acquire(8, false, t0 + ms(1025)).is_ok());
    }

    #[test]
    fn paid_sends_have_their_own_overall_window_and_the_chat_windows_still_hold() {
        let mut l = Limiter::new(Rates { paid_per_sec: 5, ..rates() });
        let t0 = Instant::now();
        for chat in 1..=3 {
            assert!(l.try_acquire(chat, false, t0).is_ok());
        }
        assert!(l.try_acquire(4, false, t0).is_err(), "the free window is full");
        for chat in 10..15 {
            assert!(l.try_acquire(chat, true, t0).is_ok(), "paid sends do not count against the free window");
        }
        assert_eq!(l.try_acquire(15, true, t0), Err(t0 + Duration::from_secs(1)), "5 paid per second");
        assert_eq!(l.full_until(true, t0), Some(t0 + Duration::from_secs(1)));
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(l.try_acquire(10, true, t1), Ok(()));
        let later = t1 + Duration::from_millis(500);
        assert_eq!(l.full_until(true, later), None, "1 of 5 paid slots taken");
        assert_eq!(
            l.try_acquire(10, true, later),
            Err(t1 + Duration::from_secs(1)),
            "1/s per private chat, paid or not"
        );
    }

    #[test]
    fn with_paid_sending_off_a_paid_send_is_a_free_one() {
        let mut l = Limiter::new(rates());
        let t0 = Instant::now();
        assert!(!l.goes_paid(true));
        for chat in 1..=3 {
            assert!(l.try_acquire(chat, true, t0).is_ok());
        }
        assert!(l.try_acquire(4, true, t0).is_err(), "held to the free window");
        assert!(l.try_acquire(5, false, t0).is_err());
    }

    #[test]
    fn a_chat_counts_its_send_from_the_answer() {
        let mut l = Limiter::new(rates());
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        assert!(l.try_acquire(7, false, t0).is_ok());
        l.finish(7, false, t0, t0 + ms(80));
        assert_eq!(l.try_acquire(7, false, t0 + ms(1000)), Err(t0 + ms(1080)), "a second after the answer");
        assert!(l.try_acquire(8, false, t0 + ms(1000)).is_ok(), "the free window keeps the slot");
    }

    #[test]
    fn the_paid_window_counts_a_send_from_its_answer_and_stays_in_order() {
        let mut l = Limiter::new(Rates { paid_per_sec: 2, ..rates() });
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        assert!(l.try_acquire(1, true, t0).is_ok());
        assert!(l.try_acquire(2, true, t0 + ms(10)).is_ok());
        l.finish(1, true, t0, t0 + ms(300));
        assert_eq!(l.paid, [t0 + ms(10), t0 + ms(300)]);
        assert_eq!(l.try_acquire(3, true, t0 + ms(1005)), Err(t0 + ms(1010)), "the other send's slot frees first");
        assert_eq!(l.try_acquire(3, true, t0 + ms(1010)), Ok(()));
        assert_eq!(l.try_acquire(4, true, t0 + ms(1200)), Err(t0 + ms(1300)), "a second after the answer");
    }
}
