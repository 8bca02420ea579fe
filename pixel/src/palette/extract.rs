//! Choosing `k` colours from images: weighted k-means in Oklab over a colour histogram, so the work depends on
//! how many colours there are, not how many pixels.

use std::collections::HashMap;

use image::{Rgb, RgbaImage};

use crate::color::{Oklab, is_opaque, rgb};

/// Above this many distinct colours the histogram is binned to 5 bits a channel, bounding k-means' work.
const MAX_EXACT_COLORS: usize = 4096;
const ITERATIONS: usize = 24;

/// Up to `k` colours representing the opaque pixels of `images`, darkest first.
pub(super) fn representative_colors(images: &[&RgbaImage], k: usize) -> Vec<Rgb<u8>> {
    let histogram = histogram(images);
    if histogram.len() <= k {
        let mut colors: Vec<Rgb<u8>> = histogram.into_iter().map(|(c, _)| c).collect();
        colors.sort_by(|a, b| Oklab::from_rgb(*a).l.total_cmp(&Oklab::from_rgb(*b).l));
        return colors;
    }
    let points: Vec<(Oklab, f32)> = histogram
        .iter()
        .map(|&(c, n)| (Oklab::from_rgb(c), n as f32))
        .collect();
    let mut centres = kmeans(&points, k);
    centres.sort_by(|a, b| a.l.total_cmp(&b.l));
    centres.into_iter().map(Oklab::to_rgb).collect()
}

/// Distinct opaque colours with their pixel counts, binned when there are too many.
fn histogram(images: &[&RgbaImage]) -> Vec<(Rgb<u8>, u32)> {
    let mut exact: HashMap<Rgb<u8>, u32> = HashMap::new();
    for pixel in images
        .iter()
        .flat_map(|img| img.pixels())
        .filter(|p| is_opaque(p))
    {
        *exact.entry(rgb(pixel)).or_default() += 1;
    }
    if exact.len() <= MAX_EXACT_COLORS {
        let mut colors: Vec<_> = exact.into_iter().collect();
        colors.sort_by_key(|&(Rgb(c), n)| (std::cmp::Reverse(n), c));
        return colors;
    }
    let mut bins: HashMap<[u8; 3], [u32; 4]> = HashMap::new();
    for (Rgb([r, g, b]), n) in exact {
        let bin = bins.entry([r >> 3, g >> 3, b >> 3]).or_default();
        for (sum, v) in bin.iter_mut().zip([r, g, b]) {
            *sum += v as u32 * n;
        }
        bin[3] += n;
    }
    let mut colors: Vec<_> = bins
        .into_values()
        .map(|[r, g, b, n]| (Rgb([(r / n) as u8, (g / n) as u8, (b / n) as u8]), n))
        .collect();
    colors.sort_by_key(|&(Rgb(c), n)| (std::cmp::Reverse(n), c));
    colors
}

/// Weighted Lloyd iterations from a deterministic farthest-point start (the heaviest colour first, then
/// whichever colour is worst served so far), so the same images always give the same palette.
fn kmeans(points: &[(Oklab, f32)], k: usize) -> Vec<Oklab> {
    let mut centres = vec![points[0].0];
    let mut nearest: Vec<f32> = points
        .iter()
        .map(|(p, _)| p.distance_squared(centres[0]))
        .collect();
    while centres.len() < k {
        let (index, score) = nearest
            .iter()
            .zip(points)
            .map(|(d, (_, w))| d * w)
            .enumerate()
            .fold(
                (0, 0.0),
                |best, cur| if cur.1 > best.1 { cur } else { best },
            );
        if score <= 0.0 {
            break;
        }
        let centre = points[index].0;
        centres.push(centre);
        for (d, (p, _)) in nearest.iter_mut().zip(points) {
            *d = d.min(p.distance_squared(centre));
        }
    }
    let mut assignment = vec![usize::MAX; points.len()];
    for _ in 0..ITERATIONS {
        let mut changed = false;
        for (slot, (p, _)) in assignment.iter_mut().zip(points) {
            let best = closest(&centres, *p);
            changed |= *slot != best;
            *slot = best;
        }
        if !changed {
            break;
        }
        let mut sums = vec![(0.0f32, 0.0f32, 0.0f32, 0.0f32); centres.len()];
        for (&c, (p, w)) in assignment.iter().zip(points) {
            let s = &mut sums[c];
            s.0 += p.l * w;
            s.1 += p.a * w;
            s.2 += p.b * w;
            s.3 += w;
        }
        for (centre, (l, a, b, w)) in centres.iter_mut().zip(sums) {
            if w > 0.0 {
                *centre = Oklab {
                    l: l / w,
                    a: a / w,
                    b: b / w,
                };
            }
        }
    }
    centres
}

fn closest(centres: &[Oklab], p: Oklab) -> usize {
    centres
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.distance_squared(p)))
        .fold(
            (0, f32::INFINITY),
            |best, cur| if cur.1 < best.1 { cur } else { best },
        )
        .0
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;

    fn two_tone_noisy() -> RgbaImage {
        RgbaImage::from_fn(64, 64, |x, y| {
            let jitter = ((x * 7 + y * 13) % 9) as u8;
            if x < 32 {
                Rgba([200 + jitter, 20 + jitter, 20, 255])
            } else {
                Rgba([20, 40 + jitter, 200 - jitter, 255])
            }
        })
    }

    #[test]
    fn finds_the_two_clusters() {
        let img = two_tone_noisy();
        let colors = representative_colors(&[&img], 2);
        assert_eq!(colors.len(), 2);
        assert!(colors.iter().any(|c| c[0] > 190 && c[2] < 40));
        assert!(colors.iter().any(|c| c[2] > 180 && c[0] < 40));
    }

    #[test]
    fn few_colours_come_back_exactly() {
        let img = RgbaImage::from_fn(4, 4, |x, _| {
            if x < 2 {
                Rgba([1, 2, 3, 255])
            } else {
                Rgba([9, 9, 9, 0])
            }
        });
        assert_eq!(representative_colors(&[&img], 8), [Rgb([1, 2, 3])]);
    }

    #[test]
    fn many_colours_are_binned_and_still_clustered() {
        let img = RgbaImage::from_fn(128, 128, |x, y| {
            Rgba([(x * 2) as u8, (y * 2) as u8, ((x + y) % 256) as u8, 255])
        });
        let colors = representative_colors(&[&img], 16);
        assert_eq!(colors.len(), 16);
    }
}
