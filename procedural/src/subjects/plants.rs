//! Plants: trees, bushes and flowers.

use std::f32::consts::PI;

use crate::canvas::{Canvas, ellipse};
use crate::light::{BASE, LIT, lit};
use crate::scene::Scene;

const LEAF_COLORS: &[[u8; 3]] = &[[68, 156, 64], [84, 172, 72], [52, 134, 84]];
const BARK: [u8; 3] = [122, 82, 50];

pub(super) fn tree(s: &mut Scene, size: usize) -> Canvas {
    let pine = s
        .words
        .has(&["pine", "fir", "spruce", "conifer", "christmas"])
        || (!s.words.has(&["oak"]) && s.rng.chance(0.25));
    let main = s.palette.main_or(if pine {
        [44, 130, 84]
    } else {
        s.rng.pick(LEAF_COLORS)
    });
    let mut c = Canvas::new(size, size, main);
    let leaves = c.ramp(main);
    let bark = c.ramp(BARK);
    let unit = c.unit();
    let trunk_w = unit.max(0.07);
    if pine {
        c.fill(bark, |p| {
            (p.y > 0.8 && p.y < 0.98 && p.ax < trunk_w).then(|| lit(p.x / trunk_w * 0.8, 0.0))
        });
        let tiers = s.rng.pick(&[3, 4]);
        let width = s.rng.range(0.38, 0.46);
        for i in 0..tiers {
            // Tiers overlap downwards, each wider and taller than the one above it.
            let t = i as f32 / (tiers - 1) as f32;
            let base = 0.34 + 0.52 * t;
            let apex = base - (0.34 + 0.16 * t);
            let half = width * (0.5 + 0.5 * t);
            c.fill(leaves, |p| {
                let w = half * (p.y - apex) / (base - apex);
                (p.y > apex && p.y < base && p.ax < w)
                    .then(|| lit(p.x / w.max(0.01) * 0.8, -0.4 + (p.y - apex) / (base - apex)))
            });
        }
    } else {
        c.fill(bark, |p| {
            let flare = if p.y > 0.88 { (p.y - 0.88) * 1.2 } else { 0.0 };
            (p.y > 0.5 && p.y < 0.98 && p.ax < trunk_w + flare)
                .then(|| lit(p.x / (trunk_w + flare) * 0.8, 0.0))
        });
        let spread = s.rng.range(0.18, 0.24);
        let blobs = [
            (0.0, 0.38, 0.36, 0.32),
            (spread, 0.5, 0.19, 0.16),
            (spread * 0.9, 0.26, 0.17, 0.15),
            (0.0, 0.16, 0.2, 0.15),
            (0.0, 0.56, 0.22, 0.14),
        ];
        for (cx, cy, rx, ry) in blobs {
            c.fill(leaves, |p| {
                ellipse(p.pair(cx), p.y - cy, rx, ry)
                    .map(|l| 0.5 * l + 0.5 * lit(p.x / 0.45, (p.y - 0.4) / 0.4))
            });
        }
        if s.rng.chance(0.35) {
            let fruit = c.ramp(s.palette.accent_or([220, 48, 48]));
            let spots = [
                (-0.18, 0.3),
                (0.12, 0.46),
                (-0.05, 0.56),
                (0.22, 0.24),
                (0.02, 0.2),
            ];
            let r = (unit * 0.8).max(0.035);
            c.overlay(fruit, |p| {
                spots
                    .iter()
                    .any(|&(x, y)| ellipse(p.x - x, p.y - y, r, r).is_some())
                    .then_some(LIT)
            });
        }
    }
    c
}

pub(super) fn bush(s: &mut Scene, size: usize) -> Canvas {
    let main = s.palette.main_or(s.rng.pick(LEAF_COLORS));
    let mut c = Canvas::new(size, size, main);
    let leaves = c.ramp(main);
    let unit = c.unit();
    let spread = s.rng.range(0.2, 0.26);
    let blobs = [
        (0.0, 0.66, 0.45, 0.28),
        (spread, 0.56, 0.2, 0.18),
        (0.0, 0.44, 0.24, 0.2),
        (spread * 1.4, 0.74, 0.16, 0.14),
    ];
    for (cx, cy, rx, ry) in blobs {
        c.fill(leaves, |p| {
            ellipse(p.pair(cx), p.y - cy, rx, ry)
                .filter(|_| p.y < 0.95)
                .map(|l| 0.5 * l + 0.5 * lit(p.x / 0.5, (p.y - 0.62) / 0.34))
        });
    }
    if s.rng.chance(0.5) {
        let berry = c.ramp(s.palette.accent_or(s.rng.pick(&[
            [220, 48, 64],
            [240, 240, 246],
            [90, 90, 220],
            [240, 140, 190],
        ])));
        let spots = [
            (-0.28, 0.62),
            (0.06, 0.5),
            (0.26, 0.7),
            (-0.08, 0.76),
            (0.16, 0.42),
            (-0.2, 0.45),
        ];
        let r = (unit * 0.8).max(0.03);
        c.overlay(berry, |p| {
            spots
                .iter()
                .any(|&(x, y)| ellipse(p.x - x, p.y - y, r, r).is_some())
                .then_some(LIT)
        });
    }
    c
}

const PETAL_COLORS: &[[u8; 3]] = &[
    [230, 60, 80],
    [240, 140, 190],
    [246, 214, 64],
    [160, 90, 220],
    [244, 244, 248],
    [240, 130, 50],
];

pub(super) fn flower(s: &mut Scene, size: usize) -> Canvas {
    let main = s.palette.main_or(s.rng.pick(PETAL_COLORS));
    let mut c = Canvas::new(size, size, main);
    let petals = c.ramp(main);
    let stem = c.ramp([70, 150, 62]);
    let heart = c.ramp(s.palette.accent_or(if s.words.has(&["rose"]) {
        main
    } else {
        [246, 200, 60]
    }));
    let unit = c.unit();
    let potted = s.rng.chance(0.3);
    let ground = if potted { 0.72 } else { 0.98 };
    let stem_w = (unit * 0.5).max(0.03);
    c.fill(stem, |p| {
        (p.ax <= stem_w && p.y > 0.3 && p.y < ground).then_some(BASE)
    });
    let leaf_y = s.rng.range(0.58, 0.66);
    c.fill(stem, |p| {
        // Leaves tilted 30° up and out from the stem.
        let (dx, dy) = (p.pair(0.14), p.y - leaf_y);
        let (c30, s30) = (0.866, 0.5);
        let (u, v) = (
            dx * c30 - dy * s30 * p.x.signum(),
            dx * s30 * p.x.signum() + dy * c30,
        );
        ellipse(u, v, 0.13, 0.055)
    });
    if potted {
        let pot = c.ramp([196, 100, 60]);
        c.fill(pot, |p| {
            let half = 0.2 - (p.y - 0.72) * 0.25;
            let rim = p.y < 0.78 && p.ax < 0.24;
            ((p.y > 0.7 && p.y < 0.97 && p.ax < half) || (p.y > 0.7 && rim))
                .then(|| lit(p.x / 0.24 * 0.8, if rim { -0.6 } else { 0.2 }))
        });
    }
    let tulip = s.words.has(&["tulip"]) || (!s.words.has(&["daisy", "rose"]) && s.rng.chance(0.3));
    let bloom_y = 0.28;
    if tulip {
        c.fill(petals, |p| {
            let cup = ellipse(p.x, p.y - bloom_y, 0.2, 0.17).filter(|_| p.y > bloom_y - 0.04);
            let tips = p.y > bloom_y - 0.2 && p.y <= bloom_y - 0.04 && {
                let t = (bloom_y - 0.04 - p.y) / 0.16;
                p.ax < 0.04 * (1.0 - t) || (p.ax - 0.14).abs() < 0.06 * (1.0 - t)
            };
            cup.or_else(|| tips.then_some(LIT))
        });
    } else {
        let count = s.rng.pick(&[5, 6, 8]);
        let (ring, r) = (0.15, if count == 8 { 0.085 } else { 0.1 });
        let centres: Vec<(f32, f32)> = (0..count)
            .map(|i| {
                let a = -PI / 2.0 + i as f32 * 2.0 * PI / count as f32;
                (ring * a.cos(), bloom_y + ring * a.sin())
            })
            .collect();
        c.fill(petals, |p| {
            centres
                .iter()
                .find(|&&(x, y)| ellipse(p.ax - x.abs(), p.y - y, r, r).is_some())
                .map(|&(x, y)| {
                    lit(
                        (p.x - x.abs() * p.x.signum()) / r * 0.7,
                        (p.y - y) / r * 0.7,
                    )
                })
        });
        c.fill(heart, |p| {
            ellipse(p.x, p.y - bloom_y, 0.08_f32.max(unit), 0.08_f32.max(unit))
        });
    }
    c
}
