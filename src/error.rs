//! The library's one error type. User mistakes are not errors: they are replies.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("telegram: {0}")]
    Telegram(#[from] teloxide::RequestError),
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("stored data: {0}")]
    Json(#[from] serde_json::Error),
    #[error("community file: {0}")]
    CommunityFile(String),
    #[error("settings: {0}")]
    Settings(String),
    /// `linli demo`: its server, or a step of its script that got no answer.
    #[error("demo: {0}")]
    Demo(String),
    #[error("message is empty")]
    EmptyMessage,
    #[error("message too long: {len} characters, at most {max}")]
    MessageTooLong { len: usize, max: usize },
    #[error("no job function registered for kind {0:?}")]
    UnknownJob(String),
    #[error("job failed: {0}")]
    Job(String),
    /// The report's chart could not be drawn or encoded.
    #[error("chart: {0}")]
    Chart(String),
    /// An error caught in a handler-tree filter, which can only pass values on by `Clone`.
    #[error(transparent)]
    Shared(std::sync::Arc<Error>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
