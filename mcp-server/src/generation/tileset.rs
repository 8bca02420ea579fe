//! Tilesets: every tile of a layout drawn by the procedural crate from the terrains the prompt
//! names, locked to the call's palette, stored as one sheet whose metadata gives each tile's
//! place and what it connects to.

use std::time::Instant;

use dgx_pixels_manifest::{SheetLayout, Tile, Tileset};
use dgx_pixels_procedural::{Layout, Mask};

use super::backend::BackendError;
use super::{GenerateError, Generator, NewSprite, ms_since, pipeline, rand_seed};
use crate::spec::{BackendKind, Settings};
use crate::store::{SheetFrames, StoredSprite, Timings};

/// A request for one tileset.
#[derive(Debug, Clone)]
pub struct TilesetRequest {
    pub prompt: String,
    pub settings: Settings,
    pub layout: Layout,
    pub tile_size: u32,
    pub parameters: serde_json::Value,
}

impl Generator {
    /// Draws and stores the set. Blocking: call from a blocking thread.
    pub fn tileset(&self, request: &TilesetRequest) -> Result<StoredSprite, GenerateError> {
        let backend = request.settings.backend.unwrap_or(self.default_backend);
        if backend == BackendKind::Comfyui {
            return Err(BackendError::Workflow(
                "tilesets are drawn by the embedded backend only for now (ComfyUI textures are not \
                 yet composed into sets); pass backend \"embedded\""
                    .into(),
            )
            .into());
        }
        let seed = request.settings.seed.unwrap_or_else(rand_seed);
        let started = Instant::now();
        let set = dgx_pixels_procedural::tileset(
            &request.prompt,
            seed,
            request.tile_size,
            &request.layout,
        );
        let generate_ms = ms_since(started);
        let started = Instant::now();
        let mut look = request.settings.look.clone();
        // Tiles meet edge to edge: an outline would draw a seam around every tile.
        look.outline = None;
        let sheet = pipeline::lock_frames(std::slice::from_ref(&set.sheet), &look)?
            .pop()
            .expect("one sheet in, one out");
        let tiles = set
            .tiles
            .iter()
            .map(|t| Tile {
                index: (t.y / set.tile_size) * set.columns + t.x / set.tile_size,
                name: Some(t.name.clone()),
                mask: match t.mask {
                    Mask::None => 0,
                    Mask::Corners(bits) | Mask::Neighbours(bits) => u32::from(bits),
                },
            })
            .collect::<Vec<_>>();
        let count = tiles.iter().map(|t| t.index + 1).max().unwrap_or(1);
        let prompt = format!("{} ({} tileset)", request.prompt, request.layout.name());
        self.save(NewSprite {
            prompt: &prompt,
            image: &sheet,
            seed,
            backend: backend.name(),
            negative_prompt: None,
            palette: look.palette.as_ref().map(|p| p.label()),
            style: request.settings.style.clone(),
            frames: Some(SheetFrames {
                columns: set.columns,
                rows: set.rows,
                count,
            }),
            layout: SheetLayout {
                tileset: Some(Tileset {
                    layout: request.layout.name().to_owned(),
                    tile_size: set.tile_size,
                    tiles,
                }),
                ..SheetLayout::default()
            },
            parameters: request.parameters.clone(),
            timings: Timings {
                generate: generate_ms,
                pixelize: ms_since(started),
                ..Timings::default()
            },
            comfyui: None,
        })
    }
}
