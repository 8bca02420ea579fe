//! Downscale: one output pixel per grid cell, coloured by the cell's dominant colour.
//!
//! Diffusion output is noisy and cell edges are blurred, so a cell is read from its interior only, and from
//! several pixels rather than one: the colour most of them agree on, averaged over the samples close to it to
//! cancel noise, never blended with a minority colour from a neighbouring cell.

use image::{Rgba, RgbaImage};

use crate::color::is_opaque;
use crate::grid::Grid;

/// Share of the cell on each side left out as blurred boundary.
pub(crate) const MARGIN: f32 = 0.25;
/// Samples per cell and axis; enough to out-vote noise, bounded so huge cells stay cheap.
const SAMPLES_PER_AXIS: usize = 8;
/// Colours further apart than this (RGB distance) are never averaged together.
const MAX_BLEND: u32 = 48;

/// One pixel per cell of `grid`.
pub fn downscale(img: &RgbaImage, grid: &Grid) -> RgbaImage {
    let xs = Grid::spans(img.width(), grid.cell, grid.phase_x);
    let ys = Grid::spans(img.height(), grid.cell_y, grid.phase_y);
    resample(img, &xs, &ys, (grid.cell, grid.cell_y))
}

/// One pixel per `(column span, row span)` pair; `cell` is the nominal cell size across and down that sets
/// the margins.
pub(crate) fn resample(
    img: &RgbaImage,
    xs: &[(f32, f32)],
    ys: &[(f32, f32)],
    cell: (f32, f32),
) -> RgbaImage {
    let columns: Vec<Vec<u32>> = xs
        .iter()
        .map(|&s| sample_points(s, MARGIN * cell.0, img.width()))
        .collect();
    let rows: Vec<Vec<u32>> = ys
        .iter()
        .map(|&s| sample_points(s, MARGIN * cell.1, img.height()))
        .collect();
    let mut samples = Vec::with_capacity(SAMPLES_PER_AXIS * SAMPLES_PER_AXIS);
    let mut out = RgbaImage::new(xs.len() as u32, ys.len() as u32);
    for (cy, row) in rows.iter().enumerate() {
        for (cx, column) in columns.iter().enumerate() {
            samples.clear();
            samples.extend(
                row.iter()
                    .flat_map(|&y| column.iter().map(move |&x| *img.get_pixel(x, y))),
            );
            out.put_pixel(cx as u32, cy as u32, dominant(&mut samples));
        }
    }
    out
}

/// Pixel indices inside `(start, end)` less the margin, evenly thinned to at most `SAMPLES_PER_AXIS`; the
/// centre pixel when the margin leaves none.
pub(crate) fn sample_points((start, end): (f32, f32), margin: f32, len: u32) -> Vec<u32> {
    if len == 0 {
        return Vec::new();
    }
    let lo = (start + margin - 0.5).ceil().max(0.0) as i64;
    let hi = ((end - margin - 0.5).floor() as i64).min(len as i64 - 1);
    if hi < lo {
        return vec![(((start + end) / 2.0).floor().max(0.0) as u32).min(len - 1)];
    }
    let n = (hi - lo + 1) as usize;
    if n <= SAMPLES_PER_AXIS {
        return (lo..=hi).map(|i| i as u32).collect();
    }
    (0..SAMPLES_PER_AXIS)
        .map(|i| (lo + (i * (n - 1)) as i64 / (SAMPLES_PER_AXIS - 1) as i64) as u32)
        .collect()
}

fn distance_squared(a: &Rgba<u8>, b: &Rgba<u8>) -> u32 {
    (0..3)
        .map(|i| (a[i] as i32 - b[i] as i32).pow(2) as u32)
        .sum()
}

/// The colour most samples agree on: transparent when most are; otherwise the opaque sample nearest the
/// per-channel median, averaged with the nearer half of the others when they are close enough to be noise.
fn dominant(samples: &mut Vec<Rgba<u8>>) -> Rgba<u8> {
    if samples.len() == 1 {
        return samples[0];
    }
    let total = samples.len();
    samples.retain(is_opaque);
    if samples.len() * 2 <= total {
        return Rgba([0, 0, 0, 0]);
    }
    let median = Rgba(std::array::from_fn(|c| {
        let mut channel: Vec<u8> = samples.iter().map(|p| p[c]).collect();
        let mid = channel.len() / 2;
        *channel.select_nth_unstable(mid).1
    }));
    let centre = *samples
        .iter()
        .min_by_key(|p| distance_squared(p, &median))
        .unwrap_or(&median);
    let mut distances: Vec<u32> = samples
        .iter()
        .map(|p| distance_squared(p, &centre))
        .collect();
    let mid = distances.len() / 2;
    let radius = (*distances.select_nth_unstable(mid).1).min(MAX_BLEND * MAX_BLEND);
    let (mut sum, mut n) = ([0u32; 4], 0u32);
    for p in samples
        .iter()
        .filter(|p| distance_squared(p, &centre) <= radius)
    {
        for (s, v) in sum.iter_mut().zip(p.0) {
            *s += v as u32;
        }
        n += 1;
    }
    Rgba(sum.map(|s| ((s + n / 2) / n) as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pixel_cells_copy_the_image() {
        let img = RgbaImage::from_fn(5, 3, |x, y| {
            Rgba([x as u8 * 40, y as u8 * 80, 7, (x * 60) as u8])
        });
        assert_eq!(downscale(&img, &Grid::PIXEL), img);
    }

    #[test]
    fn majority_wins_over_a_blurred_neighbour() {
        // Cells of 10 px; the first 3 columns of each cell are the previous cell's colour bleeding in.
        let img = RgbaImage::from_fn(40, 10, |x, _| {
            let cell = (x.saturating_sub(3)) / 10;
            if cell % 2 == 0 {
                Rgba([200, 10, 10, 255])
            } else {
                Rgba([10, 10, 200, 255])
            }
        });
        let out = downscale(
            &img,
            &Grid {
                cell: 10.0,
                cell_y: 10.0,
                phase_x: 0.0,
                phase_y: 0.0,
            },
        );
        let colors: Vec<_> = out.pixels().map(|p| p[0]).collect();
        assert_eq!(colors, [200, 10, 200, 10]);
    }

    #[test]
    fn noise_is_averaged_out() {
        let img = RgbaImage::from_fn(16, 16, |x, y| {
            let n = ((x * 31 + y * 17) % 11) as u8;
            Rgba([95 + n, 100, 105 - n, 255])
        });
        let out = downscale(
            &img,
            &Grid {
                cell: 16.0,
                cell_y: 16.0,
                phase_x: 0.0,
                phase_y: 0.0,
            },
        );
        let p = out.get_pixel(0, 0);
        assert!(
            (p[0] as i32 - 100).abs() <= 3 && (p[2] as i32 - 100).abs() <= 3,
            "{p:?}"
        );
    }

    #[test]
    fn cells_mostly_transparent_become_transparent() {
        let img = RgbaImage::from_fn(8, 8, |x, _| {
            if x < 2 {
                Rgba([9, 9, 9, 255])
            } else {
                Rgba([0, 0, 0, 0])
            }
        });
        let out = downscale(
            &img,
            &Grid {
                cell: 8.0,
                cell_y: 8.0,
                phase_x: 0.0,
                phase_y: 0.0,
            },
        );
        assert_eq!(out.get_pixel(0, 0)[3], 0);
    }
}
