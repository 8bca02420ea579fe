//! Properties over arbitrary inputs (any forced cell size and dither included): nothing panics, the output has the asked size, a palette lock leaves only
//! palette colours and transparency, and clean integer upscales come back exactly.

use dgx_pixels_pixel::fit::trim;
use dgx_pixels_pixel::{Dither, OutlineColor, Palette, PaletteChoice, PixelizeOptions, pixelize};
use image::{Rgb, Rgba, RgbaImage, imageops};
use proptest::prelude::*;

/// Images from a few colours (some transparent), so that backgrounds, edges and flat areas all occur.
fn images(min: u32, max: u32) -> impl Strategy<Value = RgbaImage> {
    (
        min..=max,
        min..=max,
        prop::collection::vec(any::<[u8; 4]>(), 1..5),
        any::<u64>(),
    )
        .prop_map(|(w, h, colors, seed)| {
            RgbaImage::from_fn(w, h, |x, y| {
                let hash = ((x as u64 * 0x9E37_79B9) ^ (y as u64 * 0x85EB_CA6B) ^ seed)
                    .wrapping_mul(0x2C1B_3C6D)
                    >> 17;
                Rgba(colors[(hash % colors.len() as u64) as usize])
            })
        })
}

fn palettes() -> impl Strategy<Value = PaletteChoice> {
    prop_oneof![
        Just(PaletteChoice::None),
        prop::sample::select(Palette::names())
            .prop_map(|n| PaletteChoice::Fixed(Palette::by_name(n).unwrap())),
        (2usize..10).prop_map(|k| PaletteChoice::Auto { k }),
    ]
}

fn options() -> impl Strategy<Value = PixelizeOptions> {
    let outline = prop_oneof![
        Just(None),
        Just(Some(OutlineColor::Darkest)),
        any::<[u8; 3]>().prop_map(|[r, g, b]| Some(OutlineColor::Rgba([r, g, b, 255]))),
    ];
    (
        prop::option::of(1u32..40),
        prop::option::of(1u32..40),
        palettes(),
        any::<bool>(),
        outline,
        // A cell size, square or not.
        prop::option::of((1.0f32..20.0, prop::option::of(1.0f32..20.0))),
        prop::sample::select(&[Dither::None, Dither::Bayer4, Dither::Bayer8][..]),
    )
        .prop_map(
            |(width, height, palette, transparent, outline, cell, dither)| PixelizeOptions {
                width,
                height,
                palette,
                transparent,
                outline,
                cell: cell.map(|(across, _)| across),
                cell_y: cell.and_then(|(_, down)| down),
                dither,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_image_any_options_gives_a_sprite_or_an_error(img in images(0, 40), opts in options()) {
        let Ok(out) = pixelize(&img, &opts) else { return Ok(()) };
        if let Some(w) = opts.width {
            prop_assert_eq!(out.image.width(), w);
        }
        if let Some(h) = opts.height {
            prop_assert_eq!(out.image.height(), h);
        }
        if let Some(palette) = &out.palette {
            let outline = match opts.outline {
                Some(OutlineColor::Rgba([r, g, b, _])) => Some(Rgb([r, g, b])),
                _ => None,
            };
            for p in out.image.pixels() {
                let c = Rgb([p[0], p[1], p[2]]);
                prop_assert!(p[3] == 0 || p[3] == 255 && (palette.colors().contains(&c) || Some(c) == outline));
            }
            if let PaletteChoice::Auto { k } = opts.palette {
                prop_assert!(palette.colors().len() <= k);
            }
        }
    }

    #[test]
    fn clean_integer_upscales_come_back_exactly(mut sprite in images(8, 20), factor in 2u32..7, pad in 1u32..5) {
        for p in sprite.pixels_mut() {
            *p = if p[3] >= 128 { Rgba([p[0], p[1], p[2], 255]) } else { Rgba([0, 0, 0, 0]) };
        }
        let big = imageops::resize(&sprite, sprite.width() * factor, sprite.height() * factor, imageops::FilterType::Nearest);
        let mut canvas = RgbaImage::new(big.width() + 2 * pad * factor, big.height() + 2 * pad * factor);
        imageops::replace(&mut canvas, &big, (pad * factor) as i64, (pad * factor) as i64);
        if let (Some(want), Ok(out)) = (trim(&sprite), pixelize(&canvas, &PixelizeOptions::default())) {
            // Detection may decline (too few cells to be sure, cell 1), and art whose every feature spans k
            // cells is indistinguishable from k× coarser art; a grid it does report is never off the true one.
            prop_assert!(out.cell_size == 1.0 || (out.cell_size as u32).is_multiple_of(factor), "cell {}", out.cell_size);
            if out.cell_size as u32 == factor {
                prop_assert_eq!(out.image, want);
            }
        }
    }
}
