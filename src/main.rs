//! The `linli` binary: parse the command line, load settings, call the library.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "linli", version, about = "Linli (邻里): a Telegram bot for a locked-down neighbourhood")]
struct Cli {
    /// SQLite database file.
    /// (Default linli.db; `demo` uses a fresh one in a temporary directory unless given.)
    #[arg(long, env = "LINLI_DB", global = true)]
    db: Option<PathBuf>,
    /// Administrators: comma-separated Telegram user ids (every role, every community).
    #[arg(long, env = "LINLI_ADMINS", global = true)]
    admins: Option<String>,
    /// Time zone for showing and scheduling times (IANA name).
    #[arg(long, env = "LINLI_TZ", default_value = "Asia/Shanghai", global = true)]
    tz: String,
    /// Language for people whose Telegram reports none: zh-CN or en.
    #[arg(long, env = "LINLI_LANG", default_value = "zh-CN", global = true)]
    lang: String,
    /// Volunteers may release a shift until this many hours before it starts.
    #[arg(long, env = "LINLI_RELEASE_CUTOFF_HOURS", default_value = "2", global = true)]
    release_cutoff_hours: String,
    /// Reminders this many hours before a claimed shift, comma-separated.
    #[arg(long, env = "LINLI_REMINDER_HOURS", default_value = "12,1", global = true)]
    reminder_hours: String,
    /// When the nightly supervision report goes to officials (community time).
    #[arg(long, env = "LINLI_NIGHTLY_AT", default_value = "20:00", global = true)]
    nightly_at: String,
    /// Isolated households' temperature prompts, morning and afternoon (community time).
    #[arg(long, env = "LINLI_TEMPERATURE_TIMES", default_value = "08:00,14:00", global = true)]
    temperature_times: String,
    /// A temperature at or above this (°C) alerts the community's officials at once.
    #[arg(long, env = "LINLI_FEVER_AT", default_value = "37.3", global = true)]
    fever_at: String,
    /// The daily garbage round for isolated households (HH:MM), or "off".
    #[arg(long, env = "LINLI_GARBAGE_ROUND_AT", default_value = "09:00", global = true)]
    garbage_round_at: String,
    /// When each community's daily report is made and sent to its officials (community time).
    #[arg(long, env = "LINLI_REPORT_AT", default_value = "21:00", global = true)]
    report_at: String,
    /// When the daily report is due: the communities that have not submitted are reminded.
    #[arg(long, env = "LINLI_REPORT_DUE", default_value = "22:00", global = true)]
    report_due: String,
    /// When a daily report still not submitted is submitted automatically (marked so).
    #[arg(long, env = "LINLI_REPORT_AUTO", default_value = "23:00", global = true)]
    report_auto: String,
    /// When the evening supervision round of the checkpoints starts (community time).
    #[arg(long, env = "LINLI_ROUND_FROM", default_value = "20:00", global = true)]
    round_from: String,
    /// Where `/export` writes its files (default: `exports/` beside the database file).
    #[arg(long, env = "LINLI_EXPORT_DIR", global = true)]
    export_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the bot with long polling (the default). Needs TELOXIDE_TOKEN.
    Run {
        /// Import this community file first (idempotent), as `linli setup FILE` does.
        #[arg(long, env = "LINLI_SETUP")]
        setup: Option<PathBuf>,
        /// Outgoing messages per second, all chats together (Telegram: about 30).
        #[arg(long, env = "LINLI_RATE_GLOBAL", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1000))]
        rate_global: u32,
        /// Outgoing messages per second to one person (Telegram: 1).
        #[arg(long, env = "LINLI_RATE_PRIVATE", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
        rate_private: u32,
        /// Outgoing messages per minute to one group (Telegram: 20).
        #[arg(long, env = "LINLI_RATE_GROUP", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
        rate_group: u32,
        /// Urgent notices to people as Telegram paid broadcasts, this many per second
        /// (Telegram: up to 1000, paid in Stars; enable paid broadcasts for the bot first).
        /// 0: off.
        #[arg(long, env = "LINLI_RATE_PAID", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=1000))]
        rate_paid: u32,
    },
    /// The whole product on this machine, without Telegram: a built-in Bot API, a web chat
    /// page with ready-made people, and a clock you can move forward. Then open the page.
    Demo {
        /// The page's port (loopback only).
        #[arg(long, env = "LINLI_DEMO_PORT", default_value_t = 8080)]
        port: u16,
        /// Start with no people (otherwise they register, order, claim a shift and send a
        /// notice through the bot first).
        #[arg(long)]
        empty: bool,
    },
    /// Create or upgrade the database, then exit.
    Migrate,
    /// Import a community file (idempotent): communities, buildings, checkpoints, catalog.
    Setup { file: PathBuf },
    /// Print an invite link for a volunteer or an official.
    Invite {
        #[arg(long, value_parser = ["volunteer", "official"])]
        role: String,
        /// Community name; may be left out when there is only one.
        #[arg(long)]
        community: Option<String>,
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=1000))]
        uses: u16,
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u16).range(1..=90))]
        days: u16,
        /// The bot's username; asked from Telegram (needs TELOXIDE_TOKEN) when left out.
        #[arg(long, env = "LINLI_BOT_USERNAME")]
        bot_username: Option<String>,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(err) = run(cli).await {
        // Not `{err:#}`: the library's errors already include their cause, which the
        // alternate form would repeat once per level (SQLite's message three times).
        eprintln!("linli: {err}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    linli::cli::init_tracing();
    let mut settings = linli::config::Settings::parse(cli.admins.as_deref(), Some(&cli.tz), Some(&cli.lang))?;
    settings.shifts =
        linli::config::ShiftRules::parse(&cli.release_cutoff_hours, &cli.reminder_hours, &cli.nightly_at)?;
    settings.health = linli::config::HealthRules::parse(&cli.temperature_times, &cli.fever_at, &cli.garbage_round_at)?;
    settings.reports = linli::config::ReportRules::parse(&cli.report_at, &cli.report_due, &cli.report_auto)?;
    settings.round_from = linli::config::round_from(Some(&cli.round_from))?;
    let db = cli.db.clone().unwrap_or_else(|| PathBuf::from("linli.db"));
    settings.exports.dir = Some(cli.export_dir.clone().unwrap_or_else(|| {
        db.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("exports"), |p| p.join("exports"))
    }));
    let run_defaults = Cmd::Run { setup: None, rate_global: 30, rate_private: 1, rate_group: 20, rate_paid: 0 };
    match cli.command.unwrap_or(run_defaults) {
        Cmd::Run { setup, rate_global, rate_private, rate_group, rate_paid } => {
            let limits = linli::outbox::Limits {
                global_per_sec: rate_global as usize,
                private_per_sec: rate_private as usize,
                group_per_min: rate_group as usize,
                paid_per_sec: rate_paid as usize,
                ..linli::outbox::Limits::default()
            };
            linli::cli::run_bot(&db, settings, setup.as_deref(), limits).await?
        }
        Cmd::Demo { port, empty } => {
            linli::demo::run(settings, linli::demo::Options { db: cli.db, port, populate: !empty }).await?
        }
        Cmd::Migrate => linli::cli::migrate(&db).await?,
        Cmd::Setup { file } => linli::cli::setup(&db, &file).await?,
        Cmd::Invite { role, community, uses, days, bot_username } => {
            linli::cli::invite(&db, &role, community.as_deref(), uses, days, bot_username).await?
        }
    }
    Ok(())
}
