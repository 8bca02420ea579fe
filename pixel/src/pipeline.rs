//! The whole pipeline, from a generated picture to a game-ready sprite: grid → downscale → background →
//! palette → fit → outline. Batches share one grid cell size and one palette, so frames do not flicker.
//! A cell size the caller knows replaces detection; otherwise detection says how sure it is.

use std::collections::HashMap;

use image::{Rgba, RgbaImage};

use crate::PixelError;
use crate::background::{DEFAULT_TOLERANCE, remove_background};
use crate::color::{Oklab, is_opaque, rgb};
use crate::deblur::deblur;
use crate::downscale::downscale;
use crate::fit::{fit, trim};
use crate::grid::{Grid, GridFit};
use crate::outline::add_outline;
use crate::palette::Palette;
use crate::quantize::{Dither, lock_to_palette_dithered};

/// Largest target side accepted, so a typo cannot ask for gigabytes.
pub const MAX_SIDE: u32 = 4096;
/// Largest cell size a caller may force, in source pixels per sprite pixel.
pub const MAX_CELL: f32 = 512.0;

/// Which colours the sprite may use.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PaletteChoice {
    /// Keep the colours the image has.
    #[default]
    None,
    /// Lock to this palette (a named one or a list).
    Fixed(Palette),
    /// Lock to `k` colours (2–256) chosen from the image, or from all images of a batch.
    Auto { k: usize },
}

/// The colour of an added outline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlineColor {
    /// This colour (RGBA).
    Rgba([u8; 4]),
    /// The darkest colour of the palette in use, or of the sprite when there is no palette.
    Darkest,
}

/// What to make of an image.
#[derive(Clone, Debug, PartialEq)]
pub struct PixelizeOptions {
    /// Output width in pixels; `None` takes the subject's width at its native grid.
    pub width: Option<u32>,
    /// Output height in pixels; `None` takes the subject's height at its native grid.
    pub height: Option<u32>,
    pub palette: PaletteChoice,
    /// Turn the background transparent and trim to the subject (default); `false` keeps the whole picture.
    pub transparent: bool,
    /// Add a 1-pixel outline, kept inside the target size.
    pub outline: Option<OutlineColor>,
    /// Source pixels per sprite pixel (1–512), when known: forces the grid's cell size instead of
    /// detecting it (the phase is still found). The cell's width, and its height unless `cell_y` is given.
    pub cell: Option<f32>,
    /// Source pixels per sprite pixel down (1–512), for cells that are not square (a stretched sprite);
    /// needs `cell`.
    pub cell_y: Option<f32>,
    /// How colours between two palette colours are drawn when locking to a palette.
    pub dither: Dither,
}

impl Default for PixelizeOptions {
    fn default() -> Self {
        PixelizeOptions {
            width: None,
            height: None,
            palette: PaletteChoice::None,
            transparent: true,
            outline: None,
            cell: None,
            cell_y: None,
            dither: Dither::None,
        }
    }
}

/// A finished sprite and what was found on the way.
#[derive(Clone, Debug, PartialEq)]
pub struct Pixelized {
    pub image: RgbaImage,
    /// Source pixels per sprite pixel that the grid detection found; 1.0 for art already at its native size.
    pub cell_size: f32,
    /// The grid used and how sure its detection was.
    pub grid: GridFit,
    /// Distinct opaque colours in `image`.
    pub colors: usize,
    /// The palette applied, if any (for `Auto`, the colours chosen).
    pub palette: Option<Palette>,
}

/// Turns one picture of pixel art into a sprite at its native grid.
pub fn pixelize(img: &RgbaImage, opts: &PixelizeOptions) -> Result<Pixelized, PixelError> {
    validate(opts)?;
    check_image(img)?;
    let grid = estimate(img, opts);
    let native = native(img, &grid.grid, opts);
    let palette = resolve_palette(&opts.palette, &[&native])?;
    finish(native, grid, palette.as_ref(), opts)
}

/// Like [`pixelize`] for several pictures of one set (a batch, animation frames), with one grid cell size
/// (the given one, or the confidence-weighted median of what each image shows, so a sure detection
/// outweighs a guess) and one palette (for `Auto`, chosen over all images) for all.
pub fn pixelize_batch(
    imgs: &[RgbaImage],
    opts: &PixelizeOptions,
) -> Result<Vec<Pixelized>, PixelError> {
    validate(opts)?;
    let in_batch = |index: usize| {
        move |e: PixelError| PixelError::BatchItem {
            index,
            source: Box::new(e),
        }
    };
    for (i, img) in imgs.iter().enumerate() {
        check_image(img).map_err(in_batch(i))?;
    }
    let grids: Vec<GridFit> = imgs.iter().map(|img| estimate(img, opts)).collect();
    let Some((cell, cell_y)) = weighted_median_cell(&grids) else {
        return Ok(Vec::new());
    };
    let natives: Vec<(RgbaImage, GridFit)> = imgs
        .iter()
        .zip(grids)
        .map(|(img, fit)| {
            let fit = if (fit.grid.cell, fit.grid.cell_y) == (cell, cell_y) {
                fit
            } else {
                GridFit {
                    grid: Grid::detect_with_cell(img, cell, cell_y),
                    ..fit
                }
            };
            (native(img, &fit.grid, opts), fit)
        })
        .collect();
    let all: Vec<&RgbaImage> = natives.iter().map(|(n, _)| n).collect();
    let palette = resolve_palette(&opts.palette, &all)?;
    natives
        .into_iter()
        .enumerate()
        .map(|(i, (n, fit))| finish(n, fit, palette.as_ref(), opts).map_err(in_batch(i)))
        .collect()
}

/// The grid of `img`: detected, or with the cell size the options give.
fn estimate(img: &RgbaImage, opts: &PixelizeOptions) -> GridFit {
    match opts.cell {
        Some(cell) => Grid::estimate_with_cell(img, cell, opts.cell_y.unwrap_or(cell)),
        None => Grid::estimate(img),
    }
}

/// The cell size (across, down) half the batch's confidence lies on either side of (ordered by the size
/// across); the plain median when no image is sure of anything.
fn weighted_median_cell(grids: &[GridFit]) -> Option<(f32, f32)> {
    let mut cells: Vec<((f32, f32), f32)> = grids
        .iter()
        .map(|g| ((g.grid.cell, g.grid.cell_y), g.confidence.max(1e-3)))
        .collect();
    cells.sort_by(|a, b| a.0.0.total_cmp(&b.0.0));
    let total: f32 = cells.iter().map(|(_, w)| w).sum();
    let mut seen = 0.0;
    cells
        .iter()
        .find(|(_, w)| {
            seen += w;
            seen >= total / 2.0
        })
        .map(|(cell, _)| *cell)
}

fn validate(opts: &PixelizeOptions) -> Result<(), PixelError> {
    for (axis, side) in [("width", opts.width), ("height", opts.height)] {
        if let Some(value) = side.filter(|v| !(1..=MAX_SIDE).contains(v)) {
            return Err(PixelError::SizeOutOfRange {
                axis,
                value,
                max: MAX_SIDE,
            });
        }
    }
    for (axis, cell) in [("cell size", opts.cell), ("cell height", opts.cell_y)] {
        if let Some(value) = cell.filter(|c| !(c.is_finite() && (1.0..=MAX_CELL).contains(c))) {
            return Err(PixelError::CellOutOfRange {
                axis,
                value,
                max: MAX_CELL,
            });
        }
    }
    if opts.cell_y.is_some() && opts.cell.is_none() {
        return Err(PixelError::CellHeightWithoutWidth);
    }
    match opts.palette {
        PaletteChoice::Auto { k } if !(2..=256).contains(&k) => {
            Err(PixelError::ColorCountOutOfRange { k })
        }
        _ => Ok(()),
    }
}

fn check_image(img: &RgbaImage) -> Result<(), PixelError> {
    let (width, height) = img.dimensions();
    if width == 0 || height == 0 {
        return Err(PixelError::EmptyImage { width, height });
    }
    Ok(())
}

/// The picture at one pixel per cell, blur undone, background removed when asked.
/// Art already at one pixel per cell and exactly the asked size is taken as finished: the border of a tile
/// is no background to remove. The background is judged on the cells' dominant colours: undoing blur
/// sharpens noise too, and a fill would leave its specks standing.
fn native(img: &RgbaImage, grid: &Grid, opts: &PixelizeOptions) -> RgbaImage {
    let cells = downscale(img, grid);
    let mut sharp = deblur(img, grid, &cells);
    let finished = grid.cell == 1.0
        && grid.cell_y == 1.0
        && Some(img.dimensions()) == opts.width.zip(opts.height);
    if opts.transparent && !finished {
        let cut = remove_background(&cells, DEFAULT_TOLERANCE);
        for (p, c) in sharp.pixels_mut().zip(cut.pixels()) {
            if c[3] == 0 {
                *p = *c;
            }
        }
    }
    sharp
}

fn resolve_palette(
    choice: &PaletteChoice,
    natives: &[&RgbaImage],
) -> Result<Option<Palette>, PixelError> {
    match choice {
        PaletteChoice::None => Ok(None),
        PaletteChoice::Fixed(palette) => Ok(Some(palette.clone())),
        PaletteChoice::Auto { k } => match Palette::from_images(natives, *k) {
            Err(PixelError::EmptyPalette) => Err(PixelError::NoSubject),
            other => other.map(Some),
        },
    }
}

/// Fit, palette lock and outline for one native-size image.
fn finish(
    native: RgbaImage,
    grid: GridFit,
    palette: Option<&Palette>,
    opts: &PixelizeOptions,
) -> Result<Pixelized, PixelError> {
    if !native.pixels().any(is_opaque) {
        return Err(PixelError::NoSubject);
    }
    // Art already the asked size stays where it is: it was composed for that canvas.
    let image = if Some(native.dimensions()) == opts.width.zip(opts.height) {
        native
    } else {
        let (subject, fill) = if opts.transparent {
            (
                trim(&native).ok_or(PixelError::NoSubject)?,
                Rgba([0, 0, 0, 0]),
            )
        } else {
            let fill = border_color(&native);
            (native, fill)
        };
        // Room for the outline, on sides long enough to spare it.
        let margin = |side: Option<u32>| match (opts.outline, side) {
            (None, _) => 0,
            (Some(_), None) => 1,
            (Some(_), Some(s)) => u32::from(s >= 3),
        };
        let (mx, my) = (margin(opts.width), margin(opts.height));
        let inner = fit(
            &subject,
            opts.width.map(|w| w - 2 * mx),
            opts.height.map(|h| h - 2 * my),
            fill,
        );
        let mut canvas =
            RgbaImage::from_pixel(inner.width() + 2 * mx, inner.height() + 2 * my, fill);
        image::imageops::replace(&mut canvas, &inner, mx as i64, my as i64);
        canvas
    };
    let image = match palette {
        Some(palette) => lock_to_palette_dithered(&image, palette, opts.dither),
        None => image,
    };
    let image = match opts.outline.and_then(|o| outline_color(o, palette, &image)) {
        Some(color) => add_outline(&image, color),
        None => image,
    };
    Ok(Pixelized {
        colors: count_colors(&image),
        cell_size: grid.grid.cell,
        grid,
        palette: palette.cloned(),
        image,
    })
}

fn outline_color(
    choice: OutlineColor,
    palette: Option<&Palette>,
    img: &RgbaImage,
) -> Option<Rgba<u8>> {
    let opaque = |c: image::Rgb<u8>| Rgba([c[0], c[1], c[2], 255]);
    match (choice, palette) {
        (OutlineColor::Rgba(c), _) => Some(Rgba(c)),
        (OutlineColor::Darkest, Some(palette)) => Some(opaque(palette.darkest())),
        (OutlineColor::Darkest, None) => img
            .pixels()
            .filter(|p| is_opaque(p))
            .map(rgb)
            .min_by(|a, b| Oklab::from_rgb(*a).l.total_cmp(&Oklab::from_rgb(*b).l))
            .map(opaque),
    }
}

/// The most common colour on the image border: what padding should look like when the background is kept.
fn border_color(img: &RgbaImage) -> Rgba<u8> {
    let (w, h) = img.dimensions();
    let mut counts: HashMap<Rgba<u8>, usize> = HashMap::new();
    for (x, y, p) in img.enumerate_pixels() {
        if x == 0 || y == 0 || x + 1 == w || y + 1 == h {
            *counts.entry(*p).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(p, n)| (n, p.0))
        .map_or(Rgba([0, 0, 0, 0]), |(p, _)| p)
}

fn count_colors(img: &RgbaImage) -> usize {
    let mut seen: Vec<[u8; 3]> = img
        .pixels()
        .filter(|p| is_opaque(p))
        .map(|p| rgb(p).0)
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}
