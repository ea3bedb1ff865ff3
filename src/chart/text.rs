//! Text on the picture, drawn with `ab_glyph` straight into the RGB buffer after plotters
//! has drawn the shapes. plotters 0.3.7's own `ab_glyph` text ignores each glyph's left
//! side bearing ("Temperat ure", a full-width "（" flush against the character before it),
//! so every label — titles, legends, ticks, figures — is laid out here instead.

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::style::RGBColor;

use super::{failed, FONT, WIDTH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Across {
    Left,
    Centre,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Down {
    Top,
    Middle,
    /// The baseline sits on the point (figures above bars).
    Baseline,
}

/// One line of text, anchored at `at` (the picture's pixels).
#[derive(Debug, Clone)]
pub(super) struct Label {
    pub text: String,
    pub at: (i32, i32),
    pub size: f32,
    pub color: RGBColor,
    pub across: Across,
    pub down: Down,
}

impl Label {
    pub fn new(text: impl Into<String>, at: (i32, i32), size: f32, color: RGBColor) -> Label {
        Label { text: text.into(), at, size, color, across: Across::Left, down: Down::Middle }
    }

    pub fn anchored(mut self, across: Across, down: Down) -> Label {
        self.across = across;
        self.down = down;
        self
    }
}

/// The shipped font, parsed once.
pub(super) fn font() -> crate::Result<&'static FontRef<'static>> {
    static PARSED: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    PARSED
        .get_or_init(|| FontRef::try_from_slice(FONT).ok())
        .as_ref()
        .ok_or_else(|| failed("the shipped font does not load"))
}

/// The advance width of `text` at `size` pixels.
pub(super) fn width(font: &FontRef<'_>, size: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut x = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            x += scaled.kern(p, id);
        }
        x += scaled.h_advance(id);
        previous = Some(id);
    }
    x
}

/// Draws `label` into `rgb` (WIDTH pixels a row, 3 bytes a pixel), blending each glyph's
/// coverage over what is there; anything outside the picture is dropped.
pub(super) fn draw(rgb: &mut [u8], font: &FontRef<'_>, label: &Label) {
    let scaled = font.as_scaled(PxScale::from(label.size));
    let w = width(font, label.size, &label.text);
    let left = match label.across {
        Across::Left => label.at.0 as f32,
        Across::Centre => label.at.0 as f32 - w / 2.0,
        Across::Right => label.at.0 as f32 - w,
    };
    let baseline = match label.down {
        Down::Top => label.at.1 as f32 + scaled.ascent(),
        Down::Middle => label.at.1 as f32 + (scaled.ascent() + scaled.descent()) / 2.0,
        Down::Baseline => label.at.1 as f32,
    };
    let height = rgb.len() / (WIDTH as usize * 3);
    let RGBColor(r, g, b) = label.color;
    let mut x = left;
    let mut previous = None;
    for c in label.text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            x += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(label.size, point(x, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                if px < 0 || py < 0 || px >= i64::from(WIDTH) || py >= height as i64 {
                    return;
                }
                let i = (py as usize * WIDTH as usize + px as usize) * 3;
                let c = coverage.clamp(0.0, 1.0);
                for (byte, ink) in rgb[i..i + 3].iter_mut().zip([r, g, b]) {
                    *byte = (f32::from(*byte) * (1.0 - c) + f32::from(ink) * c).round() as u8;
                }
            });
        }
        x += scaled.h_advance(id);
        previous = Some(id);
    }
}
