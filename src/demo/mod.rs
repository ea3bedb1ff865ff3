//! `linli demo`: the whole product on one machine, without Telegram. A built-in Bot API
//! on loopback (`botapi`) that the real bot talks to through its API URL, exactly as it
//! would to Telegram; a web chat page (`page`) where a visitor is each persona in turn;
//! a world the personas build through the bot's own dialogues (`world`); and a clock the
//! page can move forward. Nothing leaves the machine.
//!
//! [`start`] runs it all in the background and returns its address: the browser test
//! drives it through the page, and load tests can push updates into `hub.inbox` and count
//! what the bot sends in the hub.

pub mod botapi;
pub mod chat;
pub mod hub;
pub mod inbox;
pub mod page;
pub mod telegram;
pub mod world;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveTime, TimeZone};
use chrono_tz::Tz;
use teloxide::Bot;
use tokio::net::TcpListener;

use crate::clock::{millis, Clock, OffsetClock};
use crate::config::Settings;
use crate::outbox::Limits;
use crate::{community, App, Error, Result};

/// The example community, compiled in: the demo needs no file beside the binary.
pub const EXAMPLE: &str = include_str!("../../examples/community.toml");

#[derive(Debug, Clone)]
pub struct Options {
    /// Keep the database here instead of a fresh temporary directory.
    pub db: Option<PathBuf>,
    pub port: u16,
    /// Build the personas' world through the dialogues (off: an empty world).
    pub populate: bool,
}

/// What the page's handlers share.
pub struct Demo {
    pub hub: Arc<hub::Hub>,
    pub tz: Tz,
    clock: Arc<OffsetClock>,
    pool: sqlx::SqlitePool,
}

impl Demo {
    /// The bot's clock, as the page's header shows it.
    pub fn now_text(&self) -> (i64, String) {
        let now = self.clock.now();
        let local = now.with_timezone(&self.tz);
        let weekday = ["周一 Mon", "周二 Tue", "周三 Wed", "周四 Thu", "周五 Fri", "周六 Sat", "周日 Sun"]
            [local.weekday().num_days_from_monday() as usize];
        (millis(now), format!("{} {weekday} {}", local.format("%Y-%m-%d"), local.format("%H:%M")))
    }

    /// The page's time controls: `hour` (+1 h), `evening` (the next 20:00), `morning`
    /// (the next 07:45: this morning's after midnight, else tomorrow's). Returns false for
    /// anything else.
    pub fn move_clock(&self, to: &str) -> bool {
        let now = self.clock.now();
        let local = now.with_timezone(&self.tz);
        let at = |days: i64, h: u32, m: u32| {
            let day = local.date_naive() + Duration::days(days);
            let time = NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
            self.tz.from_local_datetime(&day.and_time(time)).earliest().map(|t| t.to_utc())
        };
        let target = match to {
            "hour" => Some(now + Duration::hours(1)),
            "evening" => at(0, 20, 0).filter(|t| *t > now).or_else(|| at(1, 20, 0)),
            "morning" => at(0, 7, 45).filter(|t| *t > now).or_else(|| at(1, 7, 45)),
            _ => return false,
        };
        if let Some(target) = target {
            self.clock.advance(target - now);
        }
        true
    }

    /// Messages the outbox has not sent yet (a broadcast visibly queues at Telegram's rate).
    pub async fn queued(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
            .fetch_one(&self.pool)
            .await
            .unwrap_or_default()
    }
}

/// A bot whose every request goes to the demo's Bot API at `addr` (never through a proxy).
pub fn bot_for(addr: SocketAddr) -> Result<Bot> {
    let client = teloxide::net::default_reqwest_settings()
        .no_proxy()
        .build()
        .map_err(|e| Error::Demo(format!("HTTP client: {e}")))?;
    let url = url::Url::parse(&format!("http://{addr}/")).map_err(|e| Error::Demo(e.to_string()))?;
    Ok(Bot::with_client(telegram::TOKEN, client).set_api_url(url))
}

/// A demo that is running: its address, its state, and whether its world is built.
pub struct Running {
    pub addr: SocketAddr,
    pub demo: Arc<Demo>,
    pub app: Arc<App>,
    pub db: PathBuf,
    ready: tokio::sync::watch::Receiver<Option<std::result::Result<(), String>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Running {
    /// `http://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Waits until the personas' world is built (at once for an empty demo).
    pub async fn ready(&mut self) -> Result<()> {
        let outcome = self.ready.wait_for(Option::is_some).await.map_err(|e| Error::Demo(e.to_string()))?;
        outcome.clone().unwrap_or(Ok(())).map_err(Error::Demo)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Starts the Bot API and the page, the bot against them, and the script that builds the
/// personas' world; returns at once.
pub async fn start(mut settings: Settings, options: Options) -> Result<Running> {
    let dir = tempfile::Builder::new()
        .prefix("linli-demo-")
        .tempdir()
        .map_err(|e| Error::Demo(format!("cannot create a temporary directory: {e}")))?;
    let path = options.db.clone().unwrap_or_else(|| dir.path().join("linli.db"));
    let db = crate::cli::open_db(&path).await?;
    community::import(&db.write, &community::CommunityFile::parse(EXAMPLE)?).await?;
    let pool = db.read.clone();

    let listener = TcpListener::bind(("127.0.0.1", options.port)).await.map_err(|e| {
        Error::Demo(format!("cannot listen on 127.0.0.1:{} ({e}); choose another port with --port", options.port))
    })?;
    let addr = listener.local_addr().map_err(|e| Error::Demo(format!("cannot listen: {e}")))?;
    let clock = Arc::new(OffsetClock::default());
    settings.admins.push(world::ADMIN);
    let hub = Arc::new(hub::Hub::new(world::personas(), clock.clone()));
    let last_update: Option<i64> =
        sqlx::query_scalar("SELECT max(update_id) FROM inbound_updates").fetch_one(&pool).await?;
    hub.inbox.continue_after(last_update.unwrap_or_default());
    let demo = Arc::new(Demo { hub: hub.clone(), tz: settings.timezone, clock: clock.clone(), pool: pool.clone() });
    let app = App::with_clock(db, settings, clock);
    let bot = bot_for(addr)?;

    let (done, ready) = tokio::sync::watch::channel(None);
    let mut tasks = vec![tokio::spawn(serve_http(listener, demo.clone())), tokio::spawn(watch_queue(demo.clone()))];
    let bot_app = app.clone();
    tasks.push(tokio::spawn(async move {
        if let Err(err) = crate::cli::serve(bot, bot_app, Limits::default()).await {
            tracing::error!(%err, "the demo's bot stopped");
        }
    }));
    let (script_demo, script_app) = (demo.clone(), app.clone());
    tasks.push(tokio::spawn(async move {
        // A kept database (`--db`) already has its people: the script runs once per database.
        let built: i64 =
            sqlx::query_scalar("SELECT count(*) FROM residents").fetch_one(&script_app.pool).await.unwrap_or_default();
        let outcome =
            if options.populate && built == 0 { world::populate(&script_demo, &script_app).await } else { Ok(()) };
        done.send_replace(Some(outcome.map_err(|e| e.to_string())));
    }));
    Ok(Running { addr, demo, app, db: path, ready, tasks, _dir: dir })
}

/// Runs the demo until Ctrl-C.
pub async fn run(settings: Settings, options: Options) -> Result<()> {
    let mut running = start(settings, options).await?;
    println!(
        "Linli demo: database {}; the people are registering, ordering and sending a notice…",
        running.db.display()
    );
    match running.ready().await {
        Ok(()) => println!("Linli demo is ready: open {} (Ctrl-C stops it)", running.url()),
        Err(err) => {
            eprintln!("linli demo: the example world is incomplete ({err}); the page still works: {}", running.url())
        }
    }
    tokio::signal::ctrl_c().await.map_err(|e| Error::Demo(format!("waiting for Ctrl-C: {e}")))?;
    Ok(())
}

/// The Bot API and the page on one loopback port.
async fn serve_http(listener: TcpListener, demo: Arc<Demo>) {
    let router = page::routes().with_state(demo.clone()).fallback(botapi::handle).with_state(demo.hub.clone());
    if let Err(err) = axum::serve(listener, router).await {
        tracing::error!(%err, "the demo's HTTP server stopped");
    }
}

/// Tells the page how many messages wait in the outbox whenever that changes.
async fn watch_queue(demo: Arc<Demo>) {
    let mut last = -1;
    loop {
        let queued = demo.queued().await;
        if queued != last {
            last = queued;
            demo.hub.emit(hub::Event::Queued { queued });
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}
