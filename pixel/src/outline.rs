//! Outline: a 1-pixel border around the sprite, on the transparent pixels that touch it edge-on (not
//! corner-on, the usual pixel-art choice: it keeps diagonals one pixel thin).

use image::{Rgba, RgbaImage};

use crate::color::is_opaque;

/// `img` with every transparent pixel that has an opaque 4-neighbour painted `color`.
pub fn add_outline(img: &RgbaImage, color: Rgba<u8>) -> RgbaImage {
    let (w, h) = img.dimensions();
    let opaque_at = |x: i64, y: i64| {
        x >= 0
            && y >= 0
            && x < w as i64
            && y < h as i64
            && is_opaque(img.get_pixel(x as u32, y as u32))
    };
    let mut out = img.clone();
    for (x, y, pixel) in out.enumerate_pixels_mut() {
        let (x, y) = (x as i64, y as i64);
        if !is_opaque(pixel)
            && [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
                .into_iter()
                .any(|(nx, ny)| opaque_at(nx, ny))
        {
            *pixel = color;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dot_gets_a_plus_shaped_outline() {
        let mut img = RgbaImage::new(3, 3);
        img.put_pixel(1, 1, Rgba([255, 255, 255, 255]));
        let out = add_outline(&img, Rgba([0, 0, 0, 255]));
        let painted: Vec<bool> = out.pixels().map(|p| p[3] == 255).collect();
        assert_eq!(
            painted,
            [false, true, false, true, true, true, false, true, false]
        );
        assert_eq!(*out.get_pixel(1, 1), Rgba([255, 255, 255, 255]));
    }
}
