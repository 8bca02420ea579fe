//! The manifest on disk: reading, atomic writing, and locked read-modify-write.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Manifest, ParseError};

/// Why the manifest file cannot be read, locked or written.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read the manifest {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("the manifest {path} is not valid, so nothing was changed; fix it by hand: {source}")]
    Invalid { path: PathBuf, source: ParseError },
    #[error("cannot write the manifest {path}: {source}; check that its folder is writable")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot lock {path}: {source}; check that its folder is writable")]
    Lock { path: PathBuf, source: io::Error },
}

impl Manifest {
    /// File name of the manifest inside a game's `assets/` folder.
    pub const FILE_NAME: &str = "pixels.manifest.json";

    /// Reads and validates the manifest at `path`. A missing file is an empty manifest: nothing
    /// has been deployed to that game yet.
    pub fn read(path: &Path) -> Result<Self, ManifestError> {
        match fs::read(path) {
            Ok(bytes) => Self::from_json(&bytes).map_err(|source| ManifestError::Invalid {
                path: path.to_owned(),
                source,
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ManifestError::Read {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Writes the manifest atomically: a reader (the game) sees the old file or the new one,
    /// never a torn one, even if this process dies midway.
    pub fn write(&self, path: &Path) -> Result<(), ManifestError> {
        write_atomic(path, self.to_json().as_bytes()).map_err(|source| ManifestError::Write {
            path: path.to_owned(),
            source,
        })
    }

    /// Read-modify-write under an exclusive lock on [`lock_path`], so concurrent editors
    /// (threads or processes) never lose each other's changes. The file is rewritten only when
    /// `edit` changed something and returned `Ok`. Durable against a power cut once it returns:
    /// [`Manifest::edit_with`] with [`Durability::Synced`].
    ///
    /// The lock is held while `edit` runs, so `edit` may also write the files the manifest names
    /// and keep them consistent with it.
    pub fn edit<T, E>(path: &Path, edit: impl FnOnce(&mut Self) -> Result<T, E>) -> Result<T, E>
    where
        E: From<ManifestError>,
    {
        Self::edit_with(path, Durability::Synced, edit)
    }

    /// [`Manifest::edit`] with a choice of durability. With [`Durability::Synced`] the new file's
    /// data is synced before it is renamed into place (under the lock, so no editor can rename a
    /// file that is not complete on disk) and its folder after the lock is released, so other
    /// editors do not wait for that sync.
    pub fn edit_with<T, E>(
        path: &Path,
        durability: Durability,
        edit: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<ManifestError>,
    {
        let write_error = |source| ManifestError::Write {
            path: path.to_owned(),
            source,
        };
        let (out, wrote) = {
            // Released when dropped, including when `edit` fails or panics.
            let _lock = lock(path)?;
            let before = Self::read(path)?;
            let mut manifest = before.clone();
            let out = edit(&mut manifest)?;
            let wrote = manifest != before;
            if wrote {
                Staged::write(path, manifest.to_json().as_bytes(), durability)
                    .and_then(Staged::commit)
                    .map_err(write_error)?;
            }
            (out, wrote)
        };
        if wrote && durability == Durability::Synced {
            sync_dir(folder(path)).map_err(write_error)?;
        }
        Ok(out)
    }
}

/// What a write that replaces a file guarantees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Renamed into place: readers and a killed process see the old file or the new one, but a
    /// power cut may lose the write, or leave the file empty.
    Renamed,
    /// Also synced: the data before the rename, the folder after, so the write survives a power
    /// cut once it returns.
    Synced,
}

/// The sidecar lock file of the manifest at `path` (`pixels.manifest.json.lock`). It is never
/// deleted: removing a lock file while another process waits on it would split the lock.
pub fn lock_path(manifest: &Path) -> PathBuf {
    let mut path = OsString::from(manifest.as_os_str());
    path.push(".lock");
    PathBuf::from(path)
}

fn lock(manifest: &Path) -> Result<File, ManifestError> {
    let path = lock_path(manifest);
    let lock_error = |source| ManifestError::Lock {
        path: path.clone(),
        source,
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(lock_error)?;
    file.lock().map_err(lock_error)?;
    Ok(file)
}

/// Replaces `path` with `bytes` so that readers see either the old or the new content: a temp
/// file in the same folder is written and fsynced, renamed over `path`, then the folder is
/// fsynced so the rename survives a crash. Also used for the PNGs the manifest names.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    Staged::write(path, bytes, Durability::Synced)?.commit()?;
    sync_dir(folder(path))
}

/// Like [`write_atomic`] without the fsyncs: a killed process still leaves the old or the new
/// content, but a power cut may lose the write. For files whose loss is detected or harmless
/// (history copies checked by sha256, the sprite store), where syncs would dominate the cost.
pub fn write_replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    Staged::write(path, bytes, Durability::Renamed)?.commit()
}

/// A replacement for a file, complete in a temp file beside it and not yet in place. Writing
/// (and syncing) it can happen outside a lock, and [`Staged::commit`] (one rename) under it.
/// Dropped uncommitted, the temp file is removed.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
}

impl Staged {
    /// Writes `bytes` to a new temp file in `path`'s folder; [`Durability::Synced`] also syncs
    /// its data (the folder is synced by the caller once the rename is done: [`sync_dir`]).
    pub fn write(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<Self> {
        let (temp, mut file) = create_temp(folder(path), path)?;
        let staged = Self {
            temp,
            target: path.to_owned(),
        };
        file.write_all(bytes)?;
        if durability == Durability::Synced {
            file.sync_data()?;
        }
        Ok(staged)
    }

    /// The file this replaces.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the temp file over the target, atomically.
    pub fn commit(mut self) -> io::Result<()> {
        let temp = std::mem::take(&mut self.temp);
        fs::rename(&temp, &self.target).inspect_err(|_| {
            let _ = fs::remove_file(&temp);
        })
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Not committed. Best effort: the disk may be gone.
        if !self.temp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// The folder holding `path` (`.` for a bare file name).
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn create_temp(dir: &Path, path: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    loop {
        let mut temp_name = OsString::from(".");
        temp_name.push(name);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        temp_name.push(format!(".{}.{n}.tmp", std::process::id()));
        let temp_path = dir.join(temp_name);
        // `create_new` also refuses to follow a symlink planted at the temp name.
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp_path)
        {
            Ok(file) => return Ok((temp_path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Makes the renames done in `dir` survive a power cut.
#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Other platforms cannot open a folder to sync it; their rename is already durable enough.
#[cfg(not(unix))]
pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SpriteName;
    use crate::entry::tests::entry;

    fn manifest_in(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join(Manifest::FILE_NAME)
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_missing_file_is_an_empty_manifest() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Manifest::read(&manifest_in(&dir)).unwrap().is_empty());
    }

    #[test]
    fn write_then_read_round_trips_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = manifest_in(&dir);
        let mut m = Manifest::default();
        let _ = m.upsert(
            SpriteName::new("player").unwrap(),
            entry("sprites/player.png", 1),
        );
        m.write(&path).unwrap();
        m.write(&path).unwrap();
        assert_eq!(Manifest::read(&path).unwrap(), m);
        assert_eq!(fs::read_to_string(&path).unwrap(), m.to_json());
        assert_eq!(files_in(dir.path()), [Manifest::FILE_NAME]);
    }

    #[test]
    fn an_invalid_file_is_reported_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = manifest_in(&dir);
        fs::write(&path, "{\"schema_version\": 7, \"sprites\": {}}").unwrap();
        let err = Manifest::edit(&path, |m| {
            m.remove("player");
            Ok::<_, ManifestError>(())
        })
        .unwrap_err();
        assert!(matches!(err, ManifestError::Invalid { .. }));
        assert!(
            err.to_string()
                .contains("schema_version 7 is not supported"),
            "{err}"
        );
        assert!(fs::read_to_string(&path).unwrap().contains('7'));
    }

    #[test]
    fn a_failed_edit_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = manifest_in(&dir);
        let result: Result<(), ManifestError> = Manifest::edit(&path, |m| {
            let _ = m.upsert(SpriteName::new("a").unwrap(), entry("sprites/a.png", 1));
            Err(ManifestError::Read {
                path: PathBuf::from("x"),
                source: io::Error::other("stop"),
            })
        });
        assert!(result.is_err());
        assert!(!path.exists());
        assert_eq!(
            files_in(dir.path()),
            [format!("{}.lock", Manifest::FILE_NAME)]
        );
    }

    #[test]
    fn concurrent_edits_from_many_threads_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = manifest_in(&dir);
        std::thread::scope(|scope| {
            for i in 0..50u8 {
                let path = &path;
                scope.spawn(move || {
                    let name = SpriteName::new(format!("sprite_{i}")).unwrap();
                    let e = entry(&format!("sprites/sprite_{i}.png"), i);
                    let upserted = Manifest::edit(path, |m| {
                        Ok::<_, ManifestError>(m.upsert(name, e).unwrap())
                    })
                    .unwrap();
                    assert_eq!(upserted.revision, 1);
                });
            }
        });
        let m = Manifest::read(&path).unwrap();
        assert_eq!(m.len(), 50);
        assert!(m.sprites().values().all(|e| e.revision == 1));
    }

    #[test]
    fn a_staged_file_lands_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.png");
        write_replace(&path, b"old").unwrap();
        let dropped = Staged::write(&path, b"dropped", Durability::Renamed).unwrap();
        assert_eq!(
            files_in(dir.path()).len(),
            2,
            "the temp file sits beside the target"
        );
        drop(dropped);
        assert_eq!(files_in(dir.path()), ["a.png"]);
        let staged = Staged::write(&path, b"new", Durability::Synced).unwrap();
        assert_eq!(staged.target(), path);
        assert_eq!(fs::read(&path).unwrap(), b"old");
        staged.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(files_in(dir.path()), ["a.png"]);
    }

    #[test]
    fn edits_write_the_same_file_with_either_durability() {
        let dir = tempfile::tempdir().unwrap();
        let path = manifest_in(&dir);
        for (i, durability) in [Durability::Renamed, Durability::Synced]
            .into_iter()
            .enumerate()
        {
            let name = SpriteName::new(format!("sprite_{i}")).unwrap();
            let upserted = Manifest::edit_with(&path, durability, |m| {
                Ok::<_, ManifestError>(m.upsert(name, entry("sprites/a.png", 1)).unwrap())
            })
            .unwrap();
            assert_eq!(upserted.revision, 1);
        }
        assert_eq!(Manifest::read(&path).unwrap().len(), 2);
        assert_eq!(
            files_in(dir.path()),
            [
                Manifest::FILE_NAME.to_string(),
                format!("{}.lock", Manifest::FILE_NAME)
            ]
        );
    }

    #[test]
    fn write_atomic_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.png");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(files_in(dir.path()), ["a.png"]);
    }
}
