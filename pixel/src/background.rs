//! Background → alpha: a flood fill from the image border that spreads while neighbouring colours stay within
//! a perceptual tolerance of each other, so solid, gradient and noisy backgrounds go transparent while the
//! subject stops the fill, and background-coloured pixels enclosed by the subject (eyes, gaps inside an
//! outline) stay.

use std::collections::VecDeque;

use image::{Rgba, RgbaImage};

use crate::color::{OPAQUE, Oklab, rgb};

/// Oklab step between neighbouring background pixels still taken as background: above noise and gradients
/// left after downscaling, below the contrast of a subject against its background.
pub const DEFAULT_TOLERANCE: f32 = 0.05;

/// Makes the background of `img` transparent. An image that already has transparent pixels is returned as it
/// is: its alpha already says what is background.
pub fn remove_background(img: &RgbaImage, tolerance: f32) -> RgbaImage {
    if img.width() == 0 || img.height() == 0 || img.pixels().any(|p| p[3] < OPAQUE) {
        return img.clone();
    }
    let (w, h) = (img.width() as usize, img.height() as usize);
    let lab: Vec<Oklab> = img.pixels().map(|p| Oklab::from_rgb(rgb(p))).collect();
    let limit = tolerance * tolerance;
    let mut background = vec![false; w * h];
    let mut queue = VecDeque::new();
    let border = (0..w)
        .flat_map(|x| [(x, 0), (x, h - 1)])
        .chain((0..h).flat_map(|y| [(0, y), (w - 1, y)]));
    for (x, y) in border {
        if !std::mem::replace(&mut background[y * w + x], true) {
            queue.push_back((x, y));
        }
    }
    while let Some((x, y)) = queue.pop_front() {
        let here = lab[y * w + x];
        let neighbours = [
            (x.wrapping_sub(1), y),
            (x + 1, y),
            (x, y.wrapping_sub(1)),
            (x, y + 1),
        ];
        for (nx, ny) in neighbours {
            if nx >= w || ny >= h {
                continue;
            }
            let i = ny * w + nx;
            if !background[i] && lab[i].distance_squared(here) <= limit {
                background[i] = true;
                queue.push_back((nx, ny));
            }
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
    fn gradient_goes_subject_and_enclosed_stay() {
        let out = remove_background(&ring_on_gradient(), DEFAULT_TOLERANCE);
        assert_eq!(out.get_pixel(0, 0)[3], 0);
        assert_eq!(out.get_pixel(0, 19)[3], 0);
        assert_eq!(*out.get_pixel(10, 4), Rgba([220, 30, 30, 255]));
        assert_eq!(out.get_pixel(10, 10)[3], 255, "the enclosed hole stays");
    }

    #[test]
    fn existing_alpha_is_kept() {
        let mut img = ring_on_gradient();
        img.put_pixel(0, 0, Rgba([0, 0, 0, 0]));
        assert_eq!(remove_background(&img, DEFAULT_TOLERANCE), img);
    }

    #[test]
    fn single_colour_image_is_all_background() {
        let img = RgbaImage::from_pixel(3, 1, Rgba([5, 5, 5, 255]));
        assert!(
            remove_background(&img, DEFAULT_TOLERANCE)
                .pixels()
                .all(|p| p[3] == 0)
        );
    }
}
