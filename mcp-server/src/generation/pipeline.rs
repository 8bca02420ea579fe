//! The pixel pipeline as generation uses it: a validated look in, the pixel crate's options out.

use dgx_pixels_pixel::{self as pixel, PixelError};
use image::RgbaImage;

use crate::spec::{Look, OutlineChoice, PaletteChoice, Settings};

/// Runs the pixel pipeline over a batch with one shared palette and grid.
pub(crate) fn pixelize_batch(
    images: &[RgbaImage],
    settings: &Settings,
) -> Result<Vec<RgbaImage>, PixelError> {
    if images.is_empty() {
        return Ok(Vec::new());
    }
    let options = pixel_options(&settings.look)?;
    Ok(pixel::pixelize_batch(images, &options)?
        .into_iter()
        .map(|p| p.image)
        .collect())
}

/// The pixel pipeline's options for a validated look.
pub fn pixel_options(look: &Look) -> Result<pixel::PixelizeOptions, PixelError> {
    let palette = match &look.palette {
        None => pixel::PaletteChoice::None,
        Some(PaletteChoice::Named(name)) => {
            pixel::PaletteChoice::Fixed(pixel::Palette::by_name(name)?)
        }
        Some(PaletteChoice::Colors(colors)) => {
            pixel::PaletteChoice::Fixed(pixel::Palette::from_rgb(colors)?)
        }
        Some(PaletteChoice::Auto(k)) => pixel::PaletteChoice::Auto { k: *k as usize },
    };
    Ok(pixel::PixelizeOptions {
        width: look.width,
        height: look.height,
        palette,
        transparent: look.transparent,
        outline: look.outline.map(|o| match o {
            OutlineChoice::Color([r, g, b]) => pixel::OutlineColor::Rgba([r, g, b, 255]),
            OutlineChoice::Darkest => pixel::OutlineColor::Darkest,
        }),
        dither: look.dither,
        ..pixel::PixelizeOptions::default()
    })
}
