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
