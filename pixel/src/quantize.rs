//! Palette lock: every opaque pixel becomes the palette colour that looks nearest (in Oklab), with no
//! dithering, and alpha becomes all-or-nothing, so the sprite holds only palette colours and transparency.

use std::collections::HashMap;

use image::{Rgba, RgbaImage};

use crate::color::{is_opaque, rgb};
use crate::palette::Palette;

/// `img` with each opaque pixel replaced by its nearest palette colour and every other pixel cleared.
pub fn lock_to_palette(img: &RgbaImage, palette: &Palette) -> RgbaImage {
    let mut nearest = HashMap::new();
    let mut out = img.clone();
    for pixel in out.pixels_mut() {
        *pixel = if is_opaque(pixel) {
            let c = *nearest
                .entry(rgb(pixel))
                .or_insert_with(|| palette.nearest(rgb(pixel)));
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
