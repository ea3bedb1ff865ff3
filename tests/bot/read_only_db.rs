//! A database file the bot may read but not write: the binary stops with one line that
//! names the file and the setting, instead of SQLite's error three times at its first
//! write. (SQLite opens such a file read-only without a word, so only a write finds out.)

use std::fs::{self, OpenOptions};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::botapi_stub::{StubApi, TOKEN};

/// Undoes [`read_only`] when the test ends, so the temporary folder can be removed.
struct Writable(PathBuf);

impl Drop for Writable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).stderr(Stdio::null()).status();
        let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o644));
    }
}

/// Makes `file` impossible to write for this user: mode 0444, and for root (which
/// ignores modes) the immutable attribute. `None` where neither works.
fn read_only(file: &Path) -> Option<Writable> {
    let guard = Writable(file.to_owned());
    fs::set_permissions(file, fs::Permissions::from_mode(0o444)).unwrap();
    let writable = || OpenOptions::new().write(true).open(file).is_ok();
    if writable() {
        let _ = Command::new("chattr").arg("+i").arg(file).stderr(Stdio::null()).status();
    }
    (!writable()).then_some(guard)
}

/// Runs the binary with `args` on the database `db` (its Telegram is `stub`); the exit
/// code and what it wrote to stderr.
async fn linli(args: &[&str], db: &Path, stub: &StubApi) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(args)
        .env("LINLI_DB", db)
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", stub.url())
        .env("RUST_LOG", "info,sqlx=warn")
        .env_remove("TELOXIDE_PROXY")
        .env_remove("LINLI_SETUP")
        .env_remove("LINLI_ADMINS")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let stderr = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
    (status, stderr.trim().to_owned())
}

#[tokio::test]
async fn a_read_only_database_stops_the_bot_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("linli.db");
    linli::db::connect(&db).await.unwrap().close().await;
    let Some(_writable) = read_only(&db) else {
        eprintln!("skipped: this user can write {} whatever its mode, and chattr +i failed", db.display());
        return;
    };
    let stub = StubApi::start().await;
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/community.toml");
    for args in [vec!["run"], vec!["setup", example]] {
        let (code, stderr) = linli(&args, &db, &stub).await;
        assert_eq!(code, Some(1), "{args:?} exits at once: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        assert!(
            stderr.contains(&db.display().to_string()) && stderr.contains("LINLI_DB") && stderr.contains("read-only"),
            "{args:?}: names the file, the setting and the cause: {stderr}"
        );
    }
}
