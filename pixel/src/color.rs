//! Oklab, a perceptual colour space: Euclidean distance in it tracks how different two colours look, so
//! tolerances and nearest-colour choices behave the same for dark and light, dull and vivid colours.

use std::sync::LazyLock;

use image::{Rgb, Rgba};

/// Alpha at or above which a pixel counts as part of the sprite.
pub const OPAQUE: u8 = 128;

/// Whether a pixel is part of the sprite rather than background.
pub fn is_opaque(pixel: &Rgba<u8>) -> bool {
    pixel[3] >= OPAQUE
}

/// A colour in Oklab: `l` is lightness (0 black … 1 white), `a` and `b` are the green–red and blue–yellow axes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Oklab {
    pub l: f32,
    pub a: f32,
    pub b: f32,
}

/// sRGB byte → linear light; a table because the pipeline converts many pixels and `powf` is slow.
static SRGB_TO_LINEAR: LazyLock<[f32; 256]> = LazyLock::new(|| {
    std::array::from_fn(|i| {
        let c = i as f32 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    })
});

fn linear_to_srgb(c: f32) -> u8 {
    let c = c.clamp(0.0, 1.0);
    let v = if c <= 0.003_130_8 {
        12.92 * c
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    };
    (v * 255.0).round() as u8
}

impl Oklab {
    pub fn from_rgb(Rgb([r, g, b]): Rgb<u8>) -> Self {
        let lut = &*SRGB_TO_LINEAR;
        let (r, g, b) = (lut[r as usize], lut[g as usize], lut[b as usize]);
        let l = (0.412_221_46 * r + 0.536_332_55 * g + 0.051_445_995 * b).cbrt();
        let m = (0.211_903_5 * r + 0.680_699_5 * g + 0.107_396_96 * b).cbrt();
        let s = (0.088_302_46 * r + 0.281_718_85 * g + 0.629_978_7 * b).cbrt();
        Oklab {
            l: 0.210_454_26 * l + 0.793_617_8 * m - 0.004_072_047 * s,
            a: 1.977_998_5 * l - 2.428_592_2 * m + 0.450_593_7 * s,
            b: 0.025_904_037 * l + 0.782_771_77 * m - 0.808_675_77 * s,
        }
    }

    pub fn to_rgb(self) -> Rgb<u8> {
        let l = (self.l + 0.396_337_78 * self.a + 0.215_803_76 * self.b).powi(3);
        let m = (self.l - 0.105_561_346 * self.a - 0.063_854_17 * self.b).powi(3);
        let s = (self.l - 0.089_484_18 * self.a - 1.291_485_5 * self.b).powi(3);
        Rgb([
            linear_to_srgb(4.076_741_7 * l - 3.307_711_6 * m + 0.230_969_94 * s),
            linear_to_srgb(-1.268_438 * l + 2.609_757_4 * m - 0.341_319_38 * s),
            linear_to_srgb(-0.004_196_086_3 * l - 0.703_418_6 * m + 1.707_614_7 * s),
        ])
    }

    /// Squared distance: enough to compare, and saves a square root in hot loops.
    pub fn distance_squared(self, other: Oklab) -> f32 {
        let (dl, da, db) = (self.l - other.l, self.a - other.a, self.b - other.b);
        dl * dl + da * da + db * db
    }

    /// Perceptual difference; about 0.02 is just noticeable, 0.1 is clearly another colour.
    pub fn distance(self, other: Oklab) -> f32 {
        self.distance_squared(other).sqrt()
    }
}

/// The colour part of a pixel, ignoring alpha.
pub fn rgb(pixel: &Rgba<u8>) -> Rgb<u8> {
    Rgb([pixel[0], pixel[1], pixel[2]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_and_black_are_the_ends_of_lightness() {
        let white = Oklab::from_rgb(Rgb([255, 255, 255]));
        let black = Oklab::from_rgb(Rgb([0, 0, 0]));
        assert!((white.l - 1.0).abs() < 1e-3 && white.a.abs() < 1e-3 && white.b.abs() < 1e-3);
        assert!(black.l.abs() < 1e-6);
    }

    #[test]
    fn round_trip_keeps_every_byte() {
        for v in (0..=255u16).step_by(5) {
            let v = v as u8;
            for c in [
                Rgb([v, 0, 0]),
                Rgb([0, v, 0]),
                Rgb([0, 0, v]),
                Rgb([v, 255 - v, v / 2]),
            ] {
                assert_eq!(Oklab::from_rgb(c).to_rgb(), c);
            }
        }
    }

    #[test]
    fn distance_is_perceptual() {
        let d = |a, b| Oklab::from_rgb(Rgb(a)).distance(Oklab::from_rgb(Rgb(b)));
        assert!(d([0, 0, 0], [255, 255, 255]) > 0.99);
        assert!(d([128, 128, 128], [130, 128, 128]) < 0.01);
    }
}
