//! The `exports` table: each export asked for, who asked, what, when, and how it ended.
//! Rows stay after their files are deleted (the record of who exported what).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::clock::millis;
use crate::exports::model::Table;
use crate::exports::writer::Part;
use crate::i18n::Lang;
use crate::Result;

/// Where an export stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "lowercase")]
pub enum Status {
    Running,
    Done,
    Failed,
}

/// What is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub user_id: i64,
    pub community_id: i64,
    pub tables: Vec<Table>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lang: Lang,
    pub with_phone: bool,
}

/// A stored export.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub id: i64,
    pub request: Request,
    pub status: Status,
    pub rows: i64,
    pub bytes: i64,
    /// Its community's name in the reader's language (for file names).
    pub community: String,
}

fn tables_text(tables: &[Table]) -> String {
    tables.iter().map(|t| t.code()).collect::<Vec<_>>().join(",")
}

/// Records a request (status `running`); the runner starts after the caller commits.
pub async fn record(conn: &mut SqliteConnection, now: DateTime<Utc>, r: &Request) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO exports (user_id, community_id, tables, from_day, to_day, lang, with_phone, status, requested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?) RETURNING id",
    )
    .bind(r.user_id)
    .bind(r.community_id)
    .bind(tables_text(&r.tables))
    .bind(r.from.to_string())
    .bind(r.to.to_string())
    .bind(r.lang.code())
    .bind(r.with_phone)
    .bind(millis(now))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

type ExportRow = (i64, i64, i64, String, String, String, String, bool, Status, i64, i64, String, String);

pub async fn load(pool: &SqlitePool, id: i64) -> Result<Option<Export>> {
    let row: Option<ExportRow> = sqlx::query_as(
        "SELECT e.id, e.user_id, e.community_id, e.tables, e.from_day, e.to_day, e.lang, e.with_phone, e.status,
                e.rows, e.bytes, c.name, c.name_en
         FROM exports e JOIN communities c ON c.id = e.community_id WHERE e.id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(id, user_id, community_id, tables, from, to, lang, with_phone, status, rows, bytes, zh, en)| {
        let lang = Lang::from_code(&lang)?;
        Some(Export {
            id,
            request: Request {
                user_id,
                community_id,
                tables: tables.split(',').filter_map(Table::from_code).collect(),
                from: from.parse().ok()?,
                to: to.parse().ok()?,
                lang,
                with_phone,
            },
            status,
            rows,
            bytes,
            community: lang.pick(&zh, &en).to_owned(),
        })
    }))
}

/// Exports left running (the process stopped while writing them), oldest first.
pub async fn running(conn: &mut SqliteConnection) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM exports WHERE status = 'running' ORDER BY id").fetch_all(conn).await?)
}

/// Marks it done with its figures and files; `false` when it was no longer running (done
/// by another runner), so its documents are queued once.
pub async fn mark_done(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    id: i64,
    rows: u64,
    bytes: u64,
    files: &[Part],
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE exports SET status = 'done', finished_at = ?, rows = ?, bytes = ?, files = ?
         WHERE id = ? AND status = 'running'",
    )
    .bind(millis(now))
    .bind(i64::try_from(rows).unwrap_or(i64::MAX))
    .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
    .bind(serde_json::to_string(files)?)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_failed(conn: &mut SqliteConnection, now: DateTime<Utc>, id: i64, error: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE exports SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'",
    )
    .bind(millis(now))
    .bind(error)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The files of finished exports before `before` still on disk (for the nightly prune),
/// or of one person's exports (`user`, for an erasure).
pub async fn files(conn: &mut SqliteConnection, before: Option<DateTime<Utc>>, user: Option<i64>) -> Result<Vec<Part>> {
    let lists: Vec<String> = sqlx::query_scalar(
        "SELECT files FROM exports WHERE files_deleted_at IS NULL AND files <> '[]'
           AND (?1 IS NULL OR (status <> 'running' AND finished_at < ?1)) AND (?2 IS NULL OR user_id = ?2)",
    )
    .bind(before.map(millis))
    .bind(user)
    .fetch_all(conn)
    .await?;
    Ok(lists.iter().flat_map(|l| serde_json::from_str::<Vec<Part>>(l).unwrap_or_default()).collect())
}

/// Records that those files are gone (same selection as [`files`]).
pub async fn forget_files(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    before: Option<DateTime<Utc>>,
    user: Option<i64>,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE exports SET files = '[]', files_deleted_at = ?3 WHERE files_deleted_at IS NULL AND files <> '[]'
           AND (?1 IS NULL OR (status <> 'running' AND finished_at < ?1)) AND (?2 IS NULL OR user_id = ?2)",
    )
    .bind(before.map(millis))
    .bind(user)
    .bind(millis(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// An erased person's exports stay, under the anonymous id.
pub async fn anonymise(conn: &mut SqliteConnection, user_id: i64, anonymous_id: i64) -> Result<()> {
    sqlx::query("UPDATE exports SET user_id = ? WHERE user_id = ?")
        .bind(anonymous_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
