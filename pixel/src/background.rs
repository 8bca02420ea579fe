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
/// Background pixels compared against when looking for more background elsewhere.
const MAX_REFERENCES: usize = 64;
/// Enclosed background-coloured areas at least this big are holes, not details.
const MIN_HOLE: usize = 4;
/// How far (in Oklab) an enclosed area's pixels may sit from the background expected there, on average, and
/// still be a hole showing it; pale subject colours sit further off (#FFF1E8 is 0.038 from white).
const HOLE_MATCH: f32 = 0.02;
/// On a noisy background, a hole's pixels may also sit this many times the background's typical step
/// between neighbours from it.
const HOLE_NOISE_MARGIN: f32 = 1.5;
/// Background this close to the subject along a line may be a blurred edge's ramp, taken as background step
/// by step; its colour is read this many pixels further in.
const ANCHOR_MARGIN: usize = 2;
/// Weight of background seen on one side only, relative to a span with both ends: extrapolating a
/// gradient from one side is a poor guess.
const ONE_SIDED: f32 = 0.25;
/// Lone groups of at most this many pixels, within `SPECK_MARGIN` tolerances of the background all round
/// them, are background noise.
const MAX_SPECK: usize = 2;
const SPECK_MARGIN: f32 = 3.0;

/// Makes the background of `img` transparent. The fill starts from the border pixel nearest the border's
/// median colour, so a subject touching the edge is not mistaken for background, then from any other border
/// pixel that looks like the background found (background the subject cuts off), then from enclosed holes,
/// and finally clears lone specks of noise. An image that already has transparent pixels is returned as it
/// is: its alpha already says what is background.
pub fn remove_background(img: &RgbaImage, tolerance: f32) -> RgbaImage {
    if img.width() == 0 || img.height() == 0 || img.pixels().any(|p| p[3] < OPAQUE) {
        return img.clone();
    }
    let mut mask = Mask::new(img, tolerance);
    let border = mask.border_ring();
    mask.fill_from_border(&border);
    mask.fill_holes();
    mask.clear_specks();
    let mut out = img.clone();
    for (pixel, bg) in out.pixels_mut().zip(mask.background) {
        if bg {
            *pixel = Rgba([0, 0, 0, 0]);
        }
    }
    out
}

/// Which pixels are background so far, with what deciding it needs.
struct Mask {
    w: usize,
    h: usize,
    lab: Vec<Oklab>,
    tolerance: f32,
    /// The median colour step between neighbouring border pixels: the background's own noise.
    noise: f32,
    background: Vec<bool>,
    /// Background pixels blurred with the subject: background, but not its colour.
    rim: Vec<bool>,
}

impl Mask {
    fn new(img: &RgbaImage, tolerance: f32) -> Mask {
        let (w, h) = (img.width() as usize, img.height() as usize);
        let lab: Vec<Oklab> = img.pixels().map(|p| Oklab::from_rgb(rgb(p))).collect();
        let mut mask = Mask {
            w,
            h,
            lab,
            tolerance,
            noise: 0.0,
            background: vec![false; w * h],
            rim: vec![false; w * h],
        };
        let border = mask.border_ring();
        let mut steps: Vec<f32> = border
            .iter()
            .zip(border.iter().cycle().skip(1))
            .map(|(&a, &b)| mask.lab[a].distance(mask.lab[b]))
            .collect();
        mask.noise = median(&mut steps);
        mask.tolerance = tolerance.max((NOISE_MARGIN * mask.noise).min(MAX_TOLERANCE));
        mask
    }

    /// Indices of the border pixels in order around the image, each once.
    fn border_ring(&self) -> Vec<usize> {
        let (w, h) = (self.w, self.h);
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

    fn neighbours(&self, i: usize) -> impl Iterator<Item = usize> + use<> {
        let (w, h) = (self.w, self.h);
        let (x, y) = (i % w, i / w);
        [
            (x > 0).then(|| i - 1),
            (x + 1 < w).then_some(i + 1),
            (y > 0).then(|| i - w),
            (y + 1 < h).then_some(i + w),
        ]
        .into_iter()
        .flatten()
    }

    fn close(&self, a: Oklab, b: Oklab, margin: f32) -> bool {
        a.distance_squared(b) <= (margin * self.tolerance).powi(2)
    }

    fn fill_from_border(&mut self, border: &[usize]) {
        let lab = &self.lab;
        let centre = Oklab {
            l: median(&mut border.iter().map(|&i| lab[i].l).collect::<Vec<_>>()),
            a: median(&mut border.iter().map(|&i| lab[i].a).collect::<Vec<_>>()),
            b: median(&mut border.iter().map(|&i| lab[i].b).collect::<Vec<_>>()),
        };
        if let Some(seed) = border.iter().copied().min_by(|&a, &b| {
            lab[a]
                .distance_squared(centre)
                .total_cmp(&lab[b].distance_squared(centre))
        }) {
            self.flood(seed);
        }
        let references = self.references(border);
        for &i in border {
            if !self.background[i] && self.like(&references, i) {
                self.flood(i);
            }
        }
    }

    /// A sample of the background found so far among `pixels`.
    fn references(&self, pixels: &[usize]) -> Vec<Oklab> {
        let found: Vec<Oklab> = pixels
            .iter()
            .filter(|&&i| self.background[i])
            .map(|&i| self.lab[i])
            .collect();
        let step = found.len().div_ceil(MAX_REFERENCES).max(1);
        found.into_iter().step_by(step).collect()
    }

    fn like(&self, references: &[Oklab], i: usize) -> bool {
        references.iter().any(|&r| self.close(r, self.lab[i], 1.0))
    }

    /// Enclosed areas that show the background itself: within the tolerance of the background expected at
    /// their place (interpolated from the background around them, so a gradient is followed), at least
    /// `MIN_HOLE` pixels, and on average as close to it as the background's own noise allows. Pale subject
    /// colours a few steps from the background (a white shirt on white paper) are within the tolerance but
    /// sit consistently off it, so they stay.
    fn fill_holes(&mut self) {
        let expected = self.expected_background();
        let gap = |m: &Mask, j: usize| expected[j].is_some_and(|e| m.close(e, m.lab[j], 1.0));
        let mut checked = self.background.clone();
        let mut holes = Vec::new();
        for i in 0..self.w * self.h {
            if checked[i] || !gap(self, i) {
                continue;
            }
            let region = self.region(i, &mut checked, gap);
            if region.len() >= MIN_HOLE && self.shows_background(&region, &expected) {
                holes.push(region);
            }
        }
        for hole in holes {
            hole.iter().for_each(|&j| self.background[j] = true);
            for &j in &hole {
                self.take_rim(j);
            }
        }
    }

    /// Whether the pixels of `region` are the background seen through a hole: their mean distance from the
    /// expected background, over the closer three quarters (the rest may be blurred rim), is within
    /// `HOLE_MATCH` or the background's own noise. A mean distance, not the distance of the mean colour: a
    /// region of two pale colours on either side of the background must not average out to it.
    fn shows_background(&self, region: &[usize], expected: &[Option<Oklab>]) -> bool {
        let mut distances: Vec<f32> = region
            .iter()
            .filter_map(|&j| Some(self.lab[j].distance(expected[j]?)))
            .collect();
        distances.sort_by(f32::total_cmp);
        let kept = &distances[..(distances.len() * 3).div_ceil(4)];
        if kept.is_empty() {
            return false;
        }
        let mean = kept.iter().sum::<f32>() / kept.len() as f32;
        mean <= HOLE_MATCH.max(HOLE_NOISE_MARGIN * self.noise)
    }

    /// For each pixel not yet background, the background colour expected there: linear interpolation
    /// between the background to its left and right, and above and below, read `ANCHOR_MARGIN` pixels into
    /// it and skipping rim pixels (both may be a blurred edge rather than background colour). Shorter spans
    /// weigh more, and background on one side only much less. `None` where no background is in line.
    fn expected_background(&self) -> Vec<Option<Oklab>> {
        let (w, h) = (self.w, self.h);
        let lab = &self.lab;
        let mut sums = vec![(Oklab::default(), 0.0f32); w * h];
        let mut along = |line: &[usize]| {
            // Stretches of background colour along the line as (first, last) positions; rim pixels neither
            // end nor join them.
            let mut runs: Vec<(usize, usize)> = Vec::new();
            let mut open = false;
            for (k, &i) in line.iter().enumerate() {
                if self.rim[i] {
                    continue;
                }
                if self.background[i] {
                    match runs.last_mut() {
                        Some(run) if open => run.1 = k,
                        _ => runs.push((k, k)),
                    }
                }
                open = self.background[i];
            }
            let mut next = 0;
            for (k, &i) in line.iter().enumerate() {
                if self.background[i] {
                    continue;
                }
                while runs.get(next).is_some_and(|run| run.0 < k) {
                    next += 1;
                }
                let before = next
                    .checked_sub(1)
                    .map(|r| runs[r])
                    .map(|(first, last)| last.saturating_sub(ANCHOR_MARGIN).max(first));
                let after = runs
                    .get(next)
                    .map(|&(first, last)| (first + ANCHOR_MARGIN).min(last));
                let (colour, weight) = match (before, after) {
                    (Some(a), Some(b)) => {
                        let span = (b - a) as f32;
                        (
                            mix(lab[line[a]], lab[line[b]], (k - a) as f32 / span),
                            1.0 / span,
                        )
                    }
                    (Some(a), None) => (lab[line[a]], ONE_SIDED / (k - a) as f32),
                    (None, Some(b)) => (lab[line[b]], ONE_SIDED / (b - k) as f32),
                    (None, None) => continue,
                };
                add(&mut sums[line[k]], colour, weight);
            }
        };
        for y in 0..h {
            along(&(y * w..(y + 1) * w).collect::<Vec<_>>());
        }
        for x in 0..w {
            along(&(0..h).map(|y| y * w + x).collect::<Vec<_>>());
        }
        sums.into_iter()
            .map(|(sum, weight)| {
                (weight > 0.0).then(|| Oklab {
                    l: sum.l / weight,
                    a: sum.a / weight,
                    b: sum.b / weight,
                })
            })
            .collect()
    }

    /// A pixel or two left standing in the background, not far from its colour, is noise.
    fn clear_specks(&mut self) {
        let mut checked = self.background.clone();
        for i in 0..self.w * self.h {
            if checked[i] {
                continue;
            }
            let speck = self.region(i, &mut checked, |m, j| !m.background[j]);
            let noise = |&j: &usize| {
                self.neighbours(j).all(|n| {
                    self.background[n] && self.close(self.lab[n], self.lab[j], SPECK_MARGIN)
                })
            };
            if speck.len() <= MAX_SPECK && speck.iter().all(noise) {
                speck.iter().for_each(|&j| self.background[j] = true);
            }
        }
    }

    /// The 4-connected region around `start` whose pixels pass `inside`, marking them `checked`.
    fn region(
        &self,
        start: usize,
        checked: &mut [bool],
        inside: impl Fn(&Mask, usize) -> bool,
    ) -> Vec<usize> {
        checked[start] = true;
        let (mut stack, mut members) = (vec![start], Vec::new());
        while let Some(i) = stack.pop() {
            members.push(i);
            for n in self.neighbours(i) {
                if !checked[n] && inside(self, n) {
                    checked[n] = true;
                    stack.push(n);
                }
            }
        }
        members
    }

    /// Marks as background everything reachable from `seed` in steps between 4-neighbours within the
    /// tolerance, and the pixels on its rim that are mostly background blurred with a subject colour.
    fn flood(&mut self, seed: usize) {
        self.background[seed] = true;
        let mut queue = VecDeque::from([seed]);
        while let Some(i) = queue.pop_front() {
            for n in self.neighbours(i) {
                if !self.background[n] && self.close(self.lab[n], self.lab[i], 1.0) {
                    self.background[n] = true;
                    queue.push_back(n);
                }
            }
            self.take_rim(i);
        }
    }

    /// Marks the neighbours of background pixel `i` that look like it with a minority of a subject colour
    /// blurred in. Rim pixels end a fill: spreading from them could creep into the subject.
    fn take_rim(&mut self, i: usize) {
        for n in self.neighbours(i) {
            if !self.background[n]
                && self.neighbours(n).any(|s| {
                    s != i && blurred_in(self.lab[n], self.lab[i], self.lab[s], self.tolerance)
                })
            {
                self.background[n] = true;
                self.rim[n] = true;
            }
        }
    }
}

/// `a` blended towards `b` by `t` (0 = `a`).
fn mix(a: Oklab, b: Oklab, t: f32) -> Oklab {
    Oklab {
        l: a.l + (b.l - a.l) * t,
        a: a.a + (b.a - a.a) * t,
        b: a.b + (b.b - a.b) * t,
    }
}

/// Adds `colour` with `weight` to a running weighted sum.
fn add((sum, total): &mut (Oklab, f32), colour: Oklab, weight: f32) {
    sum.l += colour.l * weight;
    sum.a += colour.a * weight;
    sum.b += colour.b * weight;
    *total += weight;
}

fn median(values: &mut [f32]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let mid = values.len() / 2;
    *values.select_nth_unstable_by(mid, f32::total_cmp).1
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
    fn a_noise_speck_in_the_background_goes() {
        let mut img = RgbaImage::from_pixel(12, 12, Rgba([200, 200, 200, 255]));
        img.put_pixel(2, 2, Rgba([185, 200, 215, 255]));
        for (x, y) in [(7, 7), (8, 7), (7, 8), (8, 8)] {
            img.put_pixel(x, y, Rgba([20, 20, 120, 255]));
        }
        let out = remove_background(&img, DEFAULT_TOLERANCE);
        assert_eq!(out.get_pixel(2, 2)[3], 0);
        assert_eq!(out.pixels().filter(|p| p[3] == 255).count(), 4);
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
