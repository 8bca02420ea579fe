//! Items: coins, gems, potions, swords, keys, hearts and shields.

use std::f32::consts::PI;

use super::{LEATHER, STEEL};
use crate::canvas::{Canvas, P, ellipse, in_polygon, span};
use crate::light::{BASE, LIGHT, LIT, SHADOW, SHINE, lit};
use crate::placement::{Affine, Placement};
use crate::scene::Scene;

/// A coin turned by `turn` radians about its vertical axis: its face narrows to an edge and widens again, with
/// the rim's thickness showing beside it.
pub(super) fn coin(s: &mut Scene, size: usize, turn: f32) -> Canvas {
    let main = s.palette.main_or([232, 180, 46]);
    let mut c = Canvas::new(size, size, main);
    let metal = c.ramp(main);
    let unit = c.unit();
    let rx = if s.rng.chance(0.25) { 0.3 } else { 0.42 };
    let ry = 0.42;
    let rim = unit.max(0.07);
    // Edge on, the face is still two pixels wide.
    let squeeze = Affine::scale((0.0, 0.0), turn.cos().abs().max(unit / rx), 1.0);
    let thickness = -0.06 * turn.sin() * turn.cos().signum();
    if thickness != 0.0 {
        c.place(Placement::moved(
            squeeze.then(Affine::translate(thickness, 0.0)),
        ));
        c.fill(metal, |p| ellipse(p.x, p.y - 0.5, rx, ry).map(|_| SHADOW));
        c.place(Placement::moved(squeeze));
    }
    c.fill(metal, |p| {
        let (nx, ny) = (p.x / rx, (p.y - 0.5) / ry);
        let d = (nx * nx + ny * ny).sqrt();
        let inner = 1.0 - rim / rx.min(ry);
        (d <= 1.0).then(|| {
            let facing = -(nx * LIGHT.0 + ny * LIGHT.1) / d.max(1e-3);
            if d > inner {
                facing * 0.9
            } else {
                BASE - facing * 0.25
            }
        })
    });
    let emblem = s.rng.pick(&[0, 1, 2]);
    match emblem {
        0 => {
            // A five-pointed star, raised.
            let star: Vec<(f32, f32)> = (0..10)
                .map(|i| {
                    let r = if i % 2 == 0 { 0.25 } else { 0.1 };
                    let a = -PI / 2.0 + i as f32 * PI / 5.0;
                    (r * a.cos() * rx / ry, 0.5 + r * a.sin())
                })
                .collect();
            c.overlay(metal, |p| {
                in_polygon(p.x, p.y, &star).then_some(if p.y < 0.5 + p.x * 0.3 {
                    SHINE
                } else {
                    SHADOW
                })
            });
        }
        1 => {
            // A stamped bar, as on a side-on coin.
            c.overlay(metal, |p| {
                (p.ax < (unit * 0.5).max(rx * 0.12) && (p.y - 0.5).abs() < ry * 0.45)
                    .then_some(if p.x < 0.0 { SHADOW } else { SHINE })
            });
        }
        _ => {
            // A square hole through the middle.
            let half = (rx.min(ry) * 0.22).max(unit);
            c.erase(|p| p.ax < half && (p.y - 0.5).abs() < half);
        }
    }
    c
}

const GEM_COLORS: &[[u8; 3]] = &[
    [220, 40, 64],
    [48, 112, 232],
    [40, 190, 96],
    [160, 70, 220],
    [80, 220, 230],
];

pub(super) fn gem(s: &mut Scene, size: usize) -> Canvas {
    let named = [
        ("ruby", GEM_COLORS[0]),
        ("sapphire", GEM_COLORS[1]),
        ("emerald", GEM_COLORS[2]),
        ("amethyst", GEM_COLORS[3]),
        ("diamond", [200, 236, 250]),
    ];
    let default = s
        .words
        .first(&named)
        .unwrap_or_else(|| s.rng.pick(GEM_COLORS));
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(size, size, main);
    let stone = c.ramp(main);
    let cut = if s.words.has(&["crystal", "shard"]) {
        3
    } else if s.words.has(&["diamond"]) {
        0
    } else {
        s.rng.pick(&[0, 0, 1, 2])
    };
    match cut {
        0 => {
            // Brilliant cut seen from the side: crown facets on top, pavilion narrowing to a point.
            let (table, girdle) = (s.rng.range(0.16, 0.26), s.rng.range(0.32, 0.42));
            let (top, width, facet) = (0.14, 0.46, table * 0.7);
            let outline = [
                (-table, top),
                (table, top),
                (width, girdle),
                (0.0, 0.94),
                (-width, girdle),
            ];
            let facets: [(&[(f32, f32)], f32); 5] = [
                (&[(-table, top), (-width, girdle), (-facet, girdle)], SHINE),
                (
                    &[
                        (-table, top),
                        (table, top),
                        (facet, girdle),
                        (-facet, girdle),
                    ],
                    LIT,
                ),
                (&[(-width, girdle), (-facet, girdle), (0.0, 0.94)], BASE),
                (&[(-facet, girdle), (facet, girdle), (0.0, 0.94)], LIT),
                (&[(facet, girdle), (width, girdle), (0.0, 0.94)], SHADOW),
            ];
            c.fill(stone, |p| in_polygon(p.ax, p.y, &outline).then_some(BASE));
            c.overlay(stone, |p| {
                facets
                    .iter()
                    .find(|(f, _)| in_polygon(p.x, p.y, f))
                    .map(|&(_, l)| l)
            });
        }
        1 => {
            // A polished cabochon in a gold bezel: one smooth dome with a hard glint.
            let bezel = c.ramp(s.palette.accent_or([230, 176, 46]));
            c.fill(bezel, |p| ellipse(p.x, p.y - 0.5, 0.46, 0.4));
            let (rx, ry) = (
                0.46 - (c.unit() * 1.5).max(0.08),
                0.4 - (c.unit() * 1.5).max(0.08),
            );
            c.overlay(stone, |p| ellipse(p.x, p.y - 0.5, rx, ry));
            c.overlay(stone, |p| {
                ellipse(p.x + rx * 0.4, p.y - 0.5 + ry * 0.45, rx * 0.22, ry * 0.2).map(|_| SHINE)
            });
        }
        2 => {
            // Emerald cut seen from above: bevelled octagon around a flat table.
            let outer: Vec<(f32, f32)> = octagon(0.4, 0.44, 0.14);
            let table: Vec<(f32, f32)> = octagon(0.24, 0.28, 0.08);
            c.fill(stone, |p| in_polygon(p.ax, p.y, &outer).then_some(BASE));
            c.overlay(stone, |p| {
                if in_polygon(p.x, p.y, &table) {
                    return Some(if (p.x + p.y - 0.5).abs() < 0.05 {
                        LIT
                    } else {
                        BASE
                    });
                }
                // Bevels facing up and left catch the light; those facing down and right do not.
                let (dx, dy) = (p.x, p.y - 0.5);
                Some(if -dy > dx.abs() {
                    SHINE
                } else if -dx > dy.abs() {
                    LIT
                } else {
                    SHADOW
                })
            });
        }
        _ => {
            // Crystal shards: hexagonal prisms with pointed tops, sometimes with two smaller ones beside.
            let cluster = s.rng.chance(0.5);
            let half = if cluster {
                s.rng.range(0.16, 0.22)
            } else {
                s.rng.range(0.2, 0.28)
            };
            let top = s.rng.range(0.02, 0.1);
            if cluster {
                let side_top = s.rng.range(0.3, 0.42);
                let side = move |p: P| shard(p.pair(0.27), p.y, 0.13, side_top, 0.96);
                c.fill(stone, side);
                // Outline the big shard where it stands in front of the small ones.
                let unit = c.unit();
                c.ink_in(|p| {
                    side(p).is_some() && shard(p.x, p.y, half + unit, top, 0.98).is_some()
                });
            }
            c.fill(stone, |p| shard(p.x, p.y, half, top, 0.98));
        }
    }
    c
}

/// A crystal prism `2 × half` wide from `top` to `bottom`, `lx` across from its axis: faces turned to the
/// light are brighter, and the pointed crown is split from the sides.
fn shard(lx: f32, y: f32, half: f32, top: f32, bottom: f32) -> Option<f32> {
    let (shoulder, heel) = (top + half * 0.85, bottom - half * 0.6);
    let edge = if y < shoulder {
        half * (y - top) / (shoulder - top)
    } else if y > heel {
        half * (bottom - y) / (bottom - heel)
    } else {
        half
    };
    let crown = y < shoulder - lx.abs() * 0.85;
    (y > top && y < bottom && lx.abs() <= edge).then_some(
        match (lx < -half / 3.0, lx > half / 3.0, crown) {
            (true, _, true) => SHINE,
            (true, _, false) | (false, false, true) => LIT,
            (_, true, _) => SHADOW,
            _ => BASE,
        },
    )
}

/// A mirrored octagon centred at (0, 0.5) with half-width `w`, half-height `h` and corner cut `cut`.
fn octagon(w: f32, h: f32, cut: f32) -> Vec<(f32, f32)> {
    vec![
        (-w + cut, 0.5 - h),
        (w - cut, 0.5 - h),
        (w, 0.5 - h + cut),
        (w, 0.5 + h - cut),
        (w - cut, 0.5 + h),
        (-w + cut, 0.5 + h),
        (-w, 0.5 + h - cut),
        (-w, 0.5 - h + cut),
    ]
}

const POTION_COLORS: &[[u8; 3]] = &[
    [222, 44, 60],
    [56, 112, 232],
    [64, 200, 80],
    [170, 72, 220],
    [240, 160, 40],
];
const GLASS: [u8; 3] = [196, 226, 236];
const CORK: [u8; 3] = [176, 124, 76];

pub(super) fn potion(s: &mut Scene, size: usize) -> Canvas {
    // Game conventions: health is red, mana blue, poison green.
    let named = [
        ("health", POTION_COLORS[0]),
        ("healing", POTION_COLORS[0]),
        ("mana", POTION_COLORS[1]),
        ("poison", POTION_COLORS[2]),
    ];
    let default = s
        .words
        .first(&named)
        .unwrap_or_else(|| s.rng.pick(POTION_COLORS));
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(size, size, main);
    let liquid = c.ramp(main);
    let glass = c.ramp(GLASS);
    let cork = c.ramp(s.palette.accent_or(CORK));
    let level = s.rng.range(0.45, 0.62);
    let bottle = s.rng.pick(&[0, 0, 1, 2]);
    let body = move |p: P| -> Option<f32> {
        match bottle {
            0 => ellipse(p.x, p.y - 0.66, 0.34, 0.3),
            1 => {
                // Conical flask.
                let half = 0.08 + (p.y - 0.36) * 0.6;
                (p.y > 0.36 && p.y < 0.95 && p.ax < half)
                    .then(|| lit(p.x / half * 0.8, (p.y - 0.75) * 2.0))
            }
            _ => {
                // Square bottle with rounded shoulders.
                let shoulder = ellipse(p.x, p.y - 0.5, 0.3, 0.12).filter(|_| p.y < 0.5);
                let side = (p.y >= 0.5 && p.y < 0.95 && p.ax < 0.3)
                    .then(|| lit(p.x / 0.3 * 0.8, (p.y - 0.7) * 1.5));
                shoulder.or(side)
            }
        }
    };
    c.fill(glass, |p| {
        let neck = (p.ax < 0.1 && p.y > 0.18 && p.y < 0.5).then(|| lit(p.x / 0.1 * 0.8, 0.0));
        let lip = (p.ax < 0.14 && p.y > 0.17 && p.y < 0.23).then_some(LIT);
        body(p).or(lip).or(neck)
    });
    c.overlay(liquid, |p| body(p).filter(|_| p.y > level));
    let unit = c.unit();
    // The liquid's surface catches the light.
    c.overlay(liquid, |p| {
        (body(p).is_some() && span(p.y, level, unit)).then_some(LIT)
    });
    c.overlay(glass, |p| {
        (body(p).is_some()
            && p.x < -0.12
            && p.x > -0.12 - unit.max(0.05)
            && p.y > level - 0.08
            && p.y < level + 0.16)
            .then_some(SHINE)
    });
    c.fill(cork, |p| {
        (p.ax < 0.08 && p.y > 0.04 && p.y < 0.18).then(|| lit(p.x / 0.08 * 0.8, -0.3))
    });
    if s.rng.chance(0.6) {
        let bubbles = [
            (0.08, level + 0.12, 0.035_f32),
            (-0.04, level + 0.22, 0.025),
        ];
        c.overlay(liquid, |p| {
            bubbles
                .iter()
                .any(|&(bx, by, r)| {
                    ellipse(p.x - bx, p.y - by, r.max(unit * 0.5), r.max(unit * 0.5)).is_some()
                })
                .then_some(SHINE)
        });
    }
    c
}

pub(super) fn sword(s: &mut Scene, size: usize) -> Canvas {
    let main = s.palette.main_or(STEEL);
    let mut c = Canvas::new(size, size, main);
    let blade = c.ramp(main);
    let guard = c.ramp(
        s.palette.accent_or(
            s.rng
                .pick(&[[226, 176, 56], [150, 100, 60], [160, 164, 180]]),
        ),
    );
    let grip = c.ramp(s.rng.pick(&[LEATHER, [70, 60, 110], [150, 40, 44]]));
    let unit = c.unit();
    let dagger = s.words.has(&["dagger"]);
    let half = (if s.rng.chance(0.35) { 0.095_f32 } else { 0.07 }).max(unit * 1.5);
    let hilt = if dagger { 0.55 } else { 0.68 };
    let tip = if dagger { 0.2 } else { 0.02 };
    let point = tip + half * 1.6;
    c.fill(blade, |p| {
        let width = if p.y < point {
            half * (p.y - tip) / (point - tip)
        } else {
            half
        };
        (p.y > tip && p.y < hilt && p.ax <= width).then(|| {
            if p.x < -half * 0.3 {
                LIT
            } else if p.x > half * 0.3 {
                BASE
            } else {
                SHINE
            }
        })
    });
    c.overlay(blade, |p| {
        // A fuller down the middle, once the blade is wide enough to show one.
        (half >= unit * 2.5 && p.ax <= unit * 0.5 && p.y > point + 0.04 && p.y < hilt - 0.06)
            .then_some(SHADOW)
    });
    let reach = s.rng.range(0.24, 0.34);
    let curl = if s.rng.chance(0.4) { 0.06 } else { 0.0 };
    c.fill(guard, |p| {
        let y = hilt - curl * (p.ax / reach).powi(2);
        (p.ax < reach && p.y > y - 0.035 && p.y < y + 0.045)
            .then(|| lit(p.x / reach * 0.5, (p.y - y) * 10.0))
    });
    let grip_w = unit.max(0.05);
    let grip_end = hilt + 0.2;
    c.fill(grip, |p| {
        (p.ax < grip_w && p.y > hilt && p.y < grip_end).then(|| {
            if ((p.y - hilt) / (unit * 2.0).max(0.05)).floor() as i32 % 2 == 0 {
                BASE
            } else {
                SHADOW
            }
        })
    });
    c.fill(guard, |p| {
        ellipse(
            p.x,
            p.y - grip_end - 0.04,
            0.07_f32.max(unit * 1.5),
            0.05_f32.max(unit * 1.5),
        )
    });
    c
}

pub(super) fn key(s: &mut Scene, size: usize) -> Canvas {
    let main = s.palette.main_or([228, 178, 52]);
    let mut c = Canvas::new(size, size, main);
    let metal = c.ramp(main);
    let unit = c.unit();
    let bow_r = s.rng.range(0.17, 0.22);
    let hole = (bow_r * 0.45).max(unit * 0.8);
    let shaft = unit.max(0.05);
    let teeth = s.rng.pick(&[
        &[(0.3_f32, 0.08_f32), (0.44, 0.12)][..],
        &[(0.36, 0.14)][..],
        &[(0.28, 0.1), (0.38, 0.06), (0.46, 0.12)][..],
    ]);
    // Drawn along the diagonal from the top-left bow to the bottom-right bit.
    let axes = |p: P| {
        let (x, y) = (p.x, p.y - 0.5);
        ((x + y) / 2f32.sqrt(), (y - x) / 2f32.sqrt())
    };
    c.fill(metal, |p| {
        let (along, across) = axes(p);
        let ring = ellipse(along + 0.44, across, bow_r, bow_r);
        let stem = (along > -0.44 && along < 0.56 && across.abs() <= shaft)
            .then(|| lit(0.0, across / shaft * 0.8));
        let bit = teeth.iter().any(|&(at, depth)| {
            (along - at).abs() < 0.04_f32.max(unit * 0.75) && across > 0.0 && across < shaft + depth
        });
        ring.or(stem).or(bit.then_some(BASE))
    });
    c.erase(|p| {
        let (along, across) = axes(p);
        ellipse(along + 0.44, across, hole, hole).is_some()
    });
    c
}

pub(super) fn heart(s: &mut Scene, size: usize) -> Canvas {
    let main = s
        .palette
        .main_or(s.rng.pick(&[[222, 40, 64], [236, 70, 110], [200, 28, 44]]));
    let mut c = Canvas::new(size, size, main);
    let flesh = c.ramp(main);
    let r = s.rng.range(0.21, 0.25);
    let spread = s.rng.range(0.19, 0.23);
    let tip = s.rng.range(0.86, 0.95);
    let lobe_y = 0.1 + r;
    c.fill(flesh, |p| {
        let body = lit(p.x / 0.5, (p.y - 0.45) * 1.6);
        let lobe = ellipse(p.pair(spread), p.y - lobe_y, r, r).map(|l| l.max(body));
        let half = (spread + r * 0.95) * (tip - p.y) / (tip - lobe_y);
        let point = (p.y > lobe_y && p.y < tip && p.ax < half).then_some(body);
        lobe.or(point)
    });
    c.overlay(flesh, |p| {
        ellipse(p.x + spread, p.y - lobe_y + r * 0.2, r * 0.3, r * 0.25).map(|_| SHINE)
    });
    c
}

pub(super) fn shield(s: &mut Scene, size: usize) -> Canvas {
    let main = s
        .palette
        .main_or(s.rng.pick(&[[56, 96, 200], [196, 48, 52], [60, 140, 80]]));
    let mut c = Canvas::new(size, size, main);
    let face = c.ramp(main);
    let trim = c.ramp(s.palette.accent_or(s.rng.pick(&[STEEL, [226, 180, 60]])));
    let unit = c.unit();
    let rim = unit.max(0.06);
    let heater = move |p: P, inset: f32| {
        let half = 0.42 - inset;
        if p.y < 0.06 + inset || p.y > 0.96 - inset {
            return false;
        }
        if p.y < 0.5 {
            p.ax < half
        } else {
            let t = (p.y - 0.5) / (0.46 - inset);
            p.ax < half * (1.0 - t * t).max(0.0).sqrt()
        }
    };
    c.fill(trim, |p| {
        heater(p, 0.0).then(|| lit(p.x / 0.42, (p.y - 0.5) * 1.8))
    });
    c.overlay(face, |p| {
        heater(p, rim).then(|| lit(p.x / 0.5, (p.y - 0.5) * 1.4))
    });
    match s.rng.pick(&[0, 1, 2]) {
        0 => c.overlay(trim, |p| {
            (heater(p, rim) && (p.ax < 0.06 || (p.y - 0.4).abs() < 0.06))
                .then(|| lit(p.x / 0.4, -0.3))
        }),
        1 => c.overlay(trim, |p| {
            (heater(p, rim) && p.x > 0.0 && p.y < 0.5).then_some(BASE)
        }),
        _ => c.overlay(trim, |p| ellipse(p.x, p.y - 0.45, 0.12, 0.12)),
    }
    c
}
