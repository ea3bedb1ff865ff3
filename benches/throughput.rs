//! Update throughput and memory (issue 15). Prints its figures; run with
//! `cargo bench --bench throughput`.
//!
//! Linli (`cli::serve` on a fresh database, as `linli run` runs it) and teloxide's own echo
//! bot (`teloxide::repl` answering each text with the same text) against the same loopback
//! Bot API stub, which runs in this process; each bot runs in a child process (this binary
//! re-executed with `--child`), so its CPU time and peak RSS come from `/proc` apart from the
//! stub's. A fresh child (and database) per workload, killed after it:
//!
//! (1) Flood: 20,000 "hello" from 1,000 private chats (20 each, nobody registered), pushed
//!     at once while the bot polls. Updates/s from the push to the last reply, the bot's
//!     CPU-ms per update; echo, then Linli, and the ratio. Every chat gets exactly 20 replies.
//! (2) Closed loop: 500 residents, each sending its next update only after the answer to
//!     the previous one: `/start`, registration, an order (15 steps). Steps/s and the
//!     latency of one step (queued → answered) p50/p99. Every resident ends registered with
//!     an order in the database. Run twice: with no pause (the stress case; echo gets as
//!     many texts, for its floor), and as people use it, reading each answer for a second
//!     before the next step, the 500 arriving over that second.
//! (3) Backlog: 100,000 "hello" from 5,000 chats (and 20,000 from 1,000) queued before the
//!     bot starts. Drain time from its first `getUpdates`, updates/s, the bot's peak RSS.
//!
//! `THROUGHPUT_SCALE=0.1` scales every size (a quick run); `THROUGHPUT_ONLY=flood,loop,backlog`
//! picks workloads; `THROUGHPUT_THINK_MS=N` sets the paced closed loop's pause (default 1000); `THROUGHPUT_PROBE=1` runs one resident of the closed loop and prints
//! what each step brings. Goals (issue 15): flood ≥ 0.5 × echo, closed-loop p99 < 100 ms,
//! backlog peak RSS < 150 MiB.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/botapi_stub.rs"]
mod botapi_stub;
#[path = "throughput/child.rs"]
mod child;
#[path = "throughput/flood.rs"]
mod flood;
#[path = "throughput/process.rs"]
mod process;
#[path = "throughput/residents.rs"]
mod residents;

use std::time::Duration;

use flood::Run;
use process::Kind;

const PER_CHAT: usize = 20;

pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn scaled(n: usize) -> usize {
    let scale: f64 = std::env::var("THROUGHPUT_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    ((n as f64 * scale).round() as usize).max(1)
}

fn wanted(workload: &str) -> bool {
    std::env::var("THROUGHPUT_ONLY").map_or(true, |only| only.split(',').any(|w| w.trim() == workload))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted.get(((sorted.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(f64::NAN)
}

fn line(kind: Kind, what: &str, r: &Run) {
    println!(
        "  {:<5} {what}: {} updates in {:.2} s = {:.0} updates/s, {:.3} CPU-ms per update ({:.0} ms), peak RSS {:.1} MiB, at most {} updates taken and not yet answered; stub+load CPU {:.0} ms ({:.0} % of the wall time)",
        kind.name(),
        r.updates,
        r.secs,
        r.per_sec(),
        r.cpu_per_update(),
        r.cpu_ms,
        r.rss_mib,
        r.most_in_bot,
        r.stub_cpu_ms,
        r.stub_cpu_ms / 10.0 / r.secs,
    );
}

fn loop_line(kind: Kind, how: &str, r: &residents::Loop) {
    let (p50, p99) = (percentile(&r.latency_ms, 0.5), percentile(&r.latency_ms, 0.99));
    let max = r.latency_ms.last().copied().unwrap_or(f64::NAN);
    println!(
        "  {:<5} {how}: {} steps in {:.2} s = {:.0} steps/s; one step p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms; {:.3} CPU-ms per step, peak RSS {:.1} MiB; stub+load CPU {:.0} ms",
        kind.name(),
        r.steps,
        r.secs,
        r.steps as f64 / r.secs,
        r.cpu_ms / r.steps as f64,
        r.rss_mib,
        r.stub_cpu_ms,
    );
}

fn loop_cell(r: &residents::Loop) -> String {
    let (p50, p99) = (percentile(&r.latency_ms, 0.5), percentile(&r.latency_ms, 0.99));
    format!(
        "{:.0} steps/s, p50 {p50:.0} ms, p99 {p99:.0} ms per step, {:.3} CPU-ms/step",
        r.steps as f64 / r.secs,
        r.cpu_ms / r.steps as f64
    )
}

async fn both(what: &str, chats: usize, backlog: bool, rows: &mut Vec<[String; 4]>) {
    println!("{what}");
    let echo = flood::run(Kind::Echo, chats, PER_CHAT, backlog).await;
    line(Kind::Echo, what, &echo);
    let linli = flood::run(Kind::Linli, chats, PER_CHAT, backlog).await;
    line(Kind::Linli, what, &linli);
    let cell = |r: &Run| {
        let mem = if backlog {
            format!(", peak RSS {:.0} MiB (≤ {} updates held)", r.rss_mib, r.most_in_bot)
        } else {
            String::new()
        };
        format!("{:.0} updates/s, {:.3} CPU-ms/update{mem}", r.per_sec(), r.cpu_per_update())
    };
    let ratio = if backlog {
        format!("{:.2} (RSS {:.1}×)", linli.per_sec() / echo.per_sec(), linli.rss_mib / echo.rss_mib)
    } else {
        format!("{:.2}", linli.per_sec() / echo.per_sec())
    };
    rows.push([what.to_owned(), cell(&linli), cell(&echo), ratio]);
}

async fn parent() {
    let mut rows: Vec<[String; 4]> = Vec::new();
    if std::env::var("THROUGHPUT_PROBE").is_ok() {
        residents::run(Kind::Linli, 1, Duration::ZERO, true).await;
        return;
    }
    if wanted("flood") {
        let chats = scaled(1_000);
        both(&format!("flood: {} \"hello\" from {chats} private chats", chats * PER_CHAT), chats, false, &mut rows)
            .await;
    }
    if wanted("loop") {
        let residents = scaled(500);
        let what = format!("closed loop: {residents} residents registering then ordering, each waiting for the reply");
        println!("{what}");
        // Without a pause: the stress case, where a step's latency is residents ÷ throughput.
        let linli = residents::run(Kind::Linli, residents, Duration::ZERO, false).await;
        loop_line(Kind::Linli, "no pause", &linli);
        let echo = residents::run(Kind::Echo, residents, Duration::ZERO, false).await;
        loop_line(Kind::Echo, "no pause (as many texts)", &echo);
        rows.push([format!("{what}, no pause"), loop_cell(&linli), loop_cell(&echo), "—".into()]);
        // As people use it: each reads the answer before the next step.
        let think = Duration::from_millis(
            std::env::var("THROUGHPUT_THINK_MS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000),
        );
        let paced = residents::run(Kind::Linli, residents, think, false).await;
        let pause = format!("{} ms pause after each answer, arrivals spread over one pause", think.as_millis());
        loop_line(Kind::Linli, &pause, &paced);
        rows.push([format!("{what}, {pause}"), loop_cell(&paced), "—".into(), "—".into()]);
    }
    if wanted("backlog") {
        for chats in [scaled(5_000), scaled(1_000)] {
            both(
                &format!("backlog: {} updates from {chats} chats pending at start", chats * PER_CHAT),
                chats,
                true,
                &mut rows,
            )
            .await;
        }
    }
    println!("\n| workload | Linli | echo | ratio |\n|---|---|---|---|");
    for [a, b, c, d] in rows {
        println!("| {a} | {b} | {c} | {d} |");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--child") {
        child::main(&args);
        return;
    }
    // `cargo bench` passes `--bench`; other arguments are ignored too.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(parent());
}
