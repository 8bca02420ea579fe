//! Tilesets that tile: sets of tiles of one or two terrains, laid out in a sheet with, for every tile, what
//! it connects to, so an autotiler can put the right tile on every cell of a terrain grid.
//!
//! A set flows one way: the prompt is read into terrains (`terrain`), each a seamless texture (`texture`:
//! painted by the tile painters, or a picture from any backend made seamless there); each tile of the
//! `layout` is composed (`draw`) from those textures as a window onto a world built from that layout, with
//! terrain boundaries and edges placed by functions of position that neighbouring tiles agree on
//! (`field`). `seam` measures how well they do.

mod draw;
mod field;
mod layout;
mod seam;
mod terrain;
mod texture;

pub use draw::{Surface, TileInfo, Tileset, compose, tileset};
pub use layout::{Layout, Mask, Pair, Side, Tile, corner, neighbour, neighbour_mask, pick_corners};
pub use seam::{SeamScore, seam_score};
pub use terrain::{NamedTerrain, Terrain, read_terrains};
pub use texture::{Texture, make_seamless};
