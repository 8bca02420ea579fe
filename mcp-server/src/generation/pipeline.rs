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

/// Frames that are already pixel art at their size, locked to one palette shared by all of them
/// (and outlined when asked), with nothing moved or rescaled.
pub(crate) fn lock_frames(frames: &[RgbaImage], look: &Look) -> Result<Vec<RgbaImage>, PixelError> {
    let palette = match &look.palette {
        None => None,
        Some(PaletteChoice::Named(name)) => Some(pixel::Palette::by_name(name)?),
        Some(PaletteChoice::Colors(colors)) => Some(pixel::Palette::from_rgb(colors)?),
        Some(PaletteChoice::Auto(k)) => {
            let all: Vec<&RgbaImage> = frames.iter().collect();
            Some(pixel::Palette::from_images(&all, *k as usize)?)
        }
    };
    Ok(frames
        .iter()
        .map(|frame| {
            let locked = match &palette {
                Some(palette) => {
                    pixel::quantize::lock_to_palette_dithered(frame, palette, look.dither)
                }
                None => frame.clone(),
            };
            match look.outline {
                None => locked,
                Some(OutlineChoice::Color([r, g, b])) => {
                    pixel::outline::add_outline(&locked, image::Rgba([r, g, b, 255]))
                }
                Some(OutlineChoice::Darkest) => {
                    let darkest = palette
                        .as_ref()
                        .map(|p| p.darkest().0)
                        .unwrap_or([20, 16, 24]);
                    let [r, g, b] = darkest;
                    pixel::outline::add_outline(&locked, image::Rgba([r, g, b, 255]))
                }
            }
        })
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
