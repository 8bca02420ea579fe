//! The `assets/pixels.manifest.json` contract between the DGX-Pixels server, which writes it when
//! it deploys a sprite, and the Bevy plugin, which reads it to keep a game's sprites current.
//!
//! Both sides touch the file only through this crate, so they cannot disagree on its format.
//! Serde only: no Bevy, no async runtime. See `docs/manifest.md` for the format itself.

mod entry;
mod file;
mod layout;
mod manifest;
mod name;

pub use entry::{EntryError, Frames, Source, SpriteEntry, StyleUse};
pub use file::{
    Durability, ManifestError, Staged, lock_path, sync_dir, write_atomic, write_replace,
};
pub use layout::{Clip, SheetLayout, Tile, Tileset};
pub use manifest::{Manifest, ParseError, Upserted};
pub use name::{NameError, NameProblem, SpriteName};
