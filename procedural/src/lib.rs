//! The embedded sprite generator: a procedural placeholder, not an AI model.
//!
//! It reads a subject word and colour words from the prompt and draws that subject from hand-written shapes,
//! so the server gives useful, recognisable sprites on any machine without a GPU or ComfyUI. Characters, items
//! and plants get a transparent background, a mirrored silhouette, a 1-pixel dark outline and shading lit from
//! the top left; tiles fill the canvas and wrap seamlessly. The output is a pure function of
//! (prompt, seed, width, height): the seed picks shape variants, never the subject.
//!
//! Inside, a sprite flows one way: the prompt is read (`prompt`) into a scene of words, colours and a seeded
//! random source (`scene`, `rng`); the painter for its subject (`subjects`) fills a canvas of shaded cells
//! (`canvas`, `light`, `color`, and `noise` for tiles); the canvas gets its outline and is rendered to RGBA.

mod animation;
mod canvas;
mod color;
mod light;
mod noise;
mod placement;
mod pose;
mod prompt;
mod rng;
mod scene;
mod subjects;
mod tileset;

use image::RgbaImage;

pub use animation::{Action, AnimationError, Direction, FRAME_RANGE, animate, palette};
pub use prompt::{Reading, Subject, read_prompt};
pub use tileset::{
    Layout, Mask, NamedTerrain, Pair, SeamScore, Side, Surface, Terrain, Texture, Tile, TileInfo,
    Tileset, compose, corner, make_seamless, neighbour, neighbour_mask, pick_corners,
    read_terrains, seam_score, tileset,
};

use prompt::{Words, read_words};
use rng::Rng;
use scene::{Palette, Scene};

/// Draws the sprite or tile the prompt names, `width`×`height` pixels. Sprites are drawn in the centred
/// square; tiles fill the whole canvas.
pub fn generate(prompt: &str, seed: u64, width: u32, height: u32) -> RgbaImage {
    let words = Words::new(prompt);
    let reading = read_words(&words);
    let mut scene = Scene {
        rng: Rng::new(prompt, seed),
        palette: Palette::new(&reading, &words),
        words,
    };
    let mut image = RgbaImage::new(width, height);
    if width == 0 || height == 0 {
        return image;
    }
    let (w, h) = (width as usize, height as usize);
    if reading.subject.is_tile() {
        let canvas = subjects::tile(reading.subject, &mut scene, w, h);
        canvas.render(&mut image, 0, 0);
    } else {
        let size = w.min(h);
        let mut canvas = subjects::sprite(reading.subject, &mut scene, size);
        canvas.outline();
        canvas.render(&mut image, (w - size) / 2, (h - size) / 2);
    }
    image
}
