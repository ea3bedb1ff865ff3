//! The last days of a community, day by day, for the report's chart (`crate::chart`,
//! drawn by `picture`): orders delivered,
//! temperature reports and fevers, shifts fully staffed. Three statements for the whole
//! period (grouped by day on the tables' day indexes), not one per day.

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use crate::chart::ChartDay;
use crate::clock::day_bounds;
use crate::clock::millis;
use crate::Result;

/// How many days the chart shows.
pub const DAYS: u32 = 14;

/// The `DAYS` days ending with `last`, oldest first, every day present (zeros included).
pub async fn trend(
    conn: &mut SqliteConnection,
    community_id: i64,
    last: NaiveDate,
    tz: chrono_tz::Tz,
) -> Result<Vec<ChartDay>> {
    let first = last - chrono::Days::new(u64::from(DAYS - 1));
    let mut days: Vec<ChartDay> = first
        .iter_days()
        .take(DAYS as usize)
        .map(|day| ChartDay { day, delivered: 0, temperatures: 0, fevers: 0, shifts_covered: 0, shifts_total: 0 })
        .collect();
    let len = days.len();
    let index = move |day: NaiveDate| usize::try_from((day - first).num_days()).ok().filter(|i| *i < len);

    // Deliveries are instants: each day's bounds in the community's time zone, as a VALUES
    // table the counts are joined to (a time zone's offset may change within the period).
    let bounds: Vec<(i64, i64)> = days
        .iter()
        .map(|d| {
            let (s, e) = day_bounds(d.day, tz);
            (millis(s), millis(e))
        })
        .collect();
    let values = vec!["(?, ?, ?)"; bounds.len()].join(", ");
    let sql = format!(
        "WITH d(i, s, e) AS (VALUES {values})
         SELECT d.i, (SELECT count(*) FROM orders o
                      WHERE o.community_id = ? AND o.delivered_at >= d.s AND o.delivered_at < d.e)
         FROM d"
    );
    let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
    for (i, (s, e)) in bounds.iter().enumerate() {
        q = q.bind(i as i64).bind(*s).bind(*e);
    }
    for (i, delivered) in q.bind(community_id).fetch_all(&mut *conn).await? {
        if let Some(d) = usize::try_from(i).ok().and_then(|i| days.get_mut(i)) {
            d.delivered = delivered;
        }
    }

    let counts = |table: &str, figures: &str| {
        format!(
            "SELECT day, count(*), coalesce(sum({figures}), 0) FROM {table}
             WHERE community_id = ?1 AND day >= ?2 AND day <= ?3 GROUP BY day"
        )
    };
    let temperatures = per_day(conn, &counts("temperature_reports", "fever"), community_id, first, last).await?;
    for (day, reports, fevers) in temperatures {
        if let Some(i) = index(day) {
            days[i].temperatures = reports;
            days[i].fevers = fevers;
        }
    }
    let staffed = "taken >= capacity AND seniors_taken >= min_senior";
    for (day, total, covered) in per_day(conn, &counts("shifts", staffed), community_id, first, last).await? {
        if let Some(i) = index(day) {
            days[i].shifts_total = total;
            days[i].shifts_covered = covered;
        }
    }
    Ok(days)
}

/// A `(day, count, sum)` per day of a table with a `day` column, by its community index.
async fn per_day(
    conn: &mut SqliteConnection,
    sql: &str,
    community_id: i64,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(NaiveDate, i64, i64)>> {
    Ok(sqlx::query_as(sql).bind(community_id).bind(first).bind(last).fetch_all(&mut *conn).await?)
}
