//! Edge strength profiles and their peaks: the raw evidence of where cell boundaries are.
//!
//! Colour differences are summed across every column boundary (and row boundary) in bands of rows (columns),
//! so the profiles can later be limited to the subject: summing over an empty noisy background would bury a
//! small sprite's edges in noise.

use std::ops::Range;

use image::RgbaImage;

/// Side of the blocks in which edge activity is measured to find the subject.
const BLOCK: usize = 16;
/// JPEG's 8×8 blocks leave a faint comb of their own that must not pass for a grid.
const JPEG_BLOCK: usize = 8;
/// Peaks kept per axis, strongest first; a 64-cell sprite has 65 boundaries, the rest is noise.
const MAX_PEAKS: usize = 192;
/// How far either side of a peak its prominence is measured.
const PROMINENCE_WINDOW: usize = 24;

/// Edge strength by band: `columns[b][i]` sums the colour differences across column boundary `i` (between
/// pixels `i` and `i + 1`) over the rows of band `b`; `rows[b][j]` likewise across row boundary `j` over the
/// columns of band `b`.
pub(super) struct EdgeMap {
    width: usize,
    height: usize,
    columns: Vec<Vec<f32>>,
    rows: Vec<Vec<f32>>,
    /// Per-channel difference between neighbours below which a step counts as noise.
    pub noise: u8,
}

/// Edge strength along one axis over part of the image: `values[i]` is at boundary coordinate
/// `offset + i + 1` (the left or top edge of pixel `offset + i + 1`).
pub(super) struct Profile {
    pub values: Vec<f32>,
    pub offset: usize,
}

impl EdgeMap {
    pub fn of(img: &RgbaImage) -> EdgeMap {
        let (width, height) = (img.width() as usize, img.height() as usize);
        let stride = width * 4;
        let mut columns = vec![vec![0f32; width.saturating_sub(1)]; height.div_ceil(BLOCK)];
        let mut rows = vec![vec![0f32; height.saturating_sub(1)]; width.div_ceil(BLOCK)];
        if width == 0 || height == 0 {
            return EdgeMap {
                width,
                height,
                columns,
                rows,
                noise: 0,
            };
        }
        let raw = img.as_raw();
        let noise = noise_floor(raw, stride);
        let step = |a: &u8, b: &u8| a.abs_diff(*b).saturating_sub(noise) as u32;
        // Per-byte sums so the inner loops vectorise; folded into per-column sums at each band's end.
        let mut bytes = vec![0u32; stride - 4];
        for (r, row) in raw.chunks_exact(stride).enumerate() {
            for ((acc, a), b) in bytes.iter_mut().zip(row).zip(&row[4..]) {
                *acc += step(a, b);
            }
            if r % BLOCK == BLOCK - 1 || r + 1 == height {
                for (column, pixel) in columns[r / BLOCK].iter_mut().zip(bytes.chunks_exact(4)) {
                    *column = pixel.iter().sum::<u32>() as f32;
                }
                bytes.fill(0);
            }
            if let Some(next) = raw.get((r + 1) * stride..(r + 2) * stride) {
                let bands = row.chunks(BLOCK * 4).zip(next.chunks(BLOCK * 4));
                for (band, (a, b)) in rows.iter_mut().zip(bands) {
                    band[r] = a.iter().zip(b).map(|(a, b)| step(a, b)).sum::<u32>() as f32;
                }
            }
        }
        EdgeMap {
            width,
            height,
            columns,
            rows,
            noise,
        }
    }

    /// Profiles over the whole image.
    pub fn whole(&self) -> (Profile, Profile) {
        self.profiles(0..self.width, 0..self.height)
    }

    /// Profiles over the subject: the largest group of blocks whose edge activity stands out from the typical
    /// block (the background), with one block of margin. `None` when nothing stands out.
    pub fn subject(&self) -> Option<(Profile, Profile)> {
        let (bw, bh) = (self.width.div_ceil(BLOCK), self.height.div_ceil(BLOCK));
        let activity: Vec<f32> = (0..bw * bh)
            .map(|i| {
                let (bx, by) = (i % bw, i / bw);
                let sum = |line: &[f32], b: usize| {
                    line[(b * BLOCK).min(line.len())..((b + 1) * BLOCK).min(line.len())]
                        .iter()
                        .sum::<f32>()
                };
                sum(&self.columns[by], bx) + sum(&self.rows[bx], by)
            })
            .collect();
        let mut sorted = activity.clone();
        sorted.sort_by(f32::total_cmp);
        let (Some(&median), Some(&max)) = (sorted.get(sorted.len() / 2), sorted.last()) else {
            return None;
        };
        let mut deviations: Vec<f32> = sorted.iter().map(|a| (a - median).abs()).collect();
        deviations.sort_by(f32::total_cmp);
        let mad = deviations[deviations.len() / 2];
        // Clearly active blocks weigh the groups; groups join through moderately active ones, so a noisy
        // sprite's edges are not split into fragments.
        let strong = median + (6.0 * mad).max(0.05 * (max - median));
        let joined = median + 2.0 * mad;
        let (x0, y0, x1, y1) = main_cluster(&activity, bw, joined, strong)?;
        let pixels = |b0: usize, b1: usize, len: usize| {
            b0.saturating_sub(1) * BLOCK..((b1 + 2) * BLOCK).min(len)
        };
        Some(self.profiles(pixels(x0, x1, self.width), pixels(y0, y1, self.height)))
    }

    fn profiles(&self, xs: Range<usize>, ys: Range<usize>) -> (Profile, Profile) {
        let sum = |bands: &[Vec<f32>], across: &Range<usize>, along: &Range<usize>| -> Profile {
            let band_range = across.start / BLOCK..across.end.div_ceil(BLOCK);
            let end = along.end.saturating_sub(1).max(along.start);
            let mut values: Vec<f32> = vec![0.0; end - along.start];
            for band in &bands[band_range] {
                for (v, b) in values.iter_mut().zip(&band[along.start..end]) {
                    *v += b;
                }
            }
            deblock(&mut values, along.start);
            Profile {
                values,
                offset: along.start,
            }
        };
        (sum(&self.columns, &ys, &xs), sum(&self.rows, &xs, &ys))
    }
}

/// Twice the median difference between horizontal neighbours, per channel, from a sample of rows: steps below
/// it are mostly noise (and JPEG's small block steps riding on noise), so only the excess counts as edge.
/// Zero for clean art, whose neighbours are mostly equal.
fn noise_floor(raw: &[u8], stride: usize) -> u8 {
    let mut histogram = [0u32; 256];
    for row in raw.chunks_exact(stride).step_by(7) {
        for (a, b) in row.iter().zip(&row[4..]) {
            histogram[a.abs_diff(*b) as usize] += 1;
        }
    }
    let half = histogram.iter().sum::<u32>() / 2;
    let mut seen = 0;
    let median = histogram.iter().position(|n| {
        seen += n;
        seen > half
    });
    (median.unwrap_or(0) * 2).min(255) as u8
}

/// The bounding box `(x0, y0, x1, y1)` of the connected group of blocks above `joined` (eight neighbours
/// touching) with the most activity above `strong`: the subject, not a stray noisy block.
fn main_cluster(
    activity: &[f32],
    width: usize,
    joined: f32,
    strong: f32,
) -> Option<(usize, usize, usize, usize)> {
    let height = activity.len() / width.max(1);
    let mut seen = vec![false; activity.len()];
    let mut best: Option<(f32, (usize, usize, usize, usize))> = None;
    for start in 0..activity.len() {
        if seen[start] || activity[start] <= strong {
            continue;
        }
        seen[start] = true;
        let (mut stack, mut mass) = (vec![start], 0.0);
        let mut bounds = (usize::MAX, usize::MAX, 0, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % width, i / width);
            mass += (activity[i] - strong).max(0.0);
            bounds = (
                bounds.0.min(x),
                bounds.1.min(y),
                bounds.2.max(x),
                bounds.3.max(y),
            );
            for ny in y.saturating_sub(1)..=(y + 1).min(height - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(width - 1) {
                    let j = ny * width + nx;
                    if !seen[j] && activity[j] > joined {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        if best.is_none_or(|(m, _)| mass > m) {
            best = Some((mass, bounds));
        }
    }
    best.map(|(_, bounds)| bounds)
}

/// Removes the comb JPEG's 8×8 blocks add at every eighth boundary: the typical excess there over the
/// neighbours, which a real sprite edge far exceeds.
fn deblock(values: &mut [f32], offset: usize) {
    if values.len() < 4 * JPEG_BLOCK {
        return;
    }
    // Boundary coordinate offset + i + 1 on a multiple of 8.
    let first = (JPEG_BLOCK - (offset + 1) % JPEG_BLOCK) % JPEG_BLOCK;
    let on_blocks =
        || (first.max(1)..values.len() - 1).filter(move |i| (i - first).is_multiple_of(JPEG_BLOCK));
    let mut excess: Vec<f32> = on_blocks()
        .map(|i| values[i] - (values[i - 1] + values[i + 1]) / 2.0)
        .collect();
    if excess.is_empty() {
        return;
    }
    let mid = excess.len() / 2;
    let typical = *excess.select_nth_unstable_by(mid, f32::total_cmp).1;
    if typical > 0.0 {
        for i in on_blocks().collect::<Vec<_>>() {
            values[i] = (values[i] - typical).max(0.0);
        }
    }
}

/// A local maximum of edge strength: a likely cell boundary at sub-pixel `pos` (boundary coordinate),
/// `weight` its prominence over the surrounding valleys.
#[derive(Clone, Copy, Debug)]
pub(super) struct Peak {
    pub pos: f32,
    pub weight: f32,
}

/// The significant peaks of a profile, in order of position. Prominence rather than height, so a raised
/// noise floor or a background gradient does not count; significance relative to both the typical peak
/// (noise, when cells are large) and the strong ones (edges, when cells are small).
pub(super) fn peaks(profile: &Profile) -> Vec<Peak> {
    let v = &profile.values;
    let mut found: Vec<Peak> = (1..v.len().saturating_sub(1))
        .filter(|&i| v[i] > v[i - 1] && v[i] >= v[i + 1])
        .filter_map(|i| {
            let valley = |range: &mut dyn Iterator<Item = usize>| {
                range
                    .take(PROMINENCE_WINDOW)
                    .take_while(|&j| v[j] <= v[i])
                    .map(|j| v[j])
                    .fold(v[i], f32::min)
            };
            let left = valley(&mut (0..i).rev());
            let right = valley(&mut (i + 1..v.len()));
            let weight = v[i] - left.max(right);
            let curvature = v[i - 1] - 2.0 * v[i] + v[i + 1];
            let shift = if curvature < 0.0 {
                (0.5 * (v[i - 1] - v[i + 1]) / curvature).clamp(-0.5, 0.5)
            } else {
                0.0
            };
            (weight > 0.0).then(|| Peak {
                pos: (profile.offset + i + 1) as f32 + shift,
                weight,
            })
        })
        .collect();
    if found.is_empty() {
        return found;
    }
    let mut weights: Vec<f32> = found.iter().map(|p| p.weight).collect();
    weights.sort_by(|a, b| b.total_cmp(a));
    let median = weights[weights.len() / 2];
    let strong = weights[weights.len() / 10];
    let significant = (2.0 * median).min(0.1 * strong);
    found.retain(|p| p.weight >= significant);
    if found.len() > MAX_PEAKS {
        found.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        found.truncate(MAX_PEAKS);
        found.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    }
    found
}
