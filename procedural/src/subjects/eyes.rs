//! Eyes for creatures and humanoids, drawn so they stay readable down to 16 px.

use crate::canvas::{Canvas, P, span};
use crate::light::{LIT, SHINE};

/// Eye drawing styles.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum EyeStyle {
    /// Dark ovals with a glint: cute and readable at any size.
    Dot,
    /// A white eyeball with a dark pupil looking down and inwards.
    Ball,
}

/// Draws a mirrored pair of eyes (or one centred eye when `dx` is 0) at least 1×2 pixels each.
pub(super) fn eyes(c: &mut Canvas, white: usize, dx: f32, y: f32, w: f32, h: f32, style: EyeStyle) {
    let unit = c.unit();
    let w = (w / unit).round().max(1.0) * unit;
    let h = (h / unit).round().max(2.0) * unit;
    let big = h >= 4.0 * unit;
    let top = y - h / 2.0;
    let single = dx == 0.0;
    // The inner edge stays off the centre pixels so that two small eyes never merge into one.
    let inner = if single {
        -w / 2.0
    } else {
        (dx - w / 2.0).max(unit * 0.6)
    };
    let inside = move |p: P| {
        if big {
            let ex = if single { p.ax } else { p.ax - inner - w / 2.0 };
            (ex / (w / 2.0)).powi(2) + ((p.y - y) / (h / 2.0)).powi(2) <= 1.0
        } else {
            (if single {
                p.ax <= w / 2.0
            } else {
                span(p.ax, inner, w)
            }) && span(p.y, top, h)
        }
    };
    match style {
        EyeStyle::Dot => {
            c.ink_in(inside);
            if h >= 3.0 * unit {
                // The glint sits top-left in both eyes, as the light does.
                let left_edge = move |p: P| {
                    if single || p.x < 0.0 {
                        -inner - w
                    } else {
                        inner
                    }
                };
                let glint = (w / 3.0).max(unit);
                c.fill(white, |p| {
                    (inside(p)
                        && span(p.x - left_edge(p), w * 0.2, glint)
                        && span(p.y, top + h * 0.15, glint))
                    .then_some(SHINE)
                });
            }
        }
        EyeStyle::Ball => {
            c.fill(white, |p| inside(p).then_some(LIT));
            let pupil_w = (w / 2.0).max(unit);
            let pupil_h = (h / 2.0).max(unit);
            c.ink_in(|p| {
                // Looking down, and inwards when there are two.
                let across = if single {
                    p.ax <= pupil_w / 2.0
                } else {
                    span(p.ax - inner, 0.0, pupil_w)
                };
                inside(p) && across && span(p.y, y + h / 2.0 - pupil_h, pupil_h)
            });
        }
    }
}
