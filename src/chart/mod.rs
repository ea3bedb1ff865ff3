//! The daily report's picture: the last 14 days of a community at a glance, for officials
//! who would rather look than read (issue 13, item 3).
//!
//! Pure: figures in, PNG bytes out — no Telegram, no database. The report gathers the
//! figures, calls [`render`] and sends the bytes as a photo (the community's name goes in
//! the caption, so the only text drawn here is locale text, digits and punctuation).
//!
//! The picture is drawn by `plotters` into an RGB buffer and encoded by `png` in memory.
//! Text goes through `ab_glyph` with the font shipped in `assets/fonts/` (a subset of Noto
//! Sans CJK SC): no system font, so the picture is the same on every machine, and a
//! Chinese label can never silently draw as nothing because a server lacks a CJK font
//! (the tests check every label's characters against the font).

mod draw;
#[cfg(test)]
mod tests;
mod text;

use rust_i18n::t;

use crate::i18n::Lang;

/// One day's figures, as the daily report counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartDay {
    pub day: chrono::NaiveDate,
    /// Orders delivered that day.
    pub delivered: i64,
    /// Temperature reports received.
    pub temperatures: i64,
    /// Of which fevers.
    pub fevers: i64,
    /// Shifts fully staffed.
    pub shifts_covered: i64,
    /// Shifts that day (0 = no checkpoint shifts: the day's coverage is not drawn).
    pub shifts_total: i64,
}

/// The picture's size: landscape, readable on a phone once Telegram fits it to the screen
/// (a few hundred kilobytes, far below Telegram's 10 MB for photos).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 800;

/// The font every label is drawn with: a subset of Noto Sans CJK SC (ASCII, punctuation,
/// the GB2312 symbols and level-1 characters; see `assets/fonts/README.md`).
pub(crate) const FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Subset.otf");

/// The days given (the report passes the last 14, oldest first, every day present even
/// with zeros) as a PNG of [`WIDTH`] × [`HEIGHT`]. An empty slice is an error: there is no
/// period to title. Negative figures are drawn as zero, coverage above 100 % as 100 %.
pub fn render(lang: Lang, days: &[ChartDay]) -> crate::Result<Vec<u8>> {
    let labels = Labels::new(lang, days).ok_or_else(|| failed("no days to draw"))?;
    let rgb = draw::picture(&labels, days)?;
    encode_png(&rgb)
}

/// Everything written on the picture, rendered from the locale files.
#[derive(Debug, Clone)]
pub(crate) struct Labels {
    pub title: String,
    pub delivered: String,
    pub temperatures: String,
    pub fevers: String,
    pub coverage: String,
    pub no_shifts: String,
    /// Said across the picture when every figure of the period is zero.
    pub nothing: String,
}

impl Labels {
    /// `None` when there are no days (no period to name).
    pub(crate) fn new(lang: Lang, days: &[ChartDay]) -> Option<Labels> {
        let (first, last) = (days.first()?.day, days.last()?.day);
        let l = lang.code();
        Some(Labels {
            title: t!(
                "chart.title",
                locale = l,
                days = days.len(),
                from = long_date(lang, first),
                to = long_date(lang, last)
            )
            .into_owned(),
            delivered: t!("chart.delivered", locale = l).into_owned(),
            temperatures: t!("chart.temperatures", locale = l).into_owned(),
            fevers: t!("chart.fevers", locale = l).into_owned(),
            coverage: t!("chart.coverage", locale = l).into_owned(),
            no_shifts: t!("chart.no_shifts", locale = l).into_owned(),
            nothing: t!("chart.nothing", locale = l, days = days.len()).into_owned(),
        })
    }
}

/// "11月29日" / "Nov 29", for the title.
fn long_date(lang: Lang, day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let l = lang.code();
    let month = match day.month() {
        1 => t!("chart.months.m1", locale = l),
        2 => t!("chart.months.m2", locale = l),
        3 => t!("chart.months.m3", locale = l),
        4 => t!("chart.months.m4", locale = l),
        5 => t!("chart.months.m5", locale = l),
        6 => t!("chart.months.m6", locale = l),
        7 => t!("chart.months.m7", locale = l),
        8 => t!("chart.months.m8", locale = l),
        9 => t!("chart.months.m9", locale = l),
        10 => t!("chart.months.m10", locale = l),
        11 => t!("chart.months.m11", locale = l),
        _ => t!("chart.months.m12", locale = l),
    };
    t!("chart.date", locale = l, month = month, day = day.day()).into_owned()
}

/// "11-29", under each day's column: digits read the same in both languages.
pub(crate) fn short_date(day: chrono::NaiveDate) -> String {
    day.format("%m-%d").to_string()
}

/// The crate has no chart error of its own; a failure here is the report's job failing to
/// make its picture (the report is still sent, without it — the caller's choice).
pub(crate) fn failed(what: impl std::fmt::Display) -> crate::Error {
    crate::Error::Chart(what.to_string())
}

fn encode_png(rgb: &[u8]) -> crate::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256 * 1024);
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(rgb).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}
