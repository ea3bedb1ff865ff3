//! The chart renders a PNG of the advertised size, its labels are real glyphs (a missing
//! font in plotters draws nothing, silently), and odd periods draw cleanly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ab_glyph::{Font, FontRef};
use chrono::NaiveDate;

use super::draw::{self, axis_top, coverage_percent};
use super::*;

fn period(f: impl Fn(usize) -> (i64, i64, i64, i64, i64)) -> Vec<ChartDay> {
    let first = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    (0..14)
        .map(|i| {
            let (delivered, temperatures, fevers, shifts_covered, shifts_total) = f(i);
            ChartDay {
                day: first + chrono::Days::new(i as u64),
                delivered,
                temperatures,
                fevers,
                shifts_covered,
                shifts_total,
            }
        })
        .collect()
}

/// Two busy weeks, as a community in lockdown might see them.
pub(super) fn busy() -> Vec<ChartDay> {
    period(|i| {
        let i = i as i64;
        (120 + 13 * i, 1800 + 40 * (i % 5), [0, 0, 1, 0, 3, 2, 0, 0, 0, 5, 1, 0, 0, 2][i as usize], 50 + i % 4, 56)
    })
}

fn decode(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
    let mut reader = png::Decoder::new(bytes).read_info().unwrap();
    let mut rgb = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut rgb).unwrap();
    rgb.truncate(info.buffer_size());
    (info, rgb)
}

/// Pixels in rows `rows` (of a WIDTH-wide RGB picture) for which `is` holds.
fn count(rgb: &[u8], rows: std::ops::Range<u32>, is: impl Fn(u8, u8, u8) -> bool) -> usize {
    let row = WIDTH as usize * 3;
    rgb[rows.start as usize * row..rows.end as usize * row].chunks(3).filter(|p| is(p[0], p[1], p[2])).count()
}

fn dark(r: u8, g: u8, b: u8) -> bool {
    u16::from(r) + u16::from(g) + u16::from(b) < 300
}

fn reddish(r: u8, g: u8, b: u8) -> bool {
    r > 180 && g < 90 && b < 90
}

#[test]
fn renders_a_png_of_the_advertised_size_in_both_languages() {
    for lang in Lang::ALL {
        let (info, rgb) = decode(&render(lang, &busy()).unwrap());
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT), "{lang:?}");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert!(count(&rgb, 0..HEIGHT, dark) > 5_000, "{lang:?}: the picture has text and marks");
    }
}

/// Every character of every `chart.*` message, both languages, is in the shipped font —
/// so no label can render as blanks, today or after an edit of the locale files.
#[test]
fn every_chart_label_has_a_glyph_in_the_shipped_font() {
    let font = FontRef::try_from_slice(FONT).unwrap();
    let has_glyph = |c: char| c.is_whitespace() || font.glyph_id(c).0 != 0;
    assert!(!has_glyph('😷'), "the check can fail: a character the font lacks has glyph 0");
    let mut checked = 0;
    for file in ["zh-CN.yml", "en.yml"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(file);
        let yaml: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut texts = Vec::new();
        strings(&yaml["chart"], &mut texts);
        assert!(texts.len() >= 20, "{file}: the chart section is read ({} strings)", texts.len());
        for text in texts {
            for c in text.chars() {
                assert!(has_glyph(c), "{file}: {c:?} of {text:?} has no glyph in the shipped font");
                checked += 1;
            }
        }
    }
    // What the code draws besides locale text: day labels, figures, percentages.
    for c in "0123456789-%".chars() {
        assert!(has_glyph(c), "{c:?}");
    }
    assert!(checked > 300);
}

fn strings(value: &serde_yaml::Value, out: &mut Vec<String>) {
    match value {
        serde_yaml::Value::Mapping(map) => map.values().for_each(|v| strings(v, out)),
        serde_yaml::Value::String(s) => out.push(s.clone()),
        _ => {}
    }
}

/// The Chinese title really is drawn: the title strip of the rendered zh-CN picture has
/// dark pixels that the same picture with the title replaced by spaces does not.
#[test]
fn the_chinese_title_draws_visible_text() {
    let days = busy();
    let labels = Labels::new(Lang::ZhCn, &days).unwrap();
    assert!(labels.title.contains(&*rust_i18n::t!("chart.months.m11", locale = "zh-CN")));
    let blank = Labels { title: " ".repeat(labels.title.chars().count()), ..labels.clone() };
    let title_rows = 0..draw::TITLE_HEIGHT;
    let with_title = count(&draw::picture(&labels, &days).unwrap(), title_rows.clone(), dark);
    let without = count(&draw::picture(&blank, &days).unwrap(), title_rows, dark);
    assert_eq!(without, 0, "nothing else is drawn in the title strip");
    assert!(with_title > 1_000, "the title's strokes: {with_title} dark pixels");
}

/// Same for a legend in Chinese: blanking the labels empties the legend lines.
#[test]
fn the_chinese_legends_draw_visible_text() {
    let days = busy();
    let labels = Labels::new(Lang::ZhCn, &days).unwrap();
    let spaces = |s: &str| " ".repeat(s.chars().count());
    let blank = Labels {
        delivered: spaces(&labels.delivered),
        temperatures: spaces(&labels.temperatures),
        fevers: spaces(&labels.fevers),
        coverage: spaces(&labels.coverage),
        ..labels.clone()
    };
    let colored = |r: u8, g: u8, b: u8| !(r > 200 && g > 200 && b > 200);
    let legend_rows = draw::TITLE_HEIGHT..draw::TITLE_HEIGHT + draw::LEGEND_HEIGHT;
    let with = count(&draw::picture(&labels, &days).unwrap(), legend_rows.clone(), colored);
    let without = count(&draw::picture(&blank, &days).unwrap(), legend_rows, colored);
    assert!(with > without + 500, "legend text: {with} coloured pixels, {without} with blank labels");
}

#[test]
fn a_zero_period_draws_flat_lines_and_says_so() {
    let days = period(|_| (0, 0, 0, 0, 0));
    let (info, rgb) = decode(&render(Lang::ZhCn, &days).unwrap());
    assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
    assert!(count(&rgb, 0..HEIGHT, reddish) > 0, "the fevers' line lies at zero");
    let labels = Labels::new(Lang::ZhCn, &days).unwrap();
    let blank = Labels { nothing: " ".repeat(labels.nothing.chars().count()), ..labels.clone() };
    let all = count(&draw::picture(&labels, &days).unwrap(), 0..HEIGHT, not_white);
    let without_note = count(&draw::picture(&blank, &days).unwrap(), 0..HEIGHT, not_white);
    assert!(all > without_note + 500, "the note that nothing happened is drawn: {all} vs {without_note}");
}

#[test]
fn a_fever_spike_on_one_day_renders_in_red() {
    let quiet = period(|_| (40, 300, 0, 4, 4));
    let spike = period(|i| (40, 300, if i == 9 { 12 } else { 0 }, 4, 4));
    let red = |days: &[ChartDay]| count(&decode(&render(Lang::En, days).unwrap()).1, 0..HEIGHT, reddish);
    assert!(red(&spike) > red(&quiet) + 100, "the spike and its figure are red");
}

#[test]
fn an_empty_period_is_an_error() {
    assert!(render(Lang::ZhCn, &[]).is_err());
}

#[test]
fn days_without_shifts_have_no_coverage_and_odd_figures_are_bounded() {
    assert_eq!(coverage_percent(0, 0), None);
    assert_eq!(coverage_percent(3, 4), Some(75));
    assert_eq!(coverage_percent(2, 3), Some(67));
    assert_eq!(coverage_percent(9, 3), Some(100));
    assert_eq!(coverage_percent(-1, 3), Some(0));
    assert_eq!(axis_top(&[0, 0]), 4);
    assert_eq!(axis_top(&[]), 4);
    assert!(axis_top(&[100]) > 100);
    let odd = period(|i| (-5, i64::from(i == 3) * 7, -1, 9, if i % 2 == 0 { 0 } else { 3 }));
    assert!(render(Lang::En, &odd).is_ok());
}

#[test]
fn the_title_names_the_period_in_the_readers_language() {
    let days = busy();
    let en = Labels::new(Lang::En, &days).unwrap().title;
    let from =
        rust_i18n::t!("chart.date", locale = "en", month = rust_i18n::t!("chart.months.m11", locale = "en"), day = 16);
    let to =
        rust_i18n::t!("chart.date", locale = "en", month = rust_i18n::t!("chart.months.m11", locale = "en"), day = 29);
    assert_eq!(en, rust_i18n::t!("chart.title", locale = "en", days = 14, from = from, to = to));
    assert_eq!(short_date(days[13].day), "11-29");
}

fn not_white(r: u8, g: u8, b: u8) -> bool {
    !(r > 200 && g > 200 && b > 200)
}

#[test]
fn scales_end_on_a_round_number_above_the_highest_day() {
    assert_eq!(axis_top(&[901, 420]), 1000);
    assert_eq!(axis_top(&[9_461]), 12_000);
    assert_eq!(axis_top(&[7]), 8);
    assert_eq!(draw::tick_step(1000), 200);
    assert_eq!(draw::tick_step(15), 5);
}
