//! The scene a painter works from, and the palette of colours the prompt asked for.

use crate::color::{from_hsl, to_hsl};
use crate::prompt::{COLORS, Reading, Words, read_words};
use crate::rng::Rng;

/// The colours the prompt asked for, with "dark"/"light" applied to the main one.
pub(crate) struct Palette {
    main: Option<[u8; 3]>,
    accent: Option<[u8; 3]>,
    /// Added to the main colour's lightness.
    lightness: f32,
}

impl Palette {
    pub(crate) fn new(reading: &Reading, words: &Words) -> Self {
        let rgb = |name: &str| COLORS.iter().find(|(n, _)| *n == name).map(|&(_, rgb)| rgb);
        let lightness = if words.has(&["dark", "deep", "shadow"]) {
            -0.16
        } else if words.has(&["light", "pale", "pastel", "bright"]) {
            0.16
        } else {
            0.0
        };
        Self {
            main: reading.colors.first().and_then(|name| rgb(name)),
            accent: reading.colors.get(1).and_then(|name| rgb(name)),
            lightness,
        }
    }

    /// The main colour, or the subject's own colour when the prompt names none.
    pub(crate) fn main_or(&self, default: [u8; 3]) -> [u8; 3] {
        let (h, s, l) = to_hsl(self.main.unwrap_or(default));
        from_hsl(h, s, (l + self.lightness).clamp(0.08, 0.95))
    }

    pub(crate) fn accent_or(&self, default: [u8; 3]) -> [u8; 3] {
        self.accent.unwrap_or(default)
    }
}

/// Everything a subject painter needs: the prompt's words and colours and the seeded random source.
pub(crate) struct Scene {
    pub(crate) rng: Rng,
    pub(crate) palette: Palette,
    pub(crate) words: Words,
}

impl Scene {
    /// The scene of `prompt` with `seed`, and what the prompt asks for.
    pub(crate) fn read(prompt: &str, seed: u64) -> (Self, Reading) {
        let words = Words::new(prompt);
        let reading = read_words(&words);
        let scene = Self {
            rng: Rng::new(prompt, seed),
            palette: Palette::new(&reading, &words),
            words,
        };
        (scene, reading)
    }
}
