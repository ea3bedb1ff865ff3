//! What the binary's subcommands do. Every failure is one line naming what to fix.

use std::path::Path;

use teloxide::prelude::*;

use crate::bot::{menu, schema};
use crate::config::Settings;
use crate::outbox::{Limits, Sender};
use crate::people::model::Role;
use crate::people::{invites, store};
use crate::{community, db, jobs, App, Error, Result};

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// Reads the bot settings teloxide would otherwise panic on, and says what to set.
pub fn bot_from_env() -> Result<Bot> {
    let token = std::env::var("TELOXIDE_TOKEN").unwrap_or_default();
    let token = token.trim();
    let well_formed = token
        .split_once(':')
        .is_some_and(|(id, secret)| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && secret.len() >= 20);
    if !well_formed {
        return Err(Error::Settings(
            "TELOXIDE_TOKEN is missing or malformed: create a bot with @BotFather and set TELOXIDE_TOKEN=123456:ABC… (see README)"
                .into(),
        ));
    }
    // teloxide panics on an unparsable API URL or proxy: check them first, then let it
    // read the environment itself (token, TELOXIDE_API_URL, TELOXIDE_PROXY).
    for (name, example) in
        [("TELOXIDE_API_URL", "http://127.0.0.1:8081"), ("TELOXIDE_PROXY", "socks5://127.0.0.1:1080")]
    {
        if let Ok(value) = std::env::var(name) {
            if url::Url::parse(value.trim_end_matches('/')).is_err() {
                return Err(Error::Settings(format!("{name} must be a URL such as {example}, got {value:?}")));
            }
        }
    }
    Ok(Bot::from_env())
}

/// Opens the database, naming the setting to fix when it cannot.
pub(crate) async fn open_db(path: &Path) -> Result<db::Db> {
    db::connect(path).await.map_err(|e| {
        let path = path.display();
        if db::is_read_only(&e) {
            Error::Settings(format!(
                "the database {path} is read-only for this user: make the file and its folder writable, or set --db or LINLI_DB to a file it can write"
            ))
        } else {
            Error::Settings(format!("cannot open the database {path} (set --db or LINLI_DB): {e}"))
        }
    })
}

pub async fn migrate(path: &Path) -> Result<()> {
    open_db(path).await?;
    println!("database {} is up to date", path.display());
    Ok(())
}

pub async fn setup(path: &Path, file: &Path) -> Result<()> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Error::CommunityFile(format!("cannot read {}: {e}", file.display())))?;
    let parsed = community::CommunityFile::parse(&text)?;
    let db = open_db(path).await?;
    let s = community::import(&db.write, &parsed).await?;
    println!(
        "imported {}: {} communities, {} buildings, {} checkpoints, {} shift templates, {} catalog items",
        file.display(),
        s.communities,
        s.buildings,
        s.checkpoints,
        s.shift_templates,
        s.catalog_items
    );
    Ok(())
}

pub async fn invite(
    path: &Path,
    role: &str,
    community: Option<&str>,
    uses: u16,
    days: u16,
    bot_username: Option<String>,
) -> Result<()> {
    let role = Role::from_code(role).ok_or_else(|| Error::Settings("--role must be volunteer or official".into()))?;
    let db = open_db(path).await?;
    let all = store::communities(&db.read).await?;
    let chosen = match community {
        Some(name) => all.iter().find(|c| c.name == name || c.name_en == name),
        None if all.len() == 1 => all.first(),
        None => None,
    };
    let Some(chosen) = chosen else {
        let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
        return Err(Error::Settings(format!(
            "--community must name one of: {} (run `linli setup FILE` first if empty)",
            names.join(", ")
        )));
    };
    let username = match bot_username {
        Some(u) => u.trim_start_matches('@').to_owned(),
        None => {
            let me = bot_from_env()?.get_me().await.map_err(|e| {
                Error::Settings(format!("could not ask Telegram for the bot's name ({e}); pass --bot-username"))
            })?;
            me.username().to_owned()
        }
    };
    let invite = store::NewInvite {
        role,
        community_id: chosen.id,
        created_by: None,
        max_uses: i64::from(uses),
        days: i64::from(days),
    };
    let now = crate::clock::Clock::now(&crate::clock::SystemClock);
    let code = store::create_invite(&mut *db.write.lock().await, now, &invite).await?;
    println!("{}", invites::link(&username, &code));
    Ok(())
}

/// The outbox sender and the scheduler, each restarted if its loop ever fails. They stop
/// when the returned set is dropped (with the bot: `linli demo`'s tests start and stop it).
async fn start_background(bot: &Bot, app: &std::sync::Arc<App>, limits: Limits) -> Result<tokio::task::JoinSet<()>> {
    let mut tx = app.writer.begin().await?;
    crate::bot::slice::setup_all(&mut tx, app).await?;
    tx.commit().await?;

    let sender = Sender::with_clock(bot.clone(), app.db(), limits, app.clock.clone());
    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(async move {
        loop {
            if let Err(err) = sender.run().await {
                tracing::error!(%err, "outbox sender stopped; restarting in 5 s");
            }
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    });
    let runner = jobs::Runner::new(app.clone(), crate::bot::slice::job_registry());
    runner.recover().await?;
    tasks.spawn(async move { runner.run().await });
    Ok(tasks)
}

pub async fn run_bot(path: &Path, settings: Settings, community_file: Option<&Path>, limits: Limits) -> Result<()> {
    let bot = bot_from_env()?;
    if let Some(file) = community_file {
        setup(path, file).await?;
    }
    let db = open_db(path).await?;
    tracing::info!(db = %path.display(), "opening Linli");
    serve(bot, App::new(db, settings), limits).await
}

/// How long one `getUpdates` waits for an update (teloxide's own default; the HTTP client
/// gives up after 17 s).
const LONG_POLL: std::time::Duration = std::time::Duration::from_secs(10);

/// The bot itself, whichever Bot API it talks to (Telegram's, or `linli demo`'s): checks
/// the token, starts the sender and the scheduler, answers what a crash left unanswered,
/// then polls until Ctrl-C.
pub async fn serve(bot: Bot, app: std::sync::Arc<App>, limits: Limits) -> Result<()> {
    let me = bot.get_me().await.map_err(|e| {
        Error::Settings(format!("Telegram did not accept TELOXIDE_TOKEN ({e}); check the token from @BotFather"))
    })?;
    tracing::info!(bot = me.username(), "Linli is running");
    menu::set_defaults(&bot).await;
    let _background = start_background(&bot, &app, limits).await?;
    // Updates a crash left half-handled are answered before new ones are fetched.
    let handler = schema();
    let replayed = crate::bot::inbound::replay(&bot, &me, &app, &handler).await?;
    if replayed > 0 {
        tracing::info!(replayed, "unfinished updates handled");
    }
    // A long poll: an idle bot waits at Telegram for the next update instead of asking again
    // at once (without a timeout, `getUpdates` answers at once and the bot spins).
    let polling =
        teloxide::update_listeners::Polling::builder(bot.clone()).timeout(LONG_POLL).delete_webhook().await.build();
    let listener = crate::bot::listener::DurablePolling::new(polling, app.clone());
    Dispatcher::builder(bot.clone(), handler)
        .dependencies(dptree::deps![app])
        .default_handler(|_| async {})
        .enable_ctrlc_handler()
        .build()
        .dispatch_with_listener(
            listener,
            teloxide::error_handlers::LoggingErrorHandler::with_custom_text("polling failed"),
        )
        .await;
    Ok(())
}
