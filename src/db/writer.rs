//! The one writing connection, behind a fair lock.
//!
//! [`Writer::begin`] takes the connection and starts `BEGIN IMMEDIATE`; the [`WriteTx`] it
//! returns holds the connection until it commits. Dropped without a commit (an error
//! returned with `?`, a panic in a handler), it gives the connection back only after a
//! `ROLLBACK` has run, in a task of its own — the next writer never finds a transaction
//! left open. [`Writer::lock`] is for a single statement in autocommit.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::SqliteConnection;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::Result;

#[derive(Clone)]
pub struct Writer(Arc<Mutex<SqliteConnection>>);

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Writer")
    }
}

/// The writing connection, held (autocommit unless the holder begins a transaction).
pub type Held = OwnedMutexGuard<SqliteConnection>;

impl Writer {
    pub fn new(conn: SqliteConnection) -> Writer {
        Writer(Arc::new(Mutex::new(conn)))
    }

    /// Waits for the connection (first come, first served).
    pub async fn lock(&self) -> Held {
        Arc::clone(&self.0).lock_owned().await
    }

    /// Waits for the connection and begins an immediate transaction on it.
    pub async fn begin(&self) -> Result<WriteTx> {
        let mut conn = self.lock().await;
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        Ok(WriteTx { conn: Some(conn) })
    }
}

/// An open write transaction; see the module's documentation.
pub struct WriteTx {
    conn: Option<Held>,
}

impl WriteTx {
    pub async fn commit(mut self) -> Result<()> {
        let Some(mut conn) = self.conn.take() else { return Ok(()) };
        if let Err(err) = sqlx::query("COMMIT").execute(&mut *conn).await {
            rollback(conn).await;
            return Err(err.into());
        }
        Ok(())
    }

    pub async fn rollback(mut self) {
        if let Some(conn) = self.conn.take() {
            rollback(conn).await;
        }
    }
}

async fn rollback(mut conn: Held) {
    // Fails only when nothing is open (the BEGIN itself was cancelled): nothing to undo.
    if let Err(err) = sqlx::query("ROLLBACK").execute(&mut *conn).await {
        tracing::debug!(%err, "rollback");
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // The lock is held until the rollback has run.
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(rollback(conn));
            }
        }
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        match &self.conn {
            Some(conn) => conn,
            None => unreachable!("a WriteTx holds its connection until commit or rollback consume it"),
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match &mut self.conn {
            Some(conn) => conn,
            None => unreachable!("a WriteTx holds its connection until commit or rollback consume it"),
        }
    }
}
