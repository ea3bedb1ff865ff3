//! An idle bot waits at Telegram: each `getUpdates` is a long poll, so a bot with nothing
//! to do asks a few times a minute, not thousands of times a second (which burned a core
//! and would hammer Telegram's servers).

use std::process::Stdio;
use std::time::Duration;

use crate::botapi_stub::StubApi;

#[tokio::test]
async fn an_idle_bot_long_polls_instead_of_asking_again_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let stub = StubApi::start().await;
    let mut bot = crate::crash::linli_run(&stub, &dir.path().join("linli.db"))
        .env("RUST_LOG", "warn")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let polling = tokio::time::timeout(Duration::from_secs(60), stub.watch().polls_reach(1)).await;
    assert!(polling.is_ok(), "the bot never polled");
    let before = stub.watch().polls();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let during = stub.watch().polls() - before;
    bot.kill().unwrap();
    bot.wait().unwrap();
    // One poll waits up to 10 s; the one that was open may answer and be followed by one more.
    assert!(during <= 2, "{during} getUpdates in 3 idle seconds");
}
