//! Small PNG previews for the agent: big enough to see, small enough not to flood its context.

use image::{RgbaImage, imageops};

use crate::store::encode_png;

/// Longest side of a preview, in pixels.
pub const MAX_PREVIEW_SIDE: u32 = 256;
/// Largest encoded preview, in bytes.
pub const MAX_PREVIEW_BYTES: usize = 64 * 1024;

/// The sprite scaled up by the largest integer factor that keeps it within 256 px and 64 KB.
/// Larger pictures (screenshots) are scaled down to fit, then halved until under 64 KB.
pub fn preview_png(sprite: &RgbaImage) -> Vec<u8> {
    let longest = sprite.width().max(sprite.height()).max(1);
    let mut factor = (MAX_PREVIEW_SIDE / longest).max(1);
    let mut base = if longest > MAX_PREVIEW_SIDE {
        let scale = MAX_PREVIEW_SIDE as f64 / longest as f64;
        imageops::resize(
            sprite,
            ((sprite.width() as f64 * scale) as u32).max(1),
            ((sprite.height() as f64 * scale) as u32).max(1),
            imageops::FilterType::Triangle,
        )
    } else {
        sprite.clone()
    };
    loop {
        let png = encode_png(&scale_up(&base, factor));
        if png.len() <= MAX_PREVIEW_BYTES || (factor == 1 && base.width().max(base.height()) <= 8) {
            return png;
        }
        if factor > 1 {
            factor -= 1;
        } else {
            base = imageops::resize(
                &base,
                (base.width() / 2).max(1),
                (base.height() / 2).max(1),
                imageops::FilterType::Nearest,
            );
        }
    }
}

/// Each pixel becomes a `factor`×`factor` square. (`imageops::resize` with `Nearest` draws the
/// same picture by general resampling: 15 M instructions for a 256² preview, 83 % of a
/// `generate_sprite` call's.)
fn scale_up(image: &RgbaImage, factor: u32) -> RgbaImage {
    let (width, height) = (image.width() * factor, image.height() * factor);
    let mut raw = Vec::with_capacity(width as usize * height as usize * 4);
    for row in image.rows() {
        let start = raw.len();
        for pixel in row {
            for _ in 0..factor {
                raw.extend_from_slice(&pixel.0);
            }
        }
        let end = raw.len();
        for _ in 1..factor {
            raw.extend_from_within(start..end);
        }
    }
    RgbaImage::from_raw(width, height, raw).expect("the buffer holds width × height pixels")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sprites_scale_up_by_an_integer_factor() {
        let sprite = RgbaImage::from_pixel(32, 16, image::Rgba([200, 10, 10, 255]));
        let preview = image::load_from_memory(&preview_png(&sprite)).unwrap();
        assert_eq!((preview.width(), preview.height()), (256, 128));
    }

    #[test]
    fn scaling_up_turns_each_pixel_into_a_square() {
        let sprite = RgbaImage::from_fn(3, 2, |x, y| image::Rgba([x as u8, y as u8, 7, 255]));
        let scaled = scale_up(&sprite, 4);
        assert_eq!(scaled.dimensions(), (12, 8));
        let nearest = imageops::resize(&sprite, 12, 8, imageops::FilterType::Nearest);
        assert_eq!(scaled, nearest);
        assert_eq!(scale_up(&sprite, 1), sprite);
    }

    #[test]
    fn a_preview_decodes_to_the_sprite_scaled_up() {
        let sprite = RgbaImage::from_fn(32, 32, |x, y| {
            let shade = ((x / 4 + y / 8) % 5) as u8 * 50;
            image::Rgba([
                shade,
                255 - shade,
                90,
                if (x + y) % 7 == 0 { 0 } else { 255 },
            ])
        });
        let png = preview_png(&sprite);
        assert!(png.len() <= 16 * 1024, "{} bytes", png.len());
        let preview = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!(preview, scale_up(&sprite, 8));
    }

    #[test]
    fn noisy_large_sprites_stay_under_the_byte_cap() {
        let mut state = 12345u32;
        let sprite = RgbaImage::from_fn(256, 256, |_, _| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            image::Rgba(state.to_le_bytes())
        });
        let png = preview_png(&sprite);
        assert!(png.len() <= MAX_PREVIEW_BYTES, "{} bytes", png.len());
        let screenshot = RgbaImage::from_pixel(1280, 720, image::Rgba([10, 20, 30, 255]));
        let preview = image::load_from_memory(&preview_png(&screenshot)).unwrap();
        assert_eq!((preview.width(), preview.height()), (256, 144));
        let preview = image::load_from_memory(&png).unwrap();
        assert!(preview.width() <= MAX_PREVIEW_SIDE);
    }
}
