//! Grid recovery: the native cell size and phase of upscaled pixel art.
//!
//! Cell boundaries show up as peaks in edge-strength profiles taken over the subject ([`edges`]). A clean
//! integer upscale is read exactly from where colours change at all; anything else is fitted ([`period`]).
//! A fitted grid must also be far beyond chance and leave its cells flat inside, so art that is already one
//! pixel per cell is left alone.

mod confidence;
mod edges;
mod period;

use std::borrow::Cow;

use image::{Rgba, RgbaImage};

pub use confidence::{GridFit, UNSURE, Verdict};
use edges::{EdgeMap, Profile, peaks};
use period::Axes;

/// Smallest cell size fitted in a damaged picture: below it no cell has an inside left to check for flatness.
/// A clean integer upscale is read exactly from 2 px per cell.
const MIN_CELL: f32 = 3.0;
/// The subject must span at least this many cells before a grid is believed.
const MIN_CELLS: f32 = 6.0;
/// A fitted grid must score this well (phase agreement × grid-line coverage) to be accepted.
const MIN_SCORE: f32 = 0.15;
/// Edge strength midway between grid lines, relative to on them, above which a grid is rejected.
const MAX_MID_RATIO: f32 = 0.5;
/// Share of cells allowed two clearly different colours inside (JPEG ringing, a detail smaller than a cell).
const MAX_SPLIT_CELLS: f32 = 0.1;
/// RGB distance (plus three times the noise) within which two pixels of a cell count as one colour.
const FLAT_COLOURS: u32 = 48;
/// Cells sampled along each axis when judging flatness.
const FLATNESS_CELLS_PER_AXIS: usize = 64;
/// How far beyond chance the peaks' alignment must be ([`period::significance`]); by luck it stays
/// below about 3.3.
const MIN_SIGNIFICANCE: f32 = 3.5;
/// A grid whose cells are quiet inside (little edge strength midway between its lines relative to on them)
/// needs less alignment: a small noisy sprite's few true edges share their weight with the background's
/// noise peaks, while a false grid over art at one pixel per cell is as busy between its lines as on them.
/// Pairs of (least significance, most edge strength midway): the quieter the cells, the less alignment.
const QUIET: [(f32, f32); 2] = [(3.0, 0.15), (2.4, 0.06)];
/// A multiple of a believed cell must keep this share of its alignment: twice the true cell puts every
/// other line's peaks in opposite phase, which cancels most of it.
const MULTIPLE_SIGNIFICANCE: f32 = 0.8;
/// Below this cell size midpoints lie too close to the lines for quiet cells to mean much; above the
/// other, the true edges are strong enough to convince alone, and half a large cell is quiet too.
const QUIET_MIN_CELL: f32 = 3.9;
const QUIET_MAX_CELL: f32 = 6.5;
/// Cell sizes closer than this share of each other are one grid, not rivals.
const SAME_CELL: f32 = 0.05;
/// A runner-up scoring this share of the best or less leaves no doubt.
const CLEAR_LEAD: f32 = 0.6;
/// Significance at which the alignment alone leaves no doubt.
const SURE_SIGNIFICANCE: f32 = 2.0 * MIN_SIGNIFICANCE;
/// A square fit this sure is not checked for non-square cells.
const SURE_SQUARE: f32 = 0.75;
/// Confidence in "no grid" when some grid fitted the edges but not the cells' colours.
const NEAR_MISS_CONFIDENCE: f32 = 0.3;
/// Confidence in "no grid" when nothing came close.
const NO_GRID_CONFIDENCE: f32 = 0.9;
/// Pictures with a side above this are rarely pixel art at one pixel per cell: "no grid" there is a guess.
const LARGE_NATIVE: u32 = 256;
/// Confidence in "no grid" on such a large picture.
const LARGE_NO_GRID_CONFIDENCE: f32 = 0.4;

/// Where the cells of pixel art lie in an image: `cell` pixels per cell across (1.0 for art at its native
/// size) and `cell_y` down (the same for square cells; different for a stretched sprite), with a cell
/// boundary at `phase_x` (and every `cell` pixels from it) horizontally, `phase_y` vertically.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    pub cell: f32,
    pub cell_y: f32,
    pub phase_x: f32,
    pub phase_y: f32,
}

impl Grid {
    /// One cell per pixel: what art already at its native size has.
    pub const PIXEL: Grid = Grid {
        cell: 1.0,
        cell_y: 1.0,
        phase_x: 0.0,
        phase_y: 0.0,
    };

    /// Finds the grid of `img`, or [`Grid::PIXEL`] when there is no convincing one.
    pub fn detect(img: &RgbaImage) -> Grid {
        Grid::estimate(img).grid
    }

    /// Finds the grid of `img` and says how sure that is.
    pub fn estimate(img: &RgbaImage) -> GridFit {
        let img = visible(img);
        let edges = EdgeMap::of(&img);
        let (x, y) = edges.whole();
        if let Some(grid) = exact_grid(&x, &y) {
            return GridFit {
                grid,
                confidence: 1.0,
                verdict: Verdict::Exact,
            };
        }
        let flat = |grid: &Grid| cells_are_flat(&img, grid, edges.noise);
        let fit = |(x, y): (Profile, Profile), jpeg_suspect: bool| {
            let jpeg = |grid: &Grid| jpeg_suspect && grid.on_jpeg_blocks();
            let axes = [peaks(&x), peaks(&y)];
            let square = fitted_grid(&axes, false, |grid| jpeg(grid) || !flat(grid))
                .map_err(|miss| miss.filter(|grid| !jpeg(grid)).map(|grid| grid.cell));
            // A stretched sprite's square fit fails or is a shaky compromise; a sure one needs no rival.
            match square {
                Ok(sure) if sure.confidence >= SURE_SQUARE => Ok(sure),
                square => stretched_grid(&axes, &flat).map_or(square, Ok),
            }
        };
        // The subject's edges first: a small sprite's are buried in a large noisy background's.
        let mut near_miss = None;
        if let Some(subject) = edges.subject() {
            match fit(subject, false) {
                Ok(fitted) => return fitted,
                Err(miss) => near_miss = miss,
            }
        }
        match fit((x, y), true) {
            Ok(fitted) => return fitted,
            Err(miss) => near_miss = near_miss.or(miss),
        }
        GridFit {
            grid: Grid::PIXEL,
            confidence: if near_miss.is_some() {
                NEAR_MISS_CONFIDENCE
            } else if img.width().max(img.height()) > LARGE_NATIVE {
                LARGE_NO_GRID_CONFIDENCE
            } else {
                NO_GRID_CONFIDENCE
            },
            verdict: Verdict::NoGrid { near_miss },
        }
    }

    /// The grid of `img` with a cell size given by the caller (`cell` across, `cell_y` down), sure by
    /// definition.
    pub fn estimate_with_cell(img: &RgbaImage, cell: f32, cell_y: f32) -> GridFit {
        GridFit::given(Grid::detect_with_cell(img, cell, cell_y))
    }

    /// The grid of `img` with a cell size decided elsewhere (given, or shared by a batch): `cell` across,
    /// `cell_y` down; only the phase is found.
    pub fn detect_with_cell(img: &RgbaImage, cell: f32, cell_y: f32) -> Grid {
        let real = |c: f32| c.is_finite() && c >= 1.0;
        if !(real(cell) && real(cell_y)) || (cell == 1.0 && cell_y == 1.0) {
            return Grid::PIXEL;
        }
        let edges = EdgeMap::of(&visible(img));
        let (x, y) = edges.subject().unwrap_or_else(|| edges.whole());
        let phase = |profile: &Profile, cell: f32| {
            if cell <= 1.0 {
                return 0.0;
            }
            let peaks = peaks(profile);
            period::fit_phase(&peaks, cell, period::start_phase(&peaks, cell)).rem_euclid(cell)
        };
        Grid {
            cell,
            cell_y,
            phase_x: phase(&x, cell),
            phase_y: phase(&y, cell_y),
        }
    }

    /// Whether the grid coincides with JPEG's 8×8 blocks: over a whole noisy JPEG the blocks themselves form
    /// such a grid, so without a distinct subject to confirm it, it is taken for compression artefacts.
    fn on_jpeg_blocks(&self) -> bool {
        let on_block = |phase: f32, block: f32| {
            let offset = phase.rem_euclid(block);
            offset.min(block - offset) < 1.0
        };
        // Half the block size too: every other line of a 4 px grid at the blocks' phase is theirs.
        [4.0f32, 8.0, 16.0]
            .iter()
            .any(|&c| (self.cell - c).abs() < 0.02 * c)
            && on_block(self.phase_x, self.cell.min(8.0))
            && on_block(self.phase_y, self.cell.min(8.0))
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

/// `img` with the colour of fully transparent pixels cleared: it is invisible, so its changes are no edges.
fn visible(img: &RgbaImage) -> Cow<'_, RgbaImage> {
    let hidden = |p: &Rgba<u8>| p[3] == 0 && p.0 != [0; 4];
    if !img.pixels().any(hidden) {
        return Cow::Borrowed(img);
    }
    let mut clear = img.clone();
    clear
        .pixels_mut()
        .filter(|p| hidden(p))
        .for_each(|p| *p = Rgba([0; 4]));
    Cow::Owned(clear)
}

/// Whether the cells of `grid` are one colour inside, away from their blurred edges, as upscaled art is: a
/// false grid over art at one pixel per cell cuts through details. Colours closer than a margin above the
/// image's `noise` count as one.
fn cells_are_flat(img: &RgbaImage, grid: &Grid, noise: u8) -> bool {
    // Up to three pixel indices inside a span: its first, middle and last interior pixel.
    let inside = |(start, end): (f32, f32), len: u32, cell: f32| -> Vec<u32> {
        let margin = 0.25 * cell;
        let lo = (start + margin - 0.5).ceil().max(0.0) as u32;
        let hi = ((end - margin - 0.5).floor().max(0.0) as u32).min(len.saturating_sub(1));
        if hi < lo {
            return Vec::new();
        }
        let mut picks = vec![lo, (lo + hi) / 2, hi];
        picks.dedup();
        picks
    };
    let columns = Grid::spans(img.width(), grid.cell, grid.phase_x);
    let rows = Grid::spans(img.height(), grid.cell_y, grid.phase_y);
    // Enough cells to judge, spread over the image.
    let thin = |n: usize| n.div_ceil(FLATNESS_CELLS_PER_AXIS).max(1);
    let limit = (FLAT_COLOURS + 3 * noise as u32).pow(2);
    let (mut cells, mut split) = (0usize, 0usize);
    for &ys in rows.iter().step_by(thin(rows.len())) {
        for &xs in columns.iter().step_by(thin(columns.len())) {
            let samples: Vec<Rgba<u8>> = inside(ys, img.height(), grid.cell_y)
                .into_iter()
                .flat_map(|y| {
                    inside(xs, img.width(), grid.cell)
                        .into_iter()
                        .map(move |x| *img.get_pixel(x, y))
                })
                .collect();
            if samples.iter().all(|p| p[3] == 0) {
                continue;
            }
            cells += 1;
            let apart = |a: &Rgba<u8>, b: &Rgba<u8>| -> u32 {
                (0..4)
                    .map(|c| (a[c] as i32 - b[c] as i32).pow(2) as u32)
                    .sum()
            };
            let centre = samples[samples.len() / 2];
            if samples.iter().any(|p| apart(p, &centre) > limit) {
                split += 1;
            }
        }
    }
    split as f32 <= MAX_SPLIT_CELLS * cells as f32
}

/// A clean integer upscale changes colour only on cell boundaries: their greatest common divisor is the cell.
/// Each axis has its own; when neither is a multiple of the other (8 × 12 px, a stretched sprite) the
/// cells are not square, otherwise the common divisor of both is taken, as a square cell, since art whose
/// features happen to fall on every other cell along one axis is far more common than stretched art.
fn exact_grid(x: &Profile, y: &Profile) -> Option<Grid> {
    let changes = |p: &Profile| -> Vec<u32> {
        p.values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0.0)
            .map(|(i, _)| (p.offset + i + 1) as u32)
            .collect()
    };
    let (cx, cy) = (changes(x), changes(y));
    let divisor = |c: &[u32]| c.windows(2).fold(0, |g, pair| gcd(g, pair[1] - pair[0]));
    let (gx, gy) = (divisor(&cx), divisor(&cy));
    let (cell, cell_y) = if gx > 0 && gy > 0 && gx % gy != 0 && gy % gx != 0 {
        (gx, gy)
    } else {
        let g = gcd(gx, gy);
        (g, g)
    };
    if cell.min(cell_y) < 2 || (cx.len().max(cy.len()) as f32) < MIN_CELLS {
        return None;
    }
    let phase = |c: &[u32], cell: u32| c.first().map_or(0.0, |&b| (b % cell) as f32);
    Some(Grid {
        cell: cell as f32,
        cell_y: cell_y as f32,
        phase_x: phase(&cx, cell),
        phase_y: phase(&cy, cell_y),
    })
}

/// A grid with its own cell size per axis, when each axis alone fits one far beyond chance and the two
/// differ by more than 10% and not by a whole factor (a square fit then only finds a compromise or a
/// fraction of one axis's cell). Its cells must be flat like any grid's.
fn stretched_grid(axes: &Axes, flat: &impl Fn(&Grid) -> bool) -> Option<GridFit> {
    let one_axis = |a: usize| {
        let mut alone: Axes = [Vec::new(), Vec::new()];
        alone[a] = axes[a].clone();
        fitted_grid(&alone, true, |_| false).ok()
    };
    let (fx, fy) = (one_axis(0)?, one_axis(1)?);
    let (cx, cy) = (fx.grid.cell, fy.grid.cell);
    let ratio = cx.max(cy) / cx.min(cy);
    if ratio < 1.1 || (ratio - ratio.round()).abs() < 0.05 {
        return None;
    }
    let grid = Grid {
        cell: cx,
        cell_y: cy,
        phase_x: fx.grid.phase_x,
        phase_y: fy.grid.phase_y,
    };
    flat(&grid).then(|| GridFit {
        grid,
        confidence: fx.confidence.min(fy.confidence),
        verdict: Verdict::Fitted { runner_up: None },
    })
}

/// The best-scoring candidate grid that is far beyond chance, leaves its cells' middles quiet and is not
/// `rejected`, with its confidence (for `multiples`, see inside). Without one, the best candidate that was
/// rejected, if any.
fn fitted_grid(
    axes: &Axes,
    multiples: bool,
    rejected: impl Fn(&Grid) -> bool,
) -> Result<GridFit, Option<Grid>> {
    let span = axes
        .iter()
        .filter_map(|p| period::span(p))
        .map(|(a, b)| b - a)
        .fold(0.0, f32::max);
    let max_cell = span / MIN_CELLS;
    if max_cell <= MIN_CELL {
        return Err(None);
    }
    let candidates = period::candidates(axes, 1.0 / max_cell, 1.0 / MIN_CELL, 1.0 / (8.0 * span));
    let refined: Vec<(f32, Grid)> = candidates
        .into_iter()
        .filter_map(|f| period::refine(axes, 1.0 / f))
        .map(|grid| (period::score(axes, &grid), grid))
        .filter(|(score, _)| *score >= MIN_SCORE)
        .collect();
    let believed = |grid: &Grid| {
        let (significance, mid) = (
            period::significance(axes, grid),
            period::mid_ratio(axes, grid),
        );
        let quiet = QUIET
            .iter()
            .any(|&(least, most)| significance >= least && mid <= most);
        (significance >= MIN_SIGNIFICANCE && mid <= MAX_MID_RATIO)
            || (quiet && (QUIET_MIN_CELL..=QUIET_MAX_CELL).contains(&grid.cell))
    };
    let mut fits: Vec<(f32, Grid)> = refined
        .iter()
        .copied()
        .filter(|(_, g)| believed(g))
        .collect();
    // With `multiples` (one axis alone), a whole multiple of a believed cell that explains the peaks better
    // (the smaller cell leaves every other line empty) is believed too, though its alignment alone may not
    // convince: noise peaks between its lines count against it, and the lines it needs are among those
    // already believed. Over both axes JPEG's 8×8 blocks would pass for such a multiple of a 4 px cell.
    let multiples: Vec<(f32, Grid)> = refined
        .iter()
        .copied()
        .filter(|_| multiples)
        .filter(|(score, grid)| {
            fits.iter().any(|(sub_score, sub)| {
                let ratio = grid.cell / sub.cell;
                score > sub_score
                    && ratio.round() >= 2.0
                    && (ratio - ratio.round()).abs() < 0.03 * ratio
                    && period::mid_ratio(axes, grid) <= MAX_MID_RATIO
                    && period::significance(axes, grid)
                        >= MULTIPLE_SIGNIFICANCE * period::significance(axes, sub)
            }) && !believed(grid)
        })
        .collect();
    fits.extend(multiples);
    // Best first; the rejection test looks at pixels, so it runs only until one passes (and, for the
    // confidence, until a rival with another cell size passes).
    fits.sort_by(|a, b| b.0.total_cmp(&a.0));
    let Some(at) = fits.iter().position(|(_, grid)| !rejected(grid)) else {
        return Err(fits.first().map(|(_, grid)| *grid));
    };
    let (score, best) = fits[at];
    let rival = fits[at + 1..]
        .iter()
        .filter(|(_, grid)| (grid.cell - best.cell).abs() > SAME_CELL * best.cell)
        .find(|(_, grid)| !rejected(grid));
    let lead = rival.map_or(1.0, |(other, _)| {
        ((1.0 - other / score) / (1.0 - CLEAR_LEAD)).clamp(0.0, 1.0)
    });
    let beyond_chance = ((period::significance(axes, &best) - MIN_SIGNIFICANCE)
        / (SURE_SIGNIFICANCE - MIN_SIGNIFICANCE))
        .clamp(0.0, 1.0);
    Ok(GridFit {
        grid: period::snap_to_integer(axes, best),
        confidence: lead.min(0.5 + 0.5 * beyond_chance),
        verdict: Verdict::Fitted {
            runner_up: rival.map(|(_, grid)| grid.cell),
        },
    })
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;

    /// Blocks of `cell` pixels in varied colours from `offset`.
    fn blocks(size: u32, cell: f32, offset: f32) -> RgbaImage {
        RgbaImage::from_fn(size, size, |x, y| {
            let cx = ((x as f32 - offset) / cell).floor() as i32;
            let cy = ((y as f32 - offset) / cell).floor() as i32;
            let v = ((cx * 7 + cy * 13).rem_euclid(5) * 50) as u8;
            Rgba([v, 255 - v, v / 2, 255])
        })
    }

    #[test]
    fn exact_integer_grid_is_read_from_colour_changes() {
        let grid = Grid::detect(&blocks(96, 6.0, 2.0));
        assert_eq!(
            grid,
            Grid {
                cell: 6.0,
                cell_y: 6.0,
                phase_x: 2.0,
                phase_y: 2.0
            }
        );
    }

    /// Blocks of `cell_x`×`cell_y` pixels in varied colours.
    fn stretched_blocks(size: u32, cell_x: f32, cell_y: f32) -> RgbaImage {
        RgbaImage::from_fn(size, size, |x, y| {
            let cx = (x as f32 / cell_x).floor() as i32;
            let cy = (y as f32 / cell_y).floor() as i32;
            let v = ((cx * 7 + cy * 13).rem_euclid(5) * 50) as u8;
            Rgba([v, 255 - v, v / 2, 255])
        })
    }

    #[test]
    fn non_square_cells_are_read_per_axis() {
        let exact = Grid::detect(&stretched_blocks(280, 10.0, 14.0));
        assert_eq!((exact.cell, exact.cell_y), (10.0, 14.0));
        let fitted = Grid::detect(&stretched_blocks(400, 9.7, 13.1));
        assert!(
            (fitted.cell - 9.7).abs() < 0.1 && (fitted.cell_y - 13.1).abs() < 0.1,
            "{fitted:?}"
        );
        // A whole factor between the axes is read as square cells of the common size.
        let doubled = Grid::detect(&stretched_blocks(240, 6.0, 12.0));
        assert_eq!((doubled.cell, doubled.cell_y), (6.0, 6.0));
    }

    #[test]
    fn non_integer_cell_is_recovered() {
        let grid = Grid::detect(&blocks(400, 13.9, 5.0));
        assert!((grid.cell - 13.9).abs() < 0.05, "{grid:?}");
        assert!((grid.phase_x - 5.0).abs() < 1.0, "{grid:?}");
    }

    #[test]
    fn one_pixel_per_cell_art_has_no_grid() {
        let img = RgbaImage::from_fn(32, 32, |x, y| {
            let hash = ((x * 0x9E37) ^ (y * 0x85EB)).wrapping_mul(0x2C1B_3C6D) >> 13;
            Rgba([(hash % 5 * 60) as u8, (hash / 5 % 3 * 100) as u8, 0, 255])
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
