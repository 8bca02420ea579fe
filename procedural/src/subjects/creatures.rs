//! Creatures: slimes, ghosts and monsters.

use std::f32::consts::PI;

use super::eyes::{EyeStyle, eyes};
use super::{BONE, WHITE};
use crate::canvas::{Canvas, P, ellipse, span};
use crate::color::mix_rgb;
use crate::light::{LIT, SHINE, lit};
use crate::scene::Scene;

const CREATURE_COLORS: &[[u8; 3]] = &[
    [92, 196, 76],
    [64, 148, 220],
    [150, 86, 206],
    [236, 112, 160],
    [236, 140, 52],
    [52, 176, 160],
    [212, 68, 64],
];

/// Creature forms; the prompt picks one ("slime", "ghost", "monster"), otherwise the seed does.
#[derive(Clone, Copy)]
enum CreatureForm {
    Slime,
    Ghost,
    Monster,
}

pub(super) fn creature(s: &mut Scene, size: usize) -> Canvas {
    let form = if s.words.has(&["slime", "blob", "jelly", "ooze"]) {
        CreatureForm::Slime
    } else if s.words.has(&["ghost", "spirit", "phantom"]) {
        CreatureForm::Ghost
    } else if s.words.has(&["monster", "beast"]) {
        CreatureForm::Monster
    } else {
        s.rng.pick(&[
            CreatureForm::Slime,
            CreatureForm::Monster,
            CreatureForm::Ghost,
        ])
    };
    let default = match form {
        CreatureForm::Ghost => [226, 232, 246],
        _ => s.rng.pick(CREATURE_COLORS),
    };
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(size, size, main);
    let body = c.ramp(main);
    let white = c.ramp(WHITE);
    match form {
        CreatureForm::Slime => slime(&mut c, s, body, white),
        CreatureForm::Ghost => ghost(&mut c, s, body, white),
        CreatureForm::Monster => monster(&mut c, s, main, body, white),
    }
    c
}

fn slime(c: &mut Canvas, s: &mut Scene, body: usize, white: usize) {
    let rx = s.rng.range(0.38, 0.47);
    let top = s.rng.range(0.26, 0.42);
    let base = 0.96;
    let shoulder = top + (base - top) * 0.6;
    let corner = 0.12;
    let (cy, ry) = ((top + base) / 2.0, (base - top) / 2.0);
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
    if s.rng.chance(0.5) {
        // A droplet tip on the crown.
        let (tip, root) = (top - 0.14, top + 0.06);
        c.fill(body, |p| {
            (p.y >= tip && p.y <= root && p.ax <= 0.1 * (p.y - tip) / (root - tip))
                .then(|| lit(p.x / 0.2, -0.6))
        });
    }
    c.overlay(body, |p| {
        ellipse(
            p.x + rx * 0.5,
            p.y - top - (shoulder - top) * 0.35,
            rx * 0.2,
            0.06,
        )
        .map(|_| SHINE)
    });
    let eye_y = shoulder - 0.02;
    let style = if s.rng.chance(0.7) {
        EyeStyle::Dot
    } else {
        EyeStyle::Ball
    };
    eyes(c, white, rx * 0.42, eye_y, 0.08, 0.14, style);
    let unit = c.unit();
    if s.rng.chance(0.6) {
        let mouth_y = eye_y + 0.12;
        c.ink_in(|p| p.ax < 0.08 && span(p.y, mouth_y - p.ax * p.ax * 6.0 - unit * 0.5, unit));
    }
}

fn ghost(c: &mut Canvas, s: &mut Scene, body: usize, white: usize) {
    let r = s.rng.range(0.32, 0.4);
    let cy = r + 0.04;
    let waves = s.rng.pick(&[2.5_f32, 3.5]);
    let hem = 0.86;
    let inside = move |p: P| {
        if p.y <= cy {
            p.ax * p.ax + (p.y - cy).powi(2) <= r * r
        } else {
            p.ax <= r && p.y <= hem + 0.07 * (p.ax / r * PI * waves).cos()
        }
    };
    c.fill(body, |p| {
        inside(p).then(|| lit(p.x / r, (p.y - 0.55) / 0.5))
    });
    let arm_y = s.rng.range(0.5, 0.62);
    c.fill(body, |p| {
        ellipse(p.pair(r), p.y - arm_y, 0.08, 0.06).map(|light| light - 0.3)
    });
    eyes(c, white, r * 0.38, cy + 0.02, 0.08, 0.16, EyeStyle::Dot);
    let unit = c.unit();
    let mouth_y = cy + 0.14;
    if s.rng.chance(0.5) {
        c.ink_in(|p| {
            ellipse(p.ax, p.y - mouth_y, 0.05_f32.max(unit), 0.06_f32.max(unit)).is_some()
        });
    } else {
        c.ink_in(|p| p.ax < 0.07 && span(p.y, mouth_y - unit * 0.5, unit));
    }
}

fn monster(c: &mut Canvas, s: &mut Scene, main: [u8; 3], body: usize, white: usize) {
    let horned = s.rng.chance(0.6);
    let rx = s.rng.range(0.3, 0.39);
    let ry = s.rng.range(0.27, 0.33);
    let cy = 0.9 - ry - 0.04;
    let top = cy - ry;
    let limbs = c.ramp(mix_rgb(main, [0, 0, 0], 0.2));
    // Feet and arms first so the body overlaps them.
    c.fill(limbs, |p| {
        ellipse(p.pair(rx * 0.5), p.y - (cy + ry), 0.12, 0.07)
    });
    c.fill(limbs, |p| ellipse(p.pair(rx), p.y - cy - 0.06, 0.08, 0.1));
    if horned {
        let horn = c.ramp(s.palette.accent_or(BONE));
        let (root_x, root_y) = (rx * 0.5, top + 0.08);
        let (tip_x, tip_y) = (rx * 0.85, (top - 0.16).max(0.0));
        c.fill(horn, |p| {
            let t = (p.y - tip_y) / (root_y - tip_y);
            let centre = tip_x + (root_x - tip_x) * t;
            ((0.0..=1.0).contains(&t) && (p.ax - centre).abs() <= 0.075 * t)
                .then(|| lit(p.pair(centre) / 0.075, -0.3))
        });
    } else {
        // Pointed ears in the body colour.
        let (root_x, root_y) = (rx * 0.55, top + 0.1);
        let (tip_x, tip_y) = (rx * 0.75, (top - 0.12).max(0.0));
        c.fill(body, |p| {
            let t = (p.y - tip_y) / (root_y - tip_y);
            let centre = tip_x + (root_x - tip_x) * t;
            ((0.0..=1.0).contains(&t) && (p.ax - centre).abs() <= 0.1 * t).then_some(LIT)
        });
    }
    c.fill(body, |p| ellipse(p.x, p.y - cy, rx, ry));
    let belly = c.ramp(mix_rgb(main, [250, 240, 210], 0.55));
    c.overlay(belly, |p| {
        ellipse(p.x, p.y - cy - ry * 0.45, rx * 0.6, ry * 0.5).map(|l| l + 0.1)
    });
    let cyclops = s.rng.chance(0.3);
    let eye_y = cy - ry * 0.25;
    if cyclops {
        eyes(c, white, 0.0, eye_y, 0.2, 0.2, EyeStyle::Ball);
    } else {
        eyes(c, white, rx * 0.4, eye_y, 0.11, 0.13, EyeStyle::Ball);
    }
    let unit = c.unit();
    let mouth_y = eye_y + 0.15;
    let mouth_w = rx * 0.55;
    c.ink_in(|p| p.ax < mouth_w && span(p.y, mouth_y - unit * 0.5, unit));
    if s.rng.chance(0.7) {
        // Two fangs hanging from the mouth.
        let fang_x = mouth_w * 0.55;
        let fang_w = unit.max(0.04);
        let fang_h = (unit * 2.0).max(0.06);
        c.fill(white, |p| {
            (span(p.ax, fang_x - fang_w / 2.0, fang_w) && span(p.y, mouth_y + unit * 0.5, fang_h))
                .then_some(LIT)
        });
    }
}
