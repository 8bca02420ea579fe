//! Sprites: the colour the prompt asks for, a transparent background, a mirrored silhouette, one dark outline
//! and a place in the centred square.

mod common;

use common::SPRITES;
use dgx_pixels_procedural::{Subject, generate};
use image::RgbaImage;

fn alpha(image: &RgbaImage, x: u32, y: u32) -> u8 {
    image.get_pixel(x, y).0[3]
}

#[test]
fn colour_words_set_the_main_colour() {
    let mean_rgb = |prompt: &str| {
        let image = generate(prompt, 1, 32, 32);
        let opaque: Vec<_> = image.pixels().filter(|p| p.0[3] == 255).collect();
        let sum =
            |i: usize| opaque.iter().map(|p| u32::from(p.0[i])).sum::<u32>() / opaque.len() as u32;
        [sum(0), sum(1), sum(2)]
    };
    let [r, g, b] = mean_rgb("red slime");
    assert!(r > g + 40 && r > b + 40, "red slime averages {r},{g},{b}");
    let [r, g, b] = mean_rgb("blue slime");
    assert!(b > r + 40 && b > g + 20, "blue slime averages {r},{g},{b}");
    let dark = mean_rgb("dark blue slime");
    let light = mean_rgb("light blue slime");
    assert!(dark.iter().sum::<u32>() < light.iter().sum::<u32>());
}

#[test]
fn sprites_have_a_transparent_background_and_only_opaque_or_clear_pixels() {
    for &(prompt, _) in SPRITES {
        for seed in 0..4 {
            let image = generate(prompt, seed, 32, 32);
            for (x, y) in [(0, 0), (31, 0), (0, 31), (31, 31)] {
                assert_eq!(
                    alpha(&image, x, y),
                    0,
                    "{prompt} seed {seed} corner ({x},{y})"
                );
            }
            assert!(
                image.pixels().all(|p| p.0[3] == 0 || p.0[3] == 255),
                "{prompt}"
            );
            let drawn = image.pixels().filter(|p| p.0[3] == 255).count();
            assert!(
                drawn > 32 * 32 / 6,
                "{prompt} seed {seed} draws only {drawn} pixels"
            );
        }
    }
}

#[test]
fn mirrored_subjects_have_symmetric_silhouettes() {
    for &(prompt, _) in SPRITES
        .iter()
        .filter(|(_, subject)| *subject != Subject::Key)
    {
        for seed in 0..4 {
            for size in [15, 16, 32, 33, 64] {
                let image = generate(prompt, seed, size, size);
                for y in 0..size {
                    for x in 0..size / 2 {
                        assert_eq!(
                            alpha(&image, x, y),
                            alpha(&image, size - 1 - x, y),
                            "{prompt} seed {seed} size {size} at ({x},{y})"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_silhouette_is_ringed_by_one_dark_outline_colour() {
    for &(prompt, _) in SPRITES {
        for seed in 0..4 {
            for size in [16, 32, 64, 20] {
                let image = generate(prompt, seed, size, size);
                let mut edge = std::collections::HashSet::new();
                for (x, y, pixel) in image.enumerate_pixels() {
                    let clear = |dx: i64, dy: i64| {
                        let (nx, ny) = (i64::from(x) + dx, i64::from(y) + dy);
                        nx < 0
                            || ny < 0
                            || nx >= i64::from(size)
                            || ny >= i64::from(size)
                            || alpha(&image, nx as u32, ny as u32) == 0
                    };
                    if pixel.0[3] == 255
                        && (clear(-1, 0) || clear(1, 0) || clear(0, -1) || clear(0, 1))
                    {
                        edge.insert(pixel.0);
                    }
                }
                assert_eq!(
                    edge.len(),
                    1,
                    "{prompt} seed {seed} size {size}: edge colours {edge:?}"
                );
                let [r, g, b, _] = edge.into_iter().next().unwrap();
                let luma = 0.3 * f32::from(r) + 0.59 * f32::from(g) + 0.11 * f32::from(b);
                assert!(luma < 60.0, "{prompt}: outline luma {luma}");
            }
        }
    }
}

#[test]
fn non_square_sprites_sit_in_the_centred_square() {
    let wide = generate("knight", 2, 48, 32);
    let square = generate("knight", 2, 32, 32);
    for y in 0..32 {
        for x in 0..32 {
            assert_eq!(wide.get_pixel(x + 8, y), square.get_pixel(x, y));
        }
    }
    assert!((0..32).all(|y| alpha(&wide, 0, y) == 0 && alpha(&wide, 47, y) == 0));
}
