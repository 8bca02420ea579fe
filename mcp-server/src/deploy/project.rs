//! Delivering sprites into a Bevy project: the PNG under `assets/`, its entry in
//! `assets/pixels.manifest.json`, and a history to roll back to.
//!
//! Synchronous std I/O, shared by the `deploy_to_bevy` tool and the CLI. Every path is confined:
//! the project must be under an allowed root, and each folder is created one level at a time and
//! resolved, so a symlink cannot lead a write outside `<project>/assets/`. The PNG, its history
//! and the manifest are put in place under the manifest's lock, so concurrent deployers (threads
//! or processes) never lose an entry and the manifest always names the bytes on disk.
//!
//! Every file is replaced by a rename, so a process killed at any moment leaves a valid manifest
//! naming complete PNGs. Surviving a power cut as well is [`DeployPolicy::durability`]: synced,
//! the new PNG's bytes are synced before the lock is taken; under it, its rename is synced before
//! the manifest is written and the manifest's bytes before its rename (so the disk never holds a
//! manifest naming bytes it lost); the manifest's folder is synced after the lock is released.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use dgx_pixels_manifest::{
    Durability, EntryError, Frames, Manifest, ManifestError, NameError, NameProblem, Source,
    SpriteEntry, SpriteName, Staged, lock_path, sync_dir, write_replace,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

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
    #[error(
        "png must be 8-bit RGBA (color type 6, bit depth 8), got color type {color_type} with bit depth {bit_depth}"
    )]
    NotRgba8 { color_type: u8, bit_depth: u8 },
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
    #[error("{path} is a symbolic link; the manifest and its lock must be plain files in assets/")]
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
        path: format!("{}/{name}.png", req.category),
        width,
        height,
        frames: req.frames,
        revision: 1,
        sha256: sha256_hex(req.png),
        source: req.source.clone(),
        deployed_at: now_rfc3339(),
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
        entry.deployed_at = now_rfc3339();
        let live = stage(&assets.file(&entry.path)?, &png, policy)?;
        install(manifest, &name, entry, &png, live, &history, policy)
    })
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

/// A project's `assets/` folder, checked against the policy. Every path a deploy writes comes
/// from here.
struct Assets {
    /// Canonical `<project>/assets`.
    root: PathBuf,
}

impl Assets {
    fn open(project: &Path, policy: &DeployPolicy) -> Result<Self, DeployError> {
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
    fn manifest_path(&self) -> Result<PathBuf, DeployError> {
        let manifest = self.root.join(Manifest::FILE_NAME);
        for path in [lock_path(&manifest), manifest.clone()] {
            if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(DeployError::SymlinkedManifest { path });
            }
        }
        Ok(manifest)
    }

    fn history_dir(&self, name: &SpriteName) -> Result<PathBuf, DeployError> {
        self.dir([".pixels", "history"].into_iter().chain(name.segments()))
    }

    /// The file at `asset_path` (relative, `/`-separated, already validated), its folder created.
    /// Writing replaces whatever is there, even a symlink, without following it.
    fn file(&self, asset_path: &str) -> Result<PathBuf, DeployError> {
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

/// History copies skip the fsyncs (half of a deploy's cost): a copy a crash damages is caught by
/// its sha256 when a rollback reads it.
fn write_history(path: &Path, bytes: &[u8]) -> Result<(), DeployError> {
    write_replace(path, bytes).map_err(|source| DeployError::Write {
        path: path.to_owned(),
        source,
    })
}

/// The revisions recorded in a sprite's history folder, oldest first.
fn history_revisions(history: &Path) -> Result<Vec<u64>, DeployError> {
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
fn read_history(history: &Path, revision: u64) -> Result<(SpriteEntry, Vec<u8>), DeployError> {
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
fn prune_history(history: &Path, keep: usize) {
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

/// Width and height from the PNG header. Only 8-bit RGBA is accepted: it is what the pixel
/// pipeline produces and what the game's sprites expect.
fn rgba8_size(png: &[u8]) -> Result<(u32, u32), DeployError> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    let header = png
        .get(..26)
        .filter(|h| h.starts_with(SIGNATURE) && &h[12..16] == b"IHDR")
        .ok_or(DeployError::NotPng)?;
    let be_u32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    match (header[24], header[25]) {
        (8, 6) => Ok((be_u32(16), be_u32(20))),
        (bit_depth, color_type) => Err(DeployError::NotRgba8 {
            color_type,
            bit_depth,
        }),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `None` when `path` is missing, unreadable or not a plain file (a symlink is never followed).
fn file_sha256(path: &Path) -> Option<String> {
    let is_file = fs::symlink_metadata(path).ok()?.is_file();
    is_file.then(|| fs::read(path).ok().map(|b| sha256_hex(&b)))?
}

/// Now in UTC, whole seconds, in the manifest's RFC 3339 form.
fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

fn join<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let joined: Vec<_> = items.into_iter().map(|item| item.to_string()).collect();
    if joined.is_empty() {
        "none".to_owned()
    } else {
        joined.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::Cursor;
    use std::process::{Command, Stdio};

    use super::*;

    /// A temp folder holding `allowed/game/assets` (the project, under the only allowed root)
    /// and `outside/`, a folder no deploy may touch.
    struct Fixture {
        dir: tempfile::TempDir,
        project: PathBuf,
        policy: DeployPolicy,
    }

    impl Fixture {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            fs::create_dir_all(dir.path().join("allowed/game/assets")).unwrap();
            fs::create_dir_all(dir.path().join("outside/game/assets")).unwrap();
            fs::write(dir.path().join("outside/secret.txt"), "keep me").unwrap();
            let policy = DeployPolicy::new(vec![dir.path().join("allowed")]);
            let project = dir.path().join("allowed/game");
            Self {
                dir,
                project,
                policy,
            }
        }

        fn path(&self, relative: &str) -> PathBuf {
            self.dir.path().join(relative)
        }

        fn project(&self) -> &Path {
            &self.project
        }

        fn deploy(&self, name: &str, png: &[u8]) -> Result<Deployed, DeployError> {
            deploy(&request(self.project(), name, "sprites", png), &self.policy)
        }

        fn manifest(&self) -> Manifest {
            list(self.project(), &self.policy).unwrap()
        }

        /// Every path under the temp folder with its content (files), target (symlinks) or
        /// nothing (folders); symlinks are not followed.
        fn snapshot(&self) -> BTreeMap<PathBuf, String> {
            fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<PathBuf, String>) {
                for item in fs::read_dir(dir).unwrap() {
                    let path = item.unwrap().path();
                    let kind = fs::symlink_metadata(&path).unwrap().file_type();
                    let relative = path.strip_prefix(base).unwrap().to_owned();
                    if kind.is_symlink() {
                        let target = fs::read_link(&path).unwrap();
                        out.insert(relative, format!("-> {}", target.display()));
                    } else if kind.is_dir() {
                        out.insert(relative, "dir".to_owned());
                        walk(&path, base, out);
                    } else {
                        out.insert(relative, sha256_hex(&fs::read(&path).unwrap()));
                    }
                }
            }
            let mut out = BTreeMap::new();
            walk(self.dir.path(), self.dir.path(), &mut out);
            out
        }
    }

    fn request<'a>(
        project: &'a Path,
        name: &'a str,
        category: &'a str,
        png: &'a [u8],
    ) -> DeployRequest<'a> {
        DeployRequest {
            project,
            name,
            category,
            png,
            frames: None,
            source: Source {
                prompt: format!("a sprite called {name}"),
                seed: 7,
                backend: "procedural".to_owned(),
                ..Source::default()
            },
        }
    }

    /// A real RGBA8 PNG of one colour; `shade` makes the bytes differ.
    fn png(width: u32, height: u32, shade: u8) -> Vec<u8> {
        let image = image::RgbaImage::from_pixel(width, height, image::Rgba([shade, 40, 80, 255]));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn history(fixture: &Fixture, name: &str) -> Vec<u64> {
        history_revisions(
            &fixture
                .path("allowed/game/assets/.pixels/history")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn deploy_writes_the_png_and_records_it() {
        let f = Fixture::new();
        let bytes = png(16, 8, 1);
        let deployed = f.deploy("enemies/slime", &bytes).unwrap();
        let live = f
            .project()
            .canonicalize()
            .unwrap()
            .join("assets/sprites/enemies/slime.png");
        assert_eq!(deployed.path, live);
        assert_eq!(fs::read(&live).unwrap(), bytes);
        assert!(!deployed.unchanged);
        let entry = f.manifest().get("enemies/slime").unwrap().clone();
        assert_eq!(entry, deployed.entry);
        assert_eq!(
            (
                entry.path.as_str(),
                entry.width,
                entry.height,
                entry.revision
            ),
            ("sprites/enemies/slime.png", 16, 8, 1)
        );
        assert_eq!(entry.sha256, sha256_hex(&bytes));
        assert_eq!(history(&f, "enemies/slime"), [1]);
    }

    #[test]
    fn identical_bytes_are_a_reported_no_op() {
        use std::os::unix::fs::MetadataExt;
        let f = Fixture::new();
        let bytes = png(8, 8, 1);
        f.deploy("player", &bytes).unwrap();
        let live = f.path("allowed/game/assets/sprites/player.png");
        let manifest = f.path("allowed/game/assets/pixels.manifest.json");
        let inodes = || {
            (
                fs::metadata(&live).unwrap().ino(),
                fs::metadata(&manifest).unwrap().ino(),
            )
        };
        let before = (inodes(), f.snapshot());

        let again = f.deploy("player", &bytes).unwrap();
        assert!(again.unchanged);
        assert_eq!(again.entry.revision, 1);
        assert_eq!((inodes(), f.snapshot()), before, "nothing rewritten");

        let changed = f.deploy("player", &png(8, 8, 2)).unwrap();
        assert!(!changed.unchanged);
        assert_eq!(changed.entry.revision, 2);
    }

    #[test]
    fn a_deploy_the_manifest_refuses_leaves_no_file_behind() {
        let f = Fixture::new();
        fs::write(
            f.path("allowed/game/assets/pixels.manifest.json"),
            "{\"schema_version\": 7, \"sprites\": {}}",
        )
        .unwrap();
        let files = |f: &Fixture| {
            let mut tree = f.snapshot();
            tree.retain(|_, content| content != "dir");
            tree
        };
        let before = files(&f);
        let err = f.deploy("player", &png(8, 8, 1)).unwrap_err();
        assert!(
            matches!(err, DeployError::Manifest(ManifestError::Invalid { .. })),
            "{err}"
        );
        let mut after = files(&f);
        after.remove(Path::new("allowed/game/assets/pixels.manifest.json.lock"));
        assert_eq!(after, before, "the staged PNG is removed");
    }

    #[test]
    fn unsynced_deploys_write_the_same_files_and_roll_back() {
        let mut f = Fixture::new();
        f.policy.durability = Durability::Renamed;
        let (one, two) = (png(8, 8, 1), png(8, 8, 2));
        f.deploy("player", &one).unwrap();
        let second = f.deploy("player", &two).unwrap();
        assert_eq!(fs::read(&second.path).unwrap(), two);
        assert_eq!(f.manifest().get("player").unwrap(), &second.entry);
        let back = rollback(f.project(), "player", None, &f.policy).unwrap();
        assert_eq!(
            (fs::read(&back.path).unwrap(), back.entry.revision),
            (one, 3)
        );
        let sprites = fs::read_dir(f.path("allowed/game/assets/sprites")).unwrap();
        assert_eq!(sprites.count(), 1, "no temp file is left");
    }

    #[test]
    fn a_no_op_deploy_restores_a_removed_file() {
        let f = Fixture::new();
        let bytes = png(8, 8, 1);
        let first = f.deploy("player", &bytes).unwrap();
        fs::remove_file(&first.path).unwrap();
        let again = f.deploy("player", &bytes).unwrap();
        assert!(again.unchanged);
        assert_eq!(fs::read(&first.path).unwrap(), bytes);
    }

    #[test]
    fn hostile_names_and_categories_are_refused_before_anything_is_written() {
        let f = Fixture::new();
        let before = f.snapshot();
        let bytes = png(8, 8, 1);
        let long = "x".repeat(65);
        for name in [
            "",
            "/etc/passwd",
            "/",
            "..",
            "../escape",
            "a/../../escape",
            "./a",
            "a/",
            "a//b",
            "Player",
            "my player",
            "a\\b",
            "..\\..\\escape",
            "c:evil",
            "player.png",
            "nul\0",
            &long,
        ] {
            let err = f.deploy(name, &bytes).unwrap_err();
            assert!(matches!(err, DeployError::Name(_)), "{name:?}: {err}");
            assert!(
                err.to_string().starts_with("name must be [a-z0-9_]+"),
                "{err}"
            );
        }
        for category in [
            "", ".", "..", "../..", "Sprites", "a/b", ".pixels", "/tmp", &long,
        ] {
            let err =
                deploy(&request(f.project(), "player", category, &bytes), &f.policy).unwrap_err();
            assert!(
                err.to_string().starts_with("category must be [a-z0-9_]+"),
                "{category:?}: {err}"
            );
        }
        assert_eq!(f.snapshot(), before);
    }

    #[test]
    fn error_messages_name_the_field_and_the_rule() {
        let f = Fixture::new();
        let message = f.deploy("Player", &png(8, 8, 1)).unwrap_err().to_string();
        assert_eq!(
            message,
            "name must be [a-z0-9_]+ segments joined by '/', at most 64 characters a segment; \
             got \"Player\": 'P' is upper case; use lower case"
        );
        let outside = f.path("outside/game");
        let message = deploy(
            &request(&outside, "player", "sprites", &png(8, 8, 1)),
            &f.policy,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            message,
            format!(
                "project {} is not under an allowed project root (allowed: {}); \
                 add it to deploy.allowed_projects in the config",
                outside.display(),
                f.path("allowed").display()
            )
        );
    }

    #[test]
    fn hostile_projects_are_refused_with_nothing_written_outside_assets() {
        use std::os::unix::fs::symlink;
        let f = Fixture::new();
        let bytes = png(8, 8, 1);
        let assets = f.path("allowed/game/assets");
        fs::create_dir_all(f.path("allowed/bare")).unwrap();
        fs::create_dir_all(f.path("allowed/linked")).unwrap();
        symlink(
            f.path("outside/game/assets"),
            f.path("allowed/linked/assets"),
        )
        .unwrap();
        symlink(f.path("outside/game"), f.path("allowed/escape")).unwrap();
        let attempt = |project: PathBuf| {
            let req = request(&project, "player", "sprites", &bytes);
            deploy(&req, &f.policy).unwrap_err()
        };
        let outside_assets = |f: &Fixture| {
            let mut tree = f.snapshot();
            tree.retain(|path, _| !f.path("").join(path).starts_with(&assets));
            tree
        };
        let before = outside_assets(&f);

        for project in ["outside/game", "allowed/../outside/game", "allowed/escape"] {
            let err = attempt(f.path(project));
            assert!(
                matches!(err, DeployError::ProjectNotAllowed { .. }),
                "{project}: {err}"
            );
        }
        let err = attempt(f.path("allowed/missing"));
        assert!(
            matches!(err, DeployError::ProjectUnreadable { .. }),
            "{err}"
        );
        let err = attempt(f.path("allowed/bare"));
        assert_eq!(
            err.to_string(),
            format!(
                "project {} has no assets/ folder; pass the game's root folder (the one holding assets/)",
                f.path("allowed/bare").display()
            )
        );
        let err = attempt(f.path("allowed/linked"));
        assert!(matches!(err, DeployError::OutsideAssets { .. }), "{err}");
        let nobody = DeployPolicy::new(Vec::new());
        let err = deploy(&request(f.project(), "player", "sprites", &bytes), &nobody).unwrap_err();
        assert!(err.to_string().contains("(allowed: none)"), "{err}");

        // Symlinks inside assets/ that lead out: a category, a sub-folder, the history, the
        // manifest and its lock.
        let planted = [
            (".pixels", "outside", "player"),
            ("sprites", "outside", "player"),
            ("sprites/enemies", "outside", "enemies/slime"),
            ("pixels.manifest.json", "outside/secret.txt", "player"),
            ("pixels.manifest.json.lock", "outside/new.lock", "player"),
        ];
        for (link, target, name) in planted {
            if let Some(parent) = Path::new(link).parent() {
                fs::create_dir_all(assets.join(parent)).unwrap();
            }
            symlink(f.path(target), assets.join(link)).unwrap();
            let err = f.deploy(name, &bytes).unwrap_err();
            assert!(
                matches!(
                    err,
                    DeployError::OutsideAssets { .. } | DeployError::SymlinkedManifest { .. }
                ),
                "{link}: {err}"
            );
            fs::remove_file(assets.join(link)).unwrap();
        }
        assert_eq!(outside_assets(&f), before);
    }

    #[test]
    fn a_symlinked_png_is_replaced_not_followed() {
        let f = Fixture::new();
        let sprites = f.path("allowed/game/assets/sprites");
        fs::create_dir_all(&sprites).unwrap();
        std::os::unix::fs::symlink(f.path("outside/secret.txt"), sprites.join("player.png"))
            .unwrap();
        let bytes = png(8, 8, 1);
        f.deploy("player", &bytes).unwrap();
        assert_eq!(
            fs::read_to_string(f.path("outside/secret.txt")).unwrap(),
            "keep me"
        );
        assert!(
            fs::symlink_metadata(sprites.join("player.png"))
                .unwrap()
                .is_file()
        );
        assert_eq!(fs::read(sprites.join("player.png")).unwrap(), bytes);
    }

    #[test]
    fn only_rgba8_pngs_with_a_fitting_grid_are_deployed() {
        let f = Fixture::new();
        assert!(matches!(
            f.deploy("player", b"GIF89a not a png at all"),
            Err(DeployError::NotPng)
        ));
        let mut rgb = Cursor::new(Vec::new());
        image::RgbImage::new(4, 4)
            .write_to(&mut rgb, image::ImageFormat::Png)
            .unwrap();
        let err = f.deploy("player", rgb.get_ref()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "png must be 8-bit RGBA (color type 6, bit depth 8), got color type 2 with bit depth 8"
        );
        let sheet = png(30, 10, 1);
        let mut req = request(f.project(), "coin", "sprites", &sheet);
        req.frames = Some(Frames {
            columns: 4,
            rows: 1,
            count: 4,
            fps: 8,
        });
        let err = deploy(&req, &f.policy).unwrap_err();
        assert_eq!(
            err.to_string(),
            "frames.columns (4) must divide width (30) into whole frames"
        );
        req.frames = Some(Frames {
            columns: 3,
            rows: 1,
            count: 3,
            fps: 8,
        });
        assert_eq!(
            deploy(&req, &f.policy)
                .unwrap()
                .entry
                .frames
                .unwrap()
                .columns,
            3
        );
        assert!(!f.path("allowed/game/assets/sprites/player.png").exists());
    }

    #[test]
    fn concurrent_deploys_from_many_threads_lose_nothing() {
        let f = Fixture::new();
        let names: Vec<String> = (0..50).map(|i| format!("crowd/sprite_{i}")).collect();
        std::thread::scope(|scope| {
            for (i, name) in names.iter().enumerate() {
                let f = &f;
                scope.spawn(move || f.deploy(name, &png(4, 4, i as u8)).unwrap());
                // The same name from several threads: each deploy gets its own revision.
                scope.spawn(move || f.deploy("shared", &png(4, 4, i as u8)).unwrap());
            }
        });
        let manifest = f.manifest();
        assert_eq!(manifest.len(), 51);
        let shared = manifest.get("shared").unwrap();
        assert_eq!(shared.revision, 50);
        let live = fs::read(f.path("allowed/game/assets/sprites/shared.png")).unwrap();
        assert_eq!(
            sha256_hex(&live),
            shared.sha256,
            "the manifest names the bytes on disk"
        );
    }

    /// Env var that turns [`deploy_from_a_child_process`] into a worker for the two-process test.
    const CHILD: &str = "DGX_PIXELS_DEPLOY_TEST_CHILD";

    #[test]
    fn concurrent_deploys_from_two_processes_lose_nothing() {
        let f = Fixture::new();
        let module = module_path!()
            .split_once("::")
            .map_or(module_path!(), |(_, rest)| rest);
        let children: Vec<_> = ["a", "b"]
            .iter()
            .map(|prefix| {
                Command::new(std::env::current_exe().unwrap())
                    .args(["--exact", &format!("{module}::deploy_from_a_child_process")])
                    .env(CHILD, format!("{prefix}:{}", f.project().display()))
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let manifest = f.manifest();
        assert_eq!(
            manifest.len(),
            50,
            "{:?}",
            manifest.sprites().keys().collect::<Vec<_>>()
        );
    }

    /// Does nothing unless started by the two-process test: then deploys 25 sprites.
    #[test]
    fn deploy_from_a_child_process() {
        let Ok(task) = std::env::var(CHILD) else {
            return;
        };
        let (prefix, project) = task.split_once(':').unwrap();
        let policy = DeployPolicy::new(vec![PathBuf::from(project)]);
        for i in 0..25u8 {
            let name = format!("{prefix}_{i}");
            deploy(
                &request(Path::new(project), &name, "sprites", &png(4, 4, i)),
                &policy,
            )
            .unwrap();
        }
    }

    #[test]
    fn rollback_restores_exact_bytes_and_metadata() {
        let f = Fixture::new();
        let (one, two) = (png(8, 8, 1), png(16, 8, 2));
        f.deploy("player", &one).unwrap();
        let mut sheet = request(f.project(), "player", "sprites", &two);
        sheet.frames = Some(Frames {
            columns: 2,
            rows: 1,
            count: 2,
            fps: 4,
        });
        deploy(&sheet, &f.policy).unwrap();

        let back = rollback(f.project(), "player", None, &f.policy).unwrap();
        assert_eq!(fs::read(&back.path).unwrap(), one);
        assert_eq!(
            (back.entry.revision, back.entry.width, back.entry.frames),
            (3, 8, None)
        );
        assert_eq!(back.entry.sha256, sha256_hex(&one));
        assert_eq!(f.manifest().get("player").unwrap(), &back.entry);

        let forth = rollback(f.project(), "player", None, &f.policy).unwrap();
        assert_eq!(fs::read(&forth.path).unwrap(), two);
        assert_eq!(
            (forth.entry.revision, forth.entry.frames.unwrap().columns),
            (4, 2)
        );

        let chosen = rollback(f.project(), "player", Some(1), &f.policy).unwrap();
        assert_eq!(
            (fs::read(&chosen.path).unwrap(), chosen.entry.revision),
            (one.clone(), 5)
        );
        assert!(
            rollback(f.project(), "player", Some(5), &f.policy)
                .unwrap()
                .unchanged
        );
    }

    #[test]
    fn rollback_explains_what_it_cannot_do() {
        let f = Fixture::new();
        f.deploy("player", &png(8, 8, 1)).unwrap();
        let err = |name, revision| {
            rollback(f.project(), name, revision, &f.policy)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("player", None),
            "\"player\" has no revision before 1 in its history; there is nothing to roll back to"
        );
        assert_eq!(
            err("player", Some(9)),
            "revision 9 of \"player\" is not in its history (kept: 1); pick one of those"
        );
        assert!(err("ghost", None).starts_with("no sprite named \"ghost\" is deployed"));
        assert!(err("../ghost", None).starts_with("name must be"));

        f.deploy("player", &png(8, 8, 2)).unwrap();
        fs::write(
            f.path("allowed/game/assets/.pixels/history/player/1.png"),
            b"tampered",
        )
        .unwrap();
        assert!(err("player", Some(1)).contains("does not have the recorded sha256"));
    }

    #[test]
    fn history_keeps_the_current_and_the_newest_earlier_revisions() {
        let mut f = Fixture::new();
        f.policy.history_keep = 3;
        for shade in 1..=8 {
            f.deploy("player", &png(4, 4, shade)).unwrap();
        }
        assert_eq!(history(&f, "player"), [5, 6, 7, 8]);
        let pngs = fs::read_dir(f.path("allowed/game/assets/.pixels/history/player"))
            .unwrap()
            .count();
        assert_eq!(pngs, 8, "a .png and a .json per kept revision");
        let back = rollback(f.project(), "player", Some(5), &f.policy).unwrap();
        assert_eq!(fs::read(back.path).unwrap(), png(4, 4, 5));
        assert_eq!(history(&f, "player"), [6, 7, 8, 9]);
    }

    #[test]
    fn list_reads_the_manifest_of_an_allowed_project() {
        let f = Fixture::new();
        assert!(f.manifest().is_empty());
        f.deploy("b", &png(4, 4, 1)).unwrap();
        f.deploy("a", &png(4, 4, 2)).unwrap();
        let names: Vec<_> = f
            .manifest()
            .sprites()
            .keys()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert!(list(&f.path("outside/game"), &f.policy).is_err());
    }
}
