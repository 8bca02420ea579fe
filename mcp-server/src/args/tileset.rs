//! The arguments of `generate_tileset`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::generation::WithSettings;

/// Arguments of `generate_tileset`.
pub type GenerateTilesetArgs = WithSettings<TilesetFields>;

/// The fields of `generate_tileset` besides the look and generation settings.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct TilesetFields {
    /// The terrain, or a pair: "grass over dirt", "stone path on sand", "snowy stone", "water".
    /// 1–2000 characters.
    #[schemars(length(min = 1, max = 2000))]
    pub prompt: String,
    /// Which tiles: `seamless` (one terrain that repeats, `variants` tiles), `wang2corner` (the 16
    /// corner combinations of two terrains), `blob47` (the 47-tile autotile set) or `platformer`
    /// (side-view ground: top edge with grass, fill, ends, corners, a column, a floating
    /// platform).
    pub layout: TilesetLayout,
    /// Side of one tile in pixels, 8–64. Default 16.
    #[serde(default)]
    #[schemars(range(min = 8, max = 64))]
    pub tile_size: Option<u32>,
    /// For `seamless`: how many interchangeable tiles, 1–8. Default 1.
    #[serde(default)]
    #[schemars(range(min = 1, max = 8))]
    pub variants: Option<u32>,
}

/// A tileset layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TilesetLayout {
    Seamless,
    #[serde(rename = "wang2corner")]
    Wang2Corner,
    #[serde(rename = "blob47")]
    Blob47,
    Platformer,
}
