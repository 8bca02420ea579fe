//! The solid ground, drawn by the plugin's autotiler: one [`PixelTilemap`] over the level's solid
//! grid, laid with the `ground` tileset (a `platformer` set), so grass tops, cliff edges, corners
//! and platform ends are the tiles that fit. Redeploying `ground` restyles all of it at once, in
//! any layout the plugin reads: a `blob47` or `wang2corner` set is laid by its own masks.
//! Collisions never look at it: they use [`Level`]'s grid.

use bevy::ecs::system::{Commands, Res};
use bevy::transform::components::Transform;
use bevy_dgx_pixels::PixelTilemap;

use crate::level::{Level, Z_TILE};

/// The tileset's name in `pixels.manifest.json`. Its tiles must be [`crate::TILE`] pixels wide.
pub const GROUND_TILESET: &str = "ground";

/// The level's solid cells, plus one row below the map repeating its bottom row: the ground runs
/// on below the screen, so its bottom row is earth rather than an underside.
fn ground_map(level: &Level) -> PixelTilemap {
    // A side view: the sky stays open whatever the set has for the cells off the ground.
    let mut map =
        PixelTilemap::new(GROUND_TILESET, level.columns as u32, level.rows as u32 + 1).side_view();
    for row in 0..=level.rows {
        for column in 0..level.columns {
            let solid = level.is_solid(column, row.min(level.rows - 1));
            map.set(column as u32, row as u32, solid);
        }
    }
    map
}

/// Spawns the ground once: a restart leaves it as it is. The map's origin is the top-left corner
/// of its first cell, the top-left corner of the level.
pub(crate) fn spawn_ground(mut commands: Commands, level: Res<Level>) {
    commands.spawn((
        ground_map(&level),
        Transform::from_xyz(0.0, level.size().y, Z_TILE),
    ));
}
