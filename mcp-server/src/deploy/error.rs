//! Why a deploy, rollback or listing failed: each message names the field or path and the rule.

use std::io;
use std::path::PathBuf;

use dgx_pixels_manifest::{EntryError, ManifestError, NameError, NameProblem, SpriteName};

/// Why a deploy, rollback or listing was refused or failed. Each message names the field or path
/// and the rule.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error(transparent)]
    Name(#[from] NameError),
    #[error(
        "category must be [a-z0-9_]+, at most {max} characters; got {category:?}: {problem}",
        max = SpriteName::MAX_SEGMENT_LEN
    )]
    Category {
        category: String,
        problem: NameProblem,
    },
    #[error(
        "png is not a PNG file (no PNG signature and IHDR header); pass the sprite's PNG bytes"
    )]
    NotPng,
    #[error("png must be 8-bit RGBA, got {found:?} pixels")]
    NotRgba8 { found: image::ColorType },
    #[error(transparent)]
    Entry(#[from] EntryError),
    #[error(
        "project {project} cannot be opened: {source}; pass the game's root folder (the one holding assets/)"
    )]
    ProjectUnreadable { project: PathBuf, source: io::Error },
    #[error(
        "project {project} is not under an allowed project root (allowed: {allowed}); add it to deploy.allowed_projects in the config"
    )]
    ProjectNotAllowed { project: PathBuf, allowed: String },
    #[error(
        "project {project} has no assets/ folder; pass the game's root folder (the one holding assets/)"
    )]
    NoAssetsFolder { project: PathBuf },
    #[error(
        "{path} leads outside {inside} through a symbolic link; deploys only write inside the project's assets/ folder"
    )]
    OutsideAssets { path: PathBuf, inside: PathBuf },
    #[error(
        "{path} is a symbolic link; the manifest, its lock and the style file must be plain files in assets/"
    )]
    SymlinkedManifest { path: PathBuf },
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}; check that the folder is writable")]
    Write { path: PathBuf, source: io::Error },
    #[error("no sprite named {name:?} is deployed in {project}; list_deployed shows what is")]
    NotDeployed { name: SpriteName, project: PathBuf },
    #[error(
        "{name:?} has no revision before {current} in its history; there is nothing to roll back to"
    )]
    NoEarlierRevision { name: SpriteName, current: u64 },
    #[error(
        "revision {revision} of {name:?} is not in its history (kept: {kept}); pick one of those"
    )]
    NotInHistory {
        name: SpriteName,
        revision: u64,
        kept: String,
    },
    #[error("history record {path} is damaged ({problem}); roll back to another revision")]
    DamagedHistory { path: PathBuf, problem: String },
}

impl DeployError {
    /// The project folder itself was refused: not allowed, unreadable, or not a Bevy project.
    pub fn is_refused_project(&self) -> bool {
        matches!(
            self,
            Self::ProjectUnreadable { .. }
                | Self::ProjectNotAllowed { .. }
                | Self::NoAssetsFolder { .. }
                | Self::OutsideAssets { .. }
                | Self::SymlinkedManifest { .. }
        )
    }
}
