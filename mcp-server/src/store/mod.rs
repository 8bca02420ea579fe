//! The sprite store: `<out_dir>/<id>.png` plus `<id>.json` metadata, written atomically.
//!
//! The PNG is written before its metadata, and only a sprite with both files is listed, so a
//! crash between the two leaves no half sprite visible.

mod png;
mod record;

pub use png::encode_png;
pub use record::{ComfyRun, SheetFrames, SpriteRecord, StoredSprite, Timings};

use std::path::{Path, PathBuf};

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the sprite folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "sprite id must be 1–80 characters of a-z, 0-9 and '-', got {0:?} (ids come from generate_sprite results)"
    )]
    InvalidId(String),
    #[error("no sprite with id {0:?} in the store (list them with resources/list)")]
    NotFound(String),
    #[error("sprite {id} is damaged: {reason}")]
    Damaged { id: String, reason: String },
}

/// The folder holding generated sprites; cheap to clone, safe to share between sessions.
#[derive(Debug, Clone)]
pub struct SpriteStore {
    dir: PathBuf,
}

impl SpriteStore {
    /// Opens (creating if needed) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let dir = dir.canonicalize().map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(Self { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A fresh id: a slug of the prompt plus random hex, readable in file listings.
    pub fn new_id(prompt: &str) -> String {
        let slug: String = prompt
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .take(3)
            .map(str::to_ascii_lowercase)
            .collect::<Vec<_>>()
            .join("-");
        let slug: String = slug.chars().take(32).collect();
        let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
        if slug.is_empty() {
            format!("sprite-{suffix}")
        } else {
            format!("{}-{suffix}", slug.trim_end_matches('-'))
        }
    }

    /// Writes the PNG, then the metadata, each atomically.
    pub fn save(&self, record: SpriteRecord, png: &[u8]) -> Result<StoredSprite, StoreError> {
        validate_id(&record.id)?;
        let path = self.png_path(&record.id);
        write_atomic(&path, png)?;
        let json = serde_json::to_vec_pretty(&record).expect("sprite records always serialize");
        write_atomic(&self.dir.join(format!("{}.json", record.id)), &json)?;
        Ok(StoredSprite { record, path })
    }

    /// Looks a sprite up by id.
    pub fn get(&self, id: &str) -> Result<StoredSprite, StoreError> {
        validate_id(id)?;
        let json_path = self.dir.join(format!("{id}.json"));
        let bytes = match std::fs::read(&json_path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound(id.to_string()));
            }
            Err(e) => {
                return Err(StoreError::Damaged {
                    id: id.to_string(),
                    reason: e.to_string(),
                });
            }
        };
        let record: SpriteRecord =
            serde_json::from_slice(&bytes).map_err(|e| StoreError::Damaged {
                id: id.to_string(),
                reason: format!("{}: {e}", json_path.display()),
            })?;
        let path = self.png_path(id);
        if !path.is_file() {
            return Err(StoreError::NotFound(id.to_string()));
        }
        Ok(StoredSprite { record, path })
    }

    /// The PNG bytes of a sprite.
    pub fn read_png(&self, id: &str) -> Result<Vec<u8>, StoreError> {
        let sprite = self.get(id)?;
        std::fs::read(&sprite.path).map_err(|e| StoreError::Damaged {
            id: id.to_string(),
            reason: e.to_string(),
        })
    }

    /// Every complete sprite, newest first. Damaged entries are skipped with a warning.
    pub fn list(&self) -> Vec<StoredSprite> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut sprites: Vec<StoredSprite> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let id = name.strip_suffix(".json")?;
                match self.get(id) {
                    Ok(sprite) => Some(sprite),
                    Err(e) => {
                        tracing::warn!("skipping sprite {id}: {e}");
                        None
                    }
                }
            })
            .collect();
        sprites.sort_by(|a, b| {
            b.record
                .created_at
                .cmp(&a.record.created_at)
                .then_with(|| a.record.id.cmp(&b.record.id))
        });
        sprites
    }

    fn png_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.png"))
    }
}

fn validate_id(id: &str) -> Result<(), StoreError> {
    let valid = !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(StoreError::InvalidId(id.to_string()))
    }
}

/// Temp file in the same folder, then rename: a kill at any moment leaves the old file or the new
/// one. No fsync: a store entry is cheap to make again, and syncs would dominate generation time.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    dgx_pixels_manifest::write_replace(path, bytes).map_err(|source| StoreError::Write {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, created_at: &str) -> SpriteRecord {
        SpriteRecord {
            id: id.to_string(),
            prompt: "a slime".into(),
            negative_prompt: None,
            width: 8,
            height: 8,
            seed: 1,
            backend: "embedded".into(),
            palette: None,
            style: None,
            frames: None,
            layout: Default::default(),
            parameters: serde_json::json!({}),
            comfyui: None,
            timings_ms: Timings::default(),
            created_at: created_at.to_string(),
        }
    }

    #[test]
    fn saved_sprites_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let store = SpriteStore::open(dir.path()).unwrap();
        store
            .save(record("a-1", "2026-01-01T00:00:00Z"), b"png-a")
            .unwrap();
        store
            .save(record("b-2", "2026-01-02T00:00:00Z"), b"png-b")
            .unwrap();

        let reopened = SpriteStore::open(dir.path()).unwrap();
        let ids: Vec<_> = reopened.list().into_iter().map(|s| s.record.id).collect();
        assert_eq!(ids, ["b-2", "a-1"]);
        assert_eq!(reopened.read_png("a-1").unwrap(), b"png-a");
    }

    #[test]
    fn hostile_ids_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = SpriteStore::open(dir.path()).unwrap();
        for id in ["", "../etc/passwd", "A", "a/b", "a.json", &"x".repeat(81)] {
            assert!(
                matches!(store.get(id), Err(StoreError::InvalidId(_))),
                "{id}"
            );
        }
        assert!(matches!(store.get("missing"), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn a_png_without_metadata_is_not_listed() {
        let dir = tempfile::tempdir().unwrap();
        let store = SpriteStore::open(dir.path()).unwrap();
        std::fs::write(dir.path().join("half.png"), b"x").unwrap();
        assert!(store.list().is_empty());
    }

    #[test]
    fn ids_are_slugs_of_the_prompt() {
        let id = SpriteStore::new_id("A Blue Knight, with sword!");
        assert!(id.starts_with("a-blue-knight-"), "{id}");
        assert!(validate_id(&id).is_ok());
        assert!(SpriteStore::new_id("✨✨").starts_with("sprite-"));
    }
}
