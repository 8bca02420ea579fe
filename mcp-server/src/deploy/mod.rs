//! Delivering sprites into a Bevy project: the PNG under `assets/`, its entry in
//! `assets/pixels.manifest.json`, and a history to roll back to.
//!
//! [`delivery`] turns stored sprite ids into one PNG (packing several into a [`sheet`]) and hands
//! it to [`project`], which writes it. Synchronous std I/O, shared by the `deploy_to_bevy` tool,
//! the CLI and watch mode. Every path is confined by [`assets`]: the project must be under an
//! allowed root, and each folder is created one level at a time and resolved, so a symlink cannot
//! lead a write outside `<project>/assets/`. The PNG, its history and the manifest are put in
//! place under the manifest's lock, so concurrent deployers (threads or processes) never lose an
//! entry and the manifest always names the bytes on disk.
//!
//! Every file is replaced by a rename, so a process killed at any moment leaves a valid manifest
//! naming complete PNGs. Surviving a power cut as well is [`DeployPolicy::durability`]: synced,
//! the new PNG's bytes are synced before the lock is taken; under it, its rename is synced before
//! the manifest is written and the manifest's bytes before its rename (so the disk never holds a
//! manifest naming bytes it lost); the manifest's folder is synced after the lock is released.

mod assets;
mod delivery;
mod error;
mod history;
mod png;
mod project;
pub mod sheet;
#[cfg(test)]
mod tests;

pub use delivery::{DEFAULT_FPS, Delivery, DeliveryError, deliver, policy, project_dir};
pub use error::DeployError;
pub use project::{deploy, history, list, rollback};

/// The path of `name`, a plain file directly in an allowed project's `assets/` folder (the style
/// file lives there, next to the manifest, so a team shares both in git).
pub fn project_file(
    project: &Path,
    name: &str,
    policy: &DeployPolicy,
) -> Result<PathBuf, DeployError> {
    assets::Assets::open(project, policy)?.top_file(name)
}

use std::path::{Path, PathBuf};

use dgx_pixels_manifest::{Durability, Frames, SheetLayout, Source, SpriteEntry, SpriteName};
use serde::Serialize;

/// Earlier revisions kept per sprite when the config does not say.
pub const DEFAULT_HISTORY_KEEP: usize = 10;

/// One sprite to deliver.
#[derive(Clone)]
pub struct DeployRequest<'a> {
    /// The game's root folder, the one holding `assets/`.
    pub project: &'a Path,
    /// Logical name, `[a-z0-9_]+` segments joined by `/`.
    pub name: &'a str,
    /// Folder under `assets/`, `[a-z0-9_]+` (usually `sprites`).
    pub category: &'a str,
    /// An 8-bit RGBA PNG; width and height are read from its header.
    pub png: &'a [u8],
    /// The sheet's grid when `png` is a sprite sheet.
    pub frames: Option<Frames>,
    /// What the sheet's frames mean: clips, rows, tiles.
    pub layout: SheetLayout,
    pub source: Source,
}

/// Where deploys may go, how much history they keep and how durable they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployPolicy {
    /// A project must be one of these folders or below one.
    pub allowed_projects: Vec<PathBuf>,
    /// Earlier revisions kept per sprite for rollback, besides the current one.
    pub history_keep: usize,
    /// Whether a finished deploy also survives a power cut (the PNG and the manifest; history
    /// copies are checked by sha256 instead). Either way a killed deploy leaves valid files.
    pub durability: Durability,
}

/// What a deploy or rollback did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deployed {
    pub name: SpriteName,
    /// Absolute path of the PNG the game loads.
    pub path: PathBuf,
    /// The manifest entry as recorded; its `path` is relative to `assets/`.
    pub entry: SpriteEntry,
    /// The project already had this content under this name, so nothing was rewritten.
    pub unchanged: bool,
}

impl DeployPolicy {
    /// A policy for `allowed_projects` that keeps [`DEFAULT_HISTORY_KEEP`] earlier revisions and
    /// syncs what it writes.
    pub fn new(allowed_projects: Vec<PathBuf>) -> Self {
        Self {
            allowed_projects,
            history_keep: DEFAULT_HISTORY_KEEP,
            durability: Durability::Synced,
        }
    }
}

fn join<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let joined: Vec<_> = items.into_iter().map(|item| item.to_string()).collect();
    if joined.is_empty() {
        "none".to_owned()
    } else {
        joined.join(", ")
    }
}
