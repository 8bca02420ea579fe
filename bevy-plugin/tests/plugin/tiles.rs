//! The autotiler: a `PixelTilemap` lays the tile of a tileset that fits each cell's neighbours,
//! and lays them all again when the tileset is redeployed.

use std::collections::BTreeMap;

use bevy::ecs::entity::Entity;
use bevy::ecs::hierarchy::ChildOf;
use bevy::ecs::world::World;
use bevy::math::Vec3;
use bevy::transform::components::Transform;
use bevy_dgx_pixels::{PixelTile, PixelTilemap};
use dgx_pixels_manifest::{Frames, SheetLayout, Tile, Tileset};
use image::RgbaImage;

use crate::shown_pixel;
use crate::support::{Swaps, create_app, deploy_sheet, run_app_until, solid};

/// Side of a tile in the test sets, in pixels.
const TILE: u32 = 4;
const COLUMNS: u32 = 6;
const ROWS: u32 = 4;

const N: u32 = 1;
const NE: u32 = 2;
const E: u32 = 4;
const SE: u32 = 8;
const S: u32 = 16;
const SW: u32 = 32;
const W: u32 = 64;
const NW: u32 = 128;
const ALL: u32 = 255;

/// The platformer set as the generator lays it out in its 6 × 4 sheet: name, index, and the
/// neighbours that are ground when the tile fits exactly.
const PLATFORMER: [(&str, u32, u32); 20] = [
    ("top_left", 0, E | SE | S),
    ("top", 1, E | SE | S | SW | W),
    ("top_right", 2, S | SW | W),
    ("column_top", 3, S),
    ("inner_top_left", 4, ALL & !NW),
    ("inner_top_right", 5, ALL & !NE),
    ("left", 6, N | NE | E | SE | S),
    ("fill", 7, ALL),
    ("right", 8, N | S | SW | W | NW),
    ("column", 9, N | S),
    ("inner_bottom_left", 10, ALL & !SW),
    ("inner_bottom_right", 11, ALL & !SE),
    ("bottom_left", 12, N | NE | E),
    ("bottom", 13, N | NE | E | W | NW),
    ("bottom_right", 14, N | W | NW),
    ("column_bottom", 15, N),
    ("block", 16, 0),
    ("platform_left", 18, E),
    ("platform", 19, E | W),
    ("platform_right", 20, W),
];

/// The colour of the tile in slot `index` of a test sheet; `tint` tells one deploy from the next.
fn tile_color(index: u32, tint: u8) -> [u8; 4] {
    [10 + 10 * index as u8, tint, 100, 255]
}

/// Deploys the platformer set as `ground`, each tile's slot given by `slot(index)`.
fn deploy_ground(assets: &std::path::Path, tint: u8, slot: impl Fn(u32) -> u32) -> u64 {
    let mut sheet = RgbaImage::new(COLUMNS * TILE, ROWS * TILE);
    for index in 0..COLUMNS * ROWS {
        let (x, y) = ((index % COLUMNS) * TILE, (index / COLUMNS) * TILE);
        let tile = solid(TILE, TILE, tile_color(index, tint));
        image::imageops::replace(&mut sheet, &tile, x.into(), y.into());
    }
    let tiles = PLATFORMER
        .iter()
        .map(|&(name, index, mask)| Tile {
            index: slot(index),
            name: Some(name.to_owned()),
            mask,
        })
        .collect();
    let layout = SheetLayout {
        tileset: Some(Tileset {
            layout: "platformer".to_owned(),
            tile_size: TILE,
            tiles,
        }),
        ..SheetLayout::default()
    };
    let frames = Frames {
        columns: COLUMNS,
        rows: ROWS,
        count: COLUMNS * ROWS,
        fps: 1,
    };
    deploy_sheet(assets, "ground", &sheet, Some(frames), layout)
}

/// The tile entities of `map`, by position: the frame each shows, and the entity.
fn tiles_of(world: &mut World, map: Entity) -> BTreeMap<(u32, u32), (u32, Entity)> {
    let mut tiles = world.query::<(Entity, &PixelTile, &ChildOf)>();
    tiles
        .iter(world)
        .filter(|(_, _, parent)| parent.parent() == map)
        .map(|(entity, tile, _)| ((tile.x, tile.y), (tile.index, entity)))
        .collect()
}

/// The name of the tile on every cell of `map` (`.` for none), rows from the top, once every
/// tile shows its frame of the sheet deployed with `tint`, laid with `slot`.
fn laid(
    world: &mut World,
    map: Entity,
    tint: u8,
    slot: impl Fn(u32) -> u32,
) -> Option<Vec<Vec<&'static str>>> {
    let tiles = tiles_of(world, map);
    if tiles.is_empty() {
        return None;
    }
    let shown = tiles
        .values()
        .all(|&(index, entity)| shown_pixel(world, entity) == Some(tile_color(index, tint)));
    if !shown {
        return None;
    }
    let name = |index: u32| {
        PLATFORMER
            .iter()
            .find(|&&(_, i, _)| slot(i) == index)
            .map_or("?", |&(name, ..)| name)
    };
    let grid = world.get::<PixelTilemap>(map)?;
    let rows = (0..grid.height())
        .map(|y| {
            (0..grid.width())
                .map(|x| tiles.get(&(x, y)).map_or(".", |&(index, _)| name(index)))
                .collect()
        })
        .collect();
    Some(rows)
}

fn as_laid(rows: &[&[&'static str]]) -> Vec<Vec<&'static str>> {
    rows.iter().map(|row| row.to_vec()).collect()
}

fn same_slot(index: u32) -> u32 {
    index
}

/// Every tile moved to the other end of the sheet.
fn reversed_slot(index: u32) -> u32 {
    COLUMNS * ROWS - 1 - index
}

/// Lays `rows` (`#` is ground) with the `ground` tileset once it shows.
fn lay(assets: &std::path::Path, rows: &[&str]) -> (bevy::app::App, Entity) {
    deploy_ground(assets, 0, same_slot);
    let mut app = create_app(assets);
    let map = app
        .world_mut()
        .spawn(PixelTilemap::from_rows("ground", rows))
        .id();
    run_app_until(&mut app, "the ground laid", |world| {
        laid(world, map, 0, same_slot).is_some()
    });
    (app, map)
}

#[test]
fn a_block_a_column_and_a_floating_platform_get_their_tiles() {
    let assets = tempfile::tempdir().unwrap();
    let map = ["###..#", "###..#", "###..#", "......", ".###.."];
    let (mut app, ground) = lay(assets.path(), &map);
    let tiles = laid(app.world_mut(), ground, 0, same_slot).unwrap();
    let expected: [&[&str]; 5] = [
        &["top_left", "top", "top_right", ".", ".", "column_top"],
        &["left", "fill", "right", ".", ".", "column"],
        &[
            "bottom_left",
            "bottom",
            "bottom_right",
            ".",
            ".",
            "column_bottom",
        ],
        &[".", ".", ".", ".", ".", "."],
        &[".", "platform_left", "platform", "platform_right", ".", "."],
    ];
    assert_eq!(tiles, as_laid(&expected));

    // Cell (x, y) is centred x + ½ tiles right of and y + ½ tiles below the map's origin.
    let (_, top_right) = tiles_of(app.world_mut(), ground)[&(2, 0)];
    let at = app.world().get::<Transform>(top_right).unwrap().translation;
    assert_eq!(at, Vec3::new(2.5 * TILE as f32, -0.5 * TILE as f32, 0.0));
}

#[test]
fn a_cell_without_an_exact_tile_gets_the_closest_one() {
    let assets = tempfile::tempdir().unwrap();
    // The middle cell has ground on all four sides but three of its diagonals open, a mask no
    // tile has: of the tiles with all four edges, three inner corners miss it by two corners,
    // and the first of them wins.
    let (mut app, ground) = lay(assets.path(), &[".#.", "###", ".##"]);
    let tiles = laid(app.world_mut(), ground, 0, same_slot).unwrap();
    assert_eq!(tiles[1][1], "inner_top_left");
    assert_eq!(tiles[0][1], "column_top");
}

#[test]
fn changing_a_cell_lays_it_and_its_neighbours_again() {
    let assets = tempfile::tempdir().unwrap();
    let (mut app, ground) = lay(assets.path(), &["###", "###", "###"]);
    let before = tiles_of(app.world_mut(), ground);
    app.world_mut()
        .get_mut::<PixelTilemap>(ground)
        .unwrap()
        .set(1, 1, false);
    run_app_until(&mut app, "the hole laid", |world| {
        laid(world, ground, 0, same_slot).is_some_and(|tiles| tiles[1][1] == ".")
    });
    let tiles = laid(app.world_mut(), ground, 0, same_slot).unwrap();
    let expected: [&[&str]; 3] = [
        &["top_left", "platform", "top_right"],
        &["column", ".", "column"],
        &["bottom_left", "platform", "bottom_right"],
    ];
    assert_eq!(tiles, as_laid(&expected));
    let after = tiles_of(app.world_mut(), ground);
    assert_eq!(
        after[&(0, 0)].1,
        before[&(0, 0)].1,
        "a tile that stays keeps its entity"
    );
}

#[test]
fn redeploying_the_tileset_swaps_every_tile() {
    let assets = tempfile::tempdir().unwrap();
    let map = ["###..#", "###..#", "###..#", "......", ".###.."];
    let (mut app, ground) = lay(assets.path(), &map);
    let before = laid(app.world_mut(), ground, 0, same_slot).unwrap();
    let old = tiles_of(app.world_mut(), ground);

    // New pixels, and every tile in another slot of the sheet.
    let revision = deploy_ground(assets.path(), 1, reversed_slot);
    run_app_until(&mut app, "the new ground", |world| {
        world.resource::<Swaps>().contains("ground", revision)
            && laid(world, ground, 1, reversed_slot).is_some()
    });
    assert_eq!(
        laid(app.world_mut(), ground, 1, reversed_slot).unwrap(),
        before
    );
    let new = tiles_of(app.world_mut(), ground);
    assert_eq!(new.len(), old.len());
    for (cell, &(index, entity)) in &old {
        assert_eq!(new[cell], (reversed_slot(index), entity), "cell {cell:?}");
    }
}

/// The 47 masks of a blob47 set, ascending, as the generator orders its tiles: every mask whose
/// corner bits only come with both edges beside them. Slot 47 is the plain `lower` tile.
fn blob_masks() -> Vec<u32> {
    let corners = [(NE, N | E), (SE, S | E), (SW, S | W), (NW, N | W)];
    (0..256)
        .filter(|&mask| {
            corners
                .iter()
                .all(|&(corner, edges)| mask & corner == 0 || mask & edges == edges)
        })
        .collect()
}

const BLOB_COLUMNS: u32 = 8;
const BLOB_ROWS: u32 = 6;

/// The colour of slot `index` of a test blob47 sheet; `tint` tells one deploy from the next.
fn blob_color(index: u32, tint: u8) -> [u8; 4] {
    [(10 + 5 * index) as u8, tint, 150, 255]
}

/// The name of blob47 slot `index`: `blob_<mask>`, or `lower`.
fn blob_name(index: u32) -> String {
    blob_masks()
        .get(index as usize)
        .map_or("lower".to_owned(), |mask| format!("blob_{mask:03}"))
}

/// Deploys a blob47 set as `ground`, slot `i` in its own colour.
fn deploy_blob_ground(assets: &std::path::Path, tint: u8) -> u64 {
    let mut sheet = RgbaImage::new(BLOB_COLUMNS * TILE, BLOB_ROWS * TILE);
    for index in 0..BLOB_COLUMNS * BLOB_ROWS {
        let (x, y) = ((index % BLOB_COLUMNS) * TILE, (index / BLOB_COLUMNS) * TILE);
        let tile = solid(TILE, TILE, blob_color(index, tint));
        image::imageops::replace(&mut sheet, &tile, x.into(), y.into());
    }
    let tiles = (0..48)
        .map(|index| Tile {
            index,
            name: Some(blob_name(index)),
            mask: blob_masks().get(index as usize).copied().unwrap_or(0),
        })
        .collect();
    let layout = SheetLayout {
        tileset: Some(Tileset {
            layout: "blob47".to_owned(),
            tile_size: TILE,
            tiles,
        }),
        ..SheetLayout::default()
    };
    let frames = Frames {
        columns: BLOB_COLUMNS,
        rows: BLOB_ROWS,
        count: 48,
        fps: 1,
    };
    deploy_sheet(assets, "ground", &sheet, Some(frames), layout)
}

/// The blob47 tile on every cell of `map` (`.` for none), once every tile shows its frame of
/// the blob sheet deployed with `tint`.
fn laid_blob(world: &mut World, map: Entity, tint: u8) -> Option<Vec<Vec<String>>> {
    let tiles = tiles_of(world, map);
    let shown = !tiles.is_empty()
        && tiles
            .values()
            .all(|&(index, entity)| shown_pixel(world, entity) == Some(blob_color(index, tint)));
    if !shown {
        return None;
    }
    let grid = world.get::<PixelTilemap>(map)?;
    let rows = (0..grid.height())
        .map(|y| {
            (0..grid.width())
                .map(|x| {
                    tiles
                        .get(&(x, y))
                        .map_or(".".to_owned(), |&(i, _)| blob_name(i))
                })
                .collect()
        })
        .collect();
    Some(rows)
}

/// A block with a hole, a lone cell and open ground around them.
const BLOB_MAP: [&str; 6] = ["#####.", "#####.", "##.##.", "#####.", "......", "....#."];

/// What a blob47 set lays on [`BLOB_MAP`], worked out by hand from the neighbour bits (N = 1,
/// NE = 2, E = 4, SE = 8, S = 16, SW = 32, W = 64, NW = 128; a corner only beside two edges);
/// `open` is what a cell off the terrain shows.
fn blob_map_tiles(open: &str) -> Vec<Vec<String>> {
    let o = open;
    let rows: [[&str; 6]; 6] = [
        // Outer corners (E|SE|S = 28, S|SW|W = 112) and the top edge (E|SE|S|SW|W = 124).
        [
            "blob_028", "blob_124", "blob_124", "blob_124", "blob_112", o,
        ],
        // Left and right edges (31, 241); inner corners round the hole: all but one diagonal
        // (247 = no SE, 223 = no SW); above it, its two diagonals drop with the south edge (199).
        [
            "blob_031", "blob_247", "blob_199", "blob_223", "blob_241", o,
        ],
        // Beside the hole: its side open, the corners next to it dropped (241, 31).
        ["blob_031", "blob_241", o, "blob_031", "blob_241", o],
        // The bottom row: outer corners (7, 193), below the hole only E|W (68), and beside
        // that the inner corners of the bottom edge (197, 71).
        [
            "blob_007", "blob_197", "blob_068", "blob_071", "blob_193", o,
        ],
        [o, o, o, o, o, o],
        // The lone cell: no neighbours at all.
        [o, o, o, o, "blob_000", o],
    ];
    rows.iter()
        .map(|row| row.iter().map(|&name| name.to_owned()).collect())
        .collect()
}

#[test]
fn blob47_gives_corners_edges_inner_corners_and_a_lone_cell_their_tiles() {
    let assets = tempfile::tempdir().unwrap();
    deploy_blob_ground(assets.path(), 0);
    let mut app = create_app(assets.path());
    let top_down = app
        .world_mut()
        .spawn(PixelTilemap::from_rows("ground", &BLOB_MAP))
        .id();
    let side_view = app
        .world_mut()
        .spawn(PixelTilemap::from_rows("ground", &BLOB_MAP).side_view())
        .id();
    run_app_until(&mut app, "both maps laid", |world| {
        laid_blob(world, top_down, 0).is_some() && laid_blob(world, side_view, 0).is_some()
    });
    // A top-down map covers the cells off the terrain with the plain lower ground; a side view
    // leaves them open.
    assert_eq!(
        laid_blob(app.world_mut(), top_down, 0).unwrap(),
        blob_map_tiles("lower")
    );
    assert_eq!(
        laid_blob(app.world_mut(), side_view, 0).unwrap(),
        blob_map_tiles(".")
    );
}

#[test]
fn redeploying_the_ground_as_blob47_lays_every_cell_by_its_masks() {
    let assets = tempfile::tempdir().unwrap();
    deploy_ground(assets.path(), 0, same_slot);
    let mut app = create_app(assets.path());
    let ground = app
        .world_mut()
        .spawn(PixelTilemap::from_rows("ground", &BLOB_MAP).side_view())
        .id();
    run_app_until(&mut app, "the platformer ground laid", |world| {
        laid(world, ground, 0, same_slot).is_some()
    });
    let platformer = tiles_of(app.world_mut(), ground);
    assert_eq!(
        laid(app.world_mut(), ground, 0, same_slot).unwrap()[0][0],
        "top_left"
    );

    let revision = deploy_blob_ground(assets.path(), 1);
    run_app_until(&mut app, "the blob47 ground", |world| {
        world.resource::<Swaps>().contains("ground", revision)
            && laid_blob(world, ground, 1).is_some_and(|tiles| tiles == blob_map_tiles("."))
    });
    let blob = tiles_of(app.world_mut(), ground);
    assert_eq!(
        blob.keys().collect::<Vec<_>>(),
        platformer.keys().collect::<Vec<_>>(),
        "the same cells have tiles"
    );
    for (cell, &(_, entity)) in &platformer {
        assert_eq!(blob[cell].1, entity, "cell {cell:?} keeps its entity");
    }
}
