//! Ghosts: a sheet hanging from its crown that floats, ripples along its hem, reaches out with its arms and
//! shrinks away when it collapses.

use std::f32::consts::{PI, TAU};

use super::{PEEK, face_at, squashed};
use crate::canvas::{Canvas, P, ellipse, span};
use crate::light::lit;
use crate::placement::{Affine, Placement};
use crate::pose::{Pose, SIDES};
use crate::scene::Scene;
use crate::subjects::eyes::{Bulb, EyeStyle, eyes_on};

/// How far in front of the body a ghost holds its arms, in design units.
const REACH: f32 = 0.12;

pub(super) fn ghost(c: &mut Canvas, s: &mut Scene, pose: &Pose, body: usize, white: usize) {
    let r = s.rng.range(0.32, 0.4);
    let waves = s.rng.pick(&[2.5_f32, 3.5]);
    let arm_y = s.rng.range(0.5, 0.62);
    let round_mouth = s.rng.chance(0.5);
    let cy = r + 0.04;
    let hem = 0.86;
    let unit = c.unit();

    // It floats down and back with its ripple, as far as there is room under the hem.
    let (crown, lowest) = (cy - r, hem + 0.07);
    let room = ((1.0 - unit * 1.5 - lowest) / unit).floor().max(0.0);
    let per_pixel = (1.0 / unit + 2.0) / 32.0;
    let float = ((0.5 - 0.5 * (TAU * pose.ripple).cos()) * 2.0 * per_pixel)
        .round()
        .min(room) as i32;
    let longest = (1.0 - unit * 1.5 - crown) / (lowest - crown);
    let squash = pose.squash.max((1.0 - longest).min(0.0));
    let mut placement = squashed(pose, squash, (0.0, crown), 1.3, 0).and_shift(0, float);
    if pose.collapse > 0.0 {
        let shrink = 1.0 - 0.8 * pose.collapse;
        placement = placement.then(Affine::scale((0.0, 0.5), shrink, shrink));
    }
    c.place_figure(placement);

    let ripple = pose.ripple;
    let inside = move |p: P| {
        if p.y <= cy {
            p.ax * p.ax + (p.y - cy).powi(2) <= r * r
        } else {
            p.ax <= r && p.y <= hem + 0.07 * (p.ax / r * PI * waves - TAU * ripple).cos()
        }
    };
    c.fill(body, |p| {
        inside(p).then(|| lit(p.x / r, (p.y - 0.55) / 0.5))
    });
    for (side, s) in SIDES.into_iter().enumerate() {
        let view = pose.view;
        if view.z(s * r, REACH) < -0.05 {
            continue;
        }
        let arm = pose.arms[side];
        let across = view.shift(s * r, REACH, unit) + (arm.swing * view.sin / unit).round() as i32;
        c.place(Placement::shifted(across, -arm.lift));
        c.fill(body, |p| {
            ellipse(p.x - s * r, p.y - arm_y, 0.08, 0.06).map(|light| light - 0.3)
        });
    }
    let head = Bulb {
        cy,
        r,
        depth: r * 0.8,
        ry: r,
        peek: PEEK,
    };
    // Shrinking away, the face shrinks with the body; otherwise it keeps its pixels.
    let face = if pose.collapse > 0.0 {
        Placement::STILL
    } else {
        face_at(c, placement, squash, (crown, cy + 0.02))
    };
    eyes_on(
        c,
        white,
        (pose.view, face),
        (r * 0.38, cy + 0.02, 0.08, 0.16),
        EyeStyle::Dot,
        head,
    );
    let mouth_y = cy + 0.14;
    if let Some(shift) = head.turned(pose.view, 0.0, mouth_y, unit) {
        c.place(face.and_shift(shift, 0));
        if round_mouth {
            c.ink_over(|p| {
                ellipse(p.ax, p.y - mouth_y, 0.05_f32.max(unit), 0.06_f32.max(unit)).is_some()
            });
        } else {
            c.ink_over(|p| p.ax < 0.07 && span(p.y, mouth_y - unit * 0.5, unit));
        }
    }
}
