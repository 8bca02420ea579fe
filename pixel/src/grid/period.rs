//! Finding the period and phase that explain a set of edge peaks.
//!
//! Each candidate cell size is scored by how tightly the peaks share one phase (the length of their summed
//! phasors: a comb, scanned over frequency) times the share of grid lines across the subject that have a peak.
//! A period twice too long loses on the first, one half too long on the second. The best is refined by least
//! squares over the peaks, which pins down non-integer sizes such as 13.9 px per cell.

use std::f32::consts::TAU;

use super::edges::Peak;
use super::{Grid, MIN_CELL};

/// Peaks of the two axes: `[columns, rows]`.
pub(super) type Axes = [Vec<Peak>; 2];

/// Comb strength a local maximum needs to be tried as a candidate.
const MIN_COMB: f32 = 0.2;
/// Candidates tried, strongest comb first.
const CANDIDATES: usize = 12;

/// The first and last peak: the extent of the subject's edges.
pub(super) fn span(peaks: &[Peak]) -> Option<(f32, f32)> {
    Some((peaks.first()?.pos, peaks.last()?.pos))
}

/// The weighted sum of the peaks' phasors at frequency `f` (cycles per pixel): long when they share a phase.
fn comb(peaks: &[Peak], f: f32) -> (f32, f32) {
    peaks.iter().fold((0.0, 0.0), |(re, im), p| {
        let (s, c) = (TAU * f * p.pos).sin_cos();
        (re + p.weight * c, im + p.weight * s)
    })
}

/// Frequencies from `f_lo` to `f_hi` (in steps of `step`) where both axes' peaks agree best on a phase: local
/// maxima of the normalised comb length, strongest first. Phasors are advanced by one rotation per step
/// rather than recomputed, which keeps the scan to a few multiplications per peak.
pub(super) fn candidates(axes: &Axes, f_lo: f32, f_hi: f32, step: f32) -> Vec<f32> {
    let total: f32 = axes.iter().flatten().map(|p| p.weight).sum();
    if total <= 0.0 || step <= 0.0 || f_hi <= f_lo {
        return Vec::new();
    }
    let steps = (((f_hi - f_lo) / step).ceil() as usize).min(40_000);
    let phasors = |f: f32, peaks: &[Peak]| -> Vec<(f32, f32)> {
        peaks
            .iter()
            .map(|p| {
                let (s, c) = (TAU * f * p.pos).sin_cos();
                (c, s)
            })
            .collect()
    };
    let mut state = [phasors(f_lo, &axes[0]), phasors(f_lo, &axes[1])];
    let turns = [phasors(step, &axes[0]), phasors(step, &axes[1])];
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
            strength[i] >= strength[i - 1]
                && strength[i] > strength[i + 1]
                && strength[i] >= MIN_COMB
        })
        .map(|i| (strength[i], i))
        .collect();
    maxima.sort_by(|a, b| b.0.total_cmp(&a.0));
    maxima
        .into_iter()
        .take(CANDIDATES)
        .map(|(_, i)| f_lo + i as f32 * step)
        .collect()
}

/// The grid line index nearest `pos` and the signed distance to it.
fn nearest_line(pos: f32, cell: f32, phase: f32) -> (f32, f32) {
    let k = ((pos - phase) / cell).round();
    (k, pos - (phase + k * cell))
}

/// The phase the comb points to at this cell size.
pub(super) fn start_phase(peaks: &[Peak], cell: f32) -> f32 {
    let (re, im) = comb(peaks, 1.0 / cell);
    im.atan2(re).rem_euclid(TAU) / TAU * cell
}

/// Weighted least squares for the phase alone, over peaks within a third of a cell of a line.
pub(super) fn fit_phase(peaks: &[Peak], cell: f32, phase: f32) -> f32 {
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

/// Least squares for one shared cell size and a phase per axis (`pos = phase + k · cell` over the peaks near
/// a line), repeated as the assignment of peaks to lines settles.
pub(super) fn refine(axes: &Axes, cell: f32) -> Option<Grid> {
    let mut cell = cell as f64;
    let mut phases = [0, 1].map(|a| start_phase(&axes[a], cell as f32) as f64);
    for _ in 0..4 {
        // Per axis: Σw, Σwk, Σwx, Σwk², Σwkx.
        let mut sums = [[0f64; 5]; 2];
        for ((peaks, phase), s) in axes.iter().zip(phases).zip(&mut sums) {
            for p in peaks {
                let (k, r) = nearest_line(p.pos, cell as f32, phase as f32);
                if r.abs() <= (cell / 3.0) as f32 {
                    let (w, k, x) = (p.weight as f64, k as f64, p.pos as f64);
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
        cell_y: cell,
        phase_x: (phases[0] as f32).rem_euclid(cell),
        phase_y: (phases[1] as f32).rem_euclid(cell),
    })
}

/// The largest peak weight within `tolerance` of each grid line (offset by `shift` cells) across the
/// subject's span, per axis.
fn line_strengths(axes: &Axes, grid: &Grid, shift: f32) -> [Vec<f32>; 2] {
    let cell = grid.cell;
    let tolerance = (0.15 * cell).clamp(0.75, 2.0);
    [(0, grid.phase_x), (1, grid.phase_y)].map(|(a, phase)| {
        let peaks = &axes[a];
        let phase = phase + shift * cell;
        let Some((first, last)) = span(peaks) else {
            return Vec::new();
        };
        let (k0, _) = nearest_line(first, cell, phase);
        let (k1, _) = nearest_line(last, cell, phase);
        let mut strength = vec![0.0f32; (k1 - k0) as usize + 1];
        for p in peaks {
            let (k, r) = nearest_line(p.pos, cell, phase);
            if r.abs() <= tolerance && k >= k0 && k <= k1 {
                let s = &mut strength[(k - k0) as usize];
                *s = s.max(p.weight);
            }
        }
        strength
    })
}

/// How well a grid explains the peaks: phase agreement (the comb's normalised length) times the share of grid
/// lines across the subject that have a peak.
pub(super) fn score(axes: &Axes, grid: &Grid) -> f32 {
    let total: f32 = axes.iter().flatten().map(|p| p.weight).sum();
    let agreement: f32 = axes
        .iter()
        .map(|peaks| {
            let (re, im) = comb(peaks, 1.0 / grid.cell);
            (re * re + im * im).sqrt()
        })
        .sum();
    let strengths = line_strengths(axes, grid, 0.0);
    let lines: usize = strengths.iter().map(Vec::len).sum();
    let covered = strengths.iter().flatten().filter(|s| **s > 0.0).count();
    if total <= 0.0 || lines == 0 {
        return 0.0;
    }
    agreement / total * covered as f32 / lines as f32
}

/// The comb's length in units of its expected length for peaks at random places (`√Σw²`): how far the
/// alignment is beyond chance. Small or featureless images get a high [`score`] from a few peaks by luck; this
/// does not.
pub(super) fn significance(axes: &Axes, grid: &Grid) -> f32 {
    let squares: f32 = axes.iter().flatten().map(|p| p.weight * p.weight).sum();
    let length: f32 = axes
        .iter()
        .map(|peaks| {
            let (re, im) = comb(peaks, 1.0 / grid.cell);
            (re * re + im * im).sqrt()
        })
        .sum();
    if squares > 0.0 {
        length / squares.sqrt()
    } else {
        0.0
    }
}

/// Edge strength midway between grid lines relative to on them. Real upscaled art is flat inside its cells;
/// art already at one pixel per cell has as many edges between a false grid's lines as on them.
pub(super) fn mid_ratio(axes: &Axes, grid: &Grid) -> f32 {
    let sum = |shift| {
        line_strengths(axes, grid, shift)
            .iter()
            .flatten()
            .sum::<f32>()
    };
    let on = sum(0.0);
    if on > 0.0 { sum(0.5) / on } else { 1.0 }
}

/// Prefers the integer cell size when it explains the peaks as well: integer upscales are the common case and
/// report cleaner numbers.
pub(super) fn snap_to_integer(axes: &Axes, grid: Grid) -> Grid {
    let whole = grid.cell.round();
    if whole < MIN_CELL || (grid.cell - whole).abs() > 0.05 {
        return grid;
    }
    // The phase is carried to the middle of the peaks first: far from the origin the two cell sizes' lines
    // drift apart by more than the third of a cell that the phase fit looks within.
    let phase = |peaks: &[Peak], phase: f32| {
        let middle = span(peaks).map_or(phase, |(a, b)| {
            phase + (((a + b) / 2.0 - phase) / grid.cell).round() * grid.cell
        });
        fit_phase(peaks, whole, middle).rem_euclid(whole)
    };
    let snapped = Grid {
        cell: whole,
        cell_y: whole,
        phase_x: phase(&axes[0], grid.phase_x),
        phase_y: phase(&axes[1], grid.phase_y),
    };
    if residual(axes, &snapped) <= residual(axes, &grid) * 1.1 + 0.05 {
        snapped
    } else {
        grid
    }
}

/// Weighted RMS distance from the peaks near lines to those lines.
fn residual(axes: &Axes, grid: &Grid) -> f32 {
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
