//! The terrains of a tileset, read from its prompt, and their seamless textures.

use crate::canvas::{Canvas, Cell};
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

/// A terrain's texture, read at any pixel: it repeats with the tile's period, so neighbouring tiles
/// continue it. It is read shifted so that its quietest column and row (the least colour change from the
/// one before) fall on the tile's edges: painters line features up with their canvas (stone and brick
/// joints, the sway of waves), and a joint on every tile edge would show the grid.
pub(crate) struct Texture {
    canvas: Canvas,
    offset: (i64, i64),
}

impl Texture {
    pub(crate) fn new(canvas: Canvas, size: usize) -> Self {
        let size = size as i64;
        let rgb = |x: i64, y: i64| canvas.rgb(canvas.get_wrapped(x, y)).unwrap_or_default();
        let change = |p: [u8; 3], q: [u8; 3]| {
            p.iter()
                .zip(&q)
                .map(|(&a, &b)| (f32::from(a) - f32::from(b)).powi(2))
                .sum::<f32>()
                .sqrt()
        };
        let quietest = |line_change: &dyn Fn(i64) -> f32| {
            (0..size)
                .map(|i| (line_change(i), i))
                .fold((f32::INFINITY, 0), |best, next| {
                    if next.0 < best.0 { next } else { best }
                })
                .1
        };
        let column = quietest(&|x| (0..size).map(|y| change(rgb(x - 1, y), rgb(x, y))).sum());
        let row = quietest(&|y| (0..size).map(|x| change(rgb(x, y - 1), rgb(x, y))).sum());
        Self {
            canvas,
            offset: (column, row),
        }
    }

    pub(crate) fn cell(&self, x: i64, y: i64) -> Cell {
        self.canvas
            .get_wrapped(x + self.offset.0, y + self.offset.1)
    }

    /// The colour of `cell`, a cell of this texture's painter, shifted `shift` tones lighter (negative:
    /// darker) within its ramp; ink and empty cells stay as they are.
    pub(crate) fn rgba(&self, cell: Cell, shift: i8) -> [u8; 4] {
        let cell = match cell {
            Cell::Paint { ramp, tone } => Cell::Paint {
                ramp,
                tone: tone.saturating_add_signed(shift).min(3),
            },
            other => other,
        };
        self.canvas
            .rgb(cell)
            .map_or([0; 4], |[r, g, b]| [r, g, b, 255])
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
