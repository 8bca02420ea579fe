//! What the real-window test needs: the game and the agent (each in its own file, shared with
//! other packages' tests and benches), the frames a deployed sheet shows, and finding a sprite
//! on a screenshot.

#![allow(dead_code, reason = "each test needs a different part of it")]

pub mod agent;
pub mod game;

use std::path::Path;

use dgx_pixels_manifest::Manifest;
use image::RgbaImage;

/// The frames of `clip` facing `direction` (a row of `directions`) of the sheet deployed as
/// `name` into `assets`: what the game shows of it, one of them at a time.
pub fn clip_frames(assets: &Path, name: &str, clip: &str, direction: &str) -> Vec<RgbaImage> {
    let manifest = Manifest::read(&assets.join(Manifest::FILE_NAME)).expect("the game's manifest");
    let entry = manifest
        .get(name)
        .unwrap_or_else(|| panic!("{name} is deployed"));
    let sheet = image::open(assets.join(&entry.path)).unwrap().to_rgba8();
    let frames = entry.frames.expect("a sprite sheet");
    let clip = entry.layout.animations[clip];
    let row = entry
        .layout
        .directions
        .iter()
        .position(|row| row == direction)
        .unwrap_or_else(|| panic!("{name} has a row facing {direction}"));
    let (width, height) = (sheet.width() / frames.columns, sheet.height() / frames.rows);
    (clip.start..clip.start + clip.frames)
        .map(|column| {
            image::imageops::crop_imm(&sheet, column * width, row as u32 * height, width, height)
                .to_image()
        })
        .collect()
}

/// Where one of `frames` shows on `screen` (see [`find_sprite`]).
pub fn find_any(screen: &RgbaImage, frames: &[RgbaImage], zoom: u32) -> Option<(u32, u32)> {
    frames
        .iter()
        .find_map(|frame| find_sprite(screen, frame, zoom))
}

/// Where `sprite`, each of its pixels drawn as a `zoom` × `zoom` square, shows on `screen`: the
/// top-left corner of the first place where all but 2 % of its opaque pixels match, trying the
/// sprite mirrored too, as the game mirrors art that has no west-facing row.
pub fn find_sprite(screen: &RgbaImage, sprite: &RgbaImage, zoom: u32) -> Option<(u32, u32)> {
    let opaque: Vec<(u32, u32, [u8; 4])> = sprite
        .enumerate_pixels()
        .filter(|(_, _, pixel)| pixel[3] == 255)
        .map(|(x, y, pixel)| (x, y, pixel.0))
        .collect();
    if opaque.is_empty() {
        return None;
    }
    let allowed_misses = opaque.len() / 50;
    let (width, height) = (sprite.width() * zoom, sprite.height() * zoom);
    if width > screen.width() || height > screen.height() {
        return None;
    }
    let mirrored: Vec<_> = opaque
        .iter()
        .map(|&(x, y, colour)| (sprite.width() - 1 - x, y, colour))
        .collect();
    for top in 0..=screen.height() - height {
        for left in 0..=screen.width() - width {
            for pixels in [&opaque, &mirrored] {
                let mut misses = 0;
                let fits = pixels.iter().all(|&(x, y, colour)| {
                    let shown =
                        screen.get_pixel(left + x * zoom + zoom / 2, top + y * zoom + zoom / 2);
                    if close(shown.0, colour) {
                        true
                    } else {
                        misses += 1;
                        misses <= allowed_misses
                    }
                });
                if fits {
                    return Some((left, top));
                }
            }
        }
    }
    None
}

/// Same colour, give or take the rounding of a linear-to-sRGB trip.
fn close(a: [u8; 4], b: [u8; 4]) -> bool {
    a.iter().zip(b).take(3).all(|(&a, b)| a.abs_diff(b) <= 6)
}

/// How many screen pixels an art pixel takes in a window of `height` physical pixels: the game's
/// own rule (`platformer::view::VIEW_HEIGHT`).
pub fn zoom_for(height: u32) -> u32 {
    ((height as f32 / platformer::view::VIEW_HEIGHT).floor() as u32).max(1)
}
