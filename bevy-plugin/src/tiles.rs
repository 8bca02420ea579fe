//! Autotiling: a game gives a grid of terrain cells and names a tileset; the plugin keeps one
//! child sprite per tile, each showing the tile of the set that fits its neighbours, and lays the
//! tiles out again when the tileset is redeployed.
//!
//! Masks follow the manifest's `tileset.tiles[].mask`, as the generator writes them
//! (`procedural/src/tileset/layout.rs`): for `blob47` and `platformer` the eight neighbours that
//! are terrain, clockwise from the top (N = 1, NE = 2, E = 4, SE = 8, S = 16, SW = 32, W = 64,
//! NW = 128), a corner counted only when both edges beside it are; for `wang2corner` the corners
//! that are terrain (NE = 1, SE = 2, SW = 4, NW = 8).

use std::collections::{BTreeMap, BTreeSet};

use bevy::camera::visibility::Visibility;
use bevy::ecs::change_detection::{DetectChanges, DetectChangesMut, Ref};
use bevy::ecs::component::Component;
use bevy::ecs::entity::Entity;
use bevy::ecs::hierarchy::ChildOf;
use bevy::ecs::query::{Changed, Or};
use bevy::ecs::reflect::ReflectComponent;
use bevy::ecs::system::{Commands, Local, Query, Res};
use bevy::math::{Vec2, Vec3};
use bevy::reflect::Reflect;
use bevy::sprite::Sprite;
use bevy::transform::components::Transform;
use dgx_pixels_manifest::{Tile, Tileset};

use crate::PixelSprite;
use crate::animation::show_frame;
use crate::library::{Look, PLACEHOLDER_SIDE, PixelLibrary};

const N: u32 = 1;
const NE: u32 = 2;
const E: u32 = 4;
const SE: u32 = 8;
const S: u32 = 16;
const SW: u32 = 32;
const W: u32 = 64;
const NW: u32 = 128;
const EDGES: u32 = N | E | S | W;

/// Each neighbour's bit and its offset from the cell (`y` grows downwards).
const NEIGHBOURS: [(u32, (i32, i32)); 8] = [
    (N, (0, -1)),
    (NE, (1, -1)),
    (E, (1, 0)),
    (SE, (1, 1)),
    (S, (0, 1)),
    (SW, (-1, 1)),
    (W, (-1, 0)),
    (NW, (-1, -1)),
];

/// Wang corner bits and, for the tile on the corner at the top left of cell (0, 0), the offset of
/// the cell at that corner of the tile.
const CORNERS: [(u32, (i32, i32)); 4] = [(1, (0, -1)), (2, (0, 0)), (4, (-1, 0)), (8, (-1, -1))];

/// Layouts whose masks the plugin reads; any other lays its first tile on every terrain cell.
const KNOWN_LAYOUTS: [&str; 4] = ["seamless", "wang2corner", "blob47", "platformer"];

/// A grid of terrain laid with the tiles of the tileset named `tileset`. The plugin spawns one
/// child entity per tile (a [`PixelSprite`] with a [`PixelTile`]) and keeps them in step with the
/// cells and the tileset.
///
/// Cell (0, 0) is the top left and `y` grows downwards, as in a text map; the entity's origin is
/// the top-left corner of cell (0, 0), and cells are `tile_size` pixels of the tileset apart,
/// going right (+x) and down (−y). Scale the entity's `Transform` to draw them bigger.
#[derive(Component, Reflect, Debug, Clone, PartialEq, Eq)]
#[reflect(Component, Debug, Clone)]
#[require(Transform, Visibility, LaidTiles)]
pub struct PixelTilemap {
    /// The tileset's sprite name in `pixels.manifest.json`, e.g. `ground`.
    pub tileset: String,
    width: u32,
    height: u32,
    cells: Vec<bool>,
    /// Cells that are not terrain are open air, with no tile (see [`Self::side_view`]).
    open_air: bool,
}

impl PixelTilemap {
    /// A `width` × `height` map with no terrain yet.
    pub fn new(tileset: impl Into<String>, width: u32, height: u32) -> Self {
        Self {
            tileset: tileset.into(),
            width,
            height,
            cells: vec![false; width as usize * height as usize],
            open_air: false,
        }
    }

    /// The map as a side view: cells that are not terrain are open air and get no tile, even
    /// where the set has one for them (blob47's plain `lower` ground, a Wang tile whose four
    /// corners are all off the terrain), so what lies behind shows through. A top-down map
    /// (the default) covers every cell.
    pub fn side_view(mut self) -> Self {
        self.open_air = true;
        self
    }

    /// A map drawn as text, one string per row from the top: `#` is terrain, any other
    /// character is not. The map is as wide as its longest row.
    pub fn from_rows(tileset: impl Into<String>, rows: &[&str]) -> Self {
        let width = rows
            .iter()
            .map(|row| row.chars().count())
            .max()
            .unwrap_or(0);
        let mut map = Self::new(tileset, width as u32, rows.len() as u32);
        for (y, row) in rows.iter().enumerate() {
            for (x, c) in row.chars().enumerate() {
                map.set(x as u32, y as u32, c == '#');
            }
        }
        map
    }

    /// Makes cell (`x`, `y`) terrain or not.
    ///
    /// # Panics
    /// If the cell is outside the map.
    pub fn set(&mut self, x: u32, y: u32, terrain: bool) {
        assert!(
            x < self.width && y < self.height,
            "cell ({x}, {y}) is outside the {} × {} map",
            self.width,
            self.height
        );
        self.cells[(y * self.width + x) as usize] = terrain;
    }

    /// Whether cell (`x`, `y`) is terrain; cells off the map are not.
    pub fn get(&self, x: i32, y: i32) -> bool {
        match (u32::try_from(x), u32::try_from(y)) {
            (Ok(x), Ok(y)) if x < self.width && y < self.height => {
                self.cells[(y * self.width + x) as usize]
            }
            _ => false,
        }
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }
}

/// One tile of a [`PixelTilemap`], on a child entity the plugin spawns: it shows frame `index`
/// of the tileset's sheet. For `wang2corner` tiles sit on the corners between cells, so (`x`,
/// `y`) is the corner at the top left of cell (`x`, `y`) and the map has one more each way.
#[derive(Component, Reflect, Debug, Clone, Copy, PartialEq, Eq)]
#[reflect(Component, Debug, Clone)]
pub struct PixelTile {
    pub x: u32,
    pub y: u32,
    /// The tile's frame in the tileset's sheet (its `tiles[].index` in the manifest).
    pub index: u32,
}

/// What a map's tiles were laid out from, and the entity of each tile.
#[derive(Component, Debug, Default)]
pub(crate) struct LaidTiles {
    from: Option<(Option<Tileset>, f32)>,
    tiles: BTreeMap<(u32, u32), Entity>,
}

/// The tileset as shown: its tiles (`None` when the sprite is no tileset, or unknown) and the
/// distance between cells in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TileSource<'a> {
    tileset: Option<&'a Tileset>,
    cell: f32,
}

/// A tile to show: where (in cells from the map's top-left corner, `y` down) and which.
#[derive(Debug, PartialEq)]
struct Placed {
    tile: PixelTile,
    center: Vec2,
}

impl<'a> TileSource<'a> {
    /// `None` while the tileset is still loading. A sprite that is not a tileset, or the
    /// placeholder of an unknown one, shows its first frame on every terrain cell.
    fn of(library: &'a PixelLibrary, name: &str) -> Option<Self> {
        match library.look(name) {
            Look::Pending => None,
            Look::Placeholder { .. } => Some(Self {
                tileset: None,
                cell: PLACEHOLDER_SIDE as f32,
            }),
            Look::Sprite(shown) => {
                let tileset = shown.layout.tileset.as_ref();
                let cell = match (tileset, &shown.atlas) {
                    (Some(tileset), _) => tileset.tile_size,
                    (None, Some(atlas)) => atlas.tile.x,
                    (None, None) => shown.size.x,
                };
                Some(Self {
                    tileset,
                    cell: cell as f32,
                })
            }
        }
    }
}

impl LaidTiles {
    fn laid_from(&self, source: TileSource) -> bool {
        self.from.as_ref().is_some_and(|(tileset, cell)| {
            (tileset.as_ref(), *cell) == (source.tileset, source.cell)
        })
    }
}

/// Every tile `map` shows with `tileset`.
fn lay_out(map: &PixelTilemap, tileset: Option<&Tileset>) -> Vec<Placed> {
    let (w, h) = (map.width as i32, map.height as i32);
    if let Some(tileset) = tileset.filter(|t| t.layout == "wang2corner") {
        // A dual grid: a tile on every corner between cells, its corners the cells around it.
        return (0..=h)
            .flat_map(|y| (0..=w).map(move |x| (x, y)))
            .filter_map(|(x, y)| {
                let mask = CORNERS
                    .iter()
                    .filter(|&&(_, (dx, dy))| map.get(x + dx, y + dy))
                    .fold(0, |mask, &(bit, _)| mask | bit);
                if mask == 0 && map.open_air {
                    return None;
                }
                let index = closest(tileset.tiles.iter(), mask, u32::count_ones)?;
                Some(placed(x, y, index, Vec2::new(x as f32, y as f32)))
            })
            .collect();
    }
    (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| !map.open_air || map.get(x, y))
        .filter_map(|(x, y)| {
            let index = pick(tileset, |dx, dy| map.get(x + dx, y + dy))?;
            Some(placed(
                x,
                y,
                index,
                Vec2::new(x as f32 + 0.5, y as f32 + 0.5),
            ))
        })
        .collect()
}

fn placed(x: i32, y: i32, index: u32, center: Vec2) -> Placed {
    let (x, y) = (x as u32, y as u32);
    Placed {
        tile: PixelTile { x, y, index },
        center,
    }
}

/// The tile for the cell at (0, 0), where `terrain(dx, dy)` says whether the cell at that offset
/// is terrain; `None` for no tile.
/// - `blob47`, `platformer`: the tile whose mask is the cell's, else the closest (fewest edges
///   differing, then fewest corners, then the lowest index); a cell that is not terrain shows the
///   tile named `lower` if the set has one (blob47's plain ground), else nothing;
/// - `seamless`, unknown layouts, and sprites that are no tileset: the first tile on terrain.
fn pick(tileset: Option<&Tileset>, terrain: impl Fn(i32, i32) -> bool) -> Option<u32> {
    let Some(tileset) = tileset else {
        return terrain(0, 0).then_some(0);
    };
    let is_lower = |tile: &&Tile| tile.name.as_deref() == Some("lower");
    match tileset.layout.as_str() {
        "blob47" | "platformer" if !terrain(0, 0) => {
            tileset.tiles.iter().find(is_lower).map(|tile| tile.index)
        }
        "blob47" | "platformer" => {
            let candidates = tileset.tiles.iter().filter(|tile| !is_lower(tile));
            closest(candidates, neighbour_mask(terrain), |differ| {
                (
                    (differ & EDGES).count_ones(),
                    (differ & !EDGES).count_ones(),
                )
            })
        }
        _ if terrain(0, 0) => tileset.tiles.iter().map(|tile| tile.index).min(),
        _ => None,
    }
}

/// The index of the tile whose mask is nearest `mask` by `distance` of the bits that differ,
/// the lowest index among equals.
fn closest<'a, K: Ord>(
    tiles: impl Iterator<Item = &'a Tile>,
    mask: u32,
    distance: impl Fn(u32) -> K,
) -> Option<u32> {
    tiles
        .min_by_key(|tile| (distance(tile.mask ^ mask), tile.index))
        .map(|tile| tile.index)
}

/// Which neighbours of the cell at (0, 0) are terrain, corners only beside two terrain edges.
fn neighbour_mask(terrain: impl Fn(i32, i32) -> bool) -> u32 {
    let mask = NEIGHBOURS
        .iter()
        .filter(|&&(_, (dx, dy))| terrain(dx, dy))
        .fold(0, |mask, &(bit, _)| mask | bit);
    [(NE, N | E), (SE, S | E), (SW, S | W), (NW, N | W)]
        .into_iter()
        .filter(|&(corner, edges)| mask & (corner | edges) == corner | edges)
        .fold(mask & EDGES, |reduced, (corner, _)| reduced | corner)
}

/// Lays out each map whose cells or tileset changed: tiles keep their entity where a tile
/// remains, new ones are spawned, ones no longer needed despawned.
pub(crate) fn lay_tiles(
    mut commands: Commands,
    library: Res<PixelLibrary>,
    mut maps: Query<(Entity, Ref<PixelTilemap>, &mut LaidTiles)>,
    mut tiles: Query<(&mut PixelTile, &mut PixelSprite, &mut Transform)>,
    mut warned: Local<BTreeSet<String>>,
) {
    for (map_entity, map, mut laid) in &mut maps {
        let Some(source) = TileSource::of(&library, &map.tileset) else {
            continue;
        };
        if !map.is_changed() && laid.laid_from(source) {
            continue;
        }
        warn_unusable(&library, &map.tileset, source.tileset, &mut warned);
        let mut next = BTreeMap::new();
        for Placed { tile, center } in lay_out(&map, source.tileset) {
            let translation = Vec3::new(center.x, -center.y, 0.0) * source.cell;
            let key = (tile.x, tile.y);
            let existing = laid
                .tiles
                .remove(&key)
                .and_then(|e| tiles.get_mut(e).ok().map(|c| (e, c)));
            let entity = match existing {
                Some((entity, (mut shown, mut pixel, mut transform))) => {
                    shown.set_if_neq(tile);
                    if pixel.name != map.tileset {
                        pixel.name.clone_from(&map.tileset);
                    }
                    if transform.translation != translation {
                        transform.translation = translation;
                    }
                    entity
                }
                None => commands
                    .spawn((
                        PixelSprite::new(map.tileset.clone()),
                        tile,
                        Transform::from_translation(translation),
                        ChildOf(map_entity),
                    ))
                    .id(),
            };
            next.insert(key, entity);
        }
        for (_, unused) in std::mem::replace(&mut laid.tiles, next) {
            commands.entity(unused).try_despawn();
        }
        laid.from = Some((source.tileset.cloned(), source.cell));
    }
}

/// Warns once per name about a sprite that is no tileset, or a layout this plugin cannot read.
fn warn_unusable(
    library: &PixelLibrary,
    name: &str,
    tileset: Option<&Tileset>,
    warned: &mut BTreeSet<String>,
) {
    let problem = match (tileset, library.look(name)) {
        (None, Look::Sprite(_)) => "has no `tileset` in the manifest".to_owned(),
        (Some(t), _) if !KNOWN_LAYOUTS.contains(&t.layout.as_str()) => {
            format!(
                "has the layout {:?}, which this plugin does not know",
                t.layout
            )
        }
        _ => return,
    };
    if warned.insert(name.to_owned()) {
        tracing::warn!(
            "dgx-pixels: the tileset {name:?} of a PixelTilemap {problem}; every terrain cell \
             shows its first tile"
        );
    }
}

/// Tiles laid out again, or whose sprite got a new atlas.
type Restyled = Or<(Changed<PixelTile>, Changed<Sprite>)>;

/// Shows each tile's frame once its sprite has the tileset's atlas.
pub(crate) fn show_tiles(mut tiles: Query<(&PixelTile, &mut Sprite), Restyled>) {
    for (tile, mut sprite) in &mut tiles {
        show_frame(&mut sprite, tile.index as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_count_only_beside_two_terrain_edges() {
        let all = |_, _| true;
        assert_eq!(neighbour_mask(all), 255);
        let diagonal = |dx, dy| (dx, dy) == (0, 0) || (dx, dy) == (1, 1);
        assert_eq!(neighbour_mask(diagonal), 0);
        let corner_of_a_block = |dx, dy| dx >= 0 && dy >= 0;
        assert_eq!(neighbour_mask(corner_of_a_block), E | SE | S);
    }

    #[test]
    fn blob_cells_off_the_terrain_show_the_lower_tile_and_no_terrain_cell_does() {
        let tile = |index, name: &str, mask| Tile {
            index,
            name: Some(name.to_owned()),
            mask,
        };
        let blob = Tileset {
            layout: "blob47".into(),
            tile_size: 8,
            tiles: vec![
                tile(0, "blob_000", 0),
                tile(1, "blob_028", E | SE | S),
                tile(47, "lower", 0),
            ],
        };
        assert_eq!(pick(Some(&blob), |_, _| false), Some(47));
        let alone = |dx, dy| (dx, dy) == (0, 0);
        assert_eq!(pick(Some(&blob), alone), Some(0));
        let corner_of_a_block = |dx, dy| dx >= 0 && dy >= 0;
        assert_eq!(pick(Some(&blob), corner_of_a_block), Some(1));
    }

    #[test]
    fn a_wang_map_has_a_tile_on_every_corner_between_cells() {
        let tiles = (0..16)
            .map(|mask| Tile {
                index: mask,
                name: None,
                mask,
            })
            .collect();
        let wang = Tileset {
            layout: "wang2corner".into(),
            tile_size: 8,
            tiles,
        };
        let map = PixelTilemap::from_rows("ground", &["#."]);
        let laid: Vec<u32> = lay_out(&map, Some(&wang))
            .iter()
            .map(|p| p.tile.index)
            .collect();
        // Corners (0,0) (1,0) (2,0) over (0,1) (1,1) (2,1): the one terrain cell is the SE corner
        // of the first, the SW of the second, and so on.
        assert_eq!(laid, [2, 4, 0, 1, 8, 0]);
    }
}
