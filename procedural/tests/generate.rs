//! Promises that hold for every subject: determinism, variety across seeds, enough shading, any size.

mod common;

use common::{SPRITES, TILES};
use dgx_pixels_procedural::{Subject, generate};
use image::RgbaImage;

fn opaque_colours(image: &RgbaImage) -> std::collections::HashSet<[u8; 4]> {
    image
        .pixels()
        .filter(|p| p.0[3] == 255)
        .map(|p| p.0)
        .collect()
}

#[test]
fn same_inputs_give_identical_pixels() {
    for &(prompt, _) in SPRITES.iter().chain(TILES) {
        assert_eq!(
            generate(prompt, 7, 32, 32),
            generate(prompt, 7, 32, 32),
            "{prompt}"
        );
    }
}

#[test]
fn different_seeds_give_different_sprites() {
    let more = [
        ("purple crystal", Subject::Gem),
        ("diamond", Subject::Gem),
        ("red knight", Subject::Humanoid),
    ];
    for &(prompt, _) in SPRITES.iter().chain(TILES).chain(&more) {
        let distinct: std::collections::HashSet<Vec<u8>> = (0..4)
            .map(|seed| generate(prompt, seed, 32, 32).into_raw())
            .collect();
        assert!(distinct.len() > 1, "{prompt}: four seeds gave one image");
    }
}

#[test]
fn everything_has_at_least_three_shading_tones() {
    for &(prompt, _) in SPRITES.iter().chain(TILES) {
        for size in [16, 32, 64] {
            let colours = opaque_colours(&generate(prompt, 5, size, size));
            assert!(
                colours.len() > 3,
                "{prompt} at {size}: {} colours",
                colours.len()
            );
        }
    }
}

#[test]
fn any_size_draws_without_panicking() {
    for &(prompt, _) in SPRITES.iter().chain(TILES) {
        for size in 0..=8 {
            let image = generate(prompt, 0, size, size);
            assert_eq!(image.dimensions(), (size, size));
        }
        for (w, h) in [(256, 256), (8, 256), (256, 8), (17, 64), (64, 17), (1, 9)] {
            assert_eq!(
                generate(prompt, 0, w, h).dimensions(),
                (w, h),
                "{prompt} {w}x{h}"
            );
        }
    }
}
