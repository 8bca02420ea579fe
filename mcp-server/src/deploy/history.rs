//! Earlier revisions of each sprite, kept under `assets/.pixels/history/<name>/` for rollback.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use dgx_pixels_manifest::{SpriteEntry, write_replace};

use super::DeployError;
use super::png::sha256_hex;

/// History copies skip the fsyncs (half of a deploy's cost): a copy a crash damages is caught by
/// its sha256 when a rollback reads it.
pub(super) fn write_history(path: &Path, bytes: &[u8]) -> Result<(), DeployError> {
    write_replace(path, bytes).map_err(|source| DeployError::Write {
        path: path.to_owned(),
        source,
    })
}

/// The revisions recorded in a sprite's history folder, oldest first.
pub(super) fn history_revisions(history: &Path) -> Result<Vec<u64>, DeployError> {
    let read_error = |source| DeployError::Read {
        path: history.to_owned(),
        source,
    };
    let mut revisions = Vec::new();
    for item in fs::read_dir(history).map_err(read_error)? {
        let file_name = item.map_err(read_error)?.file_name();
        let revision = file_name
            .to_str()
            .and_then(|n| n.strip_suffix(".json"))
            .and_then(|stem| stem.parse::<u64>().ok());
        revisions.extend(revision);
    }
    revisions.sort_unstable();
    Ok(revisions)
}

/// A history record and its PNG, checked against each other so a rollback never installs bytes
/// the record does not describe.
pub(super) fn read_history(
    history: &Path,
    revision: u64,
) -> Result<(SpriteEntry, Vec<u8>), DeployError> {
    let read = |path: PathBuf| {
        fs::read(&path)
            .map(|bytes| (path.clone(), bytes))
            .map_err(|source| DeployError::Read { path, source })
    };
    let (record_path, record) = read(history.join(format!("{revision}.json")))?;
    let damaged = |problem: String| DeployError::DamagedHistory {
        path: record_path.clone(),
        problem,
    };
    let entry: SpriteEntry = serde_json::from_slice(&record).map_err(|e| damaged(e.to_string()))?;
    entry.validate().map_err(|e| damaged(e.to_string()))?;
    let (png_path, png) = read(history.join(format!("{revision}.png")))?;
    if sha256_hex(&png) != entry.sha256 {
        return Err(damaged(format!(
            "{} does not have the recorded sha256",
            png_path.display()
        )));
    }
    Ok((entry, png))
}

/// Keeps the current revision and the newest `keep` earlier ones. Pruning is housekeeping: a
/// failure is logged, never a failed deploy.
pub(super) fn prune_history(history: &Path, keep: usize) {
    let revisions = match history_revisions(history) {
        Ok(revisions) => revisions,
        Err(e) => return tracing::warn!("cannot prune sprite history: {e}"),
    };
    for revision in revisions.iter().rev().skip(keep + 1) {
        for extension in ["json", "png"] {
            let path = history.join(format!("{revision}.{extension}"));
            if let Err(e) = fs::remove_file(&path)
                && e.kind() != io::ErrorKind::NotFound
            {
                tracing::warn!("cannot prune {}: {e}", path.display());
            }
        }
    }
}
