//! Where things lie inside a tile, as functions of position that agree with the neighbouring tiles.
//!
//! A tile is drawn as a window onto a world laid out with its set. What these functions return for a pixel
//! depends only on what the tile's mask says about the cells around it, and where it depends on a
//! neighbour's cells it only uses what that neighbour's own mask says too. So the tile on the other side of
//! an edge, drawn from its own mask, computes the same things along the edge, and the two continue into
//! each other. (Textures do the same by repeating with the tile's period.)

use super::layout::{corner, neighbour};

/// A field between 0 (lower terrain) and 1 (upper terrain) over a tile, interpolated between control values
/// on a lattice of `cells`×`cells` squares: the tile's corners for Wang tiles; corners, edge midpoints and
/// centre for blob tiles. The values on a tile's edge are facts about the cells on either side of it, so the
/// neighbour has the same values there.
pub(crate) struct Lattice {
    /// `(cells + 1)²` values, row by row from the top left.
    values: Vec<f32>,
    cells: usize,
}

fn bit(mask: u8, bit: u8) -> f32 {
    if mask & bit != 0 { 1.0 } else { 0.0 }
}

impl Lattice {
    /// The same value everywhere.
    pub(crate) fn flat(value: f32) -> Self {
        Self {
            values: vec![value; 4],
            cells: 1,
        }
    }

    /// A Wang tile: 1 at its upper corners.
    pub(crate) fn corners(mask: u8) -> Self {
        use corner::*;
        Self {
            values: vec![bit(mask, NW), bit(mask, NE), bit(mask, SW), bit(mask, SE)],
            cells: 1,
        }
    }

    /// A blob tile: 1 at its centre, at the midpoint of each edge whose neighbour is the upper terrain, and
    /// at each corner whose three neighbours are.
    pub(crate) fn blob(mask: u8) -> Self {
        use neighbour::*;
        Self {
            values: vec![
                bit(mask, NW),
                bit(mask, N),
                bit(mask, NE),
                bit(mask, W),
                1.0,
                bit(mask, E),
                bit(mask, SW),
                bit(mask, S),
                bit(mask, SE),
            ],
            cells: 2,
        }
    }

    /// The field at point (`x`, `y`) of a `size`-pixel tile. Within 0.6 pixels of a lattice line it only
    /// depends on the values on that line, and beyond the tile's edges it stays as it is on them: so a pixel
    /// just across an edge reads here what the neighbour computes for it.
    pub(crate) fn at(&self, size: f32, x: f32, y: f32) -> f32 {
        let step = size / self.cells as f32;
        let flat = (0.6 / step).min(0.45);
        let locate = |p: f32| {
            let i = ((p / step).floor().max(0.0) as usize).min(self.cells - 1);
            let t = ((p / step - i as f32 - flat) / (1.0 - 2.0 * flat)).clamp(0.0, 1.0);
            (i, t * t * (3.0 - 2.0 * t))
        };
        let ((i, u), (j, v)) = (locate(x), locate(y));
        let value = |i: usize, j: usize| self.values[j * (self.cells + 1) + i];
        let top = value(i, j) + (value(i + 1, j) - value(i, j)) * u;
        let bottom = value(i, j + 1) + (value(i + 1, j + 1) - value(i, j + 1)) * u;
        top + (bottom - top) * v
    }
}

/// How a point of a solid platformer tile meets the open air around it.
pub(crate) struct Exposure {
    /// Distance to the nearest open air, in pixels.
    pub(crate) depth: f32,
    /// Unit vector towards that open air.
    pub(crate) towards: (f32, f32),
}

/// How far point (`x`, `y`) of a `size`-pixel platformer tile lies below a top surface (solid ground with
/// open air above it) that reaches to within a pixel of it sideways: the tile's own top, or the top of a
/// neighbour beside it that a wall rises over (the grass of a step runs one pixel on under the wall). Infinite
/// where there is none.
pub(crate) fn under_surface(mask: u8, size: f32, (x, y): (f32, f32)) -> f32 {
    use neighbour::*;
    let open = |bit: u8| mask & bit == 0;
    let step = |side: u8, corner: u8| !open(side) && open(corner);
    if open(N) || (x < 1.0 && step(W, NW)) || (x > size - 1.0 && step(E, NE)) {
        y
    } else {
        f32::INFINITY
    }
}

/// How point (`x`, `y`) of a `size`-pixel platformer tile with neighbour mask `mask` meets open air, or
/// `None` where the point is open air itself: outer corners (both edges beside them open) are rounded off
/// with `radius`. An open diagonal the mask cannot see lies beyond an open edge, which is nearer.
pub(crate) fn exposure(mask: u8, size: f32, radius: f32, (x, y): (f32, f32)) -> Option<Exposure> {
    use neighbour::*;
    let mut nearest = Exposure {
        depth: f32::INFINITY,
        towards: (0.0, 0.0),
    };
    let mut offer = |depth: f32, towards: (f32, f32)| {
        if depth < nearest.depth {
            nearest = Exposure { depth, towards };
        }
    };
    for &(bit, (dx, dy)) in &OFFSETS {
        if mask & bit == 0 {
            let (left, top) = (dx as f32 * size, dy as f32 * size);
            let (qx, qy) = (x.clamp(left, left + size), y.clamp(top, top + size));
            let depth = (qx - x).hypot(qy - y);
            offer(depth, ((qx - x) / depth, (qy - y) / depth));
        }
    }
    let corners = [
        (N | W, radius, radius),
        (N | E, size - radius, radius),
        (S | E, size - radius, size - radius),
        (S | W, radius, size - radius),
    ];
    for (edges, cx, cy) in corners {
        let beyond = |p: f32, c: f32| (p - c) * (c - size / 2.0) > 0.0;
        if mask & edges == 0 && beyond(x, cx) && beyond(y, cy) {
            let from_centre = (x - cx).hypot(y - cy);
            if from_centre > radius {
                return None;
            }
            let towards = if from_centre > 1e-4 {
                ((x - cx) / from_centre, (y - cy) / from_centre)
            } else {
                (0.0, -1.0)
            };
            offer(radius - from_centre, towards);
        }
    }
    Some(nearest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_along_an_edge_depends_only_on_that_edge() {
        // Two Wang tiles side by side sharing an upper NE/NW corner, with different far corners.
        let left = Lattice::corners(corner::NE | corner::SW);
        let right = Lattice::corners(corner::NW | corner::NE | corner::SE);
        let size = 16.0;
        for y in 0..16 {
            let y = y as f32 + 0.5;
            assert_eq!(left.at(size, 16.5, y), right.at(size, 0.5, y));
            assert_eq!(left.at(size, 15.5, y), right.at(size, -0.5, y));
        }
    }

    #[test]
    fn grass_runs_one_pixel_under_a_wall_and_no_further() {
        use neighbour::*;
        let inner_top_left = ALL & !NW;
        assert_eq!(under_surface(inner_top_left, 16.0, (0.5, 2.5)), 2.5);
        assert_eq!(
            under_surface(inner_top_left, 16.0, (1.5, 2.5)),
            f32::INFINITY
        );
        // A wall open to the west has no surface beside it, whatever lies beyond its corner.
        let left = N | NE | E | SE | S;
        assert_eq!(under_surface(left, 16.0, (0.5, 2.5)), f32::INFINITY);
    }

    #[test]
    fn platformer_corners_are_rounded_where_both_edges_are_open() {
        let lone = 0;
        assert!(exposure(lone, 16.0, 2.0, (0.5, 0.5)).is_none());
        let top = exposure(lone, 16.0, 2.0, (8.5, 0.5)).unwrap();
        assert_eq!((top.depth, top.towards), (0.5, (0.0, -1.0)));
        let filled = neighbour::ALL;
        assert_eq!(
            exposure(filled, 16.0, 2.0, (0.5, 0.5)).unwrap().depth,
            f32::INFINITY
        );
    }
}
