//! Draws an animation sheet, one row per direction and one column per frame, scaled up so a person can see
//! whether it moves like it should.
//!
//! ```text
//! cargo run -p dgx-pixels-procedural --example animation_sheet -- \
//!     [--prompt knight] [--action walk] [--directions 8|4|east,north,..] [--frames N] [--size 32] \
//!     [--seed 0] [--scale 8] [--out animation.png]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use dgx_pixels_procedural::{Action, Direction, animate};
use image::imageops::{self, FilterType};
use image::{Rgba, RgbaImage};

/// The slate the docs' sprite pictures sit on, and the lines between cells.
const BACKGROUND: Rgba<u8> = Rgba([68, 72, 88, 255]);
const GRID: Rgba<u8> = Rgba([56, 60, 74, 255]);

fn main() {
    let mut prompt = "knight".to_owned();
    let mut action = Action::Walk;
    let mut directions = Direction::EIGHT.to_vec();
    let mut frames = None;
    let mut size = 32;
    let mut seed = 0;
    let mut scale = 8;
    let mut out = PathBuf::from("animation.png");
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--prompt" => prompt = value,
            "--action" => {
                action = Action::from_name(&value).unwrap_or_else(|| {
                    let names: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
                    panic!("unknown action {value}: one of {}", names.join(", "))
                })
            }
            "--directions" => {
                directions = match value.as_str() {
                    "8" => Direction::EIGHT.to_vec(),
                    "4" => Direction::FOUR.to_vec(),
                    names => names
                        .split(',')
                        .map(|name| {
                            Direction::from_name(name)
                                .unwrap_or_else(|| panic!("unknown direction {name}"))
                        })
                        .collect(),
                }
            }
            "--frames" => frames = Some(value.parse().expect("--frames takes a number")),
            "--size" => size = value.parse().expect("--size takes a number of pixels"),
            "--seed" => seed = value.parse().expect("--seed takes a number"),
            "--scale" => scale = value.parse().expect("--scale takes a whole factor"),
            "--out" => out = value.into(),
            _ => panic!("unknown flag {flag}"),
        }
    }
    let frames = frames.unwrap_or(action.default_frames());
    let started = Instant::now();
    let rows: Vec<Vec<RgbaImage>> = directions
        .iter()
        .map(|&direction| {
            animate(&prompt, seed, size, size, action, direction, frames)
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    println!(
        "\"{prompt}\" {action}: {} directions × {frames} frames of {size} px in {:.2} ms",
        rows.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let sheet = sheet(&rows, size, scale);
    sheet
        .save(&out)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    println!("wrote {}", out.display());
}

/// The frames scaled by `scale` on the slate, a pixel of grid between cells.
fn sheet(rows: &[Vec<RgbaImage>], size: u32, scale: u32) -> RgbaImage {
    let cell = size * scale + 1;
    let columns = rows.first().map_or(0, Vec::len) as u32;
    let mut image = RgbaImage::from_pixel(columns * cell + 1, rows.len() as u32 * cell + 1, GRID);
    for (row, frames) in rows.iter().enumerate() {
        for (column, frame) in frames.iter().enumerate() {
            let big = imageops::resize(frame, size * scale, size * scale, FilterType::Nearest);
            let mut tile = RgbaImage::from_pixel(size * scale, size * scale, BACKGROUND);
            imageops::overlay(&mut tile, &big, 0, 0);
            let (x, y) = (column as u32 * cell + 1, row as u32 * cell + 1);
            imageops::overlay(&mut image, &tile, i64::from(x), i64::from(y));
        }
    }
    image
}
