//! One deployed sprite: where its PNG is, what it looks like, and where it came from.

use serde::{Deserialize, Serialize};

use crate::layout::SheetLayout;

/// A sprite as the manifest records it. Fields are plain data; a [`crate::Manifest`] validates an
/// entry (see [`SpriteEntry::validate`]) before it accepts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpriteEntry {
    /// PNG file relative to `assets/`, with `/` separators (e.g. `sprites/player.png`).
    pub path: String,
    /// Width of the whole PNG in pixels.
    pub width: u32,
    /// Height of the whole PNG in pixels.
    pub height: u32,
    /// Present when the PNG is a sprite sheet; absent for a single image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frames: Option<Frames>,
    /// What the frames mean: named clips, row directions, tiles (schema version 2).
    #[serde(flatten)]
    pub layout: SheetLayout,
    /// Goes up by one on every deploy of this name, so a game can tell a new version apart.
    pub revision: u64,
    /// SHA-256 of the PNG's bytes, lowercase hex.
    pub sha256: String,
    pub source: Source,
    /// When this revision was deployed, RFC 3339 in UTC (`2026-11-23T18:00:00Z`).
    pub deployed_at: String,
}

/// A sprite sheet's grid: frames are read left to right, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frames {
    pub columns: u32,
    pub rows: u32,
    /// Frames in use; the last row may be partly empty.
    pub count: u32,
    /// Playback speed in frames per second.
    pub fps: u32,
}

/// How the sprite was made, so a game developer can regenerate or trace it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Source {
    pub prompt: String,
    pub seed: u64,
    /// Generator that made it, e.g. `comfyui` or `procedural`.
    pub backend: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub palette: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// Workflow template the backend ran, when it has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<String>,
    /// Id of the stored sprite this was deployed from (`sprite://<id>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sprite_id: Option<String>,
    /// The named art style it was made in (see `list_styles`), with the values it set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<StyleUse>,
}

/// A named style as one sprite used it: its name and the values it resolved to (after the
/// call's own arguments overrode some), so the sprite can be made again without the style file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StyleUse {
    pub name: String,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub values: serde_json::Map<String, serde_json::Value>,
}

/// The field of a [`SpriteEntry`] that breaks a rule, and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("path must be relative and use '/' (got {0:?})")]
    PathNotRelative(String),
    #[error("path must end in \".png\" (got {0:?})")]
    PathNotPng(String),
    #[error("{field} must be at least 1")]
    Zero { field: &'static str },
    #[error("frames.count ({count}) must be at most frames.columns × frames.rows ({cells})")]
    TooManyFrames { count: u32, cells: u64 },
    #[error("frames.{axis} ({cells}) must divide {dimension} ({pixels}) into whole frames")]
    UnevenFrames {
        axis: &'static str,
        cells: u32,
        dimension: &'static str,
        pixels: u32,
    },
    #[error("sha256 must be 64 lowercase hex digits (got {0:?})")]
    Sha256(String),
    #[error("deployed_at must be an RFC 3339 UTC time like \"2026-11-23T18:00:00Z\" (got {0:?})")]
    DeployedAt(String),
    #[error("source.backend must not be empty")]
    EmptyBackend,
    #[error("animations, directions and tileset need frames: a sheet's grid")]
    LayoutWithoutFrames,
    #[error("animation names must be [a-z0-9_]+ (got {0:?})")]
    ClipName(String),
    #[error("animation {name:?} ends at column {end}, past frames.columns ({columns})")]
    ClipOutside {
        name: String,
        end: u32,
        columns: u32,
    },
    #[error("directions names {directions} rows but the sheet has frames.rows = {rows}")]
    DirectionRows { directions: usize, rows: u32 },
    #[error("tileset tile {index} is outside the sheet's {count} frames")]
    TileOutside { index: u32, count: u32 },
}

impl SpriteEntry {
    /// Checks every rule of the format, so a game never loads a path outside `assets/` or a
    /// sprite sheet whose grid does not fit its image.
    pub fn validate(&self) -> Result<(), EntryError> {
        check_path(&self.path)?;
        for (field, value) in [("width", self.width), ("height", self.height)] {
            if value == 0 {
                return Err(EntryError::Zero { field });
            }
        }
        if let Some(frames) = &self.frames {
            frames.check_fits(self.width, self.height)?;
        }
        self.layout.check_fits(self.frames.as_ref())?;
        if self.revision == 0 {
            return Err(EntryError::Zero { field: "revision" });
        }
        if self.sha256.len() != 64
            || !self
                .sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(EntryError::Sha256(self.sha256.clone()));
        }
        if !is_rfc3339_utc(&self.deployed_at) {
            return Err(EntryError::DeployedAt(self.deployed_at.clone()));
        }
        if self.source.backend.is_empty() {
            return Err(EntryError::EmptyBackend);
        }
        Ok(())
    }

    /// Whether a game would see the same thing: same bytes, place, size and grid. Revision,
    /// time and source do not count, so redeploying identical bytes is a no-op.
    pub fn same_content(&self, other: &SpriteEntry) -> bool {
        self.sha256 == other.sha256
            && self.path == other.path
            && self.width == other.width
            && self.height == other.height
            && self.frames == other.frames
            && self.layout == other.layout
    }
}

impl Frames {
    fn check_fits(&self, width: u32, height: u32) -> Result<(), EntryError> {
        for (field, value) in [
            ("frames.columns", self.columns),
            ("frames.rows", self.rows),
            ("frames.count", self.count),
            ("frames.fps", self.fps),
        ] {
            if value == 0 {
                return Err(EntryError::Zero { field });
            }
        }
        let cells = u64::from(self.columns) * u64::from(self.rows);
        if u64::from(self.count) > cells {
            return Err(EntryError::TooManyFrames {
                count: self.count,
                cells,
            });
        }
        for (axis, cells, dimension, pixels) in [
            ("columns", self.columns, "width", width),
            ("rows", self.rows, "height", height),
        ] {
            if !pixels.is_multiple_of(cells) {
                return Err(EntryError::UnevenFrames {
                    axis,
                    cells,
                    dimension,
                    pixels,
                });
            }
        }
        Ok(())
    }
}

fn check_path(path: &str) -> Result<(), EntryError> {
    let escapes = path.is_empty()
        || path.starts_with('/')
        || path.contains(['\\', ':', '\0'])
        || path
            .split('/')
            .any(|segment| matches!(segment, "" | "." | ".."));
    if escapes {
        return Err(EntryError::PathNotRelative(path.to_owned()));
    }
    if !path.ends_with(".png") {
        return Err(EntryError::PathNotPng(path.to_owned()));
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`: the one RFC 3339 shape the manifest allows, checked by hand
/// to keep this crate free of a date library.
fn is_rfc3339_utc(s: &str) -> bool {
    let Some(rest) = s.strip_suffix('Z') else {
        return false;
    };
    let (Some(main), Some(fraction)) = (rest.get(..19), rest.get(19..)) else {
        return false;
    };
    let shape_ok = main.bytes().zip(b"dddd-dd-ddTdd:dd:dd").all(|(c, &p)| {
        if p == b'd' {
            c.is_ascii_digit()
        } else {
            c == p
        }
    });
    let fraction_ok = fraction.is_empty()
        || fraction
            .strip_prefix('.')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    // Only read once the shape guarantees two ASCII digits in each field.
    let field = |at: usize| main[at..at + 2].parse::<u32>().unwrap_or(u32::MAX);
    shape_ok
        && fraction_ok
        && (1..=12).contains(&field(5))
        && (1..=31).contains(&field(8))
        && field(11) < 24
        && field(14) < 60
        && field(17) <= 60
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid entry to start each test from.
    pub(crate) fn entry(path: &str, sha_byte: u8) -> SpriteEntry {
        SpriteEntry {
            layout: SheetLayout::default(),
            path: path.to_owned(),
            width: 32,
            height: 32,
            frames: None,
            revision: 1,
            sha256: format!("{sha_byte:02x}").repeat(32),
            source: Source {
                prompt: "a knight".to_owned(),
                seed: 42,
                backend: "procedural".to_owned(),
                palette: Some("pico-8".to_owned()),
                ..Source::default()
            },
            deployed_at: "2026-11-23T18:00:00Z".to_owned(),
        }
    }

    fn error(change: impl FnOnce(&mut SpriteEntry)) -> String {
        let mut e = entry("sprites/player.png", 0xab);
        change(&mut e);
        e.validate().unwrap_err().to_string()
    }

    #[test]
    fn a_complete_entry_is_valid() {
        let mut e = entry("sprites/enemies/slime.png", 1);
        e.frames = Some(Frames {
            columns: 4,
            rows: 2,
            count: 7,
            fps: 8,
        });
        e.deployed_at = "2026-01-31T23:59:60.123Z".to_owned();
        assert_eq!(e.validate(), Ok(()));
    }

    #[test]
    fn paths_must_stay_under_assets() {
        for path in [
            "../x.png",
            "/etc/x.png",
            "a/../../x.png",
            "./x.png",
            "a//x.png",
            "a\\x.png",
            "c:/x.png",
            "",
        ] {
            assert_eq!(
                error(|e| e.path = path.to_owned()),
                format!("path must be relative and use '/' (got {path:?})")
            );
        }
        assert_eq!(
            error(|e| e.path = "x.jpg".to_owned()),
            "path must end in \".png\" (got \"x.jpg\")"
        );
    }

    #[test]
    fn numbers_and_grid_must_make_sense() {
        assert_eq!(error(|e| e.width = 0), "width must be at least 1");
        assert_eq!(error(|e| e.revision = 0), "revision must be at least 1");
        let grid = |columns, rows, count, fps| {
            Some(Frames {
                columns,
                rows,
                count,
                fps,
            })
        };
        assert_eq!(
            error(|e| e.frames = grid(4, 1, 5, 8)),
            "frames.count (5) must be at most frames.columns × frames.rows (4)"
        );
        assert_eq!(
            error(|e| e.frames = grid(3, 1, 3, 8)),
            "frames.columns (3) must divide width (32) into whole frames"
        );
        assert_eq!(
            error(|e| e.frames = grid(4, 1, 4, 0)),
            "frames.fps must be at least 1"
        );
    }

    #[test]
    fn hash_time_and_backend_are_checked() {
        assert!(error(|e| e.sha256 = "AB".repeat(32)).starts_with("sha256 must be"));
        assert!(error(|e| e.sha256.truncate(63)).starts_with("sha256 must be"));
        for time in [
            "2026-11-23 18:00:00Z",
            "2026-11-23T18:00:00+01:00",
            "2026-13-01T00:00:00Z",
            "2026-11-23T18:00:00.Z",
            "yesterday",
        ] {
            assert!(
                error(|e| e.deployed_at = time.to_owned()).starts_with("deployed_at must be"),
                "{time}"
            );
        }
        assert_eq!(
            error(|e| e.source.backend.clear()),
            "source.backend must not be empty"
        );
    }

    #[test]
    fn same_content_ignores_revision_time_and_source() {
        let a = entry("sprites/a.png", 1);
        let mut b = a.clone();
        b.revision = 9;
        b.deployed_at = "2030-01-01T00:00:00Z".to_owned();
        b.source.prompt = "another prompt".to_owned();
        assert!(a.same_content(&b));
        b.sha256 = entry("sprites/a.png", 2).sha256;
        assert!(!a.same_content(&b));
    }
}
