//! How visible the seam between two tiles is: the colour change across their shared edge against the change
//! between neighbouring pixels inside them. Works on any two images, so it can judge any backend's tiles.

use image::RgbaImage;

use super::layout::Side;

/// The colour change across the edge two tiles share, and the change between neighbouring lines of pixels
/// inside them (lines parallel to the edge), each line's change being the mean over its pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeamScore {
    /// Change between the two lines of pixels that meet at the shared edge.
    pub across: f32,
    /// Mean change between neighbouring lines inside the two tiles.
    pub within: f32,
    /// Standard deviation of the changes between neighbouring lines inside: how far a line commonly strays
    /// from `within` (much, in small tiles, where one pixel is a large part of a line).
    pub spread: f32,
}

impl SeamScore {
    /// `across / within`: at most about 1 where the picture carries on across the edge as it does inside,
    /// more where the edge shows as a line.
    pub fn ratio(&self) -> f32 {
        if self.across == 0.0 {
            0.0
        } else {
            self.across / self.within
        }
    }

    /// Whether the colour changes no more across the edge than it typically does between neighbouring lines
    /// inside: by no more than `within + spread`, so the edge is not a line that stands out.
    pub fn is_continuous(&self) -> bool {
        self.across <= self.within + self.spread
    }
}

/// Scores the seam between `first` and `second` laid with `second` on the `side` of `first`. Colour change
/// is the distance between premultiplied RGBA values (0–255 each), so fully transparent pixels all match.
pub fn seam_score(first: &RgbaImage, second: &RgbaImage, side: Side) -> SeamScore {
    let (a, b) = match side {
        Side::East | Side::South => (first, second),
        Side::West | Side::North => (second, first),
    };
    // `a` lies left of or above `b`. Lines are columns for a vertical edge, rows for a horizontal one.
    let columns = matches!(side, Side::East | Side::West);
    let lines = |image: &RgbaImage| {
        if columns {
            image.width()
        } else {
            image.height()
        }
    };
    let length = if columns {
        a.height().min(b.height())
    } else {
        a.width().min(b.width())
    };
    let change = |p: &RgbaImage, i: u32, q: &RgbaImage, j: u32| {
        let total: f32 = (0..length)
            .map(|k| {
                let (pp, qp) = if columns {
                    (p.get_pixel(i, k), q.get_pixel(j, k))
                } else {
                    (p.get_pixel(k, i), q.get_pixel(k, j))
                };
                distance(pp.0, qp.0)
            })
            .sum();
        total / length.max(1) as f32
    };
    let inside: Vec<f32> = [a, b]
        .into_iter()
        .flat_map(|image| (1..lines(image)).map(move |i| change(image, i - 1, image, i)))
        .collect();
    let count = inside.len().max(1) as f32;
    let within = inside.iter().sum::<f32>() / count;
    let variance = inside.iter().map(|c| (c - within).powi(2)).sum::<f32>() / count;
    SeamScore {
        across: match (lines(a), lines(b)) {
            (0, _) | (_, 0) => 0.0,
            (n, _) => change(a, n - 1, b, 0),
        },
        within,
        spread: variance.sqrt(),
    }
}

fn distance(p: [u8; 4], q: [u8; 4]) -> f32 {
    let premultiplied = |c: [u8; 4]| {
        let alpha = f32::from(c[3]) / 255.0;
        [
            f32::from(c[0]) * alpha,
            f32::from(c[1]) * alpha,
            f32::from(c[2]) * alpha,
            f32::from(c[3]),
        ]
    };
    let (p, q) = (premultiplied(p), premultiplied(q));
    p.iter()
        .zip(&q)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f32>()
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;

    fn stripes(width: u32, phase: u32) -> RgbaImage {
        RgbaImage::from_fn(width, 4, |x, _| {
            Rgba(if (x + phase).is_multiple_of(2) {
                [0, 0, 0, 255]
            } else {
                [100, 0, 0, 255]
            })
        })
    }

    #[test]
    fn a_pattern_that_carries_on_scores_as_its_inside() {
        let score = seam_score(&stripes(4, 0), &stripes(4, 0), Side::East);
        assert_eq!(score.across, 100.0);
        assert_eq!((score.within, score.spread), (100.0, 0.0));
        assert!(score.is_continuous());
    }

    #[test]
    fn a_jump_between_flat_tiles_is_a_seam() {
        let dark = RgbaImage::from_pixel(4, 4, Rgba([10, 10, 10, 255]));
        let light = RgbaImage::from_pixel(4, 4, Rgba([200, 200, 200, 255]));
        let score = seam_score(&dark, &light, Side::South);
        assert!(score.across > 300.0 && score.within == 0.0 && score.spread == 0.0);
        assert!(!score.is_continuous());
        assert_eq!(score.ratio(), f32::INFINITY);
    }
}
