//! Grid recovery: the native cell size and phase of upscaled pixel art.
//!
//! Cell boundaries show up as peaks in edge-strength profiles (summed colour differences across each column
//! and row boundary). A clean integer upscale is read exactly from where colours change at all. Otherwise the
//! peaks are scored against every candidate period by how tightly they share one phase (a comb, evaluated in
//! the frequency domain) and how many grid lines they cover; the best candidate is refined by least squares,
//! which recovers non-integer sizes such as 13.9 px per cell, and must beat its own half-cell offsets, so
//! art that is already one pixel per cell is left alone.

use image::RgbaImage;

/// Smallest cell size worth detecting: below it, blur leaves no cell interior to read.
const MIN_CELL: f32 = 2.0;
/// The subject must span at least this many cells before a grid is believed.
const MIN_CELLS: f32 = 6.0;
/// A candidate grid must score this well (peak phase agreement × grid-line coverage) to be accepted.
const MIN_SCORE: f32 = 0.3;
/// Edge strength midway between grid lines, relative to on the lines, above which the grid is rejected.
const MAX_MID_RATIO: f32 = 0.5;
/// Peaks kept per axis, strongest first; a 64-cell sprite has 65 lines, the rest is noise.
const MAX_PEAKS: usize = 192;
/// JPEG's 8×8 blocks leave a faint comb of their own that must not pass for a grid.
const JPEG_BLOCK: usize = 8;

/// Where the cells of pixel art lie in an image: `cell` pixels per cell (1.0 for art at its native size),
/// with a cell boundary at `phase_x` (and every `cell` pixels from it) horizontally, `phase_y` vertically.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    pub cell: f32,
    pub phase_x: f32,
    pub phase_y: f32,
}

impl Grid {
    /// One cell per pixel: what art already at its native size has.
    pub const PIXEL: Grid = Grid {
        cell: 1.0,
        phase_x: 0.0,
        phase_y: 0.0,
    };

    /// Finds the grid of `img`, or [`Grid::PIXEL`] when there is no convincing one.
    pub fn detect(img: &RgbaImage) -> Grid {
        let profiles = Profiles::of(img);
        profiles
            .exact_grid()
            .or_else(|| profiles.fitted_grid())
            .unwrap_or(Grid::PIXEL)
    }

    /// The grid of `img` with a cell size decided elsewhere (shared by a batch): only the phase is found.
    pub fn detect_with_cell(img: &RgbaImage, cell: f32) -> Grid {
        if !(cell.is_finite() && cell > 1.0) {
            return Grid::PIXEL;
        }
        let profiles = Profiles::of(img);
        let (x, y) = (peaks(&profiles.x), peaks(&profiles.y));
        let phase =
            |peaks: &[Peak]| fit_phase(peaks, cell, start_phase(peaks, cell)).rem_euclid(cell);
        Grid {
            cell,
            phase_x: phase(&x),
            phase_y: phase(&y),
        }
    }

    /// The cells along one axis of `len` pixels, as `(start, end)` pixel coordinates. Cells cut by the image
    /// edge are kept when at least half of them is inside.
    pub(crate) fn spans(len: u32, cell: f32, phase: f32) -> Vec<(f32, f32)> {
        let len = len as f32;
        let cell = if cell.is_finite() {
            cell.max(1.0)
        } else {
            len.max(1.0)
        };
        let phase = if phase.is_finite() {
            phase.rem_euclid(cell)
        } else {
            0.0
        };
        let first = if phase > 0.0 { phase - cell } else { 0.0 };
        let mut spans = Vec::new();
        let mut k = 0u32;
        loop {
            let start = first + k as f32 * cell;
            if start >= len {
                break;
            }
            let (a, b) = (start.max(0.0), (start + cell).min(len));
            if b - a >= cell / 2.0 - 1e-4 {
                spans.push((a, b));
            }
            k += 1;
        }
        if spans.is_empty() && len > 0.0 {
            spans.push((0.0, len));
        }
        spans
    }
}

/// Edge strength at each boundary between neighbouring columns (`x`) and rows (`y`): index `i` is the boundary
/// at pixel coordinate `i + 1`.
struct Profiles {
    x: Vec<f32>,
    y: Vec<f32>,
}

impl Profiles {
    fn of(img: &RgbaImage) -> Profiles {
        let (w, h) = (img.width() as usize, img.height() as usize);
        let stride = w * 4;
        let raw = img.as_raw();
        // Per-byte sums so the inner loops vectorise; folded into per-column sums at the end.
        let mut column_bytes = vec![0u32; stride.saturating_sub(4)];
        let mut y = vec![0f32; h.saturating_sub(1)];
        for (r, row) in raw.chunks_exact(stride.max(1)).enumerate() {
            for ((acc, a), b) in column_bytes
                .iter_mut()
                .zip(row)
                .zip(&row[4.min(row.len())..])
            {
                *acc += a.abs_diff(*b) as u32;
            }
            if let Some(next) = raw.get((r + 1) * stride..(r + 2) * stride) {
                y[r] = row
                    .iter()
                    .zip(next)
                    .map(|(a, b)| a.abs_diff(*b) as u32)
                    .sum::<u32>() as f32;
            }
        }
        let x = column_bytes
            .chunks_exact(4)
            .map(|c| c.iter().sum::<u32>() as f32)
            .collect();
        let mut profiles = Profiles { x, y };
        deblock(&mut profiles.x);
        deblock(&mut profiles.y);
        profiles
    }

    /// A clean integer upscale changes colour only on cell boundaries: their common divisor is the cell.
    fn exact_grid(&self) -> Option<Grid> {
        let changes = |p: &[f32]| -> Vec<u32> {
            p.iter()
                .enumerate()
                .filter(|(_, v)| **v > 0.0)
                .map(|(i, _)| i as u32 + 1)
                .collect()
        };
        let (cx, cy) = (changes(&self.x), changes(&self.y));
        let cell = cx
            .windows(2)
            .chain(cy.windows(2))
            .fold(0, |g, pair| gcd(g, pair[1] - pair[0]));
        let lines = cx.len().max(cy.len()) as f32;
        if cell < 2 || lines < MIN_CELLS {
            return None;
        }
        let phase = |c: &[u32]| c.first().map_or(0.0, |&b| (b % cell) as f32);
        Some(Grid {
            cell: cell as f32,
            phase_x: phase(&cx),
            phase_y: phase(&cy),
        })
    }

    fn fitted_grid(&self) -> Option<Grid> {
        let axes = [peaks(&self.x), peaks(&self.y)];
        let span = axes
            .iter()
            .map(|p| strong_span(p).map_or(0.0, |(a, b)| b - a))
            .fold(0.0, f32::max);
        let max_cell = span / MIN_CELLS;
        if max_cell <= MIN_CELL {
            return None;
        }
        let candidates = comb_candidates(&axes, 1.0 / max_cell, 1.0 / MIN_CELL, 1.0 / (8.0 * span));
        let best = candidates
            .into_iter()
            .filter_map(|f| refine(&axes, 1.0 / f))
            .map(|fit| (score(&axes, &fit), fit))
            .filter(|(s, _)| *s >= MIN_SCORE)
            .max_by(|a, b| a.0.total_cmp(&b.0))?
            .1;
        let best = snap_to_integer(&axes, best);
        let clear =
            |profile: &[f32], phase: f32| mid_ratio(profile, best.cell, phase) <= MAX_MID_RATIO;
        (clear(&self.x, best.phase_x) && clear(&self.y, best.phase_y)).then_some(best)
    }
}

/// Removes the comb JPEG's 8×8 blocks add at every eighth boundary: the typical excess there over the
/// neighbours, which a real sprite edge far exceeds.
fn deblock(profile: &mut [f32]) {
    if profile.len() < 4 * JPEG_BLOCK {
        return;
    }
    let mut excess: Vec<f32> = (JPEG_BLOCK - 1..profile.len() - 1)
        .step_by(JPEG_BLOCK)
        .map(|i| profile[i] - (profile[i - 1] + profile[i + 1]) / 2.0)
        .collect();
    let mid = excess.len() / 2;
    let typical = *excess.select_nth_unstable_by(mid, f32::total_cmp).1;
    if typical > 0.0 {
        for i in (JPEG_BLOCK - 1..profile.len()).step_by(JPEG_BLOCK) {
            profile[i] = (profile[i] - typical).max(0.0);
        }
    }
}

/// A local maximum of edge strength: a likely cell boundary at sub-pixel `pos`, `weight` above the floor.
#[derive(Clone, Copy, Debug)]
struct Peak {
    pos: f32,
    weight: f32,
}

/// The noise floor and the level a peak must clear, from the profile's own distribution.
fn levels(profile: &[f32]) -> (f32, f32) {
    let mut sorted = profile.to_vec();
    sorted.sort_by(f32::total_cmp);
    let at = |q: f32| sorted[((sorted.len() - 1) as f32 * q) as usize];
    let (floor, max) = (at(0.5), at(1.0));
    let spread = floor - at(0.1);
    (floor, floor + (4.0 * spread).max(0.04 * (max - floor)))
}

fn peaks(profile: &[f32]) -> Vec<Peak> {
    if profile.len() < 3 {
        return Vec::new();
    }
    let (floor, threshold) = levels(profile);
    let mut found: Vec<Peak> = profile
        .windows(3)
        .enumerate()
        .filter(|(_, w)| w[1] > threshold && w[1] > w[0] && w[1] >= w[2])
        .map(|(i, w)| {
            let curvature = w[0] - 2.0 * w[1] + w[2];
            let offset = if curvature < 0.0 {
                (0.5 * (w[0] - w[2]) / curvature).clamp(-0.5, 0.5)
            } else {
                0.0
            };
            Peak {
                pos: i as f32 + 2.0 + offset,
                weight: w[1] - floor,
            }
        })
        .collect();
    if found.len() > MAX_PEAKS {
        found.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        found.truncate(MAX_PEAKS);
        found.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    }
    found
}

/// First and last of the clearly strong peaks: where the subject's edges are.
fn strong_span(peaks: &[Peak]) -> Option<(f32, f32)> {
    let max = peaks.iter().map(|p| p.weight).fold(0.0, f32::max);
    let mut strong = peaks
        .iter()
        .filter(|p| p.weight >= 0.1 * max)
        .map(|p| p.pos);
    let first = strong.next()?;
    Some((first, strong.last().unwrap_or(first)))
}

/// The weighted sum of the peaks' phasors at frequency `f` (cycles per pixel): long when they share a phase.
fn comb(peaks: &[Peak], f: f32) -> (f32, f32) {
    peaks.iter().fold((0.0, 0.0), |(re, im), p| {
        let (s, c) = (std::f32::consts::TAU * f * p.pos).sin_cos();
        (re + p.weight * c, im + p.weight * s)
    })
}

/// Frequencies where both axes' peaks agree best on one phase (local maxima of the comb strength), strongest
/// first. Phasors are advanced by rotation, not recomputed, which keeps the scan to a few multiplications.
fn comb_candidates(axes: &[Vec<Peak>; 2], f_lo: f32, f_hi: f32, step: f32) -> Vec<f32> {
    let total: f32 = axes.iter().flatten().map(|p| p.weight).sum();
    if total <= 0.0 || !(step > 0.0) {
        return Vec::new();
    }
    let steps = (((f_hi - f_lo) / step).ceil() as usize).min(40_000);
    let rotate = |f: f32, peaks: &Vec<Peak>| -> Vec<(f32, f32)> {
        peaks
            .iter()
            .map(|p| {
                let (s, c) = (std::f32::consts::TAU * f * p.pos).sin_cos();
                (c, s)
            })
            .collect()
    };
    let mut state = [rotate(f_lo, &axes[0]), rotate(f_lo, &axes[1])];
    let turns = [rotate(step, &axes[0]), rotate(step, &axes[1])];
    let mut strength = Vec::with_capacity(steps + 1);
    for _ in 0..=steps {
        let mut sum = 0.0;
        for axis in 0..2 {
            let (mut re, mut im) = (0.0f32, 0.0f32);
            for ((ph, turn), p) in state[axis].iter_mut().zip(&turns[axis]).zip(&axes[axis]) {
                re += p.weight * ph.0;
                im += p.weight * ph.1;
                *ph = (ph.0 * turn.0 - ph.1 * turn.1, ph.0 * turn.1 + ph.1 * turn.0);
            }
            sum += (re * re + im * im).sqrt();
        }
        strength.push(sum / total);
    }
    let mut maxima: Vec<(f32, usize)> = (1..strength.len().saturating_sub(1))
        .filter(|&i| {
            strength[i] >= strength[i - 1] && strength[i] > strength[i + 1] && strength[i] >= 0.2
        })
        .map(|i| (strength[i], i))
        .collect();
    maxima.sort_by(|a, b| b.0.total_cmp(&a.0));
    maxima
        .into_iter()
        .take(12)
        .map(|(_, i)| f_lo + i as f32 * step)
        .collect()
}

/// The grid line index nearest `pos` and the distance to it.
fn nearest_line(pos: f32, cell: f32, phase: f32) -> (f32, f32) {
    let k = ((pos - phase) / cell).round();
    (k, pos - (phase + k * cell))
}

fn start_phase(peaks: &[Peak], cell: f32) -> f32 {
    let (re, im) = comb(peaks, 1.0 / cell);
    im.atan2(re).rem_euclid(std::f32::consts::TAU) / std::f32::consts::TAU * cell
}

/// Weighted least squares for the phase alone, over peaks within a third of a cell of a line.
fn fit_phase(peaks: &[Peak], cell: f32, phase: f32) -> f32 {
    let (mut sw, mut sr) = (0.0, 0.0);
    for p in peaks {
        let (_, r) = nearest_line(p.pos, cell, phase);
        if r.abs() <= cell / 3.0 {
            sw += p.weight;
            sr += p.weight * r;
        }
    }
    if sw > 0.0 { phase + sr / sw } else { phase }
}

/// Least squares for one shared cell size and a phase per axis: `pos = phase + k · cell` over the peaks near a
/// line, repeated as the assignment of peaks to lines settles.
fn refine(axes: &[Vec<Peak>; 2], cell: f32) -> Option<Grid> {
    let mut cell = cell as f64;
    let mut phases = [
        start_phase(&axes[0], cell as f32) as f64,
        start_phase(&axes[1], cell as f32) as f64,
    ];
    for _ in 0..4 {
        let mut sums = [[0f64; 5]; 2];
        for (axis, peaks) in axes.iter().enumerate() {
            for p in peaks {
                let (k, r) = nearest_line(p.pos, cell as f32, phases[axis] as f32);
                if r.abs() <= (cell / 3.0) as f32 {
                    let (w, k, x) = (p.weight as f64, k as f64, p.pos as f64);
                    let s = &mut sums[axis];
                    s[0] += w;
                    s[1] += w * k;
                    s[2] += w * x;
                    s[3] += w * k * k;
                    s[4] += w * k * x;
                }
            }
        }
        let (mut num, mut den) = (0.0, 0.0);
        for [s, sk, sx, skk, skx] in sums.iter().filter(|s| s[0] > 0.0) {
            num += skx - sk * sx / s;
            den += skk - sk * sk / s;
        }
        if den > 1e-9 {
            cell = (num / den).max(MIN_CELL as f64 * 0.9);
        }
        for (phase, [s, sk, sx, ..]) in phases.iter_mut().zip(sums) {
            if s > 0.0 {
                *phase = (sx - sk * cell) / s;
            }
        }
    }
    let cell = cell as f32;
    cell.is_finite().then(|| Grid {
        cell,
        phase_x: (phases[0] as f32).rem_euclid(cell),
        phase_y: (phases[1] as f32).rem_euclid(cell),
    })
}

/// How well a grid explains the peaks: their phase agreement (the comb's normalised length) times the share of
/// grid lines across the subject that have a peak. A period twice too long loses the first, half too long
/// the second.
fn score(axes: &[Vec<Peak>; 2], grid: &Grid) -> f32 {
    let cell = grid.cell;
    let tolerance = (0.15 * cell).clamp(0.75, 2.0);
    let (mut agreement, mut total_weight, mut lines, mut covered) = (0.0, 0.0, 0usize, 0usize);
    for (peaks, phase) in axes.iter().zip([grid.phase_x, grid.phase_y]) {
        let Some((first, last)) = strong_span(peaks) else {
            continue;
        };
        let (re, im) = comb(peaks, 1.0 / cell);
        agreement += (re * re + im * im).sqrt();
        total_weight += peaks.iter().map(|p| p.weight).sum::<f32>();
        let (k0, _) = nearest_line(first, cell, phase);
        let (k1, _) = nearest_line(last, cell, phase);
        let n = (k1 - k0) as usize + 1;
        let mut hit = vec![false; n];
        for p in peaks {
            let (k, r) = nearest_line(p.pos, cell, phase);
            if r.abs() <= tolerance && k >= k0 && k <= k1 {
                hit[(k - k0) as usize] = true;
            }
        }
        lines += n;
        covered += hit.iter().filter(|h| **h).count();
    }
    if total_weight <= 0.0 || lines == 0 {
        return 0.0;
    }
    agreement / total_weight * covered as f32 / lines as f32
}

/// Prefers the integer cell size when it explains the peaks as well: integer upscales are the common case
/// and report cleaner numbers.
fn snap_to_integer(axes: &[Vec<Peak>; 2], grid: Grid) -> Grid {
    let whole = grid.cell.round();
    if whole < MIN_CELL || (grid.cell - whole).abs() > 0.05 {
        return grid;
    }
    let snapped = Grid {
        cell: whole,
        phase_x: fit_phase(&axes[0], whole, grid.phase_x).rem_euclid(whole),
        phase_y: fit_phase(&axes[1], whole, grid.phase_y).rem_euclid(whole),
    };
    if residual(axes, &snapped) <= residual(axes, &grid) * 1.1 + 0.05 {
        snapped
    } else {
        grid
    }
}

/// Weighted RMS distance of the peaks near lines to those lines.
fn residual(axes: &[Vec<Peak>; 2], grid: &Grid) -> f32 {
    let (mut sw, mut sr) = (0.0, 0.0);
    for (peaks, phase) in axes.iter().zip([grid.phase_x, grid.phase_y]) {
        for p in peaks {
            let (_, r) = nearest_line(p.pos, grid.cell, phase);
            if r.abs() <= grid.cell / 3.0 {
                sw += p.weight;
                sr += p.weight * r * r;
            }
        }
    }
    if sw > 0.0 {
        (sr / sw).sqrt()
    } else {
        f32::INFINITY
    }
}

/// Edge strength midway between grid lines relative to on them. Real upscaled art is flat inside its cells;
/// art already at one pixel per cell has as many edges between a false grid's lines as on them.
fn mid_ratio(profile: &[f32], cell: f32, phase: f32) -> f32 {
    if profile.is_empty() {
        return 0.0;
    }
    let (_, threshold) = levels(profile);
    let around = |b: f32| -> f32 {
        let lo = (b - 1.5).ceil().max(0.0) as usize;
        let hi = ((b - 0.5).floor().max(0.0) as usize).min(profile.len() - 1);
        (lo..=hi)
            .map(|i| (profile[i] - threshold).max(0.0))
            .fold(0.0, f32::max)
    };
    let (mut on, mut mid) = (0.0, 0.0);
    let mut b = phase;
    while b < profile.len() as f32 + 1.0 {
        on += around(b);
        mid += around(b + cell / 2.0);
        b += cell;
    }
    if on <= 0.0 { 1.0 } else { mid / on }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;

    /// Stripes of `cell` pixels in alternating colours from `offset`.
    fn stripes(size: u32, cell: f32, offset: f32) -> RgbaImage {
        RgbaImage::from_fn(size, size, |x, y| {
            let cx = ((x as f32 - offset) / cell).floor() as i32;
            let cy = ((y as f32 - offset) / cell).floor() as i32;
            let v = ((cx * 7 + cy * 13).rem_euclid(5) * 50) as u8;
            Rgba([v, 255 - v, v / 2, 255])
        })
    }

    #[test]
    fn exact_integer_grid_is_read_from_colour_changes() {
        let grid = Grid::detect(&stripes(96, 6.0, 2.0));
        assert_eq!(
            grid,
            Grid {
                cell: 6.0,
                phase_x: 2.0,
                phase_y: 2.0
            }
        );
    }

    #[test]
    fn non_integer_cell_is_recovered() {
        let grid = Grid::detect(&stripes(400, 13.9, 5.0));
        assert!((grid.cell - 13.9).abs() < 0.05, "{grid:?}");
        assert!((grid.phase_x - 5.0).abs() < 1.0, "{grid:?}");
    }

    #[test]
    fn one_pixel_per_cell_art_has_no_grid() {
        let img = RgbaImage::from_fn(32, 32, |x, y| {
            Rgba([((x * 37 + y * 91) % 7 * 36) as u8, 0, 0, 255])
        });
        assert_eq!(Grid::detect(&img), Grid::PIXEL);
    }

    #[test]
    fn blank_and_tiny_images_have_no_grid() {
        for (w, h) in [(0, 0), (1, 1), (1, 40), (3, 2), (64, 64)] {
            assert_eq!(Grid::detect(&RgbaImage::new(w, h)), Grid::PIXEL);
        }
    }

    #[test]
    fn spans_cover_the_image_in_cells() {
        assert_eq!(
            Grid::spans(4, 1.0, 0.0),
            [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 4.0)]
        );
        assert_eq!(
            Grid::spans(10, 4.0, 3.0),
            [(0.0, 3.0), (3.0, 7.0), (7.0, 10.0)]
        );
        assert_eq!(Grid::spans(10, 4.0, 1.0), [(1.0, 5.0), (5.0, 9.0)]);
        assert_eq!(Grid::spans(10, 400.0, 0.0), [(0.0, 10.0)]);
    }
}
