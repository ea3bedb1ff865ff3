//! A kill -9 while an update is being handled: the real binary, against the loopback Bot
//! API, killed while its answer is on the wire; after the restart the answer comes, once.
//! (Telegram will not send the update again: its offset was confirmed before the kill.)

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::botapi_stub::{Behaviour, StubApi, TOKEN};
use crate::*;

const PERSON: i64 = 3_300_001;

/// `linli --db DB run` against `stub`, as an operator starts it (no proxy, no setup file);
/// the caller chooses the log level and where the output goes.
pub fn linli_run(stub: &StubApi, db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_linli"));
    cmd.arg("--db")
        .arg(db)
        .arg("run")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", stub.url())
        .env_remove("TELOXIDE_PROXY")
        .env_remove("LINLI_SETUP")
        .stdout(Stdio::null());
    cmd
}

fn start(stub: &StubApi, db: &Path, log: &Path) -> Child {
    linli_run(stub, db).env("RUST_LOG", "info,sqlx=warn").stderr(std::fs::File::create(log).unwrap()).spawn().unwrap()
}

/// Waits until `done` holds; fails with `what` (and the process's log) after `secs`.
async fn until(what: &str, secs: u64, log: &Path, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        if Instant::now() > deadline {
            panic!("timed out waiting for {what}; log:\n{}", std::fs::read_to_string(log).unwrap_or_default());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_kill_during_handling_is_answered_after_the_restart_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("linli.db");
    let (log1, log2) = (dir.path().join("first.log"), dir.path().join("second.log"));
    let stub = StubApi::start().await;
    // The answer to /help never completes: the process is killed while sending it.
    stub.script(PERSON, vec![Behaviour::Hang]);
    stub.push_update(StubApi::private_text(PERSON, "zh", "/help"));

    let mut first = start(&stub, &db, &log1);
    until("the answer to be on the wire", 60, &log1, || stub.received().iter().any(|r| r.chat_id == PERSON)).await;
    until("the update's offset to be confirmed", 30, &log1, || stub.confirmed_offset() >= 2).await;
    first.kill().unwrap(); // SIGKILL: no clean shutdown
    first.wait().unwrap();
    assert!(stub.delivered_to(PERSON).is_empty(), "nothing reached the person before the kill");

    let mut second = start(&stub, &db, &log2);
    until("the answer after the restart", 60, &log2, || !stub.delivered_to(PERSON).is_empty()).await;
    // Long enough for a duplicate to show up, were there one.
    tokio::time::sleep(Duration::from_secs(2)).await;
    second.kill().unwrap();
    second.wait().unwrap();
    let answers = stub.delivered_to(PERSON);
    assert_eq!(answers.len(), 1, "answered once");
    assert!(answers[0].text.as_deref().unwrap_or_default().contains(&tr(ZH, "menu.help_header")), "{answers:?}");
}
