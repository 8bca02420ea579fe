//! Composing a set: every tile of the layout painted from one or two terrain textures and the geometry of
//! `field`, into one sheet. The embedded generator paints its textures and composes them here; any other
//! backend brings its own.

use image::{Rgba, RgbaImage};

use super::field::{Lattice, exposure, under_surface};
use super::layout::{Layout, Mask, neighbour};
use super::terrain::{Ground, GroundReading, Terrain};
use super::texture::Texture;
use crate::noise::Noise;
use crate::rng::{Rng, mix};

/// A drawn tileset: one sheet, and where each tile of the layout sits in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tileset {
    /// `columns × tile_size` by `rows × tile_size` pixels; slots the layout leaves empty are transparent.
    pub sheet: RgbaImage,
    /// Every tile of the layout, in index order.
    pub tiles: Vec<TileInfo>,
    pub columns: u32,
    pub rows: u32,
    /// Side of a tile in pixels.
    pub tile_size: u32,
    /// The terrain drawn raised (grass on top, for the platformer), as read from the prompt.
    pub upper: Terrain,
    /// The terrain drawn under it (the fill, for the platformer); the only one of a one-terrain seamless set.
    pub lower: Terrain,
}

/// One tile of a drawn set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileInfo {
    /// Its index in the layout, what [`Layout::pick`] returns.
    pub index: usize,
    pub name: String,
    /// Its rectangle in the sheet, in pixels from the top left.
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    /// What it connects to.
    pub mask: Mask,
}

impl Tileset {
    /// The pixels of tile `index`.
    pub fn tile(&self, index: usize) -> RgbaImage {
        let t = &self.tiles[index];
        image::imageops::crop_imm(&self.sheet, t.x, t.y, t.w, t.h).to_image()
    }
}

/// How far terrain boundaries wander from their smooth course, in field units (the field runs 0 to 1).
const WOBBLE: f32 = 0.3;

/// Depth of the platformer's grass, as a share of the tile, before its wobble.
const GRASS: f32 = 0.28;

/// What the lower terrain shows where the upper one meets it.
#[derive(Clone, Copy, PartialEq)]
enum Edge {
    /// Nothing: the two are one terrain (seamless variants).
    None,
    /// A shadow cast down and right by the raised upper terrain.
    Shadow,
    /// Foam on water, all round.
    Foam,
}

/// A terrain and its seamless texture, one tile wide and high: what a set is composed from.
pub struct Surface {
    pub terrain: Terrain,
    pub texture: Texture,
}

/// Draws a tileset of the terrains `prompt` names ("grass over dirt", "stone path on sand", "snowy stone",
/// "water"), `tile`×`tile` pixels per tile, in `layout`: each terrain's texture painted, then the set
/// [`compose`]d from them. Tiles the layout lets touch continue each other's textures and terrain
/// boundaries across their shared edge. A pure function of its arguments.
pub fn tileset(prompt: &str, seed: u64, tile: u32, layout: &Layout) -> Tileset {
    let (upper, lower) = GroundReading::for_layout(prompt, layout);
    // A set of no pixels still lists its tiles; the painters need a pixel to paint.
    let size = tile.max(1) as usize;
    let surface = |ground: &Ground, salt: &str| Surface {
        terrain: ground.terrain,
        texture: Texture::painted(ground.texture(seed, salt, size)),
    };
    let upper = upper.as_ref().map(|ground| surface(ground, "upper"));
    let lower = surface(&lower, "lower");
    compose(prompt, seed, tile, layout, upper.as_ref(), &lower)
}

/// Composes a set in `layout` of `tile`×`tile`-pixel tiles from terrain textures of that size: `upper`
/// over `lower`, each tile's terrains placed by the layout's transition masks, or for a one-terrain
/// seamless set (`upper` `None`) `lower` alone, its variants a tone lighter or darker in patches. `prompt`
/// and `seed` set the wobble of terrain boundaries. Where the textures are seamless, tiles the layout lets
/// touch continue each other's textures and boundaries across their shared edge, whoever drew them. A pure
/// function of its arguments.
pub fn compose(
    prompt: &str,
    seed: u64,
    tile: u32,
    layout: &Layout,
    upper: Option<&Surface>,
    lower: &Surface,
) -> Tileset {
    let (columns, rows) = layout.grid();
    let infos: Vec<TileInfo> = layout
        .tiles()
        .into_iter()
        .map(|t| TileInfo {
            index: t.index,
            name: t.name,
            x: t.column * tile,
            y: t.row * tile,
            w: tile,
            h: tile,
            mask: t.mask,
        })
        .collect();
    let mut sheet = RgbaImage::new(columns * tile, rows * tile);
    if tile > 0 {
        let painter = Painter {
            size: tile as f32,
            upper: upper.map(|surface| &surface.texture),
            lower: &lower.texture,
            edge: match (upper, lower.terrain) {
                (None, _) => Edge::None,
                (Some(_), Terrain::Water) => Edge::Foam,
                (Some(_), _) => Edge::Shadow,
            },
            boundary: Noise {
                seed: Rng::new(prompt, seed).next_u64(),
                width: tile as f32,
                height: tile as f32,
            },
            base: if upper.is_none() { 0.0 } else { 0.5 },
        };
        for info in &infos {
            painter.draw(layout, info, &mut sheet);
        }
    }
    Tileset {
        sheet,
        tiles: infos,
        columns,
        rows,
        tile_size: tile,
        upper: upper.map_or(lower.terrain, |surface| surface.terrain),
        lower: lower.terrain,
    }
}

/// `p` moved towards the nearest tile edge line (a multiple of `size`) within a quarter tile of it, so that a
/// field read at the moved point does not change across the edge: terrain boundaries cross tile edges at
/// right angles and carry on straight into the neighbour.
fn towards_edge(p: f32, size: f32) -> f32 {
    let band = size / 4.0;
    let from_edge = (p + size / 2.0).rem_euclid(size) - size / 2.0;
    if from_edge.abs() < band {
        p - from_edge + from_edge * from_edge.abs() / band
    } else {
        p
    }
}

struct Painter<'a> {
    size: f32,
    /// The upper terrain's texture; `None` for a one-terrain seamless set.
    upper: Option<&'a Texture>,
    lower: &'a Texture,
    edge: Edge,
    /// The wobble of terrain boundaries, and of the platformer's grass line.
    boundary: Noise,
    /// The seamless field's level: 0.5 mixes two terrains in patches, 0 keeps to the lower one.
    base: f32,
}

/// Which pixels of a tile, and of the one-pixel ring around it, the upper terrain covers.
struct Coverage {
    size: i64,
    covered: Vec<bool>,
}

impl Coverage {
    fn at(&self, x: i64, y: i64) -> bool {
        self.covered[((y + 1) * (self.size + 2) + x + 1) as usize]
    }
}

impl Painter<'_> {
    /// Draws `tile` into its rectangle of `sheet`.
    fn draw(&self, layout: &Layout, tile: &TileInfo, sheet: &mut RgbaImage) {
        let mut put = |pixel: &dyn Fn(i64, i64) -> [u8; 4]| {
            for y in 0..tile.h {
                for x in 0..tile.w {
                    let rgba = pixel(i64::from(x), i64::from(y));
                    sheet.put_pixel(tile.x + x, tile.y + y, Rgba(rgba));
                }
            }
        };
        let lattice = match (layout, tile.mask) {
            (Layout::Platformer, Mask::Neighbours(mask)) => {
                return put(&|x, y| self.platformer(mask, x, y));
            }
            (Layout::Seamless { .. }, _) => {
                // One terrain: its variants have patches a tone lighter or darker.
                let upper = match self.upper {
                    Some(texture) => (texture, 0),
                    None => (self.lower, if tile.index % 2 == 1 { -1 } else { 1 }),
                };
                let coverage = self.seamless(tile.index);
                return put(&|x, y| self.two_terrain(upper, &coverage, x, y));
            }
            (_, Mask::Corners(mask)) => Lattice::corners(mask),
            (_, Mask::Neighbours(mask)) => Lattice::blob(mask),
            (_, Mask::None) => Lattice::flat(0.0),
        };
        let coverage = self.coverage(|px, py| lattice.at(self.size, px, py));
        let upper = self.upper.unwrap_or(self.lower);
        put(&|x, y| self.two_terrain((upper, 0), &coverage, x, y))
    }

    /// Where the upper terrain lies: where `field` plus the boundary's wobble passes one half.
    fn coverage(&self, field: impl Fn(f32, f32) -> f32) -> Coverage {
        let size = self.size as i64;
        let covered = (-1..=size)
            .flat_map(|y| (-1..=size).map(move |x| (x as f32 + 0.5, y as f32 + 0.5)))
            .map(|(px, py)| {
                let (wx, wy) = (towards_edge(px, self.size), towards_edge(py, self.size));
                let wobble = 2.0 * self.boundary.patches_at(wx, wy) - 1.0;
                field(px, py) + WOBBLE * wobble > 0.5
            })
            .collect();
        Coverage { size, covered }
    }

    /// A seamless tile's coverage: the plain field, and for variants after the first, inside (never within
    /// two pixels of the edge, so every variant has the same edges) a field of the variant's own.
    fn seamless(&self, variant: usize) -> Coverage {
        let size = self.size;
        let own = Noise {
            seed: mix(self.boundary.seed ^ variant as u64),
            ..self.boundary
        };
        self.coverage(|px, py| {
            let inset = px.min(py).min(size - px).min(size - py);
            let window = ((inset - 2.0) / (size / 4.0)).clamp(0.0, 1.0);
            if variant > 0 {
                self.base + window * (own.patches_at(px, py) - self.base)
            } else {
                self.base
            }
        })
    }

    /// A pixel of a two-terrain tile: the upper terrain (a texture and a tone shift for all of it) lit on its
    /// top and left rims and shaded on the others, the lower one in its shadow (or foam) beside it.
    fn two_terrain(
        &self,
        (upper, tone): (&Texture, i8),
        coverage: &Coverage,
        x: i64,
        y: i64,
    ) -> [u8; 4] {
        let covered = |x: i64, y: i64| coverage.at(x, y);
        if covered(x, y) {
            let shift = if self.edge == Edge::None {
                0
            } else if !covered(x + 1, y) || !covered(x, y + 1) {
                -1
            } else if !covered(x - 1, y) || !covered(x, y - 1) {
                1
            } else {
                0
            };
            return upper.at(x, y, shift + tone);
        }
        let shift = match self.edge {
            Edge::Shadow if covered(x - 1, y) || covered(x, y - 1) || covered(x - 1, y - 1) => -2,
            Edge::Foam
                if covered(x - 1, y)
                    || covered(x + 1, y)
                    || covered(x, y - 1)
                    || covered(x, y + 1) =>
            {
                3
            }
            _ => 0,
        };
        self.lower.at(x, y, shift)
    }

    /// How deep the platformer's grass reaches below a top surface in column `x`: a wavy line with tufts
    /// hanging from it, repeating with the tile's period like the textures. No tuft starts or ends on a
    /// tile edge.
    fn grass_depth(&self, x: i64) -> f32 {
        let size = self.size as i64;
        let column = x.rem_euclid(size);
        let inside = column > 0 && column < size - 1;
        let tuft = if inside && mix(self.boundary.seed ^ column as u64).is_multiple_of(3) {
            1.5
        } else {
            0.0
        };
        let wave = 0.7
            + 0.6
                * self
                    .boundary
                    .patches_at(towards_edge(x as f32 + 0.5, self.size), 0.5);
        self.size * GRASS * wave + tuft
    }

    /// A pixel of a platformer tile: grass under open air, a dark outline along the other open edges, lit on
    /// the left and shaded on the right and below, fill inside; open air is transparent.
    fn platformer(&self, mask: u8, x: i64, y: i64) -> [u8; 4] {
        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
        let radius = (self.size / 8.0).max(2.0);
        let Some(open) = exposure(mask, self.size, radius, (px, py)) else {
            return [0; 4];
        };
        let grass = self.grass_depth(x);
        let under = under_surface(mask, self.size, (px, py));
        let lower = self.lower;
        let upper = self.upper.unwrap_or(lower);
        // Where a step's grass runs on under a wall (its surface is a neighbour's), the wall's outline comes
        // down to the grass line.
        if mask & neighbour::N != 0 && under < 1.0 {
            return lower.ink();
        }
        if under < grass {
            let shift = if under < 1.0 {
                1
            } else if under >= grass - 1.0 {
                -1
            } else {
                0
            };
            return upper.at(x, y, shift);
        }
        if open.depth < 1.0 {
            return lower.ink();
        }
        let shift = if under < grass + 1.0 {
            -2
        } else if open.depth < 2.0 {
            if open.towards.0 < -0.5 { 1 } else { -1 }
        } else {
            0
        };
        lower.at(x, y, shift)
    }
}
