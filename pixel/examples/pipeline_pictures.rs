//! Draws the pictures in `docs/pixel-pipeline.md`: one generated "pixel-art style" picture taken through
//! each stage. Run with `cargo run -p dgx-pixels-pixel --example pipeline_pictures --release`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};

use common::{Background, Case, Damage, Rng, random_sprite};
use dgx_pixels_pixel::background::{DEFAULT_TOLERANCE, remove_background};
use dgx_pixels_pixel::downscale::downscale;
use dgx_pixels_pixel::fit::{fit, trim};
use dgx_pixels_pixel::outline::add_outline;
use dgx_pixels_pixel::quantize::{lock_to_palette, lock_to_palette_dithered};
use dgx_pixels_pixel::{
    Dither, Grid, Palette, PaletteChoice, PixelizeOptions, pixelize, pixelize_batch,
};
use image::{Rgb, Rgba, RgbaImage, imageops};

/// How a corpus draws one case.
type Draw = fn(&mut Rng) -> Case;

/// Side of every picture in the docs, in screen pixels.
const SHOWN: u32 = 256;

fn main() -> image::ImageResult<()> {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/images");
    std::fs::create_dir_all(&out)?;
    let save = |name: &str, img: &RgbaImage| -> image::ImageResult<PathBuf> {
        let path = out.join(format!("pixel-{name}.png"));
        img.save(&path)?;
        println!(
            "{} ({} bytes)",
            path.display(),
            std::fs::metadata(&path)?.len()
        );
        Ok(path)
    };

    let mut rng = Rng::new(2026);
    let paper = Rgb([236, 228, 212]);
    let (sprite, palette) = random_sprite(&mut rng, 24, 24, 9, &[paper, Rgb([214, 206, 190])]);
    let case = Case {
        sprite,
        palette,
        scale: 13.9,
        stretch: 1.0,
        canvas: (512, 512),
        offset: (61.3, 83.8),
        background: Background::Gradient(paper, Rgb([214, 206, 190]), 1.1),
        damage: Damage {
            blur: 0.8,
            noise: 3.0,
            jpeg: Some(80),
            soft_edges: true,
        },
    };
    let picture = case.render(&mut rng);

    // Before: the whole picture, and a close-up of its fake pixels.
    save(
        "input",
        &imageops::resize(&picture, 208, 208, imageops::FilterType::Triangle),
    )?;
    let grid = Grid::detect(&picture);
    println!("detected {grid:?} (truth: 13.9 px per cell)");
    let (cx, cy) = (200, 200);
    let close_up = imageops::crop_imm(&picture, cx, cy, 128, 128).to_image();
    save("closeup", &magnify(&close_up, 2))?;
    save(
        "grid",
        &magnify(&draw_grid(&close_up, &grid, cx as f32, cy as f32), 2),
    )?;

    // Each stage on its own.
    let native = downscale(&picture, &grid);
    save("native", &show(&native))?;
    let cut_out = remove_background(&native, DEFAULT_TOLERANCE);
    save("background", &show(&cut_out))?;
    let pico = Palette::by_name("pico-8").expect("built in");
    let subject = trim(&cut_out).expect("a subject");
    let fitted = fit(&subject, Some(32), Some(32), Rgba([0, 0, 0, 0]));
    save("fit", &show(&fitted))?;
    let locked = lock_to_palette(&fitted, &pico);
    save("palette", &show(&locked))?;
    let darkest = pico.darkest();
    save(
        "outline",
        &show(&add_outline(
            &locked,
            Rgba([darkest[0], darkest[1], darkest[2], 255]),
        )),
    )?;

    // The truth it came from, for comparison.
    save("truth", &show(&case.sprite))?;

    // A batch: three frames, one palette chosen over all of them.
    let frames: Vec<RgbaImage> = [0.0f32, 0.4, 0.8]
        .iter()
        .map(|turn| {
            let frame = Case {
                offset: (40.0 + 100.0 * turn, 60.0),
                sprite: imageops::rotate90(&case.sprite),
                ..case.clone()
            };
            frame.render(&mut rng)
        })
        .collect();
    let batch = pixelize_batch(
        &frames,
        &PixelizeOptions {
            width: Some(32),
            height: Some(32),
            palette: PaletteChoice::Auto { k: 8 },
            ..PixelizeOptions::default()
        },
    )
    .expect("a batch");
    let mut strip = RgbaImage::new(3 * 32 + 4, 32);
    for (i, frame) in batch.iter().enumerate() {
        imageops::replace(&mut strip, &frame.image, i as i64 * 34, 0);
    }
    save("batch", &show_scaled(&strip, 3))?;

    // The built-in palettes.
    let names = Palette::names();
    let mut swatches = RgbaImage::from_pixel(55 * 4, names.len() as u32 * 10, Rgba([0, 0, 0, 0]));
    for (row, name) in names.iter().enumerate() {
        let palette = Palette::by_name(name).expect("built in");
        for (i, c) in palette.colors().iter().enumerate() {
            let swatch = RgbaImage::from_pixel(4, 8, Rgba([c[0], c[1], c[2], 255]));
            imageops::replace(&mut swatches, &swatch, i as i64 * 4, row as i64 * 10);
        }
    }
    save("palettes", &magnify(&swatches, 2))?;

    // Each harder kind of input: the picture, the sprite made from it with the size given, the truth.
    let kinds: [(&str, Draw); 6] = [
        ("pale", Case::pale),
        ("sheet", Case::sheet),
        ("dithered", Case::dithered),
        ("antialiased", Case::antialiased),
        ("near", Case::near_colors),
        ("stretched", Case::stretched),
    ];
    for (i, (name, draw)) in kinds.into_iter().enumerate() {
        let mut rng = Rng::new(1900 + i as u64);
        let case = draw(&mut rng);
        let picture = case.render(&mut rng);
        let (w, h) = case.sprite.dimensions();
        let made = pixelize(
            &picture,
            &PixelizeOptions {
                width: Some(w),
                height: Some(h),
                ..PixelizeOptions::default()
            },
        )
        .expect("a sprite");
        println!("{name}: {} (truth {:.2})", made.grid, case.scale);
        let shown = imageops::resize(&picture, 256, 256, imageops::FilterType::Triangle);
        save(
            &format!("kind-{name}"),
            &side_by_side(&[shown, show(&made.image), show(&case.sprite)]),
        )?;
    }

    // Small cells under blur: the picture, its cells' dominant colours (before undoing the blur), the
    // sprite with the blur undone, the truth.
    let mut rng = Rng::new(2021);
    let (sprite, palette) = random_sprite(&mut rng, 20, 20, 7, &[Rgb([255, 255, 255])]);
    let small = Case {
        sprite,
        palette,
        scale: 4.0,
        stretch: 1.0,
        canvas: (160, 160),
        offset: (37.0, 41.0),
        background: Background::White,
        damage: Damage {
            blur: 1.0,
            noise: 3.0,
            jpeg: Some(80),
            soft_edges: false,
        },
    };
    let picture = small.render(&mut rng);
    let grid = Grid::detect(&picture);
    let size = small.sprite.dimensions();
    let dominant = trim(&remove_background(
        &downscale(&picture, &grid),
        DEFAULT_TOLERANCE,
    ))
    .expect("a subject");
    let made = pixelize(
        &picture,
        &PixelizeOptions {
            width: Some(size.0),
            height: Some(size.1),
            ..PixelizeOptions::default()
        },
    )
    .expect("a sprite");
    println!("small cells: {}", made.grid);
    save(
        "deblur",
        &side_by_side(&[
            magnify(&imageops::crop_imm(&picture, 29, 33, 96, 96).to_image(), 2),
            show_scaled(&dominant, 9),
            show_scaled(&made.image, 9),
            show_scaled(&small.sprite, 9),
        ]),
    )?;

    // Dithering: a smooth gradient locked to pico-8 without, with bayer4 and with bayer8.
    let gradient = RgbaImage::from_fn(48, 16, |x, _| {
        let t = x as f32 / 47.0;
        let mix = |a: f32, b: f32| (a + (b - a) * t).round() as u8;
        Rgba([mix(29.0, 255.0), mix(43.0, 163.0), mix(83.0, 0.0), 255])
    });
    let rows: Vec<RgbaImage> = [Dither::None, Dither::Bayer4, Dither::Bayer8]
        .into_iter()
        .map(|dither| show_scaled(&lock_to_palette_dithered(&gradient, &pico, dither), 5))
        .collect();
    let mut stack = RgbaImage::new(rows[0].width(), 3 * rows[0].height() + 8);
    for (i, row) in rows.iter().enumerate() {
        imageops::replace(&mut stack, row, 0, i as i64 * (row.height() as i64 + 4));
    }
    save("dither", &stack)?;
    Ok(())
}

/// Pictures next to each other with a small gap, top-aligned.
fn side_by_side(pictures: &[RgbaImage]) -> RgbaImage {
    let gap = 8;
    let width = pictures.iter().map(|p| p.width() + gap).sum::<u32>() - gap;
    let height = pictures.iter().map(|p| p.height()).max().unwrap_or(0);
    let mut out = RgbaImage::new(width, height);
    let mut x = 0;
    for p in pictures {
        imageops::replace(&mut out, p, x as i64, 0);
        x += p.width() + gap;
    }
    out
}

/// A small sprite at `SHOWN` pixels, on a checkerboard so transparency shows.
fn show(img: &RgbaImage) -> RgbaImage {
    show_scaled(img, (SHOWN / img.width().max(img.height()).max(1)).max(1))
}

fn show_scaled(img: &RgbaImage, factor: u32) -> RgbaImage {
    let big = magnify(img, factor);
    let mut board = RgbaImage::from_fn(big.width(), big.height(), |x, y| {
        if (x / 8 + y / 8) % 2 == 0 {
            Rgba([200, 200, 200, 255])
        } else {
            Rgba([235, 235, 235, 255])
        }
    });
    imageops::overlay(&mut board, &big, 0, 0);
    board
}

fn magnify(img: &RgbaImage, factor: u32) -> RgbaImage {
    imageops::resize(
        img,
        img.width() * factor,
        img.height() * factor,
        imageops::FilterType::Nearest,
    )
}

/// `img` (a crop whose top-left is at `(x0, y0)` in the picture) with the grid's cell boundaries drawn in.
fn draw_grid(img: &RgbaImage, grid: &Grid, x0: f32, y0: f32) -> RgbaImage {
    let mut out = img.clone();
    let line = Rgba([255, 0, 80, 255]);
    let on_line = |v: f32, phase: f32| {
        let r = (v - phase).rem_euclid(grid.cell);
        r < 0.5 || grid.cell - r <= 0.5
    };
    for (x, y, p) in out.enumerate_pixels_mut() {
        if on_line(x as f32 + x0, grid.phase_x) || on_line(y as f32 + y0, grid.phase_y) {
            *p = line;
        }
    }
    out
}
