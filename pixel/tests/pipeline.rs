//! The pipeline's promises, one story each: on-grid art passes through, batches share a palette and a grid,
//! outlines stay inside the target, errors tell the user what to change.

mod common;

use common::{Background, Case, Damage, Rng, random_sprite};
use dgx_pixels_pixel::color::is_opaque;
use dgx_pixels_pixel::{
    Dither, Grid, OutlineColor, Palette, PaletteChoice, PixelError, PixelizeOptions, Verdict,
    pixelize, pixelize_batch,
};
use image::{Rgb, Rgba, RgbaImage, imageops};

/// A sprite as the embedded generator draws it: one pixel per cell, centred on a transparent canvas.
fn on_grid_sprite(rng: &mut Rng, side: u32) -> RgbaImage {
    let (sprite, _) = random_sprite(rng, side - 4, side - 4, 8, &[]);
    let mut canvas = RgbaImage::new(side, side);
    let (x, y) = ((side - sprite.width()) / 2, (side - sprite.height()) / 2);
    imageops::replace(&mut canvas, &sprite, x as i64, y as i64);
    canvas
}

fn sized(side: u32) -> PixelizeOptions {
    PixelizeOptions {
        width: Some(side),
        height: Some(side),
        ..PixelizeOptions::default()
    }
}

/// A clean 10× upscale of `sprite` on a white canvas.
fn upscaled_on_white(sprite: &RgbaImage, rng: &mut Rng) -> RgbaImage {
    Case {
        sprite: sprite.clone(),
        palette: Vec::new(),
        scale: 10.0,
        stretch: 1.0,
        canvas: (sprite.width() * 10 + 80, sprite.height() * 10 + 60),
        offset: (33.0, 21.0),
        background: Background::White,
        damage: Damage {
            blur: 0.0,
            noise: 0.0,
            jpeg: None,
            soft_edges: false,
        },
    }
    .render(rng)
}

#[test]
fn on_grid_art_passes_through_unchanged() {
    let mut rng = Rng::new(32);
    for _ in 0..120 {
        let side = rng.int(12, 128);
        let mut sprite = on_grid_sprite(&mut rng, side);
        if rng.chance(0.3) {
            for p in sprite.pixels_mut().filter(|p| p[3] == 0) {
                *p = Rgba([255, 255, 255, 255]);
            }
        }
        let out = pixelize(&sprite, &sized(side)).unwrap();
        assert_eq!(out.cell_size, 1.0);
        assert_eq!(out.image, sprite, "a {side}×{side} sprite changed");
        assert_eq!(out.palette, None);
    }
}

#[test]
fn an_on_grid_tile_keeps_its_border() {
    let tile = RgbaImage::from_fn(32, 32, |x, y| {
        let hash = ((x * 0x9E37) ^ (y * 0x85EB)).wrapping_mul(0x2C1B_3C6D) >> 20;
        Rgba([
            40 + (hash % 3) as u8 * 12,
            120 + (hash % 5) as u8 * 10,
            50,
            255,
        ])
    });
    let out = pixelize(&tile, &sized(32)).unwrap();
    assert_eq!(out.image, tile);
}

#[test]
fn auto_size_is_the_trimmed_native_sprite() {
    let mut rng = Rng::new(7);
    let (sprite, _) = random_sprite(&mut rng, 20, 14, 6, &[Rgb([255, 255, 255])]);
    let out = pixelize(
        &upscaled_on_white(&sprite, &mut rng),
        &PixelizeOptions::default(),
    )
    .unwrap();
    assert_eq!(out.cell_size, 10.0);
    assert_eq!(out.image, sprite);
    assert!(out.colors <= 6);
}

#[test]
fn a_larger_subject_is_shrunk_to_fit_and_centred() {
    let mut rng = Rng::new(8);
    let (sprite, _) = random_sprite(&mut rng, 40, 20, 6, &[Rgb([255, 255, 255])]);
    let out = pixelize(&upscaled_on_white(&sprite, &mut rng), &sized(16)).unwrap();
    assert_eq!(out.image.dimensions(), (16, 16));
    let (w, h) = sprite.dimensions();
    let expected = (h as f32 * 16.0 / w.max(h) as f32).round() as usize;
    let rows_used = (0..16)
        .filter(|&y| (0..16).any(|x| is_opaque(out.image.get_pixel(x, y))))
        .count();
    assert!(
        rows_used.abs_diff(expected) <= 1,
        "{rows_used} rows hold a {w}×{h} subject"
    );
}

#[test]
fn palette_lock_and_outline_stay_inside_the_target() {
    let mut rng = Rng::new(9);
    let (sprite, _) = random_sprite(&mut rng, 20, 20, 6, &[Rgb([255, 255, 255])]);
    let palette = Palette::by_name("sweetie-16").unwrap();
    let options = PixelizeOptions {
        palette: PaletteChoice::Fixed(palette.clone()),
        outline: Some(OutlineColor::Darkest),
        ..sized(22)
    };
    let out = pixelize(&upscaled_on_white(&sprite, &mut rng), &options).unwrap();
    assert_eq!(out.image.dimensions(), (22, 22));
    let darkest = palette.darkest();
    let dark = Rgba([darkest[0], darkest[1], darkest[2], 255]);
    for (x, y, p) in out.image.enumerate_pixels() {
        assert!(p[3] == 0 || palette.colors().contains(&Rgb([p[0], p[1], p[2]])));
        if x == 0 || y == 0 || x == 21 || y == 21 {
            assert!(
                p[3] == 0 || *p == dark,
                "only outline on the rim, found {p:?} at ({x},{y})"
            );
        }
    }
    assert_eq!(out.palette, Some(palette));
}

#[test]
fn keeping_the_background_fills_the_canvas() {
    let mut rng = Rng::new(10);
    let (sprite, _) = random_sprite(&mut rng, 12, 12, 4, &[Rgb([255, 255, 255])]);
    let options = PixelizeOptions {
        transparent: false,
        ..sized(40)
    };
    let out = pixelize(&upscaled_on_white(&sprite, &mut rng), &options).unwrap();
    assert!(out.image.pixels().all(is_opaque));
}

#[test]
fn a_batch_shares_one_palette_and_one_grid() {
    let mut rng = Rng::new(11);
    let (sprite, palette) = random_sprite(&mut rng, 24, 24, 10, &[Rgb([240, 240, 230])]);
    let frames: Vec<RgbaImage> = (0..4)
        .map(|i| {
            Case {
                sprite: imageops::rotate90(&sprite),
                palette: palette.clone(),
                scale: 12.0,
                stretch: 1.0,
                canvas: (512, 512),
                offset: (40.0 + 9.0 * i as f32, 50.0 + 5.5 * i as f32),
                background: Background::Solid(Rgb([240, 240, 230])),
                damage: Damage {
                    blur: 0.5,
                    noise: 3.0,
                    jpeg: Some(85),
                    soft_edges: false,
                },
            }
            .render(&mut rng)
        })
        .collect();
    let options = PixelizeOptions {
        palette: PaletteChoice::Auto { k: 6 },
        ..sized(32)
    };
    let out = pixelize_batch(&frames, &options).unwrap();
    assert_eq!(out.len(), 4);
    let shared = out[0].palette.clone().unwrap();
    assert!(shared.colors().len() <= 6);
    for frame in &out {
        assert_eq!(frame.palette.as_ref(), Some(&shared));
        assert_eq!(frame.cell_size, out[0].cell_size);
        assert!((frame.cell_size - 12.0).abs() < 0.1);
        assert!(
            frame
                .image
                .pixels()
                .all(|p| p[3] == 0 || shared.colors().contains(&Rgb([p[0], p[1], p[2]])))
        );
    }
}

#[test]
fn errors_say_what_to_change() {
    let message = |e: PixelError| e.to_string();
    assert_eq!(
        pixelize(&RgbaImage::new(0, 5), &PixelizeOptions::default()),
        Err(PixelError::EmptyImage {
            width: 0,
            height: 5
        })
    );
    let clear = RgbaImage::new(8, 8);
    assert_eq!(
        pixelize(&clear, &PixelizeOptions::default()),
        Err(PixelError::NoSubject)
    );
    let plain = RgbaImage::from_pixel(8, 8, Rgba([9, 9, 9, 255]));
    assert!(
        message(pixelize(&plain, &PixelizeOptions::default()).unwrap_err())
            .contains("transparent = false")
    );
    let auto = |k| PixelizeOptions {
        palette: PaletteChoice::Auto { k },
        ..PixelizeOptions::default()
    };
    assert!(message(pixelize(&plain, &auto(1)).unwrap_err()).contains("between 2 and 256"));
    assert!(message(pixelize(&plain, &sized(0)).unwrap_err()).contains("width 0"));
    assert!(message(Palette::parse("#12345").unwrap_err()).contains("\"#12345\""));
    let unknown = message(Palette::parse("amiga").unwrap_err());
    assert!(
        unknown.contains("pico-8") && unknown.contains("nes"),
        "{unknown}"
    );
    let batch = pixelize_batch(
        &[plain.clone(), RgbaImage::new(0, 0)],
        &PixelizeOptions::default(),
    );
    assert!(message(batch.unwrap_err()).starts_with("image 1 of the batch: the image is empty"));
}

#[test]
fn a_clean_upscale_is_read_exactly_and_sure() {
    let mut rng = Rng::new(19);
    let (sprite, _) = random_sprite(&mut rng, 20, 16, 6, &[Rgb([255, 255, 255])]);
    let out = pixelize(
        &upscaled_on_white(&sprite, &mut rng),
        &PixelizeOptions::default(),
    )
    .unwrap();
    assert_eq!(out.grid.verdict, Verdict::Exact);
    assert_eq!(out.grid.confidence, 1.0);
    assert!(!out.grid.is_unsure());
    assert!(
        out.grid.to_string().starts_with("10.00 px per cell"),
        "{}",
        out.grid
    );
}

#[test]
fn native_art_is_surely_at_one_pixel_per_cell() {
    let mut rng = Rng::new(20);
    for _ in 0..40 {
        let side = rng.int(16, 128);
        let fit = Grid::estimate(&on_grid_sprite(&mut rng, side));
        assert_eq!(fit.grid, Grid::PIXEL);
        assert!(!fit.is_unsure(), "{fit}");
    }
}

#[test]
fn a_large_picture_without_a_grid_says_it_is_unsure() {
    let mut rng = Rng::new(21);
    let (sprite, _) = random_sprite(&mut rng, 300, 300, 8, &[]);
    let out = pixelize(&sprite, &PixelizeOptions::default()).unwrap();
    assert_eq!(out.cell_size, 1.0);
    assert!(out.grid.is_unsure(), "{}", out.grid);
    assert!(
        out.grid.to_string().contains("give the cell size"),
        "{}",
        out.grid
    );
}

#[test]
fn a_given_cell_size_replaces_detection() {
    let mut rng = Rng::new(22);
    let (sprite, _) = random_sprite(&mut rng, 20, 20, 6, &[Rgb([255, 255, 255])]);
    let picture = upscaled_on_white(&sprite, &mut rng);
    // Forcing twice the true cell halves the sprite; forcing the true one gives it back exactly.
    let coarse = pixelize(
        &picture,
        &PixelizeOptions {
            cell: Some(20.0),
            ..PixelizeOptions::default()
        },
    )
    .unwrap();
    assert_eq!(coarse.cell_size, 20.0);
    assert_eq!(coarse.grid.verdict, Verdict::Given);
    assert!(coarse.image.width() <= sprite.width().div_ceil(2) + 1);
    let exact = pixelize(
        &picture,
        &PixelizeOptions {
            cell: Some(10.0),
            ..PixelizeOptions::default()
        },
    )
    .unwrap();
    assert_eq!(exact.image, sprite);
    for bad in [0.5, 0.0, -3.0, 600.0, f32::NAN] {
        let err = pixelize(
            &picture,
            &PixelizeOptions {
                cell: Some(bad),
                ..PixelizeOptions::default()
            },
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("between 1 and 512"),
            "cell {bad} refused naming the range"
        );
    }
}

#[test]
fn given_non_square_cells_replace_detection() {
    let mut rng = Rng::new(24);
    let (sprite, _) = random_sprite(&mut rng, 20, 16, 6, &[Rgb([255, 255, 255])]);
    // Cells 8 px wide and 16 px tall: a whole factor apart, which detection reads as square.
    let picture = Case {
        sprite: sprite.clone(),
        palette: Vec::new(),
        scale: 8.0,
        stretch: 2.0,
        canvas: (sprite.width() * 8 + 40, sprite.height() * 16 + 48),
        offset: (16.0, 32.0),
        background: Background::White,
        damage: Damage {
            blur: 0.0,
            noise: 0.0,
            jpeg: None,
            soft_edges: false,
        },
    }
    .render(&mut rng);
    let forced = pixelize(
        &picture,
        &PixelizeOptions {
            cell: Some(8.0),
            cell_y: Some(16.0),
            ..PixelizeOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        (forced.grid.grid.cell, forced.grid.grid.cell_y),
        (8.0, 16.0)
    );
    assert_eq!(forced.grid.verdict, Verdict::Given);
    assert_eq!(forced.image, sprite);
    let refused = |cell, cell_y| {
        pixelize(
            &picture,
            &PixelizeOptions {
                cell,
                cell_y,
                ..PixelizeOptions::default()
            },
        )
        .unwrap_err()
        .to_string()
    };
    let tall = refused(Some(8.0), Some(0.0));
    assert!(
        tall.contains("cell height") && tall.contains("between 1 and 512"),
        "{tall}"
    );
    assert!(refused(None, Some(16.0)).contains("needs the cell width"));
}

#[test]
fn a_batch_takes_the_cell_size_its_sure_frames_agree_on() {
    let mut rng = Rng::new(23);
    let frames: Vec<RgbaImage> = (0..2)
        .map(|_| {
            let (sprite, _) = random_sprite(&mut rng, 20, 20, 6, &[Rgb([255, 255, 255])]);
            upscaled_on_white(&sprite, &mut rng)
        })
        .collect();
    // A third frame with no grid at all (a large flat-noise picture) must not drag the batch to 1 px.
    let noise = RgbaImage::from_fn(300, 300, |x, y| {
        let hash = ((x * 0x9E37) ^ (y * 0x85EB)).wrapping_mul(0x2C1B_3C6D) >> 13;
        Rgba([(hash % 5 * 60) as u8, (hash / 5 % 3 * 100) as u8, 0, 255])
    });
    let batch = [noise.clone(), noise, frames[0].clone(), frames[1].clone()];
    let out = pixelize_batch(&batch, &PixelizeOptions::default()).unwrap();
    assert!(
        out.iter().all(|p| p.cell_size == 10.0),
        "{:?}",
        out.iter().map(|p| p.cell_size).collect::<Vec<_>>()
    );
}

#[test]
fn dithering_mixes_two_palette_colours_across_a_gradient() {
    let palette = Palette::from_rgb(&[[20, 20, 80], [240, 240, 160]]).unwrap();
    let gradient = RgbaImage::from_fn(32, 32, |x, _| {
        let t = x as f32 / 31.0;
        let mix = |a: f32, b: f32| (a + (b - a) * t).round() as u8;
        Rgba([mix(20.0, 240.0), mix(20.0, 240.0), mix(80.0, 160.0), 255])
    });
    let lock = |dither| {
        pixelize(
            &gradient,
            &PixelizeOptions {
                palette: PaletteChoice::Fixed(palette.clone()),
                transparent: false,
                dither,
                ..sized(32)
            },
        )
        .unwrap()
        .image
    };
    let columns_mixed = |img: &RgbaImage| {
        (0..32)
            .filter(|&x| {
                let light = (0..32).filter(|&y| img.get_pixel(x, y)[0] == 240).count();
                light > 0 && light < 32
            })
            .count()
    };
    assert_eq!(
        columns_mixed(&lock(Dither::None)),
        0,
        "banded without dithering"
    );
    assert!(columns_mixed(&lock(Dither::Bayer4)) >= 16);
    assert!(columns_mixed(&lock(Dither::Bayer8)) >= 16);
}

#[test]
fn nothing_breaks_on_extreme_inputs() {
    let options = [PixelizeOptions::default(), sized(1), sized(3)];
    let images = [
        RgbaImage::from_pixel(1, 1, Rgba([200, 10, 10, 255])),
        RgbaImage::from_fn(1, 300, |_, y| Rgba([(y % 256) as u8, 0, 0, 255])),
        RgbaImage::from_fn(300, 2, |x, _| {
            Rgba([0, (x % 7 * 30) as u8, 0, (x % 2 * 255) as u8])
        }),
        RgbaImage::from_fn(257, 131, |x, y| {
            Rgba([(x / 64 * 60) as u8, (y / 64 * 80) as u8, 0, 255])
        }),
    ];
    for img in &images {
        for opts in &options {
            if let (Ok(out), Some(w)) = (pixelize(img, opts), opts.width) {
                assert_eq!(out.image.width(), w);
            }
        }
    }
}
