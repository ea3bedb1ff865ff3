//! One module per table: its query and its columns. Every query opens with the same
//! parameters (`p`: community, days, instants, language, phone allowed) so the runner binds
//! them the same way for all; a row's values come back in column order and are written as
//! they are read (`fetch`, one row at a time).

pub mod errands;
pub mod notices;
pub mod orders;
pub mod residents;
pub mod shifts;
pub mod temperatures;

use chrono_tz::Tz;
use rust_i18n::t;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use crate::clock::from_millis;
use crate::exports::model::Table;
use crate::i18n::Lang;

/// How a column's stored value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    /// Unix milliseconds, written as local "2026-11-29 08:30".
    Time,
    /// Fen, written as yuan "12.50".
    Money,
    /// Tenths of a degree, written "37.3".
    Tenths,
    /// Milliseconds of a duration, written as hours "2.5".
    Hours,
    /// 0/1, written as the reader's yes/no.
    Flag,
    /// A value the product wrote (a status, a kind): `exports.values.<prefix>.<value>`.
    Label(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// `exports.columns.<table>.<key>`.
    pub key: &'static str,
    pub kind: Kind,
    /// Shown only to officials of the community (the residents' phone).
    pub private: bool,
}

pub const fn col(key: &'static str, kind: Kind) -> Column {
    Column { key, kind, private: false }
}

pub struct Spec {
    pub table: Table,
    pub sql: &'static str,
    pub columns: &'static [Column],
}

impl Spec {
    pub fn of(table: Table) -> &'static Spec {
        match table {
            Table::Residents => &residents::SPEC,
            Table::Orders => &orders::SPEC,
            Table::Errands => &errands::SPEC,
            Table::Temperatures => &temperatures::SPEC,
            Table::Shifts => &shifts::SPEC,
            Table::Notices => &notices::SPEC,
        }
    }

    fn shown(&self, with_phone: bool) -> impl Iterator<Item = (usize, &Column)> {
        self.columns.iter().enumerate().filter(move |(_, c)| with_phone || !c.private)
    }

    /// The header in the reader's language.
    pub fn header(&self, lang: Lang, with_phone: bool) -> Vec<String> {
        let table = self.table.code();
        self.shown(with_phone)
            .map(|(_, c)| t!(format!("exports.columns.{table}.{}", c.key), locale = lang.code()).into_owned())
            .collect()
    }

    /// One row as text, in the reader's language and the community's time zone.
    pub fn values(&self, row: &SqliteRow, lang: Lang, tz: Tz, with_phone: bool) -> Vec<String> {
        self.shown(with_phone).map(|(i, c)| value(row, i, c.kind, lang, tz)).collect()
    }
}

fn value(row: &SqliteRow, i: usize, kind: Kind, lang: Lang, tz: Tz) -> String {
    let int = || row.try_get::<Option<i64>, _>(i).ok().flatten();
    match kind {
        Kind::Text => row.try_get::<Option<String>, _>(i).ok().flatten().unwrap_or_default(),
        Kind::Label(prefix) => row
            .try_get::<Option<String>, _>(i)
            .ok()
            .flatten()
            .map(|v| t!(format!("exports.values.{prefix}.{v}"), locale = lang.code()).into_owned())
            .unwrap_or_default(),
        Kind::Int => int().map(|v| v.to_string()).unwrap_or_default(),
        Kind::Time => {
            int().map(|ms| from_millis(ms).with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
        }
        Kind::Money => int().map(|f| format!("{}.{:02}", f / 100, f % 100)).unwrap_or_default(),
        Kind::Tenths => int().map(|t| format!("{}.{}", t / 10, t % 10)).unwrap_or_default(),
        Kind::Hours => int().map(|ms| format!("{:.2}", ms as f64 / 3_600_000.0)).unwrap_or_default(),
        Kind::Flag => match int() {
            Some(0) => t!("exports.values.no", locale = lang.code()).into_owned(),
            Some(_) => t!("exports.values.yes", locale = lang.code()).into_owned(),
            None => String::new(),
        },
    }
}

/// A building's name in the reader's language (`b` is `buildings`, `p` the parameters).
#[macro_export]
#[doc(hidden)]
macro_rules! building_name {
    () => {
        "CASE WHEN p.lang = 'en' THEN coalesce(b.name_en, b.name) ELSE b.name END"
    };
}
