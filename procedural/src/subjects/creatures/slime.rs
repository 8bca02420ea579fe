//! Slimes: a dome that squashes and stretches about its base, hops as far as the canvas has room, and melts
//! into a puddle.

use super::{PEEK, face_at, squashed};
use crate::canvas::{Canvas, P, ellipse, span};
use crate::light::{SHINE, lit};
use crate::pose::Pose;
use crate::scene::Scene;
use crate::subjects::eyes::{Bulb, EyeStyle, eyes_on};

pub(super) fn slime(c: &mut Canvas, s: &mut Scene, pose: &Pose, body: usize, white: usize) {
    let rx = s.rng.range(0.38, 0.47);
    let top = s.rng.range(0.26, 0.42);
    let droplet = s.rng.chance(0.5);
    let style = if s.rng.chance(0.7) {
        EyeStyle::Dot
    } else {
        EyeStyle::Ball
    };
    let mouth = s.rng.chance(0.6);
    let base = 0.96;
    let shoulder = top + (base - top) * 0.6;
    let corner = 0.12;
    let (cy, ry) = ((top + base) / 2.0, (base - top) / 2.0);
    let unit = c.unit();

    // A stretch or a hop keeps the crown inside the canvas; melting squashes it flat.
    let crown = if droplet { top - 0.14 } else { top };
    let tallest = (base - unit * 1.5) / (base - crown);
    let squash = (pose.squash + pose.collapse * 0.6).max(1.0 - tallest.max(1.0));
    let height = (base - crown) * (1.0 - squash);
    let rise = ((base - height) / unit - 1.5).floor().max(0.0) as i32;
    let placement = squashed(pose, squash, (0.0, base), 0.47 / rx, rise);
    c.place_figure(placement);

    let inside = move |p: P| {
        if p.y < shoulder {
            (p.ax / rx).powi(2) + ((p.y - shoulder) / (shoulder - top)).powi(2) <= 1.0
        } else if p.y < base - corner {
            p.ax <= rx
        } else {
            p.y < base
                && p.ax <= rx - corner + (corner * corner - (p.y - base + corner).powi(2)).sqrt()
        }
    };
    c.fill(body, |p| inside(p).then(|| lit(p.x / rx, (p.y - cy) / ry)));
    if droplet {
        // A droplet tip on the crown.
        let (tip, root) = (top - 0.14, top + 0.06);
        c.fill(body, |p| {
            (p.y >= tip && p.y <= root && p.ax <= 0.1 * (p.y - tip) / (root - tip))
                .then(|| lit(p.x / 0.2, -0.6))
        });
    }
    // The shine is where the light is, whichever way the slime faces.
    c.overlay(body, |p| {
        ellipse(
            p.x + rx * 0.5,
            p.y - top - (shoulder - top) * 0.35,
            rx * 0.2,
            0.06,
        )
        .map(|_| SHINE)
    });
    let dome = Bulb {
        cy: shoulder,
        r: rx,
        depth: rx * 0.8,
        ry: shoulder - top,
        peek: PEEK,
    };
    let eye_y = shoulder - 0.02;
    let face = face_at(c, placement, squash, (base, eye_y));
    eyes_on(
        c,
        white,
        (pose.view, face),
        (rx * 0.42, eye_y, 0.08, 0.14),
        style,
        dome,
    );
    let mouth_y = eye_y + 0.12;
    if let Some(shift) = dome.turned(pose.view, 0.0, mouth_y, unit).filter(|_| mouth) {
        c.place(face.and_shift(shift, 0));
        c.ink_over(|p| p.ax < 0.08 && span(p.y, mouth_y - p.ax * p.ax * 6.0 - unit * 0.5, unit));
    }
}
