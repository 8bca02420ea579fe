//! Monsters: a round body on two feet that waddles, squashes about its feet, raises its arms to lunge and
//! topples over.

use super::{PEEK, face_at, squashed};
use crate::canvas::{Canvas, ellipse, span};
use crate::color::mix_rgb;
use crate::light::{LIT, lit};
use crate::placement::{Affine, Placement};
use crate::pose::{Pose, SIDES, View};
use crate::scene::Scene;
use crate::subjects::BONE;
use crate::subjects::eyes::{Bulb, EyeStyle, eyes_on};

/// Depth beyond which an arm counts as in front of the body.
const NEAR: f32 = 0.05;

pub(super) fn monster(
    c: &mut Canvas,
    s: &mut Scene,
    pose: &Pose,
    main: [u8; 3],
    body: usize,
    white: usize,
) {
    let horned = s.rng.chance(0.6);
    let rx = s.rng.range(0.3, 0.39);
    let ry = s.rng.range(0.27, 0.33);
    let cyclops = s.rng.chance(0.3);
    let fangs = s.rng.chance(0.7);
    let cy = 0.9 - ry - 0.04;
    let top = cy - ry;
    let feet = cy + ry + 0.07;
    let unit = c.unit();
    let view = pose.view;
    let depth = rx * 0.85;
    // Horns or ears reach up to the crown; a stretch keeps it inside the canvas.
    let crown = (top - if horned { 0.16 } else { 0.12 }).max(0.0);
    let tallest = (feet - unit * 1.5) / (feet - crown);
    let squash = pose.squash.max(1.0 - tallest.max(1.0));
    let placement = if pose.collapse > 0.0 {
        pose.placement((-rx - 0.08, rx + 0.08, crown, feet))
    } else {
        squashed(pose, squash, (0.0, feet), 0.47 / (rx + 0.08), 0)
    };
    c.place_figure(placement);

    let limbs = c.ramp(mix_rgb(main, [0, 0, 0], 0.2));
    // Feet and arms first so the body overlaps them; side on, the near arm swings in front of it.
    for (side, s) in SIDES.into_iter().enumerate() {
        let foot = pose.legs[side];
        let across =
            view.shift(s * rx * 0.5, 0.0, unit) + (foot.swing * view.sin / unit).round() as i32;
        c.place(Placement::shifted(across, -foot.lift));
        c.fill(limbs, |p| {
            ellipse(p.x - s * rx * 0.5, p.y - (cy + ry), 0.12, 0.07)
        });
    }
    let arm_in_front = |side: usize| view.z(SIDES[side] * rx, pose.arms[side].swing) >= NEAR;
    let arm = |c: &mut Canvas, side: usize| {
        let (s, limb) = (SIDES[side], pose.arms[side]);
        let across = view.shift(s * rx, 0.0, unit) + (limb.swing * view.sin / unit).round() as i32;
        c.place(Placement::shifted(across, -limb.lift));
        c.fill(limbs, |p| ellipse(p.x - s * rx, p.y - cy - 0.06, 0.08, 0.1));
    };
    for side in [0, 1].into_iter().filter(|&side| !arm_in_front(side)) {
        arm(c, side);
    }
    let horn = horned.then(|| c.ramp(s.palette.accent_or(BONE)));
    for side in [0, 1] {
        horn_or_ear(c, view, side, horn.unwrap_or(body), horned, (rx, top));
    }
    c.place(Placement::STILL);
    let half = view.width(rx, depth);
    c.fill(body, |p| ellipse(p.x, p.y - cy, half, ry));
    let belly = c.ramp(mix_rgb(main, [250, 240, 210], 0.55));
    let front = Bulb {
        cy,
        r: rx,
        depth,
        ry,
        peek: PEEK,
    };
    if let Some(shift) = front.turned(view, 0.0, cy + ry * 0.45, unit) {
        let squeeze = view.face().width(1.0, 0.5);
        c.place(squeezed(squeeze, shift));
        c.overlay(belly, |p| {
            ellipse(p.x, p.y - cy - ry * 0.45, rx * 0.6, ry * 0.5).map(|l| l + 0.1)
        });
    }
    for side in [0, 1].into_iter().filter(|&side| arm_in_front(side)) {
        arm(c, side);
    }
    let eye_y = cy - ry * 0.25;
    let eye_box = if cyclops {
        (0.0, eye_y, 0.2, 0.2)
    } else {
        (rx * 0.4, eye_y, 0.11, 0.13)
    };
    // Toppling, the face turns with the body; squashed, it keeps its pixels.
    let face = if pose.collapse > 0.0 {
        Placement::STILL
    } else {
        face_at(c, placement, squash, (feet, eye_y))
    };
    eyes_on(c, white, (view, face), eye_box, EyeStyle::Ball, front);
    let mouth_y = eye_y + 0.15;
    let Some(shift) = front.turned(view, 0.0, mouth_y, unit) else {
        return;
    };
    c.place(face.and_shift(shift, 0));
    let mouth_w = rx * 0.55;
    c.ink_over(|p| p.ax < mouth_w && span(p.y, mouth_y - unit * 0.5, unit));
    if fangs {
        // Two fangs hanging from the mouth.
        let fang_x = mouth_w * 0.55;
        let fang_w = unit.max(0.04);
        let fang_h = (unit * 2.0).max(0.06);
        c.overlay(white, |p| {
            (span(p.ax, fang_x - fang_w / 2.0, fang_w) && span(p.y, mouth_y + unit * 0.5, fang_h))
                .then_some(LIT)
        });
    }
}

/// A horn (or, without horns, a pointed ear in the body colour) on `side` of the crown. Both stick out
/// sideways, so turned they are foreshortened towards the centre.
fn horn_or_ear(
    c: &mut Canvas,
    view: View,
    side: usize,
    ramp: usize,
    horned: bool,
    (rx, top): (f32, f32),
) {
    let s = if view.cos >= 0.0 {
        SIDES[side]
    } else {
        -SIDES[side]
    };
    let squeeze = view.cos.abs().max(0.55);
    c.place(squeezed(squeeze, 0));
    if horned {
        let (root_x, root_y) = (rx * 0.5, top + 0.08);
        let (tip_x, tip_y) = (rx * 0.85, (top - 0.16).max(0.0));
        c.fill(ramp, |p| {
            let t = (p.y - tip_y) / (root_y - tip_y);
            let centre = tip_x + (root_x - tip_x) * t;
            ((0.0..=1.0).contains(&t) && (s * p.x - centre).abs() <= 0.075 * t)
                .then(|| lit((p.x - s * centre) / 0.075, -0.3))
        });
    } else {
        let (root_x, root_y) = (rx * 0.55, top + 0.1);
        let (tip_x, tip_y) = (rx * 0.75, (top - 0.12).max(0.0));
        c.fill(ramp, |p| {
            let t = (p.y - tip_y) / (root_y - tip_y);
            let centre = tip_x + (root_x - tip_x) * t;
            ((0.0..=1.0).contains(&t) && (s * p.x - centre).abs() <= 0.1 * t).then_some(LIT)
        });
    }
}

/// Narrowed to `squeeze` of its width about the centre line, then moved by `shift` whole pixels; exactly the
/// still placement when neither changes anything.
fn squeezed(squeeze: f32, shift: i32) -> Placement {
    let placement = Placement::shifted(shift, 0);
    if squeeze == 1.0 {
        placement
    } else {
        Placement {
            motion: Some(Affine::scale((0.0, 0.0), squeeze, 1.0)),
            ..placement
        }
    }
}
