//! The SQLite pool: WAL so readers never wait for the writer, a busy timeout so two
//! writers queue instead of failing, foreign keys on. Migrations are embedded at build
//! time (see `build.rs`) and applied on every start.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::Result;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Opens (creating if needed) the database at `path` and applies pending migrations.
pub async fn connect(path: &Path) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    MIGRATOR.run(&pool).await?;
    check_writable(&pool).await?;
    Ok(pool)
}

/// SQLite opens a file this process may not write read-only, without a word, and a
/// database whose migrations are applied needs no write to start: a rolled-back write
/// finds out now, not at the bot's first change.
async fn check_writable(pool: &SqlitePool) -> Result<()> {
    let mut probe = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("CREATE TABLE write_probe (x)").execute(&mut *probe).await?;
    probe.rollback().await?;
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
