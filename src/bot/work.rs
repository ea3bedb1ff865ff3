//! One update's write, owned by its handler: `BEGIN IMMEDIATE`, the slice's change, the
//! dialogue state, the outbox rows and jobs it causes, and the update marked done — then
//! one commit, and only then does the handler talk to Telegram.
//!
//! The write runs on the one writing connection (`db::Writer`): a Work waits its turn for
//! it, first come first served, then holds it until the commit. So read what you can before
//! `Work::begin` (on `app.pool`), and never await Telegram while holding a Work. Its
//! `BEGIN IMMEDIATE` takes SQLite's write lock at once: another process writing the file
//! (`linli invite`) is waited for in the busy handler, and a read-then-write never fails
//! half-way with SQLITE_BUSY (test `structure::a_hundred_volunteers…`).
//!
//! Why the update is marked here: a crash before the commit leaves the update unfinished,
//! so it is handled again at start (`bot::inbound`); a crash after it finds it done, so its
//! effects happen exactly once.

use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::bot::{inbound, storage, Ctx, State};
use crate::db::WriteTx;
use crate::jobs::{self, NewJob};
use crate::outbox::{self, OutMessage};
use crate::{App, Result};

pub struct Work {
    tx: WriteTx,
    /// The time of this change, from the app's clock.
    pub now: DateTime<Utc>,
    update_id: Option<i64>,
}

impl Work {
    /// Begins the write of the update `ctx` is answering.
    pub async fn begin(app: &App, ctx: &Ctx) -> Result<Work> {
        Self::start(app, Some(ctx.update_id)).await
    }

    /// Begins a write that answers no update (the command line, setup, background tasks).
    pub async fn begin_detached(app: &App) -> Result<Work> {
        Self::start(app, None).await
    }

    async fn start(app: &App, update_id: Option<i64>) -> Result<Work> {
        let tx = app.writer.begin().await?;
        Ok(Work { tx, now: app.now(), update_id })
    }

    /// The dialogue state of `ctx`'s chat after this change (`Idle` ends the dialogue).
    pub async fn set_state(&mut self, ctx: &Ctx, state: &State) -> Result<()> {
        storage::save(&mut *self.tx, ctx.chat_id.0, state, self.now).await
    }

    /// Queues a message to someone else, sent after the commit by the outbox sender.
    pub async fn notify(&mut self, chat_id: i64, message: OutMessage, opts: outbox::Options) -> Result<Vec<i64>> {
        outbox::enqueue(&mut self.tx, self.now, chat_id, message, opts).await
    }

    pub async fn schedule(&mut self, job: &NewJob) -> Result<i64> {
        jobs::schedule(&mut self.tx, self.now, job).await
    }

    /// Marks the update done and commits everything together.
    pub async fn commit(mut self) -> Result<()> {
        if let Some(id) = self.update_id {
            inbound::mark_done(&mut self.tx, id, self.now).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }

    /// A change that is only the dialogue state: begin, set, commit.
    pub async fn save_state(app: &App, ctx: &Ctx, state: &State) -> Result<()> {
        let mut work = Work::begin(app, ctx).await?;
        work.set_state(ctx, state).await?;
        work.commit().await
    }
}

impl Deref for Work {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for Work {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}
