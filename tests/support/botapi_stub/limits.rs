//! Telegram's rate limits as the Bot API enforces them on a sender: sliding windows of
//! 1 s overall and per private chat (id > 0), 60 s per group (id < 0), counting only sends
//! that were delivered. A send with `allow_paid_broadcast: true` (a paid broadcast) counts
//! against its own overall window (Telegram's: 1000/s) instead of the free one; the
//! per-chat windows hold every send alike.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

/// Rate limits to enforce (Telegram's: [`Enforce::telegram`]). 0 means unlimited.
#[derive(Clone, Debug)]
pub struct Enforce {
    pub global_per_sec: usize,
    pub private_per_sec: usize,
    pub group_per_min: usize,
    /// Sends with `allow_paid_broadcast: true`, per second overall.
    pub paid_per_sec: usize,
}

impl Enforce {
    /// 30 messages/s overall, 1/s per private chat, 20/min per group; paid broadcasts
    /// 1000/s overall.
    pub fn telegram() -> Enforce {
        Enforce { global_per_sec: 30, private_per_sec: 1, group_per_min: 20, paid_per_sec: 1000 }
    }
}

/// Whether a request asks to go as a paid broadcast (JSON `true`, or `"true"` in multipart).
pub fn asks_paid(params: &Value) -> bool {
    match params.get("allow_paid_broadcast") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

/// The delivered sends inside the current windows.
pub struct Windows {
    limits: Enforce,
    global: VecDeque<Instant>,
    paid: VecDeque<Instant>,
    per_chat: HashMap<i64, VecDeque<Instant>>,
}

impl Windows {
    pub fn new(limits: Enforce) -> Windows {
        Windows { limits, global: VecDeque::new(), paid: VecDeque::new(), per_chat: HashMap::new() }
    }

    /// Whole seconds to wait (at least 1) if a send to `chat_id` now would exceed a limit.
    pub fn limited(&mut self, chat_id: i64, paid: bool, now: Instant) -> Option<u32> {
        let limits = &self.limits;
        let (window, max) = if chat_id < 0 { (MINUTE, limits.group_per_min) } else { (SECOND, limits.private_per_sec) };
        let chat = self.per_chat.entry(chat_id).or_default();
        let overall = if paid {
            over(&mut self.paid, SECOND, limits.paid_per_sec, now)
        } else {
            over(&mut self.global, SECOND, limits.global_per_sec, now)
        };
        let waits = [overall, over(chat, window, max, now)];
        waits.into_iter().flatten().max().map(|wait| (wait.as_secs_f64().ceil() as u32).max(1))
    }

    /// Counts a delivered send.
    pub fn count(&mut self, chat_id: i64, paid: bool, now: Instant) {
        if paid { &mut self.paid } else { &mut self.global }.push_back(now);
        self.per_chat.entry(chat_id).or_default().push_back(now);
    }
}

/// Forgets entries older than `window`; if `max` or more are left, how long until there is room.
fn over(times: &mut VecDeque<Instant>, window: Duration, max: usize, now: Instant) -> Option<Duration> {
    while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
        times.pop_front();
    }
    if max == 0 || times.len() < max {
        return None;
    }
    times.get(times.len() - max).map(|t| window.saturating_sub(now.duration_since(*t)))
}
