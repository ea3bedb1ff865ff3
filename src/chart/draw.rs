//! The layout: a title, then three panels that share the days across — orders delivered
//! (bars), temperature reports and fevers (lines; fevers in red on their own scale, since
//! a handful of fevers among thousands of reports would lie flat on the reports' scale),
//! and the share of checkpoint shifts fully staffed (bars, 0–100 %). Each panel carries
//! its own legend line, so the eye never travels to a key; the day labels ("11-29") sit
//! under the last panel. Every bar and fever point is labelled with its number: officials
//! read figures off this picture.
//!
//! plotters draws the shapes; the text is collected as [`Label`]s while the panels are
//! laid out and drawn afterwards by `text` (see there why).

use plotters::coord::types::{RangedCoordf64, RangedCoordi64};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::text::{self, Across, Down, Label};
use super::{failed, short_date, ChartDay, Labels, HEIGHT, WIDTH};

pub(super) const TITLE_HEIGHT: u32 = 76;
pub(super) const LEGEND_HEIGHT: u32 = 40;
/// Where the three panels end, from the top of the picture.
const PANEL_ENDS: [u32; 2] = [TITLE_HEIGHT + 290, TITLE_HEIGHT + 530];
const SIDE: u32 = 18;
const AXIS_WIDTH: u32 = 78;
const DAY_LABELS_HEIGHT: u32 = 40;

const INK: RGBColor = RGBColor(33, 37, 41);
const MUTED: RGBColor = RGBColor(110, 115, 120);
const GRID: RGBColor = RGBColor(226, 229, 233);
const BASE: RGBColor = RGBColor(170, 175, 180);
const ORDERS: RGBColor = RGBColor(59, 110, 200);
const TEMPERATURES: RGBColor = RGBColor(0, 140, 130);
const FEVERS: RGBColor = RGBColor(214, 40, 40);
const COVERAGE: RGBColor = RGBColor(60, 150, 70);

const TICK_SIZE: f32 = 22.0;
const FIGURE_SIZE: f32 = 21.0;

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
type Chart<'a, 'b> = ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordi64>>;

/// The picture as RGB bytes, WIDTH × HEIGHT × 3.
pub(super) fn picture(labels: &Labels, days: &[ChartDay]) -> crate::Result<Vec<u8>> {
    let font = text::font()?;
    let mut rgb = vec![255u8; WIDTH as usize * HEIGHT as usize * 3];
    let mut texts = vec![Label::new(&labels.title, (WIDTH as i32 / 2, TITLE_HEIGHT as i32 / 2), 40.0, INK)
        .anchored(Across::Centre, Down::Middle)];
    {
        let backend = BitMapBackend::with_buffer_and_format(&mut rgb, (WIDTH, HEIGHT)).map_err(failed)?;
        let root = backend.into_drawing_area();
        let panels = root.split_by_breakpoints(Vec::<u32>::new(), [TITLE_HEIGHT, PANEL_ENDS[0], PANEL_ENDS[1]]);
        let [_, orders, health, coverage] = panels.as_slice() else {
            return Err(failed("panels"));
        };
        let figures = Figures::of(days);
        let legend_texts = |entries: &[(&str, RGBColor, bool)], area: &Area<'_>| legend(font, area, entries);
        texts.extend(legend_texts(&[(&labels.delivered, ORDERS, false)], orders)?);
        texts.extend(legend_texts(
            &[(&labels.temperatures, TEMPERATURES, true), (&labels.fevers, FEVERS, true)],
            health,
        )?);
        texts.extend(legend_texts(&[(&labels.coverage, COVERAGE, false)], coverage)?);
        orders_panel(orders, labels, &figures, &mut texts)?;
        health_panel(health, &figures, &mut texts)?;
        coverage_panel(coverage, labels, &figures, days, &mut texts)?;
        root.present().map_err(failed)?;
    }
    for label in &texts {
        text::draw(&mut rgb, font, label);
    }
    Ok(rgb)
}

/// The figures as drawn: never negative, coverage as a whole percentage or none.
struct Figures {
    delivered: Vec<i64>,
    temperatures: Vec<i64>,
    fevers: Vec<i64>,
    coverage: Vec<Option<i64>>,
}

impl Figures {
    fn of(days: &[ChartDay]) -> Figures {
        Figures {
            delivered: days.iter().map(|d| d.delivered.max(0)).collect(),
            temperatures: days.iter().map(|d| d.temperatures.max(0)).collect(),
            fevers: days.iter().map(|d| d.fevers.max(0)).collect(),
            coverage: days.iter().map(|d| coverage_percent(d.shifts_covered, d.shifts_total)).collect(),
        }
    }

    fn days(&self) -> usize {
        self.delivered.len()
    }

    fn all_zero(&self) -> bool {
        let zero = |v: &[i64]| v.iter().all(|&x| x == 0);
        zero(&self.delivered)
            && zero(&self.temperatures)
            && zero(&self.fevers)
            && self.coverage.iter().all(Option::is_none)
    }
}

/// Whole percent of shifts fully staffed; `None` for a day without checkpoint shifts.
pub(super) fn coverage_percent(covered: i64, total: i64) -> Option<i64> {
    (total > 0).then(|| (covered.clamp(0, total) * 100 + total / 2) / total)
}

/// The top of a count axis: the first round tick at or above the highest value plus a
/// tenth (room for its figure), at least 4 so an empty period gets a 0–4 scale with its
/// line at zero.
pub(super) fn axis_top(values: &[i64]) -> i64 {
    let max = values.iter().copied().max().unwrap_or(0).max(0);
    let step = tick_step(max + max / 10);
    let ticks = ((max + max / 10 + step - 1) / step).max(1);
    (ticks * step).max(4)
}

/// A round step (1, 2, 2.5 or 5 × 10ⁿ, whole) giving at most six ticks up to `top`.
pub(super) fn tick_step(top: i64) -> i64 {
    let rough = (top.max(4) as f64 / 6.0).max(1.0);
    let magnitude = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| s.fract() == 0.0 && *s >= rough)
        .map_or(rough.ceil() as i64, |s| s as i64)
}

/// A panel's plot below its legend line, with room for its scales on both sides.
fn plot_chart<'a, 'b>(panel: &'a Area<'b>, days: usize, bottom: u32, y_top: i64) -> crate::Result<Chart<'a, 'b>> {
    ChartBuilder::on(panel)
        .margin_top(LEGEND_HEIGHT + 10)
        .margin_bottom(bottom)
        .margin_left(SIDE + AXIS_WIDTH)
        .margin_right(SIDE + AXIS_WIDTH)
        .build_cartesian_2d(0f64..days as f64, 0i64..y_top)
        .map_err(failed)
}

/// A count scale: round values up to `top`, their figures left of the plot (with grid
/// lines across) or right of it (a second scale: its figures only, in its colour).
fn scale(
    chart: &mut Chart<'_, '_>,
    top: i64,
    left: bool,
    color: RGBColor,
    texts: &mut Vec<Label>,
) -> crate::Result<()> {
    let n = chart.x_range().end;
    let step = tick_step(top);
    for v in (0..=top).step_by(step as usize) {
        if left {
            let line = if v == 0 { BASE.stroke_width(2) } else { GRID.stroke_width(1) };
            chart.draw_series([PathElement::new([(0.0, v), (n, v)], line)]).map_err(failed)?;
        }
        let (x, y) = chart.backend_coord(&(if left { 0.0 } else { n }, v));
        let label = Label::new(v.to_string(), (x, y), TICK_SIZE, color);
        texts.push(if left {
            Label { at: (x - 12, y), ..label }.anchored(Across::Right, Down::Middle)
        } else {
            Label { at: (x + 12, y), ..label }.anchored(Across::Left, Down::Middle)
        });
    }
    Ok(())
}

/// Legend entries left to right: a swatch (a block for bars, a stroke for lines) and the
/// label in the series' colour.
fn legend(
    font: &ab_glyph::FontRef<'_>,
    area: &Area<'_>,
    entries: &[(&str, RGBColor, bool)],
) -> crate::Result<Vec<Label>> {
    let (x0, y0) = area.get_base_pixel();
    let mut x = (SIDE + AXIS_WIDTH) as i32;
    let y = LEGEND_HEIGHT as i32 / 2 + 4;
    let mut texts = Vec::new();
    for &(label, color, line) in entries {
        let swatch = if line {
            Rectangle::new([(x, y - 2), (x + 28, y + 2)], color.filled())
        } else {
            Rectangle::new([(x + 4, y - 9), (x + 24, y + 9)], color.filled())
        };
        area.draw(&swatch).map_err(failed)?;
        texts.push(Label::new(label, (x0 + x + 36, y0 + y), 24.0, color));
        x += 36 + text::width(font, 24.0, label).ceil() as i32 + 44;
    }
    Ok(texts)
}

fn orders_panel(panel: &Area<'_>, labels: &Labels, f: &Figures, texts: &mut Vec<Label>) -> crate::Result<()> {
    let top = axis_top(&f.delivered);
    let mut chart = plot_chart(panel, f.days(), 6, top)?;
    scale(&mut chart, top, true, MUTED, texts)?;
    chart.draw_series(f.delivered.iter().enumerate().map(|(i, &v)| bar(i, v, ORDERS))).map_err(failed)?;
    for (i, &v) in f.delivered.iter().enumerate() {
        texts.push(figure(chart.backend_coord(&(i as f64 + 0.5, v)), v.to_string(), INK));
    }
    if f.all_zero() {
        let at = chart.backend_coord(&(f.delivered.len() as f64 / 2.0, top / 2));
        texts.push(Label::new(&labels.nothing, at, 26.0, MUTED).anchored(Across::Centre, Down::Middle));
    }
    Ok(())
}

fn health_panel(panel: &Area<'_>, f: &Figures, texts: &mut Vec<Label>) -> crate::Result<()> {
    let top = axis_top(&f.temperatures);
    // The fevers' scale is twice their peak, so their line keeps to the lower half and
    // does not tangle with the reports' line, which its own scale keeps near the top.
    let fever_top = axis_top(&[f.fevers.iter().copied().max().unwrap_or(0) * 2]);
    let centre = |i: usize| i as f64 + 0.5;
    {
        let mut chart = plot_chart(panel, f.days(), 6, top)?;
        scale(&mut chart, top, true, MUTED, texts)?;
        chart
            .draw_series(LineSeries::new(
                f.temperatures.iter().enumerate().map(|(i, &v)| (centre(i), v)),
                TEMPERATURES.stroke_width(4),
            ))
            .map_err(failed)?;
        chart
            .draw_series(
                f.temperatures.iter().enumerate().map(|(i, &v)| Circle::new((centre(i), v), 5, TEMPERATURES.filled())),
            )
            .map_err(failed)?;
    }
    let mut fevers = plot_chart(panel, f.days(), 6, fever_top)?;
    scale(&mut fevers, fever_top, false, FEVERS, texts)?;
    fevers
        .draw_series(LineSeries::new(f.fevers.iter().enumerate().map(|(i, &v)| (centre(i), v)), FEVERS.stroke_width(4)))
        .map_err(failed)?;
    fevers
        .draw_series(f.fevers.iter().enumerate().map(|(i, &v)| Circle::new((centre(i), v), 6, FEVERS.filled())))
        .map_err(failed)?;
    for (i, &v) in f.fevers.iter().enumerate().filter(|(_, &v)| v > 0) {
        texts.push(figure(fevers.backend_coord(&(centre(i), v)), v.to_string(), FEVERS));
    }
    Ok(())
}

fn coverage_panel(
    panel: &Area<'_>,
    labels: &Labels,
    f: &Figures,
    days: &[ChartDay],
    texts: &mut Vec<Label>,
) -> crate::Result<()> {
    // 0–100 % with headroom above a full bar for its figure; ticks at 0, 50 and 100 %.
    let mut chart = plot_chart(panel, f.days(), DAY_LABELS_HEIGHT, 118)?;
    for v in [0, 50, 100] {
        let line = if v == 0 { BASE } else { GRID };
        chart
            .draw_series([PathElement::new(
                [(0.0, v), (f.coverage.len() as f64, v)],
                line.stroke_width(1 + u32::from(v == 0)),
            )])
            .map_err(failed)?;
        let (x, y) = chart.backend_coord(&(0.0, v));
        texts.push(Label::new(format!("{v}%"), (x - 12, y), TICK_SIZE, MUTED).anchored(Across::Right, Down::Middle));
    }
    for (i, value) in f.coverage.iter().enumerate() {
        match *value {
            Some(v) => {
                chart.draw_series([bar(i, v, COVERAGE)]).map_err(failed)?;
                texts.push(figure(chart.backend_coord(&(i as f64 + 0.5, v)), format!("{v}%"), INK));
            }
            None => texts.push(figure(chart.backend_coord(&(i as f64 + 0.5, 0)), labels.no_shifts.clone(), MUTED)),
        }
    }
    // The day labels, centred under each column, below the last panel.
    for (i, day) in days.iter().enumerate().filter(|(i, _)| i % label_every(days.len()) == 0) {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0));
        texts.push(Label::new(short_date(day.day), (x, y + 10), TICK_SIZE, INK).anchored(Across::Centre, Down::Top));
    }
    Ok(())
}

/// Every day gets its label up to 16 days; beyond that, every k-th (the caller passes 14).
fn label_every(n: usize) -> usize {
    n.div_ceil(16).max(1)
}

/// Day `i`'s bar, most of its column wide.
fn bar(i: usize, value: i64, color: RGBColor) -> Rectangle<(f64, i64)> {
    Rectangle::new([(i as f64 + 0.18, 0), (i as f64 + 0.82, value)], color.filled())
}

/// A figure just above a point (in the picture's pixels, from `backend_coord`).
fn figure(at: (i32, i32), text: String, color: RGBColor) -> Label {
    Label::new(text, (at.0, at.1 - 8), FIGURE_SIZE, color).anchored(Across::Centre, Down::Baseline)
}
