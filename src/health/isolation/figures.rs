//! What the officials see of their isolated households, in one place: each household with
//! the people registered, today's temperature reports and open errands, and the
//! community's daily line (households, reports in / expected, fevers, errands open / done /
//! overdue) — for `/isolated` and its CSV. Each
//! figure comes from its slice's read API in one statement per slice, joined here by
//! household.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_i18n::t;
use sqlx::SqliteConnection;

use crate::health::errands::store as errands;
use crate::health::isolation::store::{self, Isolation};
use crate::health::temperature::store as temperature;
use crate::i18n::Lang;
use crate::{App, Result};

/// One isolated household as the officials' list shows it.
#[derive(Debug, Clone)]
pub struct Row {
    pub iso: Isolation,
    /// Accounts registered at the address.
    pub people: i64,
    /// Today's temperature reports of the slots due / expected, fevers today.
    pub reported: i64,
    pub expected: i64,
    pub fevers: i64,
    /// Errands open or under way.
    pub errands: i64,
}

/// A community's isolated households today, with its daily figures.
#[derive(Debug, Clone)]
pub struct Overview {
    pub day: NaiveDate,
    pub rows: Vec<Row>,
    pub temperatures: temperature::DayFigures,
    pub errands: errands::DayFigures,
}

pub async fn overview(
    conn: &mut SqliteConnection,
    app: &App,
    community_id: i64,
    now: DateTime<Utc>,
) -> Result<Overview> {
    let day = app.day_at(now);
    let due = temperature::slots_due(app, now);
    let households = store::isolated_today(conn, community_id, day).await?;
    let people: HashMap<i64, i64> = store::registered_counts(conn, community_id, day).await?.into_iter().collect();
    let reports: HashMap<(i64, String), temperature::HouseholdReports> =
        temperature::household_reports(conn, community_id, day, due)
            .await?
            .into_iter()
            .map(|r| ((r.building_id, r.household.clone()), r))
            .collect();
    let open: HashMap<(i64, String), i64> =
        errands::open_by_household(conn, community_id).await?.into_iter().map(|(b, h, n)| ((b, h), n)).collect();
    let rows = households
        .into_iter()
        .map(|iso| {
            let key = (iso.building_id, iso.household.clone());
            let r = reports.get(&key);
            Row {
                errands: open.get(&key).copied().unwrap_or_default(),
                people: people.get(&iso.id).copied().unwrap_or_default(),
                reported: r.map_or(0, |r| r.reported),
                expected: r.map_or(0, |r| r.expected),
                fevers: r.map_or(0, |r| r.fevers),
                iso,
            }
        })
        .collect();
    let temperatures = temperature::day_figures(conn, community_id, day, due).await?;
    let errands = errands::day_figures(conn, community_id, day, now, app.settings.timezone).await?;
    Ok(Overview { day, rows, temperatures, errands })
}

impl Overview {
    /// "今天体温已报 18/20 · 发热 1 · 差事 …" (the list's second line).
    pub fn today_line(&self, lang: Lang) -> String {
        let t = &self.temperatures;
        t!(
            "isolation.list.today",
            locale = lang.code(),
            reported = t.reported,
            expected = t.expected,
            fevers = t.fevers,
            errands = self.errands_part(lang)
        )
        .into_owned()
    }

    fn errands_part(&self, lang: Lang) -> String {
        let e = &self.errands;
        t!("isolation.errands", locale = lang.code(), open = e.open, done = e.done, overdue = e.overdue).into_owned()
    }

    pub fn people(&self) -> i64 {
        self.rows.iter().map(|r| r.people).sum()
    }
}

impl Row {
    /// "体温 1/2" (and "· 🌡 发热 1" when there was one).
    pub fn reports(&self, lang: Lang) -> String {
        let l = lang.code();
        let mut s =
            t!("isolation.list.reports", locale = l, reported = self.reported, expected = self.expected).into_owned();
        if self.fevers > 0 {
            s.push_str(&t!("isolation.list.fevers", locale = l, fevers = self.fevers));
        }
        if self.errands > 0 {
            s.push_str(&t!("isolation.list.open_errands", locale = l, errands = self.errands));
        }
        s
    }
}
