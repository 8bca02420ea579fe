//! Value noise, the texture under every tile.

use crate::rng::mix;

/// Value noise on a lattice that repeats `cells` times across the tile, so it wraps without a seam.
pub(crate) struct Noise {
    pub(crate) seed: u64,
    pub(crate) width: f32,
    pub(crate) height: f32,
}

impl Noise {
    fn lattice(&self, x: i64, y: i64) -> f32 {
        let h = mix(self.seed
            ^ (x as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ (y as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f));
        (h >> 40) as f32 / (1u64 << 24) as f32
    }

    fn at(&self, x: f32, y: f32, cells: u32) -> f32 {
        let cells_x = i64::from(cells.max(1));
        let cells_y = ((cells as f32 * self.height / self.width).round() as i64).max(1);
        let u = x / self.width * cells_x as f32;
        let v = y / self.height * cells_y as f32;
        let (i, j) = (u.floor() as i64, v.floor() as i64);
        let smooth = |t: f32| t * t * (3.0 - 2.0 * t);
        let (tx, ty) = (smooth(u - i as f32), smooth(v - j as f32));
        let corner = |di: i64, dj: i64| {
            self.lattice((i + di).rem_euclid(cells_x), (j + dj).rem_euclid(cells_y))
        };
        let top = corner(0, 0) + (corner(1, 0) - corner(0, 0)) * tx;
        let bottom = corner(0, 1) + (corner(1, 1) - corner(0, 1)) * tx;
        top + (bottom - top) * ty
    }

    /// Two octaves: broad patches with some finer grain.
    pub(crate) fn patches(&self, x: usize, y: usize) -> f32 {
        self.patches_at(x as f32 + 0.5, y as f32 + 0.5)
    }

    /// `patches` at any point: outside the tile it reads the next copy of the tile, so a tileset's tiles can
    /// sample one field at world coordinates.
    pub(crate) fn patches_at(&self, x: f32, y: f32) -> f32 {
        let cells = (self.width.min(self.height) / 8.0).max(2.0) as u32;
        0.65 * self.at(x, y, cells) + 0.35 * self.at(x, y, cells * 2)
    }
}
