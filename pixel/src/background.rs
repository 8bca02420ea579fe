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
    background: Vec<bool>,
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
            background: vec![false; w * h],
        };
        let border = mask.border_ring();
        let mut steps: Vec<f32> = border
            .iter()
            .zip(border.iter().cycle().skip(1))
            .map(|(&a, &b)| mask.lab[a].distance(mask.lab[b]))
            .collect();
        mask.tolerance = tolerance.max((NOISE_MARGIN * median(&mut steps)).min(MAX_TOLERANCE));
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

    /// Enclosed areas of background colour too big to be a detail.
    fn fill_holes(&mut self) {
        let references = self.references(&self.border_ring());
        let mut checked = self.background.clone();
        for i in 0..self.w * self.h {
            if !checked[i]
                && self.like(&references, i)
                && self
                    .region(i, &mut checked, |m, j| m.like(&references, j))
                    .len()
                    >= MIN_HOLE
            {
                self.flood(i);
            }
        }
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
                if self.background[n] {
                    continue;
                }
                if self.close(self.lab[n], self.lab[i], 1.0) {
                    self.background[n] = true;
                    queue.push_back(n);
                } else if self.neighbours(n).any(|s| {
                    s != i && blurred_in(self.lab[n], self.lab[i], self.lab[s], self.tolerance)
                }) {
                    // Rim pixels end the fill here: spreading from them could creep into the subject.
                    self.background[n] = true;
                }
            }
        }
    }
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
