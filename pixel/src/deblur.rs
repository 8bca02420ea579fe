//! Undoing blur on the cell lattice: in small cells a blurred picture leaves no pixel of a one-cell-wide
//! line at its true colour, since every sample inside the cell has some of the neighbouring cells mixed in.
//!
//! That mixing is linear: the mean of a cell's inner samples is its own colour plus a share of each
//! neighbour's, the share being how much of the blur's spread falls across the cell boundary at those
//! samples. The spread (a Gaussian of width `sigma`) is measured from the picture itself, by how well it
//! predicts the pixels near cell boundaries from the cells on either side; then the mixing is inverted on the
//! lattice (a few Jacobi steps), and each cell's colour moves by what the inversion adds to its mean.
//! Large cells, whose inner samples lie beyond the blur's reach, and sharp pictures are left as they are.

use image::RgbaImage;

use crate::downscale::{MARGIN, sample_points};
use crate::grid::Grid;

/// Cells at least this large keep their inner samples beyond reach of any blur the picture shows.
const MAX_CELL: f32 = 12.0;
/// Blur widths tried, in pixels: every `SIGMA_STEP` up to `MAX_SIGMA`.
const SIGMA_STEP: f32 = 0.2;
const MAX_SIGMA: f32 = 3.0;
/// Blur narrower than this mixes too little into the inner samples to be worth undoing.
const MIN_SIGMA: f32 = 0.3;
/// Cells whose colour differs from a neighbour's by at least this much (summed RGB) show the blur.
const MIN_CONTRAST: f32 = 60.0;
/// Only cells differing from a neighbour by this many times the typical step between neighbouring cells
/// (the noise, on a background) are sharpened; the typical step counts as at least `MIN_NOISE`.
const NOISE_GATE: f32 = 4.0;
const MIN_NOISE: f32 = 6.0;
/// Cells read to measure the blur, at most.
const MEASURED_CELLS: usize = 4096;
/// Jacobi steps inverting the mixing; each shrinks the remaining error by the neighbours' share (≤ 0.4).
const STEPS: usize = 6;

/// The cells along one axis: their spans, their inner sample positions (as [`downscale`] reads them) and
/// all their pixels.
///
/// [`downscale`]: crate::downscale::downscale
struct Axis {
    spans: Vec<(f32, f32)>,
    inner: Vec<Vec<u32>>,
    /// Every pixel whose centre lies in the span.
    all: Vec<Vec<u32>>,
}

/// The shares of the neighbours before and after in a colour read inside a cell.
type Shares = (f32, f32);

/// One cell's shares for a given blur: in the mean of its inner samples, and in each of its pixels.
struct Leaks {
    inner: Shares,
    pixels: Vec<Shares>,
}

impl Axis {
    fn new(spans: &[(f32, f32)], cell: f32, len: u32) -> Axis {
        let inner = spans
            .iter()
            .map(|&s| sample_points(s, MARGIN * cell, len))
            .collect();
        let all = spans
            .iter()
            .map(|&(a, b)| {
                let lo = (a - 0.5).ceil().max(0.0) as u32;
                let hi = ((b - 0.5).ceil() as u32).min(len);
                (lo..hi).collect()
            })
            .collect();
        Axis {
            spans: spans.to_vec(),
            inner,
            all,
        }
    }

    /// The share of the neighbour before and after in a pixel at `x` of cell `i`.
    fn leak(&self, i: usize, x: u32, sigma: f32) -> Shares {
        let (a, b) = self.spans[i];
        let centre = x as f32 + 0.5;
        (
            spread_beyond(a - centre, sigma),
            spread_beyond(centre - b, sigma),
        )
    }

    /// For a blur of `sigma`, per cell: the neighbours' shares in the mean of its inner samples, and in
    /// each of its pixels (as listed in `all`).
    fn leaks(&self, sigma: f32) -> Vec<Leaks> {
        (0..self.spans.len())
            .map(|i| Leaks {
                inner: self.inner_leak(i, sigma),
                pixels: self.all[i]
                    .iter()
                    .map(|&x| self.leak(i, x, sigma))
                    .collect(),
            })
            .collect()
    }

    /// The share of the neighbours before and after in the mean of cell `i`'s inner samples.
    fn inner_leak(&self, i: usize, sigma: f32) -> Shares {
        let samples = &self.inner[i];
        let (before, after) = samples.iter().fold((0.0, 0.0), |(p, q), &x| {
            let (l, r) = self.leak(i, x, sigma);
            (p + l, q + r)
        });
        let n = samples.len().max(1) as f32;
        (before / n, after / n)
    }
}

/// The share of a Gaussian of width `sigma` lying beyond `distance` (negative: the point is inside).
fn spread_beyond(distance: f32, sigma: f32) -> f32 {
    if sigma <= 0.0 {
        return if distance >= 0.0 { 0.5 } else { 0.0 };
    }
    0.5 * erfc(-distance / (sigma * std::f32::consts::SQRT_2))
}

/// The complementary error function (Abramowitz and Stegun 7.1.26, error below 1.5e-7).
fn erfc(x: f32) -> f32 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let r = poly * (-z * z).exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// `cells` (one pixel per cell of `grid` in `img`, from [`downscale`](crate::downscale::downscale)) with
/// the blur measured in `img` undone: the same where cells are large, the picture is sharp or has
/// transparency (its edges are not blur).
pub fn deblur(img: &RgbaImage, grid: &Grid, cells: &RgbaImage) -> RgbaImage {
    let xs = Grid::spans(img.width(), grid.cell, grid.phase_x);
    let ys = Grid::spans(img.height(), grid.cell_y, grid.phase_y);
    let (w, h) = (xs.len(), ys.len());
    let mut out = cells.clone();
    if grid.cell.min(grid.cell_y) >= MAX_CELL
        || w < 3
        || h < 3
        || cells.dimensions() != (w as u32, h as u32)
        || cells.pixels().any(|p| p[3] != 255)
    {
        return out;
    }
    let (ax, ay) = (
        Axis::new(&xs, grid.cell, img.width()),
        Axis::new(&ys, grid.cell_y, img.height()),
    );
    let means = inner_means(img, &ax, &ay);
    let Some(sigma) = measure_sigma(img, &means, &ax, &ay) else {
        return out;
    };
    let edge = edge_cells(&means, w, h);
    let sharp = invert(&means, &edge, &ax, &ay, sigma);
    for (i, p) in out.pixels_mut().enumerate().filter(|(i, _)| edge[*i]) {
        for c in 0..3 {
            p[c] = (p[c] as f32 + sharp[i][c] - means[i][c])
                .round()
                .clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// Summed RGB difference between two colours.
fn contrast(a: [f32; 3], b: [f32; 3]) -> f32 {
    (0..3).map(|c| (a[c] - b[c]).abs()).sum()
}

/// Cells that differ from a neighbour by more than the picture's noise: where blur mixed colours. Elsewhere
/// undoing it would only sharpen the noise (and leave specks a background fill cannot take).
fn edge_cells(means: &[[f32; 3]], w: usize, h: usize) -> Vec<bool> {
    let mut steps: Vec<f32> = means
        .chunks_exact(w)
        .flat_map(|row| row.windows(2).map(|pair| contrast(pair[0], pair[1])))
        .collect();
    let mid = steps.len() / 2;
    let typical = steps
        .select_nth_unstable_by(mid, f32::total_cmp)
        .1
        .max(MIN_NOISE);
    let gate = NOISE_GATE * typical;
    (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            (y.saturating_sub(1)..(y + 2).min(h))
                .flat_map(|ny| (x.saturating_sub(1)..(x + 2).min(w)).map(move |nx| ny * w + nx))
                .any(|n| contrast(means[n], means[i]) > gate)
        })
        .collect()
}

/// The mean colour of each cell's inner samples, row by row.
fn inner_means(img: &RgbaImage, ax: &Axis, ay: &Axis) -> Vec<[f32; 3]> {
    let mut means = Vec::with_capacity(ax.spans.len() * ay.spans.len());
    for rows in &ay.inner {
        for columns in &ax.inner {
            let mut sum = [0u32; 3];
            for &y in rows {
                for &x in columns {
                    let p = img.get_pixel(x, y);
                    sum.iter_mut().zip(p.0).for_each(|(s, v)| *s += v as u32);
                }
            }
            let n = (rows.len() * columns.len()).max(1) as f32;
            means.push(sum.map(|s| s as f32 / n));
        }
    }
    means
}

/// A profile across one cell: the mean colour of each pixel column (or row) over the cell's inner rows
/// (columns), with the cell's own mean and its neighbours' colour differences to it.
struct Profile {
    axis: usize,
    cell: usize,
    /// One colour per pixel of the cell along the axis (as listed in [`Axis::all`]).
    values: Vec<[f32; 3]>,
    own: [f32; 3],
    before: [f32; 3],
    after: [f32; 3],
}

/// The blur width that best predicts the pixels across cell boundaries from the cells on either side, or
/// `None` when the picture is sharp (or shows too few boundaries to tell).
fn measure_sigma(img: &RgbaImage, means: &[[f32; 3]], ax: &Axis, ay: &Axis) -> Option<f32> {
    let (w, h) = (ax.spans.len(), ay.spans.len());
    let diff = |a: [f32; 3], b: [f32; 3]| -> [f32; 3] { std::array::from_fn(|c| a[c] - b[c]) };
    let interior: Vec<usize> = (1..h - 1)
        .flat_map(|y| (1..w - 1).map(move |x| y * w + x))
        .filter(|&i| {
            let m = means[i];
            [i - 1, i + 1, i - w, i + w]
                .iter()
                .any(|&n| contrast(means[n], m) >= MIN_CONTRAST)
        })
        .collect();
    let stride = interior.len().div_ceil(MEASURED_CELLS).max(1);
    let mut profiles = Vec::new();
    for &i in interior.iter().step_by(stride) {
        let (cx, cy) = (i % w, i / w);
        let own = means[i];
        for (axis, before, after) in [(0, i - 1, i + 1), (1, i - w, i + w)] {
            let values = if axis == 0 {
                ax.all[cx]
                    .iter()
                    .map(|&x| column_mean(img, x, &ay.inner[cy], true))
                    .collect()
            } else {
                ay.all[cy]
                    .iter()
                    .map(|&y| column_mean(img, y, &ax.inner[cx], false))
                    .collect()
            };
            profiles.push(Profile {
                axis,
                cell: if axis == 0 { cx } else { cy },
                values,
                own,
                before: diff(means[before], own),
                after: diff(means[after], own),
            });
        }
    }
    if profiles.len() < 16 {
        return None;
    }
    let error = |sigma: f32| -> f32 {
        let leaks = [ax.leaks(sigma), ay.leaks(sigma)];
        profiles
            .iter()
            .map(|p| {
                let Leaks {
                    inner: (kb, ka),
                    pixels,
                } = &leaks[p.axis][p.cell];
                let gain = 1.0 / (1.0 - kb - ka).max(0.2);
                p.values
                    .iter()
                    .zip(pixels)
                    .map(|(v, (lb, la))| {
                        (0..3)
                            .map(|c| {
                                let predicted = p.own[c]
                                    + gain * ((lb - kb) * p.before[c] + (la - ka) * p.after[c]);
                                (v[c] - predicted).powi(2)
                            })
                            .sum::<f32>()
                    })
                    .sum::<f32>()
            })
            .sum()
    };
    let steps = (MAX_SIGMA / SIGMA_STEP).round() as usize;
    let (sigma, _) = (0..=steps)
        .map(|s| s as f32 * SIGMA_STEP)
        .map(|sigma| (sigma, error(sigma)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    (sigma >= MIN_SIGMA).then_some(sigma)
}

/// The mean colour of pixel column `at` over `rows` (or of pixel row `at` over columns, when `!column`).
fn column_mean(img: &RgbaImage, at: u32, across: &[u32], column: bool) -> [f32; 3] {
    let mut sum = [0u32; 3];
    for &j in across {
        let p = if column {
            img.get_pixel(at, j)
        } else {
            img.get_pixel(j, at)
        };
        sum.iter_mut().zip(p.0).for_each(|(s, v)| *s += v as u32);
    }
    let n = across.len().max(1) as f32;
    sum.map(|s| s as f32 / n)
}

/// The cell colours whose mixing by a blur of `sigma` gives `means`: Jacobi steps from the means, on the
/// cells within two of an `edge` cell (elsewhere the means are flat and stay as they are).
fn invert(means: &[[f32; 3]], edge: &[bool], ax: &Axis, ay: &Axis, sigma: f32) -> Vec<[f32; 3]> {
    let (w, h) = (ax.spans.len(), ay.spans.len());
    let weights = |axis: &Axis| -> Vec<[f32; 3]> {
        (0..axis.spans.len())
            .map(|i| {
                let (b, a) = axis.inner_leak(i, sigma);
                [b, 1.0 - b - a, a]
            })
            .collect()
    };
    let (wx, wy) = (weights(ax), weights(ay));
    let near = |i: usize, reach: usize| {
        let (x, y) = (i % w, i / w);
        (y.saturating_sub(reach)..(y + reach + 1).min(h))
            .any(|ny| (x.saturating_sub(reach)..(x + reach + 1).min(w)).any(|nx| edge[ny * w + nx]))
    };
    let active: Vec<usize> = (0..w * h).filter(|&i| near(i, 2)).collect();
    let mut colours = means.to_vec();
    let mut next = colours.clone();
    for _ in 0..STEPS {
        for &i in &active {
            let (x, y) = (i % w, i / w);
            let mut mixed = [0.0f32; 3];
            for (dy, &ky) in wy[y].iter().enumerate() {
                let ny = (y + dy).saturating_sub(1).min(h - 1);
                for (dx, &kx) in wx[x].iter().enumerate() {
                    if dx == 1 && dy == 1 {
                        continue;
                    }
                    let nx = (x + dx).saturating_sub(1).min(w - 1);
                    let n = colours[ny * w + nx];
                    mixed.iter_mut().zip(n).for_each(|(m, v)| *m += kx * ky * v);
                }
            }
            let own = wx[x][1] * wy[y][1];
            next[i] = std::array::from_fn(|c| ((means[i][c] - mixed[c]) / own).clamp(0.0, 255.0));
        }
        std::mem::swap(&mut colours, &mut next);
    }
    colours
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::downscale::downscale;
    use image::{Rgba, imageops};

    /// Cells of 4 px, blurred: a light background with blocks of red and dark lines one cell wide.
    fn blurred_cells() -> (RgbaImage, Vec<[u8; 3]>, Grid) {
        let colours = [[250, 250, 250], [20, 30, 90], [200, 60, 40]];
        let pick = |cx: u32, cy: u32| match (cx % 8, cy % 9) {
            (2, _) => 1,
            (_, 0..3) => 2,
            _ => 0,
        };
        let sharp = RgbaImage::from_fn(128, 128, |x, y| {
            let [r, g, b] = colours[pick(x / 4, y / 4)];
            Rgba([r, g, b, 255])
        });
        let truth = (0..32 * 32)
            .map(|i| colours[pick(i % 32, i / 32)])
            .collect();
        let grid = Grid {
            cell: 4.0,
            cell_y: 4.0,
            phase_x: 0.0,
            phase_y: 0.0,
        };
        (imageops::fast_blur(&sharp, 1.0), truth, grid)
    }

    fn worst_error(cells: &RgbaImage, truth: &[[u8; 3]]) -> u8 {
        cells
            .pixels()
            .zip(truth)
            .flat_map(|(p, t)| (0..3).map(move |c| p[c].abs_diff(t[c])))
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn blur_in_small_cells_is_undone() {
        let (picture, truth, grid) = blurred_cells();
        let cells = downscale(&picture, &grid);
        let sharp = deblur(&picture, &grid, &cells);
        let (before, after) = (worst_error(&cells, &truth), worst_error(&sharp, &truth));
        assert!(before >= 24, "the blur mixes colours: {before}");
        assert!(after * 3 <= before, "{before} → {after}");
    }

    #[test]
    fn sharp_pictures_and_large_cells_stay_as_they_are() {
        let (_, truth, grid) = blurred_cells();
        let sharp = RgbaImage::from_fn(128, 128, |x, y| {
            let [r, g, b] = truth[(y / 4 * 32 + x / 4) as usize];
            Rgba([r, g, b, 255])
        });
        let cells = downscale(&sharp, &grid);
        assert_eq!(deblur(&sharp, &grid, &cells), cells);
        let large = Grid {
            cell: 16.0,
            cell_y: 16.0,
            ..grid
        };
        let blurred = imageops::blur(&sharp, 1.2);
        let cells = downscale(&blurred, &large);
        assert_eq!(deblur(&blurred, &large, &cells), cells);
    }
}
