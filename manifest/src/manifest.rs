//! The manifest document and its pure edit operations (no I/O here; see `file.rs`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::{EntryError, NameError, SpriteEntry, SpriteName};

/// Every sprite deployed into one game, keyed by logical name.
///
/// Only valid entries get in: parsing and [`Manifest::upsert`] check every rule, so whatever a
/// `Manifest` holds can be written and trusted by the game.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    sprites: BTreeMap<SpriteName, SpriteEntry>,
}

/// What [`Manifest::upsert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Upserted {
    /// The entry's revision after the call.
    pub revision: u64,
    /// The manifest already held the same content, so nothing changed.
    pub unchanged: bool,
}

/// Why a manifest document cannot be read. Each message names the offending key.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("it is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the top level must be an object with \"schema_version\" and \"sprites\"")]
    NotAnObject,
    #[error(
        "schema_version is missing; this version of dgx-pixels writes {}",
        Manifest::SCHEMA_VERSION
    )]
    MissingVersion,
    #[error(
        "schema_version {0} is not supported: this version of dgx-pixels reads schema_version 1 to {v}; \
         upgrade dgx-pixels to read newer manifests",
        v = Manifest::SCHEMA_VERSION
    )]
    UnsupportedVersion(Value),
    #[error("sprites must be an object keyed by sprite name")]
    SpritesNotAnObject,
    #[error("sprites key {key:?} is not a valid sprite name: {source}")]
    Key { key: String, source: NameError },
    #[error("sprites.{key:?}: {source}")]
    Shape {
        key: String,
        source: serde_json::Error,
    },
    #[error("sprites.{key:?}.{source}")]
    Entry { key: String, source: EntryError },
}

/// The document as written: the version first, then the sprites in sorted order.
#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    sprites: &'a BTreeMap<SpriteName, SpriteEntry>,
}

impl Manifest {
    /// The format version this crate writes. Renaming or retyping a field bumps it, and so did
    /// version 2's clips, directions and tilesets (a version-1 reader would play a character
    /// sheet as one long strip); this crate still reads every earlier version.
    pub const SCHEMA_VERSION: u32 = 2;
    /// The versions this crate reads.
    pub const READS: std::ops::RangeInclusive<u32> = 1..=Self::SCHEMA_VERSION;

    /// Parses and validates a manifest document.
    pub fn from_json(json: &[u8]) -> Result<Self, ParseError> {
        let Value::Object(mut document) = serde_json::from_slice(json)? else {
            return Err(ParseError::NotAnObject);
        };
        match document.get("schema_version") {
            None => return Err(ParseError::MissingVersion),
            Some(v)
                if v.as_u64()
                    .and_then(|v| u32::try_from(v).ok())
                    .is_some_and(|v| Self::READS.contains(&v)) => {}
            Some(v) => return Err(ParseError::UnsupportedVersion(v.clone())),
        }
        let Some(Value::Object(raw)) = document.remove("sprites") else {
            return Err(ParseError::SpritesNotAnObject);
        };
        let sprites = raw
            .into_iter()
            .map(|(key, value)| {
                let name = match SpriteName::new(key.as_str()) {
                    Ok(name) => name,
                    Err(source) => return Err(ParseError::Key { key, source }),
                };
                let entry: SpriteEntry = match serde_json::from_value(value) {
                    Ok(entry) => entry,
                    Err(source) => return Err(ParseError::Shape { key, source }),
                };
                match entry.validate() {
                    Ok(()) => Ok((name, entry)),
                    Err(source) => Err(ParseError::Entry { key, source }),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { sprites })
    }

    /// Pretty JSON with sorted keys and a trailing newline, so diffs of a game's repository stay
    /// readable.
    pub fn to_json(&self) -> String {
        let document = Document {
            schema_version: Self::SCHEMA_VERSION,
            sprites: &self.sprites,
        };
        let mut json = serde_json::to_string_pretty(&document)
            .expect("a manifest has string keys and plain fields, so it always serializes");
        json.push('\n');
        json
    }

    pub fn get(&self, name: &str) -> Option<&SpriteEntry> {
        self.sprites.get(name)
    }

    /// All sprites, in name order.
    pub fn sprites(&self) -> &BTreeMap<SpriteName, SpriteEntry> {
        &self.sprites
    }

    pub fn len(&self) -> usize {
        self.sprites.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sprites.is_empty()
    }

    /// Adds or replaces `name`. The manifest assigns the revision (the previous one + 1, or 1 for
    /// a new name); the `revision` passed in is ignored. When the manifest already holds the same
    /// content (see [`SpriteEntry::same_content`]) nothing changes and the old entry stays.
    pub fn upsert(
        &mut self,
        name: SpriteName,
        mut entry: SpriteEntry,
    ) -> Result<Upserted, EntryError> {
        let previous = self.sprites.get(&name);
        entry.revision = previous.map_or(1, |p| p.revision.saturating_add(1));
        entry.validate()?;
        if let Some(previous) = previous
            && previous.same_content(&entry)
        {
            return Ok(Upserted {
                revision: previous.revision,
                unchanged: true,
            });
        }
        let revision = entry.revision;
        self.sprites.insert(name, entry);
        Ok(Upserted {
            revision,
            unchanged: false,
        })
    }

    pub fn remove(&mut self, name: &str) -> Option<SpriteEntry> {
        self.sprites.remove(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Frames;
    use crate::entry::tests::entry;

    fn name(s: &str) -> SpriteName {
        SpriteName::new(s).unwrap()
    }

    fn parse_error(json: &str) -> String {
        Manifest::from_json(json.as_bytes())
            .unwrap_err()
            .to_string()
    }

    fn sample() -> Manifest {
        let mut m = Manifest::default();
        let mut sheet = entry("sprites/enemies/slime.png", 2);
        sheet.width = 128;
        sheet.frames = Some(Frames {
            columns: 4,
            rows: 1,
            count: 4,
            fps: 8,
        });
        for (n, e) in [
            ("zombie", entry("sprites/zombie.png", 3)),
            ("enemies/slime", sheet),
            ("player", entry("sprites/player.png", 1)),
        ] {
            assert!(!m.upsert(name(n), e).unwrap().unchanged);
        }
        m
    }

    #[test]
    fn round_trips_through_json() {
        let m = sample();
        let json = m.to_json();
        assert_eq!(Manifest::from_json(json.as_bytes()).unwrap(), m);
        assert_eq!(
            Manifest::from_json(json.as_bytes()).unwrap().to_json(),
            json
        );
    }

    #[test]
    fn output_is_sorted_pretty_and_ends_with_a_newline() {
        let json = sample().to_json();
        assert!(json.starts_with("{\n  \"schema_version\": 2,\n  \"sprites\": {\n"));
        assert!(json.ends_with("}\n") && !json.ends_with("\n\n"));
        let order: Vec<_> = ["\"enemies/slime\"", "\"player\"", "\"zombie\""]
            .iter()
            .map(|key| json.find(key).unwrap())
            .collect();
        assert!(order.is_sorted(), "{json}");
        assert!(!json.contains("\"model\""), "absent options are omitted");
    }

    #[test]
    fn a_version_1_manifest_still_loads() {
        let v1 = serde_json::json!({
            "schema_version": 1,
            "sprites": { "player": serde_json::to_value(entry("sprites/player.png", 1)).unwrap() }
        });
        let m = Manifest::from_json(v1.to_string().as_bytes()).unwrap();
        assert_eq!(m.get("player").unwrap().path, "sprites/player.png");
        assert!(m.to_json().contains("\"schema_version\": 2"));
    }

    #[test]
    fn clips_directions_and_tiles_must_fit_the_grid() {
        use crate::{Clip, Frames, Tile, Tileset};
        let mut e = entry("sprites/knight.png", 2);
        e.width = 64;
        e.height = 32;
        e.frames = Some(Frames {
            columns: 4,
            rows: 2,
            count: 8,
            fps: 8,
        });
        e.layout.animations.insert(
            "walk".into(),
            Clip {
                start: 1,
                frames: 3,
                fps: 10,
                looping: true,
            },
        );
        e.layout.directions = vec!["south".into(), "north".into()];
        assert_eq!(e.validate(), Ok(()));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["animations"]["walk"]["start"], 1);
        assert_eq!(serde_json::from_value::<SpriteEntry>(json).unwrap(), e);

        let mut long = e.clone();
        long.layout.animations.insert(
            "run".into(),
            Clip {
                start: 2,
                frames: 3,
                fps: 10,
                looping: true,
            },
        );
        assert_eq!(
            long.validate().unwrap_err().to_string(),
            "animation \"run\" ends at column 5, past frames.columns (4)"
        );
        let mut rows = e.clone();
        rows.layout.directions.push("east".into());
        assert!(
            rows.validate()
                .unwrap_err()
                .to_string()
                .contains("directions names 3 rows")
        );
        let mut tiles = e.clone();
        tiles.layout.tileset = Some(Tileset {
            layout: "blob47".into(),
            tile_size: 16,
            tiles: vec![Tile {
                index: 8,
                name: None,
                mask: 0,
            }],
        });
        assert!(
            tiles
                .validate()
                .unwrap_err()
                .to_string()
                .contains("tile 8 is outside")
        );
        let mut plain = entry("sprites/x.png", 3);
        plain.layout.directions = vec!["south".into()];
        assert!(
            plain
                .validate()
                .unwrap_err()
                .to_string()
                .contains("need frames")
        );
    }

    /// docs/manifest.md shows the format byte for byte, so the example there must read and
    /// write back unchanged.
    #[test]
    fn the_documented_example_is_exactly_what_we_write() {
        let docs =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/manifest.md"))
                .unwrap();
        let example = docs
            .split_once("```json\n")
            .and_then(|(_, rest)| rest.split_once("```"))
            .unwrap()
            .0;
        let m = Manifest::from_json(example.as_bytes()).unwrap();
        assert_eq!(m.to_json(), example);
        let slime = m.get("enemies/slime").unwrap();
        assert_eq!((slime.revision, slime.frames.unwrap().count), (3, 4));
        assert_eq!(slime.source.palette.as_deref(), Some("pico-8"));
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let mut document = serde_json::to_value(entry("sprites/a.png", 1)).unwrap();
        document["added_later"] = Value::Bool(true);
        let json =
            serde_json::json!({ "schema_version": 1, "future": 1, "sprites": { "a": document } });
        assert!(Manifest::from_json(json.to_string().as_bytes()).is_ok());
    }

    #[test]
    fn parse_errors_name_the_offending_key() {
        let valid = serde_json::to_value(entry("sprites/player.png", 1)).unwrap();
        let with = |key: &str, field: &str, value: Value| {
            let mut e = valid.clone();
            e[field] = value;
            serde_json::json!({ "schema_version": 1, "sprites": { key: e } }).to_string()
        };
        assert!(
            parse_error(&with("player", "path", "../x.png".into())).ends_with(
                "sprites.\"player\".path must be relative and use '/' (got \"../x.png\")"
            )
        );
        assert!(
            parse_error(&with("Player", "path", "x.png".into()))
                .starts_with("sprites key \"Player\" is not a valid sprite name: name must be")
        );
        assert!(
            parse_error(&with("player", "width", "wide".into()))
                .starts_with("sprites.\"player\": invalid type: string \"wide\"")
        );
        let mut missing = valid.clone();
        missing.as_object_mut().unwrap().remove("sha256");
        let json = serde_json::json!({ "schema_version": 1, "sprites": { "hero": missing } });
        assert_eq!(
            parse_error(&json.to_string()),
            "sprites.\"hero\": missing field `sha256`"
        );
    }

    #[test]
    fn parse_errors_for_the_document_itself() {
        assert!(parse_error("{").starts_with("it is not valid JSON"));
        assert!(parse_error("[]").starts_with("the top level must be an object"));
        assert!(parse_error(r#"{"sprites": {}}"#).starts_with("schema_version is missing"));
        assert!(
            parse_error(r#"{"schema_version": 3, "sprites": {}}"#)
                .starts_with("schema_version 3 is not supported")
        );
        assert!(
            parse_error(r#"{"schema_version": "1", "sprites": {}}"#)
                .starts_with("schema_version \"1\" is not supported")
        );
        assert_eq!(
            parse_error(r#"{"schema_version": 1}"#),
            "sprites must be an object keyed by sprite name"
        );
        assert!(
            Manifest::from_json(br#"{"schema_version": 1, "sprites": {}}"#)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn upsert_bumps_revision_and_reports_identical_content() {
        let mut m = Manifest::default();
        let mut e = entry("sprites/player.png", 1);
        e.revision = 77;
        assert_eq!(
            m.upsert(name("player"), e.clone()).unwrap(),
            Upserted {
                revision: 1,
                unchanged: false
            }
        );
        let mut same = e.clone();
        same.deployed_at = "2027-01-01T00:00:00Z".to_owned();
        assert_eq!(
            m.upsert(name("player"), same).unwrap(),
            Upserted {
                revision: 1,
                unchanged: true
            }
        );
        assert_eq!(m.get("player").unwrap().deployed_at, e.deployed_at);
        let changed = entry("sprites/player.png", 2);
        assert_eq!(
            m.upsert(name("player"), changed).unwrap(),
            Upserted {
                revision: 2,
                unchanged: false
            }
        );
        assert_eq!(m.get("player").unwrap().revision, 2);
    }

    #[test]
    fn upsert_refuses_an_invalid_entry_and_keeps_the_old_one() {
        let mut m = sample();
        let before = m.clone();
        let bad = entry("../outside.png", 9);
        assert_eq!(
            m.upsert(name("player"), bad),
            Err(EntryError::PathNotRelative("../outside.png".to_owned()))
        );
        assert_eq!(m, before);
    }

    #[test]
    fn remove_and_get() {
        let mut m = sample();
        assert!(m.get("player").is_some());
        assert_eq!(m.remove("player").unwrap().path, "sprites/player.png");
        assert!(m.get("player").is_none() && m.remove("player").is_none());
        assert_eq!(m.len(), 2);
    }
}
