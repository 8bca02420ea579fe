//! Fit: trim the sprite to its subject and centre it on the target canvas, shrinking it (by dominant colour
//! again, so no new blends appear) only when the subject at its native grid is larger than the target.

use image::{Rgba, RgbaImage, imageops};

use crate::color::is_opaque;
use crate::downscale::resample;

/// The smallest rectangle holding every opaque pixel, cut out; `None` when nothing is opaque.
pub fn trim(img: &RgbaImage) -> Option<RgbaImage> {
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, _) in img.enumerate_pixels().filter(|(_, _, p)| is_opaque(p)) {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    (x0 <= x1).then(|| imageops::crop_imm(img, x0, y0, x1 - x0 + 1, y1 - y0 + 1).to_image())
}

/// A subject at most this many pixels longer than the target along an axis loses its emptiest edge lines
/// instead of being shrunk: resampling 33 columns into 32 would shift every column and merge two in the
/// middle, while the extra line is mostly a stray pixel at the edge (noise, a blurred rim).
const MAX_CROP: u32 = 2;

/// `img` centred on a canvas filled with `fill`, shrunk first (keeping its aspect ratio) when it is wider
/// than `width` or taller than `height`, or cut by its emptiest edge lines when it is only a pixel or two
/// too long. A side left `None` is as long as the (shrunk) subject.
pub fn fit(img: &RgbaImage, width: Option<u32>, height: Option<u32>, fill: Rgba<u8>) -> RgbaImage {
    let img = &crop_to(img, width, height);
    let (w, h) = img.dimensions();
    let ratio = |len: u32, side: Option<u32>| side.map_or(0.0, |s| len as f32 / s.max(1) as f32);
    let scale = ratio(w, width).max(ratio(h, height));
    let subject = if scale > 1.0 {
        let shrink = |len: u32| ((len as f32 / scale).round() as u32).max(1);
        let (nw, nh) = (
            shrink(w).min(width.unwrap_or(u32::MAX)),
            shrink(h).min(height.unwrap_or(u32::MAX)),
        );
        let spans = |len: u32, n: u32| -> Vec<(f32, f32)> {
            let step = len as f32 / n as f32;
            (0..n)
                .map(|i| (i as f32 * step, (i + 1) as f32 * step))
                .collect()
        };
        resample(img, &spans(w, nw), &spans(h, nh), (scale, scale))
    } else {
        img.clone()
    };
    let (width, height) = (
        width.unwrap_or(subject.width()),
        height.unwrap_or(subject.height()),
    );
    let mut canvas = RgbaImage::from_pixel(width, height, fill);
    let x = (width.saturating_sub(subject.width()) / 2) as i64;
    let y = (height.saturating_sub(subject.height()) / 2) as i64;
    imageops::replace(&mut canvas, &subject, x, y);
    canvas
}

/// `img` without the edge columns (rows) holding the fewest opaque pixels, one at a time, while it is
/// longer than `width` (`height`) by at most [`MAX_CROP`].
fn crop_to(img: &RgbaImage, width: Option<u32>, height: Option<u32>) -> RgbaImage {
    let (w, h) = img.dimensions();
    let over =
        |len: u32, side: Option<u32>| side.map_or(0, |s| len.saturating_sub(s)).min(MAX_CROP + 1);
    let (over_x, over_y) = (over(w, width), over(h, height));
    if (over_x == 0 || over_x > MAX_CROP) && (over_y == 0 || over_y > MAX_CROP) {
        return img.clone();
    }
    let (mut x0, mut x1, mut y0, mut y1) = (0, w, 0, h);
    let opaque = |xs: std::ops::Range<u32>, ys: std::ops::Range<u32>| {
        ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
            .filter(|&(x, y)| is_opaque(img.get_pixel(x, y)))
            .count()
    };
    if over_x <= MAX_CROP {
        for _ in 0..over_x {
            if opaque(x0..x0 + 1, y0..y1) < opaque(x1 - 1..x1, y0..y1) {
                x0 += 1;
            } else {
                x1 -= 1;
            }
        }
    }
    if over_y <= MAX_CROP {
        for _ in 0..over_y {
            if opaque(x0..x1, y0..y0 + 1) < opaque(x0..x1, y1 - 1..y1) {
                y0 += 1;
            } else {
                y1 -= 1;
            }
        }
    }
    imageops::crop_imm(img, x0, y0, x1 - x0, y1 - y0).to_image()
}

#[cfg(test)]
mod tests {
    use super::*;

    const INK: Rgba<u8> = Rgba([10, 20, 30, 255]);
    const CLEAR: Rgba<u8> = Rgba([0, 0, 0, 0]);

    #[test]
    fn trim_cuts_to_the_subject() {
        let mut img = RgbaImage::new(10, 10);
        img.put_pixel(2, 3, INK);
        img.put_pixel(5, 4, INK);
        let t = trim(&img).unwrap();
        assert_eq!(t.dimensions(), (4, 2));
        assert_eq!(trim(&RgbaImage::new(4, 4)), None);
    }

    #[test]
    fn small_subject_is_centred() {
        let out = fit(&RgbaImage::from_pixel(2, 2, INK), Some(6), Some(5), CLEAR);
        assert_eq!(out.dimensions(), (6, 5));
        let opaque: Vec<(u32, u32)> = out
            .enumerate_pixels()
            .filter(|p| p.2[3] > 0)
            .map(|p| (p.0, p.1))
            .collect();
        assert_eq!(opaque, [(2, 1), (3, 1), (2, 2), (3, 2)]);
    }

    #[test]
    fn a_subject_a_pixel_too_tall_loses_its_emptiest_edge_row() {
        // Rows 0–9 of ink, and a stray pixel below them: 11 rows for a target of 10.
        let mut img = RgbaImage::from_fn(6, 11, |_, y| if y < 10 { INK } else { CLEAR });
        img.put_pixel(2, 10, Rgba([90, 90, 90, 255]));
        let out = fit(&img, Some(6), Some(10), CLEAR);
        assert_eq!(out, RgbaImage::from_pixel(6, 10, INK));
    }

    #[test]
    fn large_subject_shrinks_keeping_aspect_and_colours() {
        let img = RgbaImage::from_fn(40, 20, |x, _| {
            if x < 20 {
                INK
            } else {
                Rgba([200, 100, 0, 255])
            }
        });
        let out = fit(&img, Some(10), Some(10), CLEAR);
        let t = trim(&out).unwrap();
        assert_eq!(t.dimensions(), (10, 5));
        assert!(
            t.pixels()
                .all(|p| *p == INK || *p == Rgba([200, 100, 0, 255]))
        );
        assert_eq!(fit(&img, Some(10), None, CLEAR).dimensions(), (10, 5));
        assert_eq!(fit(&img, None, None, CLEAR), img);
    }
}
