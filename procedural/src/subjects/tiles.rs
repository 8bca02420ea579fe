//! Tiles: ground, grass, brick, stone and water, each filling the canvas and wrapping seamlessly at its edges.

use std::f32::consts::PI;

use crate::canvas::{Canvas, Cell, ellipse};
use crate::color::mix_rgb;
use crate::light::{LIGHT, tone};
use crate::noise::Noise;
use crate::scene::Scene;

fn tile_setup(s: &mut Scene, w: usize, h: usize, default: [u8; 3]) -> (Canvas, usize, Noise) {
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(w, h, main);
    let ramp = c.ramp(main);
    let noise = Noise {
        seed: s.rng.next_u64(),
        width: w as f32,
        height: h as f32,
    };
    (c, ramp, noise)
}

/// Paints an ellipse that wraps around the tile, shaded as a sphere, with a one-pixel shadow cast below right.
fn pebble(c: &mut Canvas, (cx, cy): (f32, f32), (rx, ry): (f32, f32), ramp: usize, shadow: Cell) {
    let (x0, x1) = (
        (cx - rx - 2.0).floor() as i64,
        (cx + rx + 2.0).ceil() as i64,
    );
    let (y0, y1) = (
        (cy - ry - 2.0).floor() as i64,
        (cy + ry + 2.0).ceil() as i64,
    );
    for y in y0..=y1 {
        for x in x0..=x1 {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            if let Some(light) = ellipse(dx, dy, rx, ry) {
                c.set_wrapped(
                    x,
                    y,
                    Cell::Paint {
                        ramp,
                        tone: tone(light),
                    },
                );
            } else if ellipse(dx - 1.0, dy - 1.0, rx, ry).is_some() {
                c.set_wrapped(x, y, shadow);
            }
        }
    }
}

pub(super) fn ground(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let default = if s.words.has(&["sand"]) {
        [218, 186, 124]
    } else {
        [142, 96, 60]
    };
    let (mut c, dirt, noise) = tile_setup(s, w, h, default);
    for y in 0..h {
        for x in 0..w {
            let n = noise.patches(x, y);
            let tone = if n < 0.3 {
                0
            } else if n < 0.7 {
                1
            } else {
                2
            };
            c.set(x, y, Cell::Paint { ramp: dirt, tone });
        }
    }
    let main = s.palette.main_or(default);
    let stone = c.ramp(mix_rgb(main, [150, 150, 150], 0.55));
    let big = (w.min(h) as f32 / 20.0).max(1.0);
    for _ in 0..(w * h / 256).max(2) {
        let centre = (s.rng.range(0.0, w as f32), s.rng.range(0.0, h as f32));
        let r = s.rng.range(0.7, 1.3) * big;
        pebble(
            &mut c,
            centre,
            (r, r * 0.8),
            stone,
            Cell::Paint {
                ramp: dirt,
                tone: 0,
            },
        );
    }
    for _ in 0..w * h / 40 {
        let (x, y) = (
            s.rng.range(0.0, w as f32) as i64,
            s.rng.range(0.0, h as f32) as i64,
        );
        let speck = if s.rng.chance(0.5) {
            Cell::Paint {
                ramp: dirt,
                tone: 3,
            }
        } else {
            Cell::Paint {
                ramp: dirt,
                tone: 0,
            }
        };
        c.set_wrapped(x, y, speck);
    }
    c
}

pub(super) fn grass(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let (mut c, leaf, noise) = tile_setup(s, w, h, [76, 160, 64]);
    for y in 0..h {
        for x in 0..w {
            let tone = if noise.patches(x, y) < 0.45 { 0 } else { 1 };
            c.set(x, y, Cell::Paint { ramp: leaf, tone });
        }
    }
    // Blades: a lit stroke over a dark root, some leaning, a few with a bright tip.
    for _ in 0..w * h / 9 {
        let (x, y) = (
            s.rng.range(0.0, w as f32) as i64,
            s.rng.range(0.0, h as f32) as i64,
        );
        let length = 2 + (s.rng.next_u64() % 2) as i64 + (w.min(h) / 48) as i64;
        let lean = if s.rng.chance(0.3) {
            if s.rng.chance(0.5) { 1 } else { -1 }
        } else {
            0
        };
        c.set_wrapped(
            x,
            y + 1,
            Cell::Paint {
                ramp: leaf,
                tone: 0,
            },
        );
        for k in 0..length {
            let bx = x + if k == length - 1 { lean } else { 0 };
            c.set_wrapped(
                bx,
                y - k,
                Cell::Paint {
                    ramp: leaf,
                    tone: 2,
                },
            );
        }
        if s.rng.chance(0.25) {
            c.set_wrapped(
                x + lean,
                y - length + 1,
                Cell::Paint {
                    ramp: leaf,
                    tone: 3,
                },
            );
        }
    }
    if s.rng.chance(0.5) {
        let petal =
            c.ramp(
                s.palette.accent_or(s.rng.pick(&[
                    [246, 246, 250],
                    [246, 214, 64],
                    [240, 120, 170],
                ])),
            );
        for _ in 0..(w * h / 200).max(1) {
            let (x, y) = (
                s.rng.range(0.0, w as f32) as i64,
                s.rng.range(0.0, h as f32) as i64,
            );
            for (dx, dy) in [(0, -1), (-1, 0), (1, 0), (0, 1)] {
                c.set_wrapped(
                    x + dx,
                    y + dy,
                    Cell::Paint {
                        ramp: petal,
                        tone: 2,
                    },
                );
            }
            c.set_wrapped(
                x,
                y,
                Cell::Paint {
                    ramp: petal,
                    tone: 0,
                },
            );
        }
    }
    c
}

pub(super) fn brick(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let (mut c, clay, noise) = tile_setup(s, w, h, [176, 82, 60]);
    let mortar = c.ramp([168, 160, 150]);
    // An even number of rows keeps the half-brick offset continuous across the top and bottom edges.
    let brick_h = (h as f32 / 4.0).clamp(4.0, 10.0);
    let rows = (((h as f32 / brick_h).round() as usize).max(2) / 2 * 2).max(2);
    let per_row = ((w as f32 / (brick_h * 2.0)).round() as usize).max(1);
    let row_of = |y: usize| y * rows / h;
    let row_start = |r: usize| (r * h).div_ceil(rows);
    let brick_w = w as f32 / per_row as f32;
    let shades: Vec<i32> = (0..rows * per_row)
        .map(|_| s.rng.pick(&[-1, 0, 0, 0, 1]))
        .collect();
    for y in 0..h {
        let r = row_of(y);
        let offset = if r % 2 == 1 { brick_w / 2.0 } else { 0.0 };
        let top = row_start(r);
        let bottom = row_start(r + 1) - 1;
        for x in 0..w {
            let u = (x as f32 + 0.5 - offset).rem_euclid(w as f32);
            let column = (u / brick_w) as usize;
            let left = (u - column as f32 * brick_w) < 1.0;
            let right = ((column + 1) as f32 * brick_w - u) < 1.0;
            let cell = if y == top || left {
                Cell::Paint {
                    ramp: mortar,
                    tone: if y == top { 1 } else { 0 },
                }
            } else {
                let base = 1 + shades[r * per_row + column.min(per_row - 1)];
                let edge = if y == top + 1 {
                    1
                } else if y == bottom || right {
                    -1
                } else {
                    0
                };
                let grain = if noise.patches(x, y) > 0.72 { 1 } else { 0 };
                Cell::Paint {
                    ramp: clay,
                    tone: (base + edge + grain).clamp(0, 3) as u8,
                }
            };
            c.set(x, y, cell);
        }
    }
    c
}

pub(super) fn stone(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let (mut c, rock, noise) = tile_setup(s, w, h, [136, 136, 146]);
    let target = 11.0_f32.min(w.min(h) as f32 / 2.0).max(3.0);
    let (nx, ny) = (
        ((w as f32 / target).round() as i64).max(2),
        ((h as f32 / target).round() as i64).max(2),
    );
    let (cw, ch) = (w as f32 / nx as f32, h as f32 / ny as f32);
    let points: Vec<(f32, f32, i32)> = (0..nx * ny)
        .map(|i| {
            let (gx, gy) = ((i % nx) as f32, (i / nx) as f32);
            (
                (gx + s.rng.range(0.25, 0.75)) * cw,
                (gy + s.rng.range(0.25, 0.75)) * ch,
                s.rng.pick(&[0, 0, 1, -1]),
            )
        })
        .collect();
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let gx = (fx / cw) as i64;
            let gy = (fy / ch) as i64;
            // Nearest and second-nearest stone centres, looking across the tile edges. The jitter keeps
            // every centre inside its own cell, so the 3×3 neighbourhood is enough.
            let mut best = (f32::MAX, f32::MAX, 0.0, 0.0, 0);
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let (cx, cy) = (gx + dx, gy + dy);
                    let (px, py, shade) =
                        points[(cy.rem_euclid(ny) * nx + cx.rem_euclid(nx)) as usize];
                    let (px, py) = (
                        px + (cx.div_euclid(nx) * w as i64) as f32,
                        py + (cy.div_euclid(ny) * h as i64) as f32,
                    );
                    let d = (fx - px).powi(2) + (fy - py).powi(2);
                    if d < best.0 {
                        best = (d, best.0, fx - px, fy - py, shade);
                    } else if d < best.1 {
                        best.1 = d;
                    }
                }
            }
            let (d1, d2, vx, vy, shade) = best;
            let (d1, d2) = (d1.sqrt(), d2.sqrt());
            let border = (d2 - d1) / 2.0;
            let cell = if border < 0.75 {
                Cell::Ink
            } else {
                let facing = -(vx * LIGHT.0 + vy * LIGHT.1) / (d1 + border).max(1.0);
                let rim = if border < 2.0 {
                    facing * 1.6
                } else {
                    facing * 0.5
                };
                let grain = if noise.patches(x, y) > 0.7 { 0.25 } else { 0.0 };
                Cell::Paint {
                    ramp: rock,
                    tone: (tone(0.25 + rim + grain) as i32 + shade).clamp(0, 3) as u8,
                }
            };
            c.set(x, y, cell);
        }
    }
    c
}

pub(super) fn water(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let (mut c, sea, noise) = tile_setup(s, w, h, [52, 110, 210]);
    let bands = ((h as f32 / 8.0).round() as i32).max(2);
    let sway = ((w as f32 / 16.0).round() as i32).max(1);
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let phase = 2.0
                * PI
                * (fy / h as f32 * bands as f32
                    + 0.18 * (2.0 * PI * fx / w as f32 * sway as f32).sin()
                    + 0.35 * noise.patches(x, y));
            let wave = phase.sin();
            let tone = if wave > 0.93 {
                3
            } else if wave > 0.6 {
                2
            } else if wave < -0.55 {
                0
            } else {
                1
            };
            c.set(x, y, Cell::Paint { ramp: sea, tone });
        }
    }
    for _ in 0..(w * h / 150).max(1) {
        let (x, y) = (
            s.rng.range(0.0, w as f32) as i64,
            s.rng.range(0.0, h as f32) as i64,
        );
        if c.get_wrapped(x, y) != (Cell::Paint { ramp: sea, tone: 0 }) {
            c.set_wrapped(x, y, Cell::Paint { ramp: sea, tone: 3 });
        }
    }
    c
}

pub(super) fn snow(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let (mut c, snow, noise) = tile_setup(s, w, h, [214, 224, 240]);
    for y in 0..h {
        for x in 0..w {
            let tone = if noise.patches(x, y) < 0.5 { 1 } else { 2 };
            c.set(x, y, Cell::Paint { ramp: snow, tone });
        }
    }
    // Drifts: a short lit lip over a blue shadow.
    for _ in 0..(w * h / 96).max(1) {
        let (x, y) = (
            s.rng.range(0.0, w as f32) as i64,
            s.rng.range(0.0, h as f32) as i64,
        );
        let length = 1 + (s.rng.next_u64() % 2) as i64;
        for k in 0..=length {
            c.set_wrapped(
                x + k,
                y,
                Cell::Paint {
                    ramp: snow,
                    tone: 3,
                },
            );
            c.set_wrapped(
                x + k,
                y + 1,
                Cell::Paint {
                    ramp: snow,
                    tone: 0,
                },
            );
        }
    }
    // Glints: single bright pixels.
    for _ in 0..(w * h / 48).max(2) {
        let (x, y) = (
            s.rng.range(0.0, w as f32) as i64,
            s.rng.range(0.0, h as f32) as i64,
        );
        c.set_wrapped(
            x,
            y,
            Cell::Paint {
                ramp: snow,
                tone: 3,
            },
        );
    }
    c
}
