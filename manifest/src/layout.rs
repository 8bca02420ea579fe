//! What the frames of a sheet mean: named clips and the facing of each row (an animation or a
//! character), or the tiles of a tileset and what each connects to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::entry::{EntryError, Frames};

/// The meaning of a sheet's frames. Every part is optional: a plain sheet has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetLayout {
    /// Named clips, e.g. `idle`, `walk`: runs of columns played as one animation.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub animations: BTreeMap<String, Clip>,
    /// The facing of each row, top to bottom, e.g. `["south", "east", "north", "west"]`: a
    /// character sheet has one row per direction, each holding every clip.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub directions: Vec<String>,
    /// Present when the sheet is a tileset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tileset: Option<Tileset>,
}

/// One animation: `frames` columns from `start`, in the row of the facing direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clip {
    /// First column.
    pub start: u32,
    pub frames: u32,
    /// Playback speed in frames per second.
    pub fps: u32,
    /// Whether it starts over at the end (idle, walk) or stops on its last frame (jump, death).
    #[serde(default = "yes")]
    pub looping: bool,
}

fn yes() -> bool {
    true
}

/// A tileset: which layout the tiles follow and what each tile connects to. Tile `index` is read
/// left to right, top to bottom in the sheet's frame grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tileset {
    /// `seamless`, `wang2corner`, `blob47` or `platformer` (see docs/tilesets.md for each mask).
    pub layout: String,
    /// Side of one tile in pixels.
    pub tile_size: u32,
    pub tiles: Vec<Tile>,
}

/// One tile of a tileset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tile {
    pub index: u32,
    /// Its role, e.g. `top_left` (platformer) or `variant_2` (seamless).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What it connects to: corner bits for wang2corner, neighbour bits for blob47 and
    /// platformer, 0 for seamless.
    pub mask: u32,
}

impl SheetLayout {
    pub fn is_empty(&self) -> bool {
        self.animations.is_empty() && self.directions.is_empty() && self.tileset.is_none()
    }

    /// Checks that clips, rows and tiles fit the frame grid.
    pub(crate) fn check_fits(&self, frames: Option<&Frames>) -> Result<(), EntryError> {
        if self.is_empty() {
            return Ok(());
        }
        let Some(frames) = frames else {
            return Err(EntryError::LayoutWithoutFrames);
        };
        for (name, clip) in &self.animations {
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid_name {
                return Err(EntryError::ClipName(name.clone()));
            }
            if clip.frames == 0 || clip.fps == 0 {
                return Err(EntryError::Zero {
                    field: "animations.*.frames and fps",
                });
            }
            if u64::from(clip.start) + u64::from(clip.frames) > u64::from(frames.columns) {
                return Err(EntryError::ClipOutside {
                    name: name.clone(),
                    end: clip.start + clip.frames,
                    columns: frames.columns,
                });
            }
        }
        if !self.directions.is_empty() && self.directions.len() as u32 != frames.rows {
            return Err(EntryError::DirectionRows {
                directions: self.directions.len(),
                rows: frames.rows,
            });
        }
        if let Some(tileset) = &self.tileset
            && let Some(tile) = tileset.tiles.iter().find(|t| t.index >= frames.count)
        {
            return Err(EntryError::TileOutside {
                index: tile.index,
                count: frames.count,
            });
        }
        Ok(())
    }
}
