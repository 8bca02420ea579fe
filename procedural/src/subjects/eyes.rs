//! Eyes for creatures and humanoids, drawn so they stay readable down to 16 px.

use crate::canvas::{Canvas, P, span};
use crate::light::{LIT, SHINE};
use crate::placement::Placement;
use crate::pose::{SIDES, View};

/// Eye drawing styles.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum EyeStyle {
    /// Dark ovals with a glint: cute and readable at any size.
    Dot,
    /// A white eyeball with a dark pupil looking down and inwards.
    Ball,
}

/// The round part of a head or body that eyes sit on: its centre height, half-width, half-depth and half-height.
#[derive(Clone, Copy)]
pub(super) struct Bulb {
    pub(super) cy: f32,
    pub(super) r: f32,
    pub(super) depth: f32,
    pub(super) ry: f32,
    /// How far round the side a feature still shows, as a fraction of `r` in depth: above 0 it must face the
    /// viewer, below 0 it peeks over the outline.
    pub(super) peek: f32,
}

impl Bulb {
    /// How far in front of the centre the bulb's surface is at `(u, y)`.
    pub(super) fn front(&self, u: f32, y: f32) -> f32 {
        let ny = (y - self.cy) / self.ry;
        self.depth * (1.0 - (u / self.r).powi(2) - ny * ny).max(0.0).sqrt()
    }

    /// Whole pixels a feature on the front of the bulb at `(u, y)` moves in `view` (as a face turns, see
    /// `View::face`), or `None` when it has turned out of sight.
    pub(super) fn turned(&self, view: View, u: f32, y: f32, unit: f32) -> Option<i32> {
        let face = view.face();
        let v = self.front(u, y);
        (view == View::FRONT || face.z(u, v) > self.r * self.peek).then(|| face.shift(u, v, unit))
    }
}

/// A mirrored pair of eyes at `±dx` (or one centred eye when `dx` is 0), at least 1×2 pixels each, on `bulb`
/// seen in `view` and placed by `at`. Turned, each eye still facing the viewer moves by whole pixels to where
/// it is seen.
pub(super) fn eyes_on(
    c: &mut Canvas,
    white: usize,
    (view, at): (View, Placement),
    eye_box: (f32, f32, f32, f32),
    style: EyeStyle,
    bulb: Bulb,
) {
    let (dx, y, _, _) = eye_box;
    let unit = c.unit();
    let sides: &[Option<f32>] = if view == View::FRONT || dx == 0.0 {
        &[None]
    } else {
        &[Some(SIDES[0]), Some(SIDES[1])]
    };
    for &side in sides {
        let u = side.map_or(0.0, |s| s * dx);
        if let Some(shift) = bulb.turned(view, u, y, unit) {
            c.place(at.and_shift(shift, 0));
            draw(c, white, eye_box, style, side);
        }
    }
}

fn draw(
    c: &mut Canvas,
    white: usize,
    (dx, y, w, h): (f32, f32, f32, f32),
    style: EyeStyle,
    side: Option<f32>,
) {
    let unit = c.unit();
    let w = (w / unit).round().max(1.0) * unit;
    let h = (h / unit).round().max(2.0) * unit;
    let big = h >= 4.0 * unit;
    let top = y - h / 2.0;
    let single = dx == 0.0;
    // Distance from the centre line towards the eye, and which eye a point belongs to.
    let across = move |p: P| side.map_or(p.ax, |s| s * p.x);
    let on_left = move |p: P| side.map_or(p.x < 0.0, |s| s < 0.0);
    // The inner edge stays off the centre pixels so that two small eyes never merge into one.
    let inner = if single {
        -w / 2.0
    } else {
        (dx - w / 2.0).max(unit * 0.6)
    };
    let inside = move |p: P| {
        if big {
            let ex = if single {
                across(p)
            } else {
                across(p) - inner - w / 2.0
            };
            (ex / (w / 2.0)).powi(2) + ((p.y - y) / (h / 2.0)).powi(2) <= 1.0
        } else {
            (if single {
                across(p) <= w / 2.0
            } else {
                span(across(p), inner, w)
            }) && span(p.y, top, h)
        }
    };
    // A turned eye may sit at the outline: it stays on the face.
    let clip = side.is_some();
    let ink = |c: &mut Canvas, shape: &dyn Fn(P) -> bool| {
        if clip {
            c.ink_over(shape);
        } else {
            c.ink_in(shape);
        }
    };
    let paint = |c: &mut Canvas, shape: &dyn Fn(P) -> Option<f32>| {
        if clip {
            c.overlay(white, shape);
        } else {
            c.fill(white, shape);
        }
    };
    match style {
        EyeStyle::Dot => {
            ink(c, &inside);
            if h >= 3.0 * unit {
                // The glint sits top-left in both eyes, as the light does.
                let left_edge = move |p: P| {
                    if single || on_left(p) {
                        -inner - w
                    } else {
                        inner
                    }
                };
                let glint = (w / 3.0).max(unit);
                paint(c, &|p| {
                    (inside(p)
                        && span(p.x - left_edge(p), w * 0.2, glint)
                        && span(p.y, top + h * 0.15, glint))
                    .then_some(SHINE)
                });
            }
        }
        EyeStyle::Ball => {
            paint(c, &|p| inside(p).then_some(LIT));
            let pupil_w = (w / 2.0).max(unit);
            let pupil_h = (h / 2.0).max(unit);
            ink(c, &|p| {
                // Looking down, and inwards when there are two.
                let looking = if single {
                    across(p) <= pupil_w / 2.0
                } else {
                    span(across(p) - inner, 0.0, pupil_w)
                };
                inside(p) && looking && span(p.y, y + h / 2.0 - pupil_h, pupil_h)
            });
        }
    }
}
