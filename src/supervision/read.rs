//! What other slices may know about the round: a community's night in figures, for the
//! daily report (issue 13: "the round's result goes into the next daily report").

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use crate::i18n::Lang;
use crate::supervision::model::Outcome;
use crate::Result;

/// A community's round of one night.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundFigures {
    /// Checkpoints of the community.
    pub checkpoints: i64,
    /// Visited that night.
    pub visited: i64,
    /// Visits that recorded a problem, in list order.
    pub problems: Vec<RoundProblem>,
    /// Names of checkpoints not visited, in list order.
    pub not_visited: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundProblem {
    pub checkpoint: String,
    /// Locale key of the problem's kind (`supervision.kind.*`).
    pub kind_key: &'static str,
    pub note: Option<String>,
    pub photo: bool,
}

/// The round of `night` (the evening's local date; see `model::night_of`) in
/// `community_id`, checkpoint names in Chinese.
pub async fn round_of(conn: &mut SqliteConnection, community_id: i64, night: NaiveDate) -> Result<RoundFigures> {
    round_in(conn, community_id, night, Lang::ZhCn).await
}

/// [`round_of`] with the checkpoints' names in `lang` (the Chinese one where a checkpoint
/// has no English name). One statement, whatever the number of checkpoints.
pub async fn round_in(
    conn: &mut SqliteConnection,
    community_id: i64,
    night: NaiveDate,
    lang: Lang,
) -> Result<RoundFigures> {
    type Row = (String, String, Option<String>, Option<String>, bool);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.name, COALESCE(c.name_en, ''), v.outcome, v.note, v.photo IS NOT NULL
         FROM checkpoints c
         LEFT JOIN supervision_visits v ON v.checkpoint_id = c.id AND v.night = ?
         WHERE c.community_id = ? ORDER BY c.id",
    )
    .bind(night.to_string())
    .bind(community_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut figures =
        RoundFigures { checkpoints: rows.len() as i64, visited: 0, problems: Vec::new(), not_visited: Vec::new() };
    for (name, name_en, outcome, note, photo) in rows {
        let name = lang.pick(&name, &name_en).to_owned();
        match outcome.as_deref().map(Outcome::from_db) {
            None => figures.not_visited.push(name),
            Some(outcome) => {
                figures.visited += 1;
                if let Some(kind) = outcome.problem() {
                    figures.problems.push(RoundProblem { checkpoint: name, kind_key: kind.key(), note, photo });
                }
            }
        }
    }
    Ok(figures)
}
