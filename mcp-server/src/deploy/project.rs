//! Writing into a Bevy project: the PNG under `assets/`, its manifest entry, its history.

use std::path::Path;

use dgx_pixels_manifest::{Durability, Manifest, SpriteEntry, SpriteName, Staged, sync_dir};

use super::assets::Assets;
use super::history::{history_revisions, prune_history, read_history, write_history};
use super::png::{file_sha256, rgba8_size, sha256_hex};
use super::{DeployError, DeployPolicy, DeployRequest, Deployed, join};

/// Delivers `req.png` as `assets/<category>/<name>.png` and records it in the manifest. Deploying
/// the content the manifest already holds is a no-op reported as `unchanged`.
pub fn deploy(req: &DeployRequest, policy: &DeployPolicy) -> Result<Deployed, DeployError> {
    let name = SpriteName::new(req.name)?;
    SpriteName::check_segment(req.category).map_err(|problem| DeployError::Category {
        category: req.category.to_owned(),
        problem,
    })?;
    let (width, height) = rgba8_size(req.png)?;
    let entry = SpriteEntry {
        layout: req.layout.clone(),
        path: format!("{}/{name}.png", req.category),
        width,
        height,
        frames: req.frames,
        revision: 1,
        sha256: sha256_hex(req.png),
        source: req.source.clone(),
        deployed_at: crate::timestamp::now(),
    };
    // Refuse a bad grid before anything touches the disk.
    entry.validate()?;
    let assets = Assets::open(req.project, policy)?;
    let manifest = assets.manifest_path()?;
    let history = assets.history_dir(&name)?;
    let live = stage(&assets.file(&entry.path)?, req.png, policy)?;
    Manifest::edit_with(&manifest, policy.durability, |manifest| {
        install(manifest, &name, entry, req.png, live, &history, policy)
    })
}

/// Redeploys an earlier revision of `name` from its history, bytes and metadata alike, as a new
/// revision (so the game sees a change). `None` picks the newest revision before the current one.
pub fn rollback(
    project: &Path,
    name: &str,
    revision: Option<u64>,
    policy: &DeployPolicy,
) -> Result<Deployed, DeployError> {
    let name = SpriteName::new(name)?;
    let assets = Assets::open(project, policy)?;
    let manifest_path = assets.manifest_path()?;
    Manifest::edit_with(&manifest_path, policy.durability, |manifest| {
        let current = manifest
            .get(name.as_str())
            .ok_or_else(|| DeployError::NotDeployed {
                name: name.clone(),
                project: project.to_owned(),
            })?
            .revision;
        let history = assets.history_dir(&name)?;
        let kept = history_revisions(&history)?;
        let target = match revision {
            Some(wanted) if kept.contains(&wanted) => wanted,
            Some(wanted) => {
                return Err(DeployError::NotInHistory {
                    name,
                    revision: wanted,
                    kept: join(&kept),
                });
            }
            None => *kept.iter().rev().find(|&&r| r < current).ok_or(
                DeployError::NoEarlierRevision {
                    name: name.clone(),
                    current,
                },
            )?,
        };
        let (mut entry, png) = read_history(&history, target)?;
        entry.deployed_at = crate::timestamp::now();
        let live = stage(&assets.file(&entry.path)?, &png, policy)?;
        install(manifest, &name, entry, &png, live, &history, policy)
    })
}

/// The revisions of `name` kept for rollback, oldest first, each as it was recorded.
pub fn history(
    project: &Path,
    name: &str,
    policy: &DeployPolicy,
) -> Result<Vec<SpriteEntry>, DeployError> {
    let name = SpriteName::new(name)?;
    let history = Assets::open(project, policy)?.history_dir(&name)?;
    history_revisions(&history)?
        .into_iter()
        .map(|revision| read_history(&history, revision).map(|(entry, _)| entry))
        .collect()
}

/// The project's manifest (empty when nothing was deployed yet).
pub fn list(project: &Path, policy: &DeployPolicy) -> Result<Manifest, DeployError> {
    let assets = Assets::open(project, policy)?;
    Ok(Manifest::read(&assets.manifest_path()?)?)
}

/// Records `entry` and puts `live` (`png`, staged) in place; runs under the manifest lock.
/// History comes first and the manifest last, so a crash at any point leaves a manifest whose
/// files all exist.
fn install(
    manifest: &mut Manifest,
    name: &SpriteName,
    entry: SpriteEntry,
    png: &[u8],
    live: Staged,
    history: &Path,
    policy: &DeployPolicy,
) -> Result<Deployed, DeployError> {
    let path = live.target().to_owned();
    let unchanged = manifest.upsert(name.clone(), entry)?.unchanged;
    let entry = manifest
        .get(name.as_str())
        .expect("upsert just stored this name")
        .clone();
    if unchanged {
        // Same content as recorded; only restore the file if someone removed or edited it.
        if file_sha256(&path).as_deref() != Some(entry.sha256.as_str()) {
            commit(live, policy)?;
        }
    } else {
        write_history(&history.join(format!("{}.png", entry.revision)), png)?;
        let record = serde_json::to_vec_pretty(&entry).expect("a sprite entry always serializes");
        write_history(&history.join(format!("{}.json", entry.revision)), &record)?;
        commit(live, policy)?;
        prune_history(history, policy.history_keep);
    }
    Ok(Deployed {
        name: name.clone(),
        path,
        entry,
        unchanged,
    })
}

/// `png` in a temp file beside `live`, ready to be renamed into place; synced when the policy
/// asks, before any lock is taken.
fn stage(live: &Path, png: &[u8], policy: &DeployPolicy) -> Result<Staged, DeployError> {
    Staged::write(live, png, policy.durability).map_err(|source| DeployError::Write {
        path: live.to_owned(),
        source,
    })
}

/// Renames the staged PNG into place; when the policy asks, syncs its folder too, so that the
/// rename is on disk before the manifest naming it is (a sync the order keeps under the lock).
fn commit(live: Staged, policy: &DeployPolicy) -> Result<(), DeployError> {
    let path = live.target().to_owned();
    let folder = path.parent().map(Path::to_owned);
    live.commit().map_err(|source| DeployError::Write {
        path: path.clone(),
        source,
    })?;
    match folder {
        Some(folder) if policy.durability == Durability::Synced => {
            sync_dir(&folder).map_err(|source| DeployError::Write {
                path: folder,
                source,
            })
        }
        _ => Ok(()),
    }
}
