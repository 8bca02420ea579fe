//! Palette lock: every opaque pixel becomes the palette colour that looks nearest (in Oklab), or with
//! ordered dithering one of the two nearest in the proportion the pixel lies between them, and alpha
//! becomes all-or-nothing, so the sprite holds only palette colours and transparency.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use image::{Rgba, RgbaImage};

use crate::PixelError;
use crate::color::{is_opaque, rgb};
use crate::palette::Palette;

/// How colours between two palette colours are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dither {
    /// The nearest palette colour: flat areas, but a gradient bands.
    #[default]
    None,
    /// A 4×4 Bayer pattern of the two nearest colours: 16 levels between them, a fine texture.
    Bayer4,
    /// An 8×8 Bayer pattern: 64 levels, for long, slow gradients.
    Bayer8,
}

impl Dither {
    /// The names [`Dither::from_str`] accepts.
    pub const NAMES: [&'static str; 3] = ["none", "bayer4", "bayer8"];

    /// The pattern's threshold at `(x, y)`, in (0, 1); `None` when not dithering.
    fn threshold(self, x: u32, y: u32) -> Option<f32> {
        let n = match self {
            Dither::None => return None,
            Dither::Bayer4 => 4,
            Dither::Bayer8 => 8,
        };
        Some((bayer(n, x % n, y % n) as f32 + 0.5) / (n * n) as f32)
    }
}

/// The index of `(x, y)` in the `n`×`n` Bayer matrix (n a power of two), built bit by bit: the finest
/// bits of the position pick the most significant digit, so neighbours land far apart in the order.
fn bayer(n: u32, x: u32, y: u32) -> u32 {
    let mut value = 0;
    let mut bit = 1;
    while bit < n {
        let (bx, by) = (x & bit != 0, y & bit != 0);
        value = value * 4
            + match (bx, by) {
                (false, false) => 0,
                (true, true) => 1,
                (true, false) => 2,
                (false, true) => 3,
            };
        bit *= 2;
    }
    value
}

impl FromStr for Dither {
    type Err = PixelError;

    fn from_str(s: &str) -> Result<Self, PixelError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(Dither::None),
            "bayer4" => Ok(Dither::Bayer4),
            "bayer8" => Ok(Dither::Bayer8),
            _ => Err(PixelError::UnknownDither {
                value: s.to_string(),
            }),
        }
    }
}

impl fmt::Display for Dither {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Dither::None => "none",
            Dither::Bayer4 => "bayer4",
            Dither::Bayer8 => "bayer8",
        };
        f.write_str(name)
    }
}

/// `img` with each opaque pixel replaced by its nearest palette colour and every other pixel cleared.
pub fn lock_to_palette(img: &RgbaImage, palette: &Palette) -> RgbaImage {
    lock_to_palette_dithered(img, palette, Dither::None)
}

/// Like [`lock_to_palette`], with `dither` choosing between each pixel's two nearest palette colours by
/// where it lies between them. A pixel that is a palette colour stays it.
pub fn lock_to_palette_dithered(img: &RgbaImage, palette: &Palette, dither: Dither) -> RgbaImage {
    let mut nearest = HashMap::new();
    let mut out = img.clone();
    for (x, y, pixel) in out.enumerate_pixels_mut() {
        *pixel = if is_opaque(pixel) {
            let (first, second, share) =
                *nearest.entry(rgb(pixel)).or_insert_with(|| match dither {
                    Dither::None => {
                        let c = palette.nearest(rgb(pixel));
                        (c, c, 0.0)
                    }
                    _ => palette.nearest_pair(rgb(pixel)),
                });
            let c = match dither.threshold(x, y) {
                Some(t) if share > t => second,
                _ => first,
            };
            Rgba([c[0], c[1], c[2], 255])
        } else {
            Rgba([0, 0, 0, 0])
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn black_and_white() -> Palette {
        Palette::from_rgb(&[[0, 0, 0], [255, 255, 255]]).unwrap()
    }

    #[test]
    fn bayer_matrices_hold_every_level_once() {
        for n in [4, 8] {
            let mut levels: Vec<u32> = (0..n * n).map(|i| bayer(n, i % n, i / n)).collect();
            levels.sort_unstable();
            assert_eq!(levels, (0..n * n).collect::<Vec<_>>());
        }
        assert_eq!(bayer(4, 0, 0), 0);
        assert_eq!(bayer(4, 1, 1), 4);
    }

    #[test]
    fn a_grey_between_two_colours_becomes_a_pattern_of_both() {
        // A dark grey a quarter of the way from black to white in Oklab.
        let palette = black_and_white();
        let grey = (0..=99u8)
            .min_by_key(|&v| {
                let (_, _, share) = palette.nearest_pair(image::Rgb([v, v, v]));
                ((share - 0.25).abs() * 1000.0) as u32
            })
            .unwrap();
        let img = RgbaImage::from_pixel(8, 8, Rgba([grey, grey, grey, 255]));
        for dither in [Dither::Bayer4, Dither::Bayer8] {
            let out = lock_to_palette_dithered(&img, &palette, dither);
            let white = out.pixels().filter(|p| p[0] == 255).count();
            assert_eq!(white, 16, "{dither}: a quarter of 64 pixels white");
        }
        let flat = lock_to_palette_dithered(&img, &palette, Dither::None);
        assert!(flat.pixels().all(|p| p[0] == 0), "undithered: all nearest");
    }

    #[test]
    fn palette_colours_stay_as_they_are() {
        let palette = Palette::by_name("pico-8").unwrap();
        let img = RgbaImage::from_fn(16, 8, |x, _| {
            let c = palette.colors()[x as usize];
            Rgba([c[0], c[1], c[2], 255])
        });
        assert_eq!(
            lock_to_palette_dithered(&img, &palette, Dither::Bayer8),
            img
        );
    }

    #[test]
    fn a_gradient_is_dithered_instead_of_banded() {
        let palette = black_and_white();
        let img = RgbaImage::from_fn(64, 8, |x, _| {
            let v = (x * 4) as u8;
            Rgba([v, v, v, 255])
        });
        let share_white =
            |out: &RgbaImage, x: u32| (0..8).filter(|&y| out.get_pixel(x, y)[0] == 255).count();
        let banded = lock_to_palette(&img, &palette);
        let dithered = lock_to_palette_dithered(&img, &palette, Dither::Bayer8);
        // Undithered, each column is one colour; dithered, the share of white rises across the gradient.
        assert!((0..64).all(|x| [0, 8].contains(&share_white(&banded, x))));
        let mixed = (0..64)
            .filter(|&x| (1..8).contains(&share_white(&dithered, x)))
            .count();
        assert!(mixed >= 32, "{mixed} of 64 columns mix both colours");
        let left: usize = (0..16).map(|x| share_white(&dithered, x)).sum();
        let right: usize = (48..64).map(|x| share_white(&dithered, x)).sum();
        assert!(left < right);
    }

    #[test]
    fn names_parse_and_others_are_refused_naming_the_choices() {
        for name in Dither::NAMES {
            assert_eq!(name.parse::<Dither>().unwrap().to_string(), name);
        }
        let err = "floyd".parse::<Dither>().unwrap_err().to_string();
        assert!(err.contains("none, bayer4, bayer8"), "{err}");
    }

    #[test]
    fn only_palette_colours_and_transparency_remain() {
        let palette = Palette::by_name("pico-8").unwrap();
        let img = RgbaImage::from_fn(16, 16, |x, y| {
            Rgba([(x * 16) as u8, (y * 16) as u8, 90, (x * 17) as u8])
        });
        let out = lock_to_palette(&img, &palette);
        for p in out.pixels() {
            assert!(
                p[3] == 0 && *p == Rgba([0, 0, 0, 0])
                    || p[3] == 255 && palette.colors().contains(&rgb(p))
            );
        }
    }
}
