//! Palettes: the built-in named ones, lists of `#rrggbb`, and `k` colours chosen from images.

mod extract;
mod named;

use std::sync::LazyLock;

use image::Rgb;

use crate::PixelError;
use crate::color::Oklab;

/// A fixed set of colours a sprite may use, with each colour's Oklab form kept for fast nearest-colour look-ups.
#[derive(Clone, Debug)]
pub struct Palette {
    name: Option<String>,
    colors: Vec<Rgb<u8>>,
    oklab: Vec<Oklab>,
}

impl PartialEq for Palette {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.colors == other.colors
    }
}

/// Weight of a dither pattern's contrast (the variance of its two colours) against how close its mix
/// comes to the colour wanted.
const MIX_NOISE: f32 = 0.25;

static NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| named::NAMED.iter().map(|(name, _)| *name).collect());

/// Folds case and separators so `PICO-8`, `pico8` and `pico_8` all name the same palette.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

impl Palette {
    /// A palette of the given colours, in order, duplicates removed.
    pub fn from_rgb(colors: &[[u8; 3]]) -> Result<Self, PixelError> {
        Self::build(None, colors.iter().map(|&c| Rgb(c)).collect())
    }

    /// A palette from `#rrggbb` strings (the `#` is optional).
    pub fn from_hex<S: AsRef<str>>(colors: &[S]) -> Result<Self, PixelError> {
        let colors = colors
            .iter()
            .map(|c| parse_hex(c.as_ref()))
            .collect::<Result<_, _>>()?;
        Self::build(None, colors)
    }

    /// A built-in palette; see [`Palette::names`]. Case and `-`/`_` are ignored, so `PICO8` works.
    pub fn by_name(name: &str) -> Result<Self, PixelError> {
        let wanted = fold(name);
        let (name, colors) = named::NAMED
            .iter()
            .find(|(known, _)| fold(known) == wanted)
            .ok_or_else(|| PixelError::UnknownPalette {
                name: name.to_string(),
                known: Self::names().iter().map(|n| n.to_string()).collect(),
            })?;
        let colors = colors
            .iter()
            .map(|&hex| Rgb([(hex >> 16) as u8, (hex >> 8) as u8, hex as u8]))
            .collect();
        Self::build(Some(name.to_string()), colors)
    }

    /// A palette named or listed in one string: `pico-8`, or `#000000,#ffffff` (commas or spaces between).
    pub fn parse(spec: &str) -> Result<Self, PixelError> {
        if spec.contains('#') || spec.contains(',') {
            let colors: Vec<&str> = spec.split([',', ' ']).filter(|s| !s.is_empty()).collect();
            Self::from_hex(&colors)
        } else {
            Self::by_name(spec.trim())
        }
    }

    /// The names of the built-in palettes.
    pub fn names() -> &'static [&'static str] {
        &NAMES
    }

    /// `k` colours (2–256) that best represent the opaque pixels of all `images` together, chosen by k-means in
    /// Oklab. Fewer come back when the images hold fewer distinct colours.
    pub fn from_images(images: &[&image::RgbaImage], k: usize) -> Result<Self, PixelError> {
        if !(2..=256).contains(&k) {
            return Err(PixelError::ColorCountOutOfRange { k });
        }
        Self::build(None, extract::representative_colors(images, k))
    }

    fn build(name: Option<String>, mut colors: Vec<Rgb<u8>>) -> Result<Self, PixelError> {
        let mut seen = std::collections::HashSet::new();
        colors.retain(|c| seen.insert(*c));
        if colors.is_empty() {
            return Err(PixelError::EmptyPalette);
        }
        let oklab = colors.iter().map(|&c| Oklab::from_rgb(c)).collect();
        Ok(Palette {
            name,
            colors,
            oklab,
        })
    }

    /// The built-in name, or `None` for listed and extracted palettes.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub fn colors(&self) -> &[Rgb<u8>] {
        &self.colors
    }

    /// The colours as `#rrggbb`, for metadata and messages.
    pub fn to_hex(&self) -> Vec<String> {
        self.colors
            .iter()
            .map(|Rgb([r, g, b])| format!("#{r:02x}{g:02x}{b:02x}"))
            .collect()
    }

    /// The palette colour that looks closest to `color`.
    pub fn nearest(&self, color: Rgb<u8>) -> Rgb<u8> {
        self.colors[self.nearest_index(Oklab::from_rgb(color))]
    }

    /// The palette colour that looks closest to `color`, the one to mix it with, and how much of that one.
    /// The partner is the colour whose mix with the nearest comes closest to `color` in Oklab, counting
    /// the pattern's own contrast against it (`MIX_NOISE`), so a gradient mixes with its next step rather
    /// than with a far colour off to the side; the share is where `color` falls along the line between
    /// them (0 at the nearest, at most about 0.5). With one colour, both are it and the share is 0.
    pub fn nearest_pair(&self, color: Rgb<u8>) -> (Rgb<u8>, Rgb<u8>, f32) {
        let target = Oklab::from_rgb(color);
        let nearest = self.nearest_index(target);
        let a = self.oklab[nearest];
        let to = [target.l - a.l, target.a - a.a, target.b - a.b];
        let mut best = (nearest, 0.0, f32::INFINITY);
        for (i, b) in self.oklab.iter().enumerate().filter(|&(i, _)| i != nearest) {
            let along = [b.l - a.l, b.a - a.a, b.b - a.b];
            let length2: f32 = along.iter().map(|v| v * v).sum();
            if length2 <= 0.0 {
                continue;
            }
            let share =
                (along.iter().zip(to).map(|(u, v)| u * v).sum::<f32>() / length2).clamp(0.0, 1.0);
            let off: f32 = along
                .iter()
                .zip(to)
                .map(|(u, v)| (v - share * u).powi(2))
                .sum();
            let error = off + MIX_NOISE * share * (1.0 - share) * length2;
            if error < best.2 {
                best = (i, share, error);
            }
        }
        (self.colors[nearest], self.colors[best.0], best.1)
    }

    fn nearest_index(&self, target: Oklab) -> usize {
        self.oklab
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.distance_squared(target)))
            .fold(
                (0, f32::INFINITY),
                |best, cur| if cur.1 < best.1 { cur } else { best },
            )
            .0
    }

    /// The colour with the lowest lightness: the natural outline colour.
    pub fn darkest(&self) -> Rgb<u8> {
        let (index, _) = self
            .oklab
            .iter()
            .enumerate()
            .fold((0, f32::INFINITY), |best, (i, c)| {
                if c.l < best.1 { (i, c.l) } else { best }
            });
        self.colors[index]
    }
}

/// Parses `#rrggbb` or `rrggbb`.
pub fn parse_hex(value: &str) -> Result<Rgb<u8>, PixelError> {
    let bad = || PixelError::BadHexColor {
        value: value.to_string(),
    };
    let hex = value.trim();
    let hex = hex.strip_prefix('#').unwrap_or(hex);
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
    Ok(Rgb([byte(0)?, byte(2)?, byte(4)?]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_palette_loads_with_its_size() {
        let sizes: Vec<(&str, usize)> = Palette::names()
            .iter()
            .map(|n| (*n, Palette::by_name(n).unwrap().colors().len()))
            .collect();
        assert_eq!(
            sizes,
            [
                ("pico-8", 16),
                ("sweetie-16", 16),
                ("endesga-32", 32),
                ("gameboy", 4),
                ("nes", 55),
                ("c64", 16),
                ("1-bit", 2)
            ]
        );
    }

    #[test]
    fn names_ignore_case_and_separators() {
        assert_eq!(Palette::by_name("PICO8").unwrap().name(), Some("pico-8"));
        assert_eq!(
            Palette::by_name("Sweetie_16").unwrap().name(),
            Some("sweetie-16")
        );
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let message = Palette::by_name("amiga").unwrap_err().to_string();
        assert!(
            message.contains("\"amiga\"")
                && message.contains("pico-8, sweetie-16, endesga-32, gameboy, nes, c64, 1-bit")
        );
    }

    #[test]
    fn hex_lists_parse_and_bad_ones_name_the_culprit() {
        let p = Palette::parse("#000000, #FFffff").unwrap();
        assert_eq!(p.colors(), [Rgb([0, 0, 0]), Rgb([255, 255, 255])]);
        assert_eq!(p.to_hex(), ["#000000", "#ffffff"]);
        let err = Palette::from_hex(&["#123456", "#12345g"]).unwrap_err();
        assert_eq!(
            err,
            PixelError::BadHexColor {
                value: "#12345g".into()
            }
        );
        assert!(matches!(
            Palette::from_hex::<&str>(&[]),
            Err(PixelError::EmptyPalette)
        ));
    }

    #[test]
    fn nearest_and_darkest_are_perceptual() {
        let p = Palette::by_name("gameboy").unwrap();
        assert_eq!(p.darkest(), Rgb([0x0f, 0x38, 0x0f]));
        assert_eq!(p.nearest(Rgb([250, 250, 250])), Rgb([0x9b, 0xbc, 0x0f]));
        assert_eq!(p.nearest(Rgb([0, 0, 0])), Rgb([0x0f, 0x38, 0x0f]));
    }

    #[test]
    fn k_out_of_range_is_refused() {
        let img = image::RgbaImage::new(2, 2);
        assert_eq!(
            Palette::from_images(&[&img], 1),
            Err(PixelError::ColorCountOutOfRange { k: 1 })
        );
        assert!(Palette::from_images(&[&img], 257).is_err());
    }
}
