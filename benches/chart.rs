//! Chart benchmark (issue 13, item 7): the daily report's picture of 14 days, drawn and
//! encoded as PNG 50 times in each language; prints p50/p99/worst and the PNG's size.
//! Goal < 300 ms. Run with `cargo bench --bench chart`;
//! `CHART_SAMPLES=/some/dir cargo bench --bench chart` also writes chart-zh.png and
//! chart-en.png there (and chart-zero-zh.png, a period with nothing), to look at.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use linli::chart::{render, ChartDay};
use linli::i18n::Lang;

const RUNS: usize = 50;

/// Two weeks of a busy community: hundreds of deliveries, thousands of temperature
/// reports with a few fevers, most checkpoint shifts staffed, one day without shifts.
fn days() -> Vec<ChartDay> {
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    (0..14i64)
        .map(|i| ChartDay {
            day: first + chrono::Days::new(i as u64),
            delivered: 420 + 37 * i - 90 * i64::from(i % 6 == 5),
            temperatures: 9_400 + 61 * (i % 5),
            fevers: [0, 0, 1, 0, 3, 2, 0, 0, 0, 7, 1, 0, 0, 2][i as usize],
            shifts_covered: if i == 6 { 0 } else { 58 + i % 7 },
            shifts_total: if i == 6 { 0 } else { 64 },
        })
        .collect()
}

fn main() {
    let days = days();
    if let Some(dir) = std::env::var_os("CHART_SAMPLES") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::write(dir.join("chart-zh.png"), render(Lang::ZhCn, &days).unwrap()).unwrap();
        std::fs::write(dir.join("chart-en.png"), render(Lang::En, &days).unwrap()).unwrap();
        let zero: Vec<ChartDay> = days
            .iter()
            .map(|d| ChartDay {
                delivered: 0,
                temperatures: 0,
                fevers: 0,
                shifts_covered: 0,
                shifts_total: 0,
                ..d.clone()
            })
            .collect();
        std::fs::write(dir.join("chart-zero-zh.png"), render(Lang::ZhCn, &zero).unwrap()).unwrap();
    }
    for lang in Lang::ALL {
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        let mut size = 0;
        for _ in 0..RUNS {
            let start = Instant::now();
            let png = render(lang, &days).unwrap();
            times.push(start.elapsed());
            size = png.len();
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "chart {:5}: {RUNS} renders of 14 days, p50 {:.1} ms, p99 {:.1} ms, worst {:.1} ms; PNG {} KB (goal < 300 ms)",
            lang.code(),
            ms(times[RUNS / 2]),
            ms(times[(RUNS * 99).div_ceil(100) - 1]),
            ms(times[RUNS - 1]),
            size.div_ceil(1024),
        );
    }
}
