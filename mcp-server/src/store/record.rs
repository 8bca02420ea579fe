//! What the store remembers about each sprite: the `<id>.json` next to its PNG.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// What the store remembers about a sprite (the `<id>.json` file).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpriteRecord {
    pub id: String,
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    pub width: u32,
    pub height: u32,
    /// The seed actually used (random when the caller gave none).
    pub seed: u64,
    pub backend: String,
    /// Palette name or colour list applied, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub palette: Option<String>,
    /// The named style it was made in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<dgx_pixels_manifest::StyleUse>,
    /// Sprite-sheet layout when this sprite packs several frames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frames: Option<SheetFrames>,
    /// What the frames mean: named clips, row directions, tiles.
    #[serde(
        default,
        skip_serializing_if = "dgx_pixels_manifest::SheetLayout::is_empty"
    )]
    pub layout: dgx_pixels_manifest::SheetLayout,
    /// The call's parameters as validated (for reproducing the sprite).
    pub parameters: serde_json::Value,
    /// The ComfyUI job (prompt id and server) that drew it, for the comfyui backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comfyui: Option<ComfyRun>,
    pub timings_ms: Timings,
    /// RFC 3339 UTC.
    pub created_at: String,
}

/// A sheet's grid: `count` frames of `width`×`height` laid out in `columns`×`rows`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct SheetFrames {
    pub columns: u32,
    pub rows: u32,
    pub count: u32,
}

/// Milliseconds spent in each stage of making a sprite.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct Timings {
    pub generate: f64,
    pub pixelize: f64,
    pub store: f64,
    pub total: f64,
}

/// A sprite as stored on disk.
#[derive(Debug, Clone)]
pub struct StoredSprite {
    pub record: SpriteRecord,
    pub path: PathBuf,
}

/// Where a ComfyUI image came from, reported in results and metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComfyRun {
    pub prompt_id: String,
    pub server: String,
}
