//! Tileset layouts as data: which tiles a set has, where each sits in its sheet, what it connects to, and
//! which tile an autotiler puts on a cell of a terrain grid.
//!
//! Grids are read as in the sheet: `x` grows to the right, `y` downwards, row 0 at the top.

use std::collections::BTreeSet;

/// Bits of a [`Mask::Corners`] mask: which corners of a Wang tile are the upper terrain. They follow the
/// corners clockwise from the top right, so the mask of a tile is also its index in the set.
pub mod corner {
    pub const NE: u8 = 1;
    pub const SE: u8 = 2;
    pub const SW: u8 = 4;
    pub const NW: u8 = 8;
}

/// Bits of a [`Mask::Neighbours`] mask: which of a cell's eight neighbours are the same terrain as the cell,
/// clockwise from the top. A corner bit is only set when both edge bits beside it are, so of the 256
/// masks 47 occur.
pub mod neighbour {
    pub const N: u8 = 1;
    pub const NE: u8 = 2;
    pub const E: u8 = 4;
    pub const SE: u8 = 8;
    pub const S: u8 = 16;
    pub const SW: u8 = 32;
    pub const W: u8 = 64;
    pub const NW: u8 = 128;
    /// The four edge bits.
    pub const EDGES: u8 = N | E | S | W;
    pub const ALL: u8 = 255;
    /// Each bit and the offset (x right, y down) of the neighbour it stands for, in bit order.
    pub const OFFSETS: [(u8, (i32, i32)); 8] = [
        (N, (0, -1)),
        (NE, (1, -1)),
        (E, (1, 0)),
        (SE, (1, 1)),
        (S, (0, 1)),
        (SW, (-1, 1)),
        (W, (-1, 0)),
        (NW, (-1, -1)),
    ];
}

use neighbour::{ALL, E, EDGES, N, NE, NW, OFFSETS, S, SE, SW, W};

/// Which tiles a set has and how they fit together. Two-terrain sets have an upper terrain (drawn raised,
/// the one grid cells mark) and a lower one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Tiles of one terrain that repeat in both directions, any of them next to any other: `variants` tiles
    /// (0 counts as 1) in one row; they differ inside and share their edges. A prompt with two terrains
    /// mixes them in patches.
    Seamless { variants: u8 },
    /// The 16 tiles of two terrains meeting at tile corners, one per combination of the four corners being
    /// lower or upper terrain. Tile `i` has [`Mask::Corners`] `i` and sits in a 4×4 grid read row by row.
    Wang2Corner,
    /// The 47 tiles of the upper terrain on the lower one, one per [`Mask::Neighbours`] mask, by ascending
    /// mask in an 8×6 grid read row by row; the 48th slot (index 47, bottom right) is the plain lower
    /// terrain, for the cells that are not the upper terrain.
    Blob47,
    /// A side view of solid ground (the upper terrain is the grass on top, the lower one the fill), in a
    /// 6×4 grid:
    ///
    /// | row | columns 0–2 | 3 | 4 | 5 |
    /// |---|---|---|---|---|
    /// | 0 | `top_left` `top` `top_right` | `column_top` | `inner_top_left` | `inner_top_right` |
    /// | 1 | `left` `fill` `right` | `column` | `inner_bottom_left` | `inner_bottom_right` |
    /// | 2 | `bottom_left` `bottom` `bottom_right` | `column_bottom` | `block` | |
    /// | 3 | `platform_left` `platform` `platform_right` | | | |
    ///
    /// The first 3×3 is a block of ground (edges, outer corners and fill), column 3 a one-tile-wide column,
    /// row 3 a one-tile-high floating platform, `block` a lone tile; an `inner_*` tile is fill with that one
    /// diagonal neighbour open, where a step meets a wall.
    Platformer,
}

/// What a tile connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mask {
    /// Fits next to any tile of its kind: seamless variants, and blob47's plain lower terrain.
    None,
    /// Wang: which corners are the upper terrain, in the bits of [`corner`].
    Corners(u8),
    /// Blob47 and platformer: which neighbours are the same terrain as the cell, in the bits of
    /// [`neighbour`].
    Neighbours(u8),
}

/// A tile of a layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tile {
    /// Position in [`Layout::tiles`]; what [`Layout::pick`] returns.
    pub index: usize,
    /// A stable name: `top_left`, `blob_031`, `upper_ne_sw`, `variant_2`.
    pub name: String,
    /// Column of the tile in the sheet, counted in tiles from the left.
    pub column: u32,
    /// Row of the tile in the sheet, counted in tiles from the top.
    pub row: u32,
    pub mask: Mask,
}

/// A side of a tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    North,
    East,
    South,
    West,
}

impl Side {
    /// The offset, in tiles, of the neighbour on this side.
    pub fn offset(self) -> (i32, i32) {
        match self {
            Self::North => (0, -1),
            Self::East => (1, 0),
            Self::South => (0, 1),
            Self::West => (-1, 0),
        }
    }
}

/// Two tiles that may lie side by side: `second` on the `side` of `first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pair {
    pub first: usize,
    pub second: usize,
    pub side: Side,
}

/// The 47 masks of [`Layout::Blob47`], ascending: every mask whose corner bits only come with both edges.
const BLOB_MASKS: [u8; 47] = {
    let mut masks = [0; 47];
    let (mut mask, mut found) = (0, 0);
    while mask < 256 {
        if reduce(mask as u8) == mask as u8 {
            masks[found] = mask as u8;
            found += 1;
        }
        mask += 1;
    }
    masks
};

/// Blob47's plain lower-terrain tile.
const BLOB_LOWER: usize = 47;

/// Name, column, row and mask of each platformer tile. The mask is what the cell's neighbours are when the
/// tile fits exactly.
const PLATFORMER: [(&str, u32, u32, u8); 20] = [
    ("top_left", 0, 0, E | SE | S),
    ("top", 1, 0, E | SE | S | SW | W),
    ("top_right", 2, 0, S | SW | W),
    ("column_top", 3, 0, S),
    ("inner_top_left", 4, 0, ALL & !NW),
    ("inner_top_right", 5, 0, ALL & !NE),
    ("left", 0, 1, N | NE | E | SE | S),
    ("fill", 1, 1, ALL),
    ("right", 2, 1, N | S | SW | W | NW),
    ("column", 3, 1, N | S),
    ("inner_bottom_left", 4, 1, ALL & !SW),
    ("inner_bottom_right", 5, 1, ALL & !SE),
    ("bottom_left", 0, 2, N | NE | E),
    ("bottom", 1, 2, N | NE | E | W | NW),
    ("bottom_right", 2, 2, N | W | NW),
    ("column_bottom", 3, 2, N),
    ("block", 4, 2, 0),
    ("platform_left", 0, 3, E),
    ("platform", 1, 3, E | W),
    ("platform_right", 2, 3, W),
];

/// Clears the corner bits whose two edges are not both set.
const fn reduce(mask: u8) -> u8 {
    let corners = [(NE, N, E), (SE, S, E), (SW, S, W), (NW, N, W)];
    let mut reduced = mask & EDGES;
    let mut i = 0;
    while i < corners.len() {
        let (corner, a, b) = corners[i];
        if mask & corner != 0 && mask & a != 0 && mask & b != 0 {
            reduced |= corner;
        }
        i += 1;
    }
    reduced
}

/// The [`Mask::Neighbours`] mask of the cell at (0, 0): which neighbours `is_upper` says are the upper
/// terrain, corners counted only when both edges beside them are.
pub fn neighbour_mask(is_upper: impl Fn(i32, i32) -> bool) -> u8 {
    let mask = OFFSETS
        .iter()
        .filter(|&&(_, (dx, dy))| is_upper(dx, dy))
        .fold(0, |mask, &(bit, _)| mask | bit);
    reduce(mask)
}

/// The Wang tile whose corners are the upper terrain where given: its index and its [`Mask::Corners`].
pub fn pick_corners(ne: bool, se: bool, sw: bool, nw: bool) -> usize {
    [ne, se, sw, nw]
        .iter()
        .enumerate()
        .filter(|&(_, &upper)| upper)
        .fold(0, |index, (bit, _)| index | 1 << bit)
}

impl Layout {
    /// The name a request or manifest uses: `seamless`, `wang2corner`, `blob47`, `platformer`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Seamless { .. } => "seamless",
            Self::Wang2Corner => "wang2corner",
            Self::Blob47 => "blob47",
            Self::Platformer => "platformer",
        }
    }

    /// Columns and rows of the sheet, in tiles.
    pub fn grid(&self) -> (u32, u32) {
        match *self {
            Self::Seamless { variants } => (u32::from(variants.max(1)), 1),
            Self::Wang2Corner => (4, 4),
            Self::Blob47 => (8, 6),
            Self::Platformer => (6, 4),
        }
    }

    /// Every tile of the set, in index order.
    pub fn tiles(&self) -> Vec<Tile> {
        let (columns, _) = self.grid();
        let in_grid = |index: usize, name: String, mask: Mask| Tile {
            index,
            name,
            column: index as u32 % columns,
            row: index as u32 / columns,
            mask,
        };
        match *self {
            Self::Seamless { variants } => (0..usize::from(variants.max(1)))
                .map(|i| in_grid(i, format!("variant_{i}"), Mask::None))
                .collect(),
            Self::Wang2Corner => (0..16)
                .map(|mask| in_grid(mask.into(), wang_name(mask), Mask::Corners(mask)))
                .collect(),
            Self::Blob47 => BLOB_MASKS
                .iter()
                .enumerate()
                .map(|(i, &mask)| in_grid(i, format!("blob_{mask:03}"), Mask::Neighbours(mask)))
                .chain([in_grid(BLOB_LOWER, "lower".into(), Mask::None)])
                .collect(),
            Self::Platformer => PLATFORMER
                .iter()
                .enumerate()
                .map(|(index, &(name, column, row, mask))| Tile {
                    index,
                    name: name.into(),
                    column,
                    row,
                    mask: Mask::Neighbours(mask),
                })
                .collect(),
        }
    }

    /// The tile for the cell at (0, 0) of a terrain grid, where `is_upper(dx, dy)` says whether the cell at
    /// that offset is the upper terrain (cells off the map should read as the lower one):
    /// - seamless: always the first variant (a game may scatter the others);
    /// - Wang: the grid's cells are the tiles' corners, so the tile sits where cells (0, 0), (1, 0), (0, 1)
    ///   and (1, 1) meet: half a cell right of and below cell (0, 0), a "dual grid" one tile smaller each
    ///   way (use [`pick_corners`] for a grid of corner values);
    /// - blob47: the tile of the cell's mask, or the plain lower terrain;
    /// - platformer: the tile of the cell's mask, or for masks the set has no tile for, the tile of the same
    ///   four edges (fill with an open diagonal is the inner corner of the first open one of NW, NE, SW,
    ///   SE); `None` for open air.
    pub fn pick(&self, is_upper: impl Fn(i32, i32) -> bool) -> Option<usize> {
        match self {
            Self::Seamless { .. } => Some(0),
            Self::Wang2Corner => Some(pick_corners(
                is_upper(1, 0),
                is_upper(1, 1),
                is_upper(0, 1),
                is_upper(0, 0),
            )),
            Self::Blob47 if !is_upper(0, 0) => Some(BLOB_LOWER),
            Self::Blob47 => BLOB_MASKS.binary_search(&neighbour_mask(is_upper)).ok(),
            Self::Platformer => is_upper(0, 0).then(|| platformer_tile(neighbour_mask(is_upper))),
        }
    }

    /// Every pair of tiles that can lie side by side in a grid drawn with this set, east or south of one
    /// another: for Wang tiles those whose shared corners agree, for blob and platformer tiles those whose
    /// masks agree about the cells both see. Platformer pairs only count where both tiles fit exactly.
    pub fn pairs(&self) -> Vec<Pair> {
        let tiles = self.tiles();
        let mut pairs = BTreeSet::new();
        for side in [Side::East, Side::South] {
            if let Self::Seamless { .. } = self {
                for first in 0..tiles.len() {
                    pairs.extend((0..tiles.len()).map(|second| Pair {
                        first,
                        second,
                        side,
                    }));
                }
                continue;
            }
            // Every grid of the cells the two tiles' neighbourhoods cover: 4×3 or 3×4, from (-1, -1).
            let (dx, dy) = side.offset();
            let (w, h) = (3 + dx, 3 + dy);
            for cells in 0u32..1 << (w * h) {
                let is_upper = |x: i32, y: i32| {
                    let (i, j) = (x + 1, y + 1);
                    (0..w).contains(&i) && (0..h).contains(&j) && cells >> (j * w + i) & 1 == 1
                };
                let fits = |ox: i32, oy: i32| {
                    let at = |x, y| is_upper(x + ox, y + oy);
                    let index = self.pick(at)?;
                    match tiles[index].mask {
                        Mask::Neighbours(mask) if mask != neighbour_mask(at) => None,
                        _ => Some(index),
                    }
                };
                if let (Some(first), Some(second)) = (fits(0, 0), fits(dx, dy)) {
                    pairs.insert(Pair {
                        first,
                        second,
                        side,
                    });
                }
            }
        }
        pairs.into_iter().collect()
    }
}

/// `lower`, `upper`, or `upper_` and the upper corners: `upper_ne_sw`.
fn wang_name(mask: u8) -> String {
    match mask {
        0 => "lower".into(),
        15 => "upper".into(),
        _ => {
            let corners = [
                (corner::NE, "ne"),
                (corner::SE, "se"),
                (corner::SW, "sw"),
                (corner::NW, "nw"),
            ];
            let upper: Vec<&str> = corners
                .iter()
                .filter(|&&(bit, _)| mask & bit != 0)
                .map(|&(_, name)| name)
                .collect();
            format!("upper_{}", upper.join("_"))
        }
    }
}

fn platformer_tile(mask: u8) -> usize {
    let with_mask = |wanted: u8| PLATFORMER.iter().position(|&(.., m)| m == wanted);
    if let Some(exact) = with_mask(mask) {
        return exact;
    }
    let edges = mask & EDGES;
    if edges == EDGES {
        let open = [NW, NE, SW, SE]
            .into_iter()
            .find(|&corner| mask & corner == 0)
            .unwrap_or(0);
        return with_mask(ALL & !open).unwrap_or(0);
    }
    PLATFORMER
        .iter()
        .position(|&(.., m)| m & EDGES == edges)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lays `map` out with `layout` ('#' is the upper terrain) and names the tile of every cell, '.' for
    /// none.
    fn autotile(layout: Layout, map: &[&str]) -> Vec<Vec<String>> {
        let tiles = layout.tiles();
        let rows: Vec<&[u8]> = map.iter().map(|row| row.as_bytes()).collect();
        let is_upper = |x: i32, y: i32| {
            usize::try_from(y)
                .ok()
                .and_then(|y| rows.get(y))
                .zip(usize::try_from(x).ok())
                .and_then(|(row, x)| row.get(x))
                == Some(&b'#')
        };
        (0..rows.len() as i32)
            .map(|y| {
                (0..rows[0].len() as i32)
                    .map(|x| {
                        layout
                            .pick(|dx, dy| is_upper(x + dx, y + dy))
                            .map_or(".".into(), |i| tiles[i].name.clone())
                    })
                    .collect()
            })
            .collect()
    }

    fn names(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| row.iter().map(|&name| name.to_owned()).collect())
            .collect()
    }

    #[test]
    fn a_block_of_ground_gets_its_edges_corners_and_fill() {
        let map = ["#####", "#####", "#####"];
        assert_eq!(
            autotile(Layout::Platformer, &map),
            names(&[
                &["top_left", "top", "top", "top", "top_right"],
                &["left", "fill", "fill", "fill", "right"],
                &["bottom_left", "bottom", "bottom", "bottom", "bottom_right"],
            ])
        );
    }

    #[test]
    fn one_tile_wide_shapes_get_the_column_platform_and_block() {
        let map = ["#.....", "#.###.", "#....#"];
        assert_eq!(
            autotile(Layout::Platformer, &map),
            names(&[
                &["column_top", ".", ".", ".", ".", "."],
                &[
                    "column",
                    ".",
                    "platform_left",
                    "platform",
                    "platform_right",
                    "."
                ],
                &["column_bottom", ".", ".", ".", ".", "block"],
            ])
        );
    }

    #[test]
    fn a_step_up_gets_inner_corners() {
        let map = ["...###", "######", "######"];
        assert_eq!(
            autotile(Layout::Platformer, &map)[1],
            ["top_left", "top", "top", "inner_top_left", "fill", "right"]
        );
        let overhang = ["######", "######", "...###"];
        assert_eq!(
            autotile(Layout::Platformer, &overhang)[1][3],
            "inner_bottom_left"
        );
    }

    #[test]
    fn blob47_masks_follow_the_neighbours() {
        let map = ["....", ".##.", ".##.", "...."];
        let tiles = autotile(Layout::Blob47, &map);
        assert_eq!(tiles[0], ["lower"; 4]);
        // Top left of a 2×2: east, south and the south-east corner between them.
        assert_eq!(tiles[1][1], format!("blob_{:03}", E | SE | S));
        assert_eq!(tiles[2][2], format!("blob_{:03}", N | NW | W));
        // A diagonal neighbour alone does not count.
        let diagonal = autotile(Layout::Blob47, &["#.", ".#"]);
        assert_eq!(diagonal[0][0], "blob_000");
    }

    #[test]
    fn the_blob47_set_has_the_47_reduced_masks() {
        let tiles = Layout::Blob47.tiles();
        let masks: BTreeSet<u8> = tiles
            .iter()
            .filter_map(|tile| match tile.mask {
                Mask::Neighbours(mask) => Some(mask),
                _ => None,
            })
            .collect();
        assert_eq!(masks.len(), 47);
        assert!(masks.iter().all(|&mask| reduce(mask) == mask));
        assert_eq!(tiles[BLOB_LOWER].name, "lower");
    }

    #[test]
    fn wang_tiles_are_indexed_by_their_corners() {
        use corner::*;
        assert_eq!(pick_corners(true, false, false, false), usize::from(NE));
        assert_eq!(pick_corners(false, true, true, false), usize::from(SE | SW));
        let tiles = Layout::Wang2Corner.tiles();
        assert_eq!(tiles[usize::from(NE | SW)].name, "upper_ne_sw");
        assert_eq!(tiles[0].name, "lower");
        assert_eq!(tiles[15].name, "upper");
        // On a dual grid the tile where four cells meet takes their terrains as its corners.
        let dual = autotile(Layout::Wang2Corner, &["#.", ".."]);
        assert_eq!(dual[0][0], "upper_nw");
    }

    #[test]
    fn wang_pairs_share_their_corners() {
        let pairs = Layout::Wang2Corner.pairs();
        // Each tile has 4 east neighbours (the two far corners are free) and 4 south ones.
        assert_eq!(pairs.len(), 16 * 4 * 2);
        let corners = |i: usize, bit: u8| i as u8 & bit != 0;
        assert!(pairs.iter().all(|pair| match pair.side {
            Side::East => {
                corners(pair.first, corner::NE) == corners(pair.second, corner::NW)
                    && corners(pair.first, corner::SE) == corners(pair.second, corner::SW)
            }
            _ => {
                corners(pair.first, corner::SE) == corners(pair.second, corner::NE)
                    && corners(pair.first, corner::SW) == corners(pair.second, corner::NW)
            }
        }));
    }

    #[test]
    fn platformer_pairs_are_the_tiles_that_fit_side_by_side() {
        let tiles = Layout::Platformer.tiles();
        let named = |name: &str| tiles.iter().position(|tile| tile.name == name).unwrap();
        let pairs = Layout::Platformer.pairs();
        let touch = |a: &str, b: &str, side: Side| {
            pairs.contains(&Pair {
                first: named(a),
                second: named(b),
                side,
            })
        };
        assert!(touch("top_left", "top", Side::East));
        assert!(touch("top", "inner_top_left", Side::East));
        assert!(touch("top", "fill", Side::South));
        assert!(!touch("top", "top_left", Side::East));
        assert!(!touch("platform", "top", Side::South));
    }
}
