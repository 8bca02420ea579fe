//! Background → alpha: a flood fill from the image border that spreads while neighbouring colours stay within
//! a perceptual tolerance of each other, so solid, gradient and noisy backgrounds go transparent while the
//! subject stops the fill. Background-coloured specks enclosed by the subject (an eye, a highlight) stay;
//! enclosed background areas of a few pixels or more (the gap between legs, the inside of a ring) go.

use std::collections::VecDeque;

use image::{Rgba, RgbaImage};

use crate::color::{OPAQUE, Oklab, rgb};

/// Oklab step between neighbouring background pixels still taken as background: above the noise and
/// gradients left after downscaling, below the contrast of a subject against its background.
pub const DEFAULT_TOLERANCE: f32 = 0.05;
/// A noisy background widens the tolerance to this many times its typical step between neighbours.
const NOISE_MARGIN: f32 = 3.0;
/// The widest tolerance noise can ask for.
const MAX_TOLERANCE: f32 = 0.1;
/// Largest share of a subject colour a rim pixel may show and still count as blurred background.
const MAX_BLUR_SHARE: f32 = 0.4;
/// Border pixels compared against when looking for background cut off by the subject.
const MAX_REFERENCES: usize = 64;
/// Enclosed background-coloured areas at least this big are holes, not details.
const MIN_HOLE: usize = 4;

/// Makes the background of `img` transparent. The fill starts from the border pixel nearest the border's
/// median colour, so a subject touching the edge is not mistaken for background, then from any other border
/// pixel that looks like the background found (background the subject cuts off). An image that already has
/// transparent pixels is returned as it is: its alpha already says what is background.
pub fn remove_background(img: &RgbaImage, tolerance: f32) -> RgbaImage {
    if img.width() == 0 || img.height() == 0 || img.pixels().any(|p| p[3] < OPAQUE) {
        return img.clone();
    }
    let (w, h) = (img.width() as usize, img.height() as usize);
    let lab: Vec<Oklab> = img.pixels().map(|p| Oklab::from_rgb(rgb(p))).collect();
    let border = border_ring(w, h);
    let mut steps: Vec<f32> = border
        .iter()
        .zip(border.iter().cycle().skip(1))
        .map(|(&a, &b)| lab[a].distance(lab[b]))
        .collect();
    let tolerance = tolerance.max((NOISE_MARGIN * median(&mut steps)).min(MAX_TOLERANCE));

    let mut background = vec![false; w * h];
    let centre = Oklab {
        l: median(&mut border.iter().map(|&i| lab[i].l).collect::<Vec<_>>()),
        a: median(&mut border.iter().map(|&i| lab[i].a).collect::<Vec<_>>()),
        b: median(&mut border.iter().map(|&i| lab[i].b).collect::<Vec<_>>()),
    };
    let seed = border.iter().copied().min_by(|&a, &b| {
        lab[a]
            .distance_squared(centre)
            .total_cmp(&lab[b].distance_squared(centre))
    });
    flood(&lab, w, h, seed, tolerance, &mut background);

    let found: Vec<Oklab> = border
        .iter()
        .filter(|&&i| background[i])
        .map(|&i| lab[i])
        .collect();
    let references: Vec<Oklab> = found
        .iter()
        .step_by(found.len().div_ceil(MAX_REFERENCES).max(1))
        .copied()
        .collect();
    let like_background = |c: Oklab| {
        references
            .iter()
            .any(|r| r.distance_squared(c) <= tolerance * tolerance)
    };
    for &i in &border {
        if !background[i] && like_background(lab[i]) {
            flood(&lab, w, h, Some(i), tolerance, &mut background);
        }
    }
    let mut checked = background.clone();
    for i in 0..w * h {
        if checked[i] || !like_background(lab[i]) {
            continue;
        }
        let area = region(w, h, i, &mut checked, |j| like_background(lab[j]));
        if area >= MIN_HOLE {
            flood(&lab, w, h, Some(i), tolerance, &mut background);
        }
    }

    let mut out = img.clone();
    for (pixel, bg) in out.pixels_mut().zip(background) {
        if bg {
            *pixel = Rgba([0, 0, 0, 0]);
        }
    }
    out
}

/// Size of the 4-connected region around `start` whose pixels pass `inside`, marking them `checked`.
fn region(
    w: usize,
    h: usize,
    start: usize,
    checked: &mut [bool],
    inside: impl Fn(usize) -> bool,
) -> usize {
    checked[start] = true;
    let (mut stack, mut area) = (vec![start], 0);
    while let Some(i) = stack.pop() {
        area += 1;
        let (x, y) = (i % w, i / w);
        let around = [
            (x > 0, i.wrapping_sub(1)),
            (x + 1 < w, i + 1),
            (y > 0, i.wrapping_sub(w)),
            (y + 1 < h, i + w),
        ];
        for (ok, n) in around {
            if ok && !checked[n] && inside(n) {
                checked[n] = true;
                stack.push(n);
            }
        }
    }
    area
}

/// Indices of the border pixels in order around the image, each once.
fn border_ring(w: usize, h: usize) -> Vec<usize> {
    let mut ring: Vec<usize> = (0..w).collect();
    ring.extend((1..h).map(|y| y * w + w - 1));
    if h > 1 {
        ring.extend((0..w - 1).rev().map(|x| (h - 1) * w + x));
    }
    if w > 1 {
        ring.extend((1..h - 1).rev().map(|y| y * w));
    }
    ring
}

fn median(values: &mut [f32]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let mid = values.len() / 2;
    *values.select_nth_unstable_by(mid, f32::total_cmp).1
}

/// Marks as background everything reachable from `seed` in steps between 4-neighbours within `tolerance`,
/// and the pixels on its rim that are mostly background blurred with a subject colour (see [`blurred_in`]).
fn flood(
    lab: &[Oklab],
    w: usize,
    h: usize,
    seed: Option<usize>,
    tolerance: f32,
    background: &mut [bool],
) {
    let Some(seed) = seed else {
        return;
    };
    let neighbours = |i: usize| {
        let (x, y) = (i % w, i / w);
        [
            (x > 0).then(|| i - 1),
            (x + 1 < w).then_some(i + 1),
            (y > 0).then(|| i - w),
            (y + 1 < h).then_some(i + w),
        ]
        .into_iter()
        .flatten()
    };
    let limit = tolerance * tolerance;
    background[seed] = true;
    let mut queue = VecDeque::from([seed]);
    while let Some(i) = queue.pop_front() {
        for n in neighbours(i) {
            if background[n] {
                continue;
            }
            if lab[n].distance_squared(lab[i]) <= limit {
                background[n] = true;
                queue.push_back(n);
            } else if neighbours(n).any(|s| s != i && blurred_in(lab[n], lab[i], lab[s], tolerance))
            {
                // Rim pixels end the fill here: spreading from them could creep into the subject.
                background[n] = true;
            }
        }
    }
}

/// Whether `pixel` looks like `background` with a minority of `subject` blurred in: near the line between
/// the two colours, on the background's side. Downscaled cells on the subject's rim read like this when the
/// picture was soft, and would otherwise leave a halo.
fn blurred_in(pixel: Oklab, background: Oklab, subject: Oklab, tolerance: f32) -> bool {
    let along = [
        subject.l - background.l,
        subject.a - background.a,
        subject.b - background.b,
    ];
    let to = [
        pixel.l - background.l,
        pixel.a - background.a,
        pixel.b - background.b,
    ];
    let length2: f32 = along.iter().map(|v| v * v).sum();
    if length2 <= tolerance * tolerance {
        return false;
    }
    let share = along.iter().zip(to).map(|(a, t)| a * t).sum::<f32>() / length2;
    let off_line: f32 = along
        .iter()
        .zip(to)
        .map(|(a, t)| (t - share * a).powi(2))
        .sum();
    (0.0..=MAX_BLUR_SHARE).contains(&share) && off_line <= tolerance * tolerance
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ring of red on a vertical gradient, with a hole showing the same gradient colour.
    fn ring_on_gradient() -> RgbaImage {
        RgbaImage::from_fn(20, 20, |x, y| {
            let (dx, dy) = (x as i32 - 10, y as i32 - 10);
            let r2 = dx * dx + dy * dy;
            if (16..=49).contains(&r2) {
                Rgba([220, 30, 30, 255])
            } else {
                let g = 120 + y as u8 * 4;
                Rgba([g, g, 255, 255])
            }
        })
    }

    #[test]
    fn gradient_goes_subject_stays_and_a_hole_goes() {
        let out = remove_background(&ring_on_gradient(), DEFAULT_TOLERANCE);
        assert_eq!(out.get_pixel(0, 0)[3], 0);
        assert_eq!(out.get_pixel(0, 19)[3], 0);
        assert_eq!(*out.get_pixel(10, 4), Rgba([220, 30, 30, 255]));
        assert_eq!(out.get_pixel(10, 10)[3], 0, "the hole inside the ring");
    }

    #[test]
    fn an_enclosed_background_coloured_eye_stays() {
        let mut img = RgbaImage::from_fn(9, 9, |x, y| {
            if (2..7).contains(&x) && (2..7).contains(&y) {
                Rgba([20, 20, 20, 255])
            } else {
                Rgba([255, 255, 255, 255])
            }
        });
        img.put_pixel(4, 4, Rgba([255, 255, 255, 255]));
        let out = remove_background(&img, DEFAULT_TOLERANCE);
        assert_eq!(*out.get_pixel(4, 4), Rgba([255, 255, 255, 255]));
        assert_eq!(out.get_pixel(0, 0)[3], 0);
    }

    #[test]
    fn subject_touching_the_border_stays_and_cut_off_background_goes() {
        // A vertical bar from top to bottom splits a white background in two.
        let img = RgbaImage::from_fn(12, 6, |x, _| {
            if (4..7).contains(&x) {
                Rgba([30, 60, 200, 255])
            } else {
                Rgba([255, 255, 255, 255])
            }
        });
        let out = remove_background(&img, DEFAULT_TOLERANCE);
        let opaque: Vec<u32> = (0..12).filter(|&x| out.get_pixel(x, 0)[3] == 255).collect();
        assert_eq!(opaque, [4, 5, 6]);
    }

    #[test]
    fn noisy_background_goes() {
        let img = RgbaImage::from_fn(24, 24, |x, y| {
            let n = ((x * 7919 + y * 104_729) % 13) as u8;
            if (8..16).contains(&x) && (8..16).contains(&y) {
                Rgba([200, 40, 40, 255])
            } else {
                Rgba([60 + n, 140 + n, 60, 255])
            }
        });
        let out = remove_background(&img, DEFAULT_TOLERANCE);
        let opaque = out.pixels().filter(|p| p[3] == 255).count();
        assert_eq!(opaque, 64);
    }

    #[test]
    fn existing_alpha_is_kept() {
        let mut img = ring_on_gradient();
        img.put_pixel(0, 0, Rgba([0, 0, 0, 0]));
        assert_eq!(remove_background(&img, DEFAULT_TOLERANCE), img);
    }

    #[test]
    fn single_colour_image_is_all_background() {
        for (w, h) in [(3, 1), (1, 1), (1, 4)] {
            let img = RgbaImage::from_pixel(w, h, Rgba([5, 5, 5, 255]));
            assert!(
                remove_background(&img, DEFAULT_TOLERANCE)
                    .pixels()
                    .all(|p| p[3] == 0)
            );
        }
    }
}
