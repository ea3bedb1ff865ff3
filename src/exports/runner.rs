//! The export itself, after the request's commit, on a thread of its own: nothing of it runs
//! in a handler or in a job's transaction (the runner holds the write lock while a job
//! runs). Each table is read with `fetch` (one row at a time, a read transaction of its
//! own in WAL mode, so the bot goes on writing) and written row by row into CSV parts on
//! disk; then one short `Work` marks the export done and queues the files, which the
//! outbox streams from disk when it sends them. A failure marks it failed and tells the
//! person. An export left running by a stop is started again at start ([`resume`]).

use chrono::{Duration, NaiveDate, TimeZone};
use futures::TryStreamExt;
use rust_i18n::t;

use crate::bot::Work;
use crate::clock::millis;
use crate::exports::model::file_name;
use crate::exports::store::{self, Export, Status};
use crate::exports::tables::Spec;
use crate::exports::writer::{Part, Parts};
use crate::outbox::{self, OutMessage};
use crate::{App, Result};

/// Starts export `id` (call after the commit that recorded it) on a thread of its own
/// with a small runtime: quoting a million rows never takes a worker of the bot's runtime,
/// and the export outlives the runtime of the handler that asked for it. If the thread
/// cannot start, the row stays `running` and is started again at the next start.
pub fn spawn(app: &App, id: i64) {
    let app = App::with_clock(app.db(), app.settings.clone(), app.clock.clone());
    let started = std::thread::Builder::new().name(format!("export-{id}")).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime,
            Err(err) => return tracing::error!(export = id, %err, "cannot start an export"),
        };
        runtime.block_on(async move {
            if let Err(err) = run(&app, id).await {
                tracing::warn!(export = id, %err, "export failed");
                if let Err(err) = fail(&app, id, &err.to_string()).await {
                    tracing::error!(export = id, %err, "could not record a failed export");
                }
            }
        });
    });
    if let Err(err) = started {
        tracing::error!(export = id, %err, "cannot start an export");
    }
}

/// Starts again every export left running (`Slice::setup`: at start).
pub async fn resume(conn: &mut sqlx::SqliteConnection, app: &App) -> Result<()> {
    for id in store::running(conn).await? {
        tracing::info!(export = id, "export left running: started again");
        spawn(app, id);
    }
    Ok(())
}

/// The instant a local day starts.
fn start_of(app: &App, day: NaiveDate) -> i64 {
    let tz = app.settings.timezone;
    let local = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&local).earliest().map_or(0, |t| millis(t.with_timezone(&chrono::Utc)))
}

/// Writes every table of export `id`, then marks it done and queues its files.
pub async fn run(app: &App, id: i64) -> Result<()> {
    let Some(export) = store::load(&app.pool, id).await? else { return Ok(()) };
    if export.status != Status::Running {
        return Ok(());
    }
    let dir = app.settings.exports.dir();
    std::fs::create_dir_all(&dir).map_err(|e| crate::Error::Job(format!("export folder {}: {e}", dir.display())))?;
    let r = &export.request;
    let (from_ms, to_ms) = (start_of(app, r.from), start_of(app, r.to + Duration::days(1)));
    let mut written: Vec<(&'static Spec, Vec<Part>)> = Vec::new();
    for table in &r.tables {
        let spec = Spec::of(*table);
        let header = spec.header(r.lang, r.with_phone);
        let stem = format!("{id}-{}", table.code());
        let mut parts = Parts::create(&dir, &stem, &header, app.settings.exports.part_bytes)?;
        let mut rows = sqlx::query(spec.sql)
            .bind(r.community_id)
            .bind(r.from.to_string())
            .bind(r.to.to_string())
            .bind(from_ms)
            .bind(to_ms)
            .bind(r.lang.code())
            .bind(r.with_phone)
            .fetch(&app.pool);
        while let Some(row) = rows.try_next().await? {
            parts.write(&spec.values(&row, r.lang, app.settings.timezone, r.with_phone))?;
        }
        written.push((spec, parts.finish()?));
    }
    finish(app, &export, &written).await
}

/// One short write: the export done, its files queued to the person who asked.
async fn finish(app: &App, export: &Export, written: &[(&'static Spec, Vec<Part>)]) -> Result<()> {
    let r = &export.request;
    let l = r.lang.code();
    let all: Vec<Part> = written.iter().flat_map(|(_, parts)| parts.iter().cloned()).collect();
    let rows = all.iter().map(|p| p.rows).sum();
    let bytes = all.iter().map(|p| p.bytes).sum();
    let mut work = Work::begin_detached(app).await?;
    let now = work.now;
    if !store::mark_done(&mut work, now, export.id, rows, bytes, &all).await? {
        return Ok(());
    }
    for (spec, parts) in written {
        let count = u32::try_from(parts.len()).unwrap_or(u32::MAX);
        let table_rows: u64 = parts.iter().map(|p| p.rows).sum();
        for (i, part) in parts.iter().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let name = file_name(&export.community, spec.table.code(), r.from, r.to, n, count);
            let table = t!(format!("exports.table.{}", spec.table.code()), locale = l);
            let caption = if count > 1 {
                t!("exports.caption_part", locale = l, table = table, rows = table_rows, part = n, parts = count)
            } else {
                t!("exports.caption", locale = l, table = table, rows = table_rows)
            };
            let message = OutMessage::document_file(name, part.path.clone(), Some(caption.into_owned()));
            work.notify(r.user_id, message, outbox::Options::default()).await?;
        }
    }
    work.commit().await
}

/// Marks it failed, deletes what was written, and tells the person in their language.
async fn fail(app: &App, id: i64, error: &str) -> Result<()> {
    let Some(export) = store::load(&app.pool, id).await? else { return Ok(()) };
    let dir = app.settings.exports.dir();
    for table in &export.request.tables {
        for n in 1.. {
            let path = dir.join(format!("{id}-{}-{n}.csv", table.code()));
            if std::fs::remove_file(&path).is_err() {
                break;
            }
        }
    }
    let mut work = Work::begin_detached(app).await?;
    let now = work.now;
    if store::mark_failed(&mut work, now, id, error).await? {
        let text = t!("exports.failed", locale = export.request.lang.code());
        work.notify(export.request.user_id, OutMessage::text(text), outbox::Options::default()).await?;
    }
    work.commit().await
}
