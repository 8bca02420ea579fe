//! A project's `assets/` folder, confined: every path a deploy writes comes from here.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use dgx_pixels_manifest::{Manifest, SpriteName, lock_path};

use super::{DeployError, DeployPolicy, join};

/// A project's `assets/` folder, checked against the policy. Every path a deploy writes comes
/// from here.
pub(super) struct Assets {
    /// Canonical `<project>/assets`.
    root: PathBuf,
}

impl Assets {
    pub(super) fn open(project: &Path, policy: &DeployPolicy) -> Result<Self, DeployError> {
        let canonical =
            project
                .canonicalize()
                .map_err(|source| DeployError::ProjectUnreadable {
                    project: project.to_owned(),
                    source,
                })?;
        let allowed = policy
            .allowed_projects
            .iter()
            .filter_map(|root| root.canonicalize().ok())
            .any(|root| canonical.starts_with(root));
        if !allowed {
            return Err(DeployError::ProjectNotAllowed {
                project: project.to_owned(),
                allowed: join(policy.allowed_projects.iter().map(|p| p.display())),
            });
        }
        let assets = canonical.join("assets");
        if !assets.is_dir() {
            return Err(DeployError::NoAssetsFolder {
                project: project.to_owned(),
            });
        }
        let root = assets.canonicalize().map_err(|source| DeployError::Read {
            path: assets.clone(),
            source,
        })?;
        if !root.starts_with(&canonical) {
            return Err(DeployError::OutsideAssets {
                path: assets,
                inside: canonical,
            });
        }
        Ok(Self { root })
    }

    /// The manifest, refused when it or its lock is a symlink: both are opened by path and a
    /// link would redirect the write or the lock file's creation.
    pub(super) fn manifest_path(&self) -> Result<PathBuf, DeployError> {
        let manifest = self.root.join(Manifest::FILE_NAME);
        for path in [lock_path(&manifest), manifest.clone()] {
            if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(DeployError::SymlinkedManifest { path });
            }
        }
        Ok(manifest)
    }

    /// A plain file directly in `assets/` (such as the project's style file), refused when it
    /// is a symlink: it is opened and replaced by path.
    pub(super) fn top_file(&self, name: &str) -> Result<PathBuf, DeployError> {
        let path = self.root.join(name);
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(DeployError::SymlinkedManifest { path });
        }
        Ok(path)
    }

    pub(super) fn history_dir(&self, name: &SpriteName) -> Result<PathBuf, DeployError> {
        self.dir([".pixels", "history"].into_iter().chain(name.segments()))
    }

    /// The file at `asset_path` (relative, `/`-separated, already validated), its folder created.
    /// Writing replaces whatever is there, even a symlink, without following it.
    pub(super) fn file(&self, asset_path: &str) -> Result<PathBuf, DeployError> {
        let (folders, file) = asset_path.rsplit_once('/').unwrap_or(("", asset_path));
        let dir = self.dir(folders.split('/').filter(|s| !s.is_empty()))?;
        Ok(dir.join(file))
    }

    /// Creates `segments` under `assets/` one level at a time, resolving each so that a symlink
    /// leading outside is refused before anything is created through it.
    fn dir<'s>(&self, segments: impl IntoIterator<Item = &'s str>) -> Result<PathBuf, DeployError> {
        let mut dir = self.root.clone();
        for segment in segments {
            let next = dir.join(segment);
            match fs::create_dir(&next) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(source) => return Err(DeployError::Write { path: next, source }),
            }
            dir = next.canonicalize().map_err(|source| DeployError::Read {
                path: next.clone(),
                source,
            })?;
            if !dir.starts_with(&self.root) {
                return Err(DeployError::OutsideAssets {
                    path: next,
                    inside: self.root.clone(),
                });
            }
        }
        Ok(dir)
    }
}
