//! Draws tileset sheets and a small map laid out from each by the autotiler, scaled ×4, so a person can see
//! whether the tiles fit.
//!
//! ```text
//! cargo run -p dgx-pixels-procedural --example tileset_sheet -- \
//!     [--prompt "grass over dirt"] [--layout wang2corner|blob47|platformer|seamless|all] [--tile 16] \
//!     [--seed 0] [--out .]
//! ```
//!
//! Writes `tileset-<layout>.png` (the sheet) for each layout and `tileset-map.png` (their maps, one under
//! the other).

use std::path::PathBuf;
use std::time::Instant;

use dgx_pixels_procedural::{Layout, Tileset, tileset};
use image::imageops::{self, FilterType};
use image::{Rgba, RgbaImage};

const SCALE: u32 = 4;
const SKY: Rgba<u8> = Rgba([150, 196, 232, 255]);

/// Terrain grids, '#' the upper terrain. Wang reads cells as tile corners, so its map is one tile smaller.
const WANG_MAP: &[&str] = &[
    "...............",
    "..####.....##..",
    ".######...####.",
    ".##..##....##..",
    ".######........",
    "..####...#.....",
    ".......###...#.",
    "..#.....#...#..",
    "...............",
];
const BLOB_MAP: &[&str] = &[
    "..............",
    ".#####....###.",
    ".#...#...#####",
    ".#.#.#...##.##",
    ".#####...#####",
    "..........###.",
    "..#...######..",
    ".###..#....#..",
    "..#...######..",
    "..............",
];
const PLATFORMER_MAP: &[&str] = &[
    "................",
    "...........#....",
    "...####....#....",
    "...........#..#.",
    "......######....",
    "#.....######....",
    "##....######..##",
    "###..#######..##",
    "###############.",
    "#######.....####",
];

fn main() {
    let mut prompt = "grass over dirt".to_owned();
    let mut layouts = Vec::new();
    let mut tile = 16;
    let mut seed = 0;
    let mut out = PathBuf::from(".");
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--prompt" => prompt = value,
            "--layout" => layouts.extend(parse_layouts(&value)),
            "--tile" => tile = value.parse().expect("--tile takes a number of pixels"),
            "--seed" => seed = value.parse().expect("--seed takes a number"),
            "--out" => out = value.into(),
            _ => panic!("unknown flag {flag}"),
        }
    }
    if layouts.is_empty() {
        layouts = parse_layouts("all");
    }
    let mut maps = Vec::new();
    for layout in layouts {
        let started = Instant::now();
        let set = tileset(&prompt, seed, tile, &layout);
        println!(
            "{} \"{prompt}\" ({} over {}): {} tiles of {tile} px in {:.2} ms",
            layout.name(),
            set.upper.name(),
            set.lower.name(),
            set.tiles.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        save(
            &set.sheet,
            &out.join(format!("tileset-{}.png", layout.name())),
        );
        maps.push(map(&set, &layout));
    }
    save(&stack(&maps, tile), &out.join("tileset-map.png"));
}

fn parse_layouts(name: &str) -> Vec<Layout> {
    match name {
        "seamless" => vec![Layout::Seamless { variants: 4 }],
        "wang" | "wang2corner" => vec![Layout::Wang2Corner],
        "blob" | "blob47" => vec![Layout::Blob47],
        "platformer" => vec![Layout::Platformer],
        "all" => vec![Layout::Wang2Corner, Layout::Blob47, Layout::Platformer],
        _ => panic!("unknown layout {name}: seamless, wang2corner, blob47, platformer or all"),
    }
}

/// The layout's map, each cell given the tile the autotiler picks for it.
fn map(set: &Tileset, layout: &Layout) -> RgbaImage {
    let grid = match layout {
        Layout::Wang2Corner => WANG_MAP,
        Layout::Platformer => PLATFORMER_MAP,
        Layout::Blob47 | Layout::Seamless { .. } => BLOB_MAP,
    };
    let is_upper = |x: i32, y: i32| {
        usize::try_from(y)
            .ok()
            .and_then(|y| grid.get(y))
            .zip(usize::try_from(x).ok())
            .and_then(|(row, x)| row.as_bytes().get(x))
            == Some(&b'#')
    };
    let shrink = u32::from(*layout == Layout::Wang2Corner);
    let (columns, rows) = (grid[0].len() as u32 - shrink, grid.len() as u32 - shrink);
    let size = set.tile_size;
    let mut image = RgbaImage::from_pixel(columns * size, rows * size, SKY);
    for row in 0..rows {
        for column in 0..columns {
            let (x, y) = (column as i32, row as i32);
            let picked = match layout {
                // Seamless variants fit anywhere: scatter them.
                Layout::Seamless { .. } => Some((column * 7 + row * 3) as usize % set.tiles.len()),
                _ => layout.pick(|dx, dy| is_upper(x + dx, y + dy)),
            };
            if let Some(index) = picked {
                let at = (i64::from(column * size), i64::from(row * size));
                imageops::overlay(&mut image, &set.tile(index), at.0, at.1);
            }
        }
    }
    image
}

/// The maps one under the other, a tile apart.
fn stack(maps: &[RgbaImage], gap: u32) -> RgbaImage {
    let width = maps.iter().map(RgbaImage::width).max().unwrap_or(0);
    let gaps = gap * (maps.len() as u32).saturating_sub(1);
    let height = maps.iter().map(RgbaImage::height).sum::<u32>() + gaps;
    let mut image = RgbaImage::from_pixel(width, height, Rgba([255; 4]));
    let mut top = 0;
    for m in maps {
        imageops::overlay(&mut image, m, 0, i64::from(top));
        top += m.height() + gap;
    }
    image
}

fn save(image: &RgbaImage, path: &PathBuf) {
    let (w, h) = (image.width() * SCALE, image.height() * SCALE);
    imageops::resize(image, w, h, FilterType::Nearest)
        .save(path)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    println!("wrote {}", path.display());
}
