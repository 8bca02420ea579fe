//! What a style looks like: a few subjects drawn by the embedded backend in the style's look, and
//! a labelled contact sheet of several styles side by side.

use image::{Rgba, RgbaImage};

use super::Style;
use crate::args::{self, ArgError, NoFields, WithSettings};
use crate::generation::pipeline::pixelize_batch;

/// The subjects a style preview shows: a character, a creature, an item.
pub const PREVIEW_SUBJECTS: &[&str] = &["knight", "green slime", "gold coin"];
/// Side of each preview sprite, in pixels.
pub const PREVIEW_SIZE: u32 = 32;

/// The style's preview sprites, one per subject, made exactly as `generate_sprite` would make
/// them on the embedded backend (seed 1), sharing one palette and grid.
pub fn preview_sprites(style: &Style) -> Result<Vec<RgbaImage>, ArgError> {
    let mut values = style.values.clone();
    for key in ["size", "width", "height"] {
        values.remove(key);
    }
    values.insert("size".into(), PREVIEW_SIZE.into());
    let parsed: WithSettings<NoFields> = args::parse_generation(Some(&values))?;
    let settings = parsed.settings(dgx_pixels_pixel::Palette::names())?;
    let raw: Vec<RgbaImage> = PREVIEW_SUBJECTS
        .iter()
        .enumerate()
        .map(|(i, prompt)| {
            dgx_pixels_procedural::generate(prompt, 1 + i as u64, PREVIEW_SIZE, PREVIEW_SIZE)
        })
        .collect();
    pixelize_batch(&raw, &settings).map_err(|e| {
        ArgError::new(
            "style",
            format!("style {:?} cannot be drawn: {e}", style.name),
        )
    })
}

/// One row per style: its name, then its preview sprites scaled by `scale`, on a neutral grey so
/// transparent and dark sprites both show.
pub fn contact_sheet(styles: &[Style], scale: u32) -> Result<RgbaImage, ArgError> {
    const PAD: u32 = 8;
    const LABEL_COLUMN: u32 = 8 * 10;
    let cell = PREVIEW_SIZE * scale;
    let columns = PREVIEW_SUBJECTS.len() as u32;
    let width = PAD + LABEL_COLUMN + columns * (cell + PAD);
    let height = PAD + styles.len() as u32 * (cell + PAD);
    let mut sheet = RgbaImage::from_pixel(width, height, Rgba([72, 76, 88, 255]));
    for (row, style) in styles.iter().enumerate() {
        let top = PAD + row as u32 * (cell + PAD);
        draw_text(
            &mut sheet,
            &style.name,
            PAD,
            top + cell / 2 - 4,
            Rgba([240, 240, 240, 255]),
        );
        for (column, sprite) in preview_sprites(style)?.iter().enumerate() {
            let left = PAD + LABEL_COLUMN + column as u32 * (cell + PAD);
            blit_scaled(&mut sheet, sprite, left, top, scale);
        }
    }
    Ok(sheet)
}

/// `text` in the 8×8 bitmap font, left to right from (x, y); characters outside ASCII are skipped.
pub fn draw_text(image: &mut RgbaImage, text: &str, x: u32, y: u32, color: Rgba<u8>) {
    for (i, c) in text.chars().filter(char::is_ascii).enumerate() {
        let glyph = font8x8::legacy::BASIC_LEGACY[c as usize];
        for (dy, bits) in glyph.iter().enumerate() {
            for dx in 0..8 {
                let (px, py) = (x + i as u32 * 8 + dx, y + dy as u32);
                if bits >> dx & 1 == 1 && px < image.width() && py < image.height() {
                    image.put_pixel(px, py, color);
                }
            }
        }
    }
}

/// Draws `sprite` at (x, y), each pixel a `scale`×`scale` square, blending its alpha over the
/// background.
pub fn blit_scaled(target: &mut RgbaImage, sprite: &RgbaImage, x: u32, y: u32, scale: u32) {
    for (sx, sy, pixel) in sprite.enumerate_pixels() {
        if pixel[3] == 0 {
            continue;
        }
        for dy in 0..scale {
            for dx in 0..scale {
                let (px, py) = (x + sx * scale + dx, y + sy * scale + dy);
                if px < target.width() && py < target.height() {
                    let under = *target.get_pixel(px, py);
                    let a = u16::from(pixel[3]);
                    let mix = |i: usize| {
                        ((u16::from(pixel[i]) * a + u16::from(under[i]) * (255 - a)) / 255) as u8
                    };
                    target.put_pixel(px, py, Rgba([mix(0), mix(1), mix(2), 255]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::style::StyleBook;
    use std::collections::BTreeSet;

    fn colours(images: &[RgbaImage]) -> BTreeSet<[u8; 3]> {
        images
            .iter()
            .flat_map(|image| image.pixels())
            .filter(|p| p[3] > 0)
            .map(|p| [p[0], p[1], p[2]])
            .collect()
    }

    #[test]
    fn each_builtin_style_on_the_embedded_backend_uses_only_its_palette() {
        let book = StyleBook::load(&Config::default(), None).unwrap();
        for style in book.styles() {
            let sprites = preview_sprites(style).unwrap();
            let used = colours(&sprites);
            match style.values.get("palette").and_then(|p| p.as_str()) {
                Some(name) => {
                    let palette: BTreeSet<[u8; 3]> = dgx_pixels_pixel::Palette::by_name(name)
                        .unwrap()
                        .colors()
                        .iter()
                        .map(|c| c.0)
                        .collect();
                    assert!(
                        used.is_subset(&palette),
                        "{}: {:?}",
                        style.name,
                        used.difference(&palette)
                    );
                    assert!(
                        used.len() >= 2,
                        "{} draws with {} colours",
                        style.name,
                        used.len()
                    );
                }
                None => {
                    let limit = style.values["colors"].as_u64().unwrap() as usize;
                    assert!(
                        used.len() <= limit,
                        "{}: {} colours",
                        style.name,
                        used.len()
                    );
                }
            }
        }
    }

    #[test]
    fn the_gameboy_style_draws_in_its_four_greens() {
        let book = StyleBook::load(&Config::default(), None).unwrap();
        let used = colours(&preview_sprites(book.get("gameboy").unwrap()).unwrap());
        let greens: BTreeSet<[u8; 3]> = [
            [0x0f, 0x38, 0x0f],
            [0x30, 0x62, 0x30],
            [0x8b, 0xac, 0x0f],
            [0x9b, 0xbc, 0x0f],
        ]
        .into_iter()
        .collect();
        assert!(used.is_subset(&greens) && used.len() >= 3, "{used:?}");
    }

    #[test]
    fn the_contact_sheet_has_a_row_per_style_and_labels() {
        let book = StyleBook::load(&Config::default(), None).unwrap();
        let sheet = contact_sheet(book.styles(), 2).unwrap();
        assert_eq!(sheet.height(), 8 + 8 * (64 + 8));
        // The first label's first glyph ('g') puts light pixels in the label column.
        let label = (8..8 + 80)
            .flat_map(|x| (8 + 28..8 + 36).map(move |y| (x, y)))
            .filter(|&(x, y)| sheet.get_pixel(x, y)[0] == 240)
            .count();
        assert!(label > 10, "{label} label pixels");
    }
}
