//! The SQLite database: one writer connection and a pool of readers (WAL, so readers never
//! wait for the writer and the writer never waits for them).
//!
//! Why one writer: SQLite lets one connection write at a time. With several connections
//! writing, the second `BEGIN IMMEDIATE` waits inside SQLite's busy handler, which sleeps
//! (1, 2, 5 … 100 ms) while holding its pool slot — under a flood from many chats that was
//! most of an update's latency. Here every write in the process goes through [`Writer`], a
//! fair (first come, first served) lock around the one writing connection: a writer waits
//! its turn on a tokio queue instead of sleeping, and SQLite never sees two writers from this
//! process. The busy timeout stays for other processes (`linli invite` while the bot runs).
//!
//! The readers are `query_only`: a write that slips onto a reader fails at once in the tests
//! instead of silently competing with the writer. No connection is pinged when it is taken
//! (sqlx's `test_before_acquire`): the file is local, and a broken connection fails its
//! statement anyway.
//!
//! Migrations are embedded at build time (see `build.rs`) and applied on every start.

mod writer;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};

pub use writer::{WriteTx, Writer};

use crate::Result;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Reader connections: a few are enough on a small machine (each is a thread in sqlx).
const READERS: u32 = 4;

/// The database's two halves: `read` for every query, `write` for every change.
#[derive(Clone, Debug)]
pub struct Db {
    pub read: SqlitePool,
    pub write: Writer,
}

impl Db {
    /// Closes the readers and waits for the writer to be free (tests reopen the file).
    pub async fn close(&self) {
        self.read.close().await;
        drop(self.write.lock().await);
    }
}

fn options(path: &Path) -> Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true))
}

/// Opens (creating if needed) the database at `path` and applies pending migrations.
pub async fn connect(path: &Path) -> Result<Db> {
    let mut conn = options(path)?.create_if_missing(true).journal_mode(SqliteJournalMode::Wal).connect().await?;
    MIGRATOR.run(&mut conn).await?;
    check_writable(&mut conn).await?;
    // WAL is a property of the file, set above: the readers only read.
    let read = SqlitePoolOptions::new()
        .max_connections(READERS)
        .test_before_acquire(false)
        .connect_with(options(path)?.pragma("query_only", "ON"))
        .await?;
    Ok(Db { read, write: Writer::new(conn) })
}

/// SQLite opens a file this process may not write read-only, without a word, and a
/// database whose migrations are applied needs no write to start: a rolled-back write
/// finds out now, not at the bot's first change.
async fn check_writable(conn: &mut sqlx::SqliteConnection) -> Result<()> {
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    let probe = sqlx::query("CREATE TABLE write_probe (x)").execute(&mut *conn).await;
    sqlx::query("ROLLBACK").execute(&mut *conn).await?;
    probe?;
    Ok(())
}

/// Whether `err` comes from SQLITE_READONLY (any of its extended codes): a database file,
/// or its folder, that this process may not write.
pub fn is_read_only(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(sqlx::Error::Database(db)) = e.downcast_ref::<sqlx::Error>() {
            return db.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| c & 0xff == 8);
        }
        cause = e.source();
    }
    false
}

/// A plain writable pool on `path` (its writes wait up to 10 s for the writer in SQLite's
/// busy handler), for what fills a database directly: the tests' fixtures and the
/// benchmarks' districts. The bot itself never uses one.
#[doc(hidden)]
pub async fn fixture_pool(path: &Path) -> Result<SqlitePool> {
    Ok(SqlitePoolOptions::new().max_connections(8).connect_with(options(path)?).await?)
}

#[cfg(test)]
mod tests;
