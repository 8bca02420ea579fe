//! The terrains of a tileset, read from its prompt, and the embedded generator's textures of them.

use super::layout::Layout;
use crate::canvas::Canvas;
use crate::prompt::{Subject, Words, read_words};
use crate::rng::Rng;
use crate::scene::{Palette, Scene};
use crate::subjects;

/// A ground material a tileset is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Terrain {
    Grass,
    Dirt,
    Sand,
    Stone,
    Brick,
    Water,
    Snow,
}

impl Terrain {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Grass => "grass",
            Self::Dirt => "dirt",
            Self::Sand => "sand",
            Self::Stone => "stone",
            Self::Brick => "brick",
            Self::Water => "water",
            Self::Snow => "snow",
        }
    }
}

/// A terrain as a tileset prompt names it, for a backend that draws each terrain's texture itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedTerrain {
    pub terrain: Terrain,
    /// The prompt's words for it ("stone path", "sand", "snowy stone"), or the terrain's name where the
    /// prompt only implies it.
    pub words: String,
}

/// The terrains of a set of `prompt` in `layout`, upper then lower, read as the embedded generator reads
/// them: "grass over dirt" is grass over dirt, a lone terrain gets its usual partner except in a seamless
/// set, where it stays alone (`None` above it).
pub fn read_terrains(prompt: &str, layout: &Layout) -> (Option<NamedTerrain>, NamedTerrain) {
    let named = |ground: Ground| NamedTerrain {
        terrain: ground.terrain,
        words: ground.words.text(),
    };
    let (upper, lower) = GroundReading::for_layout(prompt, layout);
    (upper.map(named), named(lower))
}

/// Words that put one terrain over another: "grass over dirt", "stone path on sand".
const SEPARATORS: &[&str] = &["over", "on", "above", "atop"];

/// Words that cover a terrain with another: "snowy stone" is snow over stone.
const COVERS: &[(&str, Terrain)] = &[
    ("snowy", Terrain::Snow),
    ("snow", Terrain::Snow),
    ("frosty", Terrain::Snow),
    ("frozen", Terrain::Snow),
    ("icy", Terrain::Snow),
    ("grassy", Terrain::Grass),
    ("mossy", Terrain::Grass),
];

/// A terrain and the words that describe it, whose colour words colour it.
pub(crate) struct Ground {
    pub(crate) terrain: Terrain,
    words: Words,
}

/// What a tileset prompt names: one terrain, or an upper one over a lower one.
pub(crate) struct GroundReading {
    pub(crate) upper: Option<Ground>,
    pub(crate) lower: Ground,
}

/// The terrain a part of a prompt names by its subject word, if any.
fn named_terrain(words: &Words) -> Option<Terrain> {
    match read_words(words).subject {
        Subject::Ground if words.has(&["sand"]) => Some(Terrain::Sand),
        Subject::Ground => Some(Terrain::Dirt),
        Subject::Grass => Some(Terrain::Grass),
        Subject::Stone => Some(Terrain::Stone),
        Subject::Brick => Some(Terrain::Brick),
        Subject::Water => Some(Terrain::Water),
        _ => None,
    }
}

impl Ground {
    /// The terrain `words` name, dirt when they name none.
    fn named(words: Words) -> Self {
        let terrain = named_terrain(&words)
            .or_else(|| words.first(COVERS))
            .unwrap_or(Terrain::Dirt);
        Self { terrain, words }
    }

    /// A terrain the prompt implies but does not describe, in its own colours.
    fn plain(terrain: Terrain) -> Self {
        Self {
            terrain,
            words: Words::new(terrain.name()),
        }
    }

    /// A seamless `size`×`size` texture of the terrain; `salt` tells apart the textures of one terrain in
    /// one set.
    pub(crate) fn texture(&self, seed: u64, salt: &str, size: usize) -> Canvas {
        let reading = read_words(&self.words);
        let mut scene = Scene {
            rng: Rng::new(&format!("{salt} {}", self.terrain.name()), seed),
            palette: Palette::new(&reading, &self.words),
            words: self.words.clone(),
        };
        let subject = match self.terrain {
            Terrain::Snow => return subjects::snow(&mut scene, size, size),
            Terrain::Grass => Subject::Grass,
            Terrain::Dirt | Terrain::Sand => Subject::Ground,
            Terrain::Stone => Subject::Stone,
            Terrain::Brick => Subject::Brick,
            Terrain::Water => Subject::Water,
        };
        subjects::tile(subject, &mut scene, size, size)
    }
}

impl GroundReading {
    pub(crate) fn read(prompt: &str) -> Self {
        let words = Words::new(prompt);
        if let Some((upper, lower)) = words.split_at(SEPARATORS) {
            return Self {
                upper: Some(Ground::named(upper)),
                lower: Ground::named(lower),
            };
        }
        match (words.first(COVERS), named_terrain(&words)) {
            (Some(cover), Some(terrain)) => Self {
                upper: Some(Ground::plain(cover)),
                lower: Ground { terrain, words },
            },
            _ => Self {
                upper: None,
                lower: Ground::named(words),
            },
        }
    }

    /// The terrains a set in `layout` is drawn in: a lone terrain stays alone in a seamless set (`None`
    /// above it) and gets its partner in any other.
    pub(crate) fn for_layout(prompt: &str, layout: &Layout) -> (Option<Ground>, Ground) {
        let reading = Self::read(prompt);
        if reading.upper.is_none() && matches!(layout, Layout::Seamless { .. }) {
            return (None, reading.lower);
        }
        let (upper, lower) = reading.pair();
        (Some(upper), lower)
    }

    /// The upper and lower terrain, giving a lone terrain its usual partner: grass over dirt, snow over
    /// stone, sand over water; dirt, stone and brick under grass.
    pub(crate) fn pair(self) -> (Ground, Ground) {
        let Some(upper) = self.upper else {
            return match self.lower.terrain {
                Terrain::Grass => (self.lower, Ground::plain(Terrain::Dirt)),
                Terrain::Snow => (self.lower, Ground::plain(Terrain::Stone)),
                Terrain::Sand => (self.lower, Ground::plain(Terrain::Water)),
                Terrain::Water => (Ground::plain(Terrain::Sand), self.lower),
                Terrain::Dirt | Terrain::Stone | Terrain::Brick => {
                    (Ground::plain(Terrain::Grass), self.lower)
                }
            };
        };
        (upper, self.lower)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(prompt: &str) -> (Terrain, Terrain) {
        let (upper, lower) = GroundReading::read(prompt).pair();
        (upper.terrain, lower.terrain)
    }

    #[test]
    fn prompts_name_an_upper_and_a_lower_terrain() {
        use Terrain::*;
        assert_eq!(read("grass over dirt"), (Grass, Dirt));
        assert_eq!(read("stone path on sand"), (Stone, Sand));
        assert_eq!(read("snowy stone"), (Snow, Stone));
        assert_eq!(read("water"), (Sand, Water));
        assert_eq!(read("red brick"), (Grass, Brick));
        assert_eq!(read("grass"), (Grass, Dirt));
    }

    #[test]
    fn a_lone_terrain_reads_as_one() {
        let reading = GroundReading::read("deep water");
        assert!(reading.upper.is_none());
        assert_eq!(reading.lower.terrain, Terrain::Water);
    }
}
