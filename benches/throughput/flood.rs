//! Plain "hello" from many private chats, 20 each: pushed at once while the bot polls
//! (the flood), or queued before the bot starts (the backlog). Every chat must get exactly
//! one reply per message.

use std::time::{Duration, Instant};

use crate::botapi_stub::StubApi;
use crate::process::{own_cpu_ms, BotProcess, Kind};

/// Private chats of the flood and backlog: 40_000_001, 40_000_002, …
const FIRST_CHAT: i64 = 40_000_001;
const SETTLE: Duration = Duration::from_millis(500);

/// What one run measured.
pub struct Run {
    pub updates: usize,
    pub secs: f64,
    /// The bot's CPU time from the first update on.
    pub cpu_ms: f64,
    pub rss_mib: f64,
    /// The benchmark process's CPU time (stub and load) over the same span.
    pub stub_cpu_ms: f64,
    /// The most updates the bot had taken from `getUpdates` and not yet answered (sampled
    /// every 10 ms; up to 100 fewer, as a batch is confirmed by the next `getUpdates`):
    /// what it holds in memory at once.
    pub most_in_bot: usize,
}

impl Run {
    pub fn per_sec(&self) -> f64 {
        self.updates as f64 / self.secs
    }

    pub fn cpu_per_update(&self) -> f64 {
        self.cpu_ms / self.updates as f64
    }
}

fn push_all(stub: &StubApi, chats: usize, per_chat: usize) {
    for _ in 0..per_chat {
        for c in 0..chats as i64 {
            stub.push_update(StubApi::private_text(FIRST_CHAT + c, "zh-CN", "hello"));
        }
    }
}

/// `chats` × `per_chat` "hello" to a fresh `kind` bot; `backlog`: all queued before it starts,
/// timed from its first `getUpdates`; otherwise pushed once it polls, timed from the push.
pub async fn run(kind: Kind, chats: usize, per_chat: usize, backlog: bool) -> Run {
    let updates = chats * per_chat;
    let stub = StubApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("linli.db");
    if kind == Kind::Linli {
        crate::child::prepare(&db).await;
    }
    if backlog {
        push_all(&stub, chats, per_chat);
    }
    let bot = BotProcess::spawn(kind, &stub.url(), (kind == Kind::Linli).then_some(db.as_path()));
    let polling = tokio::time::timeout(Duration::from_secs(60), stub.watch().polls_reach(1)).await;
    assert!(polling.is_ok(), "{kind:?} never polled");
    let (cpu_before, own_before, started) = (bot.cpu_ms(), own_cpu_ms(), Instant::now());
    if !backlog {
        push_all(&stub, chats, per_chat);
    }
    let limit = Duration::from_secs(60 + updates as u64 / 200);
    let (replied, most_in_bot) = drained(&stub, updates, limit).await;
    let secs = started.elapsed().as_secs_f64();
    let (cpu_ms, stub_cpu_ms) = (bot.cpu_ms() - cpu_before, own_cpu_ms() - own_before);
    let rss_mib = bot.peak_rss_mib();
    assert!(replied, "{kind:?}: {} replies of {updates} after {secs:.0} s", stub.watch().total());
    // A duplicate would come soon after the last reply.
    tokio::time::sleep(SETTLE).await;
    bot.kill();
    let wrong: Vec<(i64, usize)> = (0..chats as i64)
        .map(|c| (FIRST_CHAT + c, stub.watch().count(FIRST_CHAT + c)))
        .filter(|&(_, n)| n != per_chat)
        .collect();
    assert!(
        wrong.is_empty(),
        "{kind:?}: chats without exactly {per_chat} replies (chat, replies): {:?}",
        &wrong[..wrong.len().min(10)]
    );
    Run { updates, secs, cpu_ms, rss_mib, stub_cpu_ms, most_in_bot }
}

/// Waits up to `limit` for `updates` replies (all updates already queued); whether they
/// came, and the most updates taken from `getUpdates` but not answered at once.
async fn drained(stub: &StubApi, updates: usize, limit: Duration) -> (bool, usize) {
    let all = stub.watch().total_reaches(updates);
    let timeout = tokio::time::sleep(limit);
    tokio::pin!(all, timeout);
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let mut most = 0;
    loop {
        tokio::select! {
            _ = &mut all => return (true, most),
            _ = &mut timeout => return (false, most),
            _ = tick.tick() => {
                let taken = updates - stub.pending_updates();
                most = most.max(taken.saturating_sub(stub.watch().total()));
            }
        }
    }
}
