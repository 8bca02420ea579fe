//! The level, drawn as text: one character per [`TILE`]-pixel tile, parsed into the solid grid
//! that collisions use (and the autotiler draws, see `ground.rs`), and the things on it spawned
//! as entities that each name their sprite.

use bevy::ecs::component::Component;
use bevy::ecs::entity::Entity;
use bevy::ecs::message::{Message, MessageReader};
use bevy::ecs::query::With;
use bevy::ecs::resource::Resource;
use bevy::ecs::system::{Commands, Query, Res, ResMut};
use bevy::math::{Vec2, Vec3};
use bevy::sprite::Anchor;
use bevy::transform::components::Transform;
use bevy_dgx_pixels::PixelSprite;

use crate::body::Body;
use crate::coin::{self, Coin, Score};
use crate::enemy::{self, Enemy};
use crate::player::{self, Intent, Player};

/// Side of a tile in world units (one unit is one art pixel).
pub const TILE: f32 = 16.0;

/// `G` grass, `D` dirt and `#` platforms are solid ground (all drawn from one tileset, each tile
/// picked from its neighbours); `o` coin, `P` player start, `E` the enemy, `t` tree, `b` bush,
/// `f` flower (scenery, not solid).
pub const LEVEL_MAP: &[&str] = &[
    "                                                            ",
    "                                                            ",
    "                                  o o o                     ",
    "              o o                #######          o o o     ",
    "             #####       o                       #######    ",
    "      o o               ###                                 ",
    "     #####                          o     o                 ",
    "                  o           o    ###   ###                ",
    " t  P    f  b    ###     t   ###  E          b   f   t o o  ",
    "GGGGGGGGGGGGGGGGGGGGGG   GGGGGGGGGGGGGGGG   GGGGGGGGGGGGGGGG",
    "DDDDDDDDDDDDDDDDDDDDDD   DDDDDDDDDDDDDDDD   DDDDDDDDDDDDDDDD",
];

/// Draw order: scenery behind actors, tiles behind everything that moves.
const Z_SCENERY: f32 = 1.0;
pub(crate) const Z_TILE: f32 = 2.0;
const Z_COIN: f32 = 3.0;
const Z_ENEMY: f32 = 4.0;
const Z_PLAYER: f32 = 5.0;

/// Which tiles are solid, and where things start. Row 0 is the top of the map; world `y = 0` is
/// the bottom of the last row.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Level {
    pub columns: usize,
    pub rows: usize,
    solid: Vec<bool>,
    /// The player's feet at the start, in world units.
    pub start: Vec2,
    things: Vec<(char, usize, usize)>,
}

/// Marks everything [`spawn_level`] made, so a restart can clear it.
#[derive(Component)]
pub struct LevelEntity;

/// Ask for the level to start over: coins back, score zero, player at the start.
#[derive(Message, Debug, Clone, Copy)]
pub struct Restart;

impl Level {
    /// Reads a map drawn like [`LEVEL_MAP`]; rows may differ in length.
    pub fn parse(map: &[&str]) -> Self {
        let rows = map.len();
        let columns = map.iter().map(|row| row.chars().count()).max().unwrap_or(0);
        let mut solid = vec![false; rows * columns];
        let mut things = Vec::new();
        let mut start = Vec2::ZERO;
        for (row, line) in map.iter().enumerate() {
            for (column, tile) in line.chars().enumerate() {
                match tile {
                    'G' | 'D' | '#' => solid[row * columns + column] = true,
                    ' ' => {}
                    _ => things.push((tile, column, row)),
                }
                if tile == 'P' {
                    start = Self::feet(column, row, rows);
                }
            }
        }
        Self {
            columns,
            rows,
            solid,
            start,
            things,
        }
    }

    /// The level's size in world units.
    pub fn size(&self) -> Vec2 {
        Vec2::new(self.columns as f32, self.rows as f32) * TILE
    }

    /// Whether the tile holding world point `point` is solid; outside the map nothing is, so
    /// the player can fall out of the bottom and walk off the sides of the sky.
    pub fn is_solid_at(&self, point: Vec2) -> bool {
        let column = (point.x / TILE).floor();
        let row_from_bottom = (point.y / TILE).floor();
        if column < 0.0 || row_from_bottom < 0.0 {
            return false;
        }
        let (column, row_from_bottom) = (column as usize, row_from_bottom as usize);
        row_from_bottom < self.rows && self.is_solid(column, self.rows - 1 - row_from_bottom)
    }

    /// Whether the tile at `column`, `row` of the map (row 0 at the top) is solid.
    pub fn is_solid(&self, column: usize, row: usize) -> bool {
        column < self.columns && row < self.rows && self.solid[row * self.columns + column]
    }

    /// The stretch of floor the tile at (`column`, `row`) stands on, as world x limits: where
    /// the enemy walks back and forth.
    pub fn walkway(&self, column: usize, row: usize) -> (f32, f32) {
        let walkable = |c: usize| {
            let centre = Self::centre(c, row, self.rows);
            !self.is_solid_at(centre) && self.is_solid_at(centre - Vec2::Y * TILE)
        };
        let mut left = column;
        while left > 0 && walkable(left - 1) {
            left -= 1;
        }
        let mut right = column;
        while right + 1 < self.columns && walkable(right + 1) {
            right += 1;
        }
        (left as f32 * TILE, (right + 1) as f32 * TILE)
    }

    fn centre(column: usize, row: usize, rows: usize) -> Vec2 {
        Vec2::new(column as f32 + 0.5, (rows - 1 - row) as f32 + 0.5) * TILE
    }

    fn feet(column: usize, row: usize, rows: usize) -> Vec2 {
        Self::centre(column, row, rows) - Vec2::Y * (TILE / 2.0)
    }
}

/// Spawns scenery, coins, the enemy and the player, each naming its sprite.
pub(crate) fn spawn_level(mut commands: Commands, level: Res<Level>, mut score: ResMut<Score>) {
    let mut coins = 0;
    for &(tile, column, row) in &level.things {
        let centre = Level::centre(column, row, level.rows);
        let feet = Level::feet(column, row, level.rows);
        let at = |point: Vec2, z: f32| Transform::from_translation(point.extend(z));
        let scenery = |name: &str| {
            (
                LevelEntity,
                PixelSprite::new(name),
                Anchor::BOTTOM_CENTER,
                at(feet, Z_SCENERY),
            )
        };
        match tile {
            't' => commands.spawn(scenery("scenery/tree")),
            'b' => commands.spawn(scenery("scenery/bush")),
            'f' => commands.spawn(scenery("scenery/flower")),
            'o' => {
                coins += 1;
                commands.spawn((
                    LevelEntity,
                    Coin { home: centre },
                    PixelSprite::new("coin"),
                    coin::spinning(),
                    at(centre, Z_COIN),
                ))
            }
            'E' => commands.spawn((
                LevelEntity,
                Enemy::new(level.walkway(column, row)),
                Body::new(feet, Vec2::new(14.0, 10.0)),
                PixelSprite::new("enemy"),
                enemy::squishing(),
                Anchor::BOTTOM_CENTER,
                at(feet, Z_ENEMY),
            )),
            'P' => commands.spawn((
                LevelEntity,
                Player::default(),
                Intent::default(),
                Body::new(feet, Vec2::new(10.0, 14.0)),
                PixelSprite::new("player"),
                player::standing(),
                Anchor::BOTTOM_CENTER,
                at(feet, Z_PLAYER),
            )),
            _ => continue,
        };
    }
    *score = Score {
        collected: 0,
        total: coins,
    };
}

/// Clears the level and spawns it again on [`Restart`] (the ground stays).
pub(crate) fn restart(
    mut restarts: MessageReader<Restart>,
    mut commands: Commands,
    spawned: Query<Entity, With<LevelEntity>>,
    level: Res<Level>,
    score: ResMut<Score>,
) {
    if restarts.read().count() == 0 {
        return;
    }
    for entity in &spawned {
        commands.entity(entity).despawn();
    }
    spawn_level(commands, level, score);
}

/// Rounds a world position to whole art pixels, so sprites never straddle a pixel.
pub(crate) fn snapped(position: Vec2, z: f32) -> Vec3 {
    position.round().extend(z)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &[&str] = &["     ", " P E ", "GG#GG"];

    #[test]
    fn solid_tiles_are_found_from_world_points() {
        let level = Level::parse(MAP);
        assert_eq!((level.columns, level.rows), (5, 3));
        assert!(level.is_solid_at(Vec2::new(1.0, 1.0)));
        assert!(level.is_solid_at(Vec2::new(47.0, 15.0)));
        assert!(!level.is_solid_at(Vec2::new(8.0, 17.0)));
        assert!(!level.is_solid_at(Vec2::new(-1.0, 8.0)), "left of the map");
        assert!(!level.is_solid_at(Vec2::new(8.0, -1.0)), "below the map");
    }

    #[test]
    fn the_start_is_the_bottom_of_the_player_tile() {
        assert_eq!(Level::parse(MAP).start, Vec2::new(24.0, 16.0));
    }

    #[test]
    fn a_walkway_ends_at_walls_and_gaps() {
        let level = Level::parse(&["#   #  ", "   E   ", "GGGGG G"]);
        assert_eq!(level.walkway(3, 1), (0.0, 80.0));
        let level = Level::parse(&["       ", "#  E  #", "GGGGGGG"]);
        assert_eq!(level.walkway(3, 1), (16.0, 96.0));
    }
}
