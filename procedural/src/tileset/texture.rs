//! A terrain's seamless texture, read at any pixel of a tile: painted by the embedded generator's tile
//! painters, or any picture (a model's, made seamless with [`make_seamless`]). The composer reads both the
//! same way: a colour at a position, a few tones lighter or darker, and an outline colour.

use image::{Rgba, RgbaImage};

use crate::canvas::{Canvas, Cell};
use crate::color::{ink, mix_rgb};

/// A seamless texture a set is composed from, one tile wide and high. It repeats with the tile's period,
/// so neighbouring tiles continue it. It is read shifted so that its quietest column and row (the least
/// colour change from the one before) fall on the tile's edges: painters and models line features up with
/// their canvas (stone and brick joints, the sway of waves), and a joint on every tile edge would show
/// the grid.
pub struct Texture {
    source: Source,
    offset: (i64, i64),
}

enum Source {
    /// Cells of a tile painter, shaded within their four-tone ramps.
    Painted(Canvas),
    /// Any picture, shaded by mixing towards white or black; `ink` is the outline colour.
    Picture { image: RgbaImage, ink: [u8; 3] },
}

/// How much one tone lighter mixes a picture's colour towards white, and one darker towards black: about
/// a step of a painter's ramp.
const LIGHTER: f32 = 0.25;
const DARKER: f32 = 0.25;

impl Texture {
    /// A painter's tile as a texture.
    pub(crate) fn painted(canvas: Canvas) -> Self {
        let size = canvas.size() as i64;
        let source = Source::Painted(canvas);
        let offset = quietest_lines(&source, size);
        Self { source, offset }
    }

    /// A picture as a texture: it should be seamless (see [`make_seamless`]) and as large as the set's
    /// tiles, else the tiles show its edges. Transparent pixels read as opaque.
    pub fn from_image(image: RgbaImage) -> Self {
        let (width, height) = image.dimensions();
        let count = u64::from(width) * u64::from(height);
        let sum = image.pixels().fold([0u64; 3], |sum, p| {
            [
                sum[0] + u64::from(p.0[0]),
                sum[1] + u64::from(p.0[1]),
                sum[2] + u64::from(p.0[2]),
            ]
        });
        let mean = sum.map(|channel| (channel / count.max(1)) as u8);
        let source = Source::Picture {
            image,
            ink: ink(mean),
        };
        let offset = quietest_lines(&source, i64::from(width.min(height)));
        Self { source, offset }
    }

    /// The colour at pixel (`x`, `y`) of a tile, `shift` tones lighter (negative: darker).
    pub(crate) fn at(&self, x: i64, y: i64, shift: i8) -> [u8; 4] {
        let (x, y) = (x + self.offset.0, y + self.offset.1);
        match &self.source {
            Source::Painted(canvas) => {
                let cell = match canvas.get_wrapped(x, y) {
                    Cell::Paint { ramp, tone } => Cell::Paint {
                        ramp,
                        tone: tone.saturating_add_signed(shift).min(3),
                    },
                    other => other,
                };
                canvas.rgb(cell).map_or([0; 4], |[r, g, b]| [r, g, b, 255])
            }
            Source::Picture { image, .. } => {
                let [r, g, b, _] = wrapped(image, x, y);
                let shade = |towards: [u8; 3], step: f32, tones: i8| {
                    let t = 1.0 - (1.0 - step).powi(i32::from(tones.unsigned_abs()));
                    mix_rgb([r, g, b], towards, t)
                };
                let [r, g, b] = match shift {
                    0 => [r, g, b],
                    s if s > 0 => shade([255; 3], LIGHTER, s),
                    s => shade([0; 3], DARKER, s),
                };
                [r, g, b, 255]
            }
        }
    }

    /// The colour of an outline drawn on the texture.
    pub(crate) fn ink(&self) -> [u8; 4] {
        let [r, g, b] = match &self.source {
            Source::Painted(canvas) => canvas.rgb(Cell::Ink).unwrap_or_default(),
            Source::Picture { ink, .. } => *ink,
        };
        [r, g, b, 255]
    }
}

fn wrapped(image: &RgbaImage, x: i64, y: i64) -> [u8; 4] {
    let (w, h) = (i64::from(image.width()), i64::from(image.height()));
    if w == 0 || h == 0 {
        return [0; 4];
    }
    let (x, y) = (x.rem_euclid(w) as u32, y.rem_euclid(h) as u32);
    image.get_pixel(x, y).0
}

/// The column and row of `source` (`size` pixels each way) with the least colour change from the one
/// before.
fn quietest_lines(source: &Source, size: i64) -> (i64, i64) {
    let rgb = |x: i64, y: i64| match source {
        Source::Painted(canvas) => canvas.rgb(canvas.get_wrapped(x, y)).unwrap_or_default(),
        Source::Picture { image, .. } => {
            let [r, g, b, _] = wrapped(image, x, y);
            [r, g, b]
        }
    };
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
    (column, row)
}

/// `image` made to repeat without a seam in both directions, as a model's "seamless" texture often does
/// not: each axis in turn is cross-blended with a copy of itself moved by about half its length, the copy
/// weighted fully at the edges (where the moved copy's pixels are neighbours across the wrap) and not at
/// all where the copy's own seam lies. The move is chosen so that the pair of neighbouring lines that end
/// up meeting across the wrap is the quietest pair of the middle half. Done per pixel, at the tile's size,
/// so the blend is as wide as the tile. The result's opposite edges meet as neighbouring pixels of the
/// picture do.
pub fn make_seamless(image: &RgbaImage) -> RgbaImage {
    let across = blend_with_moved(image, true);
    blend_with_moved(&across, false)
}

/// One axis of [`make_seamless`]: columns when `horizontal`, else rows.
fn blend_with_moved(image: &RgbaImage, horizontal: bool) -> RgbaImage {
    let (w, h) = image.dimensions();
    let (length, breadth) = if horizontal { (w, h) } else { (h, w) };
    if length < 4 {
        return image.clone();
    }
    let pixel = |along: u32, across: u32| {
        if horizontal {
            image.get_pixel(along, across).0
        } else {
            image.get_pixel(across, along).0
        }
    };
    let change = |a: [u8; 4], b: [u8; 4]| -> u32 {
        a.iter()
            .zip(&b)
            .map(|(&p, &q)| u32::from(p.abs_diff(q)))
            .sum()
    };
    // The copy moved by `shift` shows line `shift - 1` at the last line and `shift` at the first.
    let shift = (length / 4..=length * 3 / 4)
        .min_by_key(|&k| {
            (0..breadth)
                .map(|j| change(pixel(k - 1, j), pixel(k, j)))
                .sum::<u32>()
        })
        .unwrap_or(length / 2);
    // Where the copy's own seam lies, and so where the original must show alone.
    let middle = (length - shift) as f32;
    RgbaImage::from_fn(w, h, |x, y| {
        let (i, j) = if horizontal { (x, y) } else { (y, x) };
        let centre = i as f32 + 0.5;
        let own = if centre < middle {
            centre / middle
        } else {
            (length as f32 - centre) / (length as f32 - middle)
        }
        .clamp(0.0, 1.0);
        let (p, q) = (pixel(i, j), pixel((i + shift) % length, j));
        let channel = |c: usize| {
            (f32::from(p[c]) * own + f32::from(q[c]) * (1.0 - own))
                .round()
                .clamp(0.0, 255.0) as u8
        };
        Rgba([channel(0), channel(1), channel(2), channel(3)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tileset::{Side, seam_score};

    /// A left-to-right ramp: its right edge meets its left one with a jump.
    fn ramp(size: u32) -> RgbaImage {
        RgbaImage::from_fn(size, size, |x, y| {
            Rgba([(x * 255 / (size - 1)) as u8, (y * 13 % 50) as u8, 90, 255])
        })
    }

    #[test]
    fn a_picture_made_seamless_continues_into_itself_both_ways() {
        let picture = ramp(16);
        assert!(!seam_score(&picture, &picture, Side::East).is_continuous());
        let seamless = make_seamless(&picture);
        for side in [Side::East, Side::South] {
            let score = seam_score(&seamless, &seamless, side);
            assert!(score.is_continuous(), "{side:?}: {score:?}");
        }
    }

    #[test]
    fn picture_tones_are_lighter_and_darker_and_ink_is_dark() {
        let texture = Texture::from_image(RgbaImage::from_pixel(4, 4, Rgba([100, 120, 80, 255])));
        let luma = |[r, g, b, _]: [u8; 4]| u32::from(r) + u32::from(g) + u32::from(b);
        let plain = luma(texture.at(0, 0, 0));
        assert!(luma(texture.at(5, -3, 1)) > plain);
        assert!(luma(texture.at(0, 0, -2)) < luma(texture.at(0, 0, -1)));
        assert!(luma(texture.at(0, 0, -1)) < plain);
        assert!(luma(texture.ink()) < luma(texture.at(0, 0, -2)));
    }
}
