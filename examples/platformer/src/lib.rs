//! A small side-scroller whose every sprite is a DGX-Pixels [`PixelSprite`]: deploy new art while
//! it runs and the player, enemy, coins or ground change in place. The player plays named clips
//! of a character sheet ([`PixelAnimation`]) and the ground is one autotiled [`PixelTilemap`].
//!
//! The library holds the game rules and the level, which need no window; the end-to-end test in
//! `tests/` runs them headless. The `render` feature adds what a player sees and presses
//! (`view`): camera, parallax sky, coin counter and keyboard.
//!
//! [`PixelSprite`]: bevy_dgx_pixels::PixelSprite
//! [`PixelAnimation`]: bevy_dgx_pixels::PixelAnimation
//! [`PixelTilemap`]: bevy_dgx_pixels::PixelTilemap

mod body;
mod coin;
mod enemy;
mod facing;
mod ground;
mod level;
mod player;
#[cfg(feature = "render")]
pub mod view;

use bevy::app::{App, Plugin, Startup, Update};
use bevy::ecs::schedule::IntoScheduleConfigs;

pub use body::Body;
pub use coin::{Coin, Score};
pub use enemy::Enemy;
pub use ground::GROUND_TILESET;
pub use level::{LEVEL_MAP, Level, LevelEntity, Restart, TILE};
pub use player::{Intent, Player};

/// The game rules: the level and its ground, gravity and collisions, the player, the enemy and
/// the coins, and which clip each character plays.
/// Works without a window; add `view::ViewPlugin` (feature `render`) to see and play it.
pub struct PlatformerPlugin;

impl Plugin for PlatformerPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Level::parse(LEVEL_MAP))
            .init_resource::<Score>()
            .add_message::<Restart>()
            .add_systems(Startup, (level::spawn_level, ground::spawn_ground))
            .add_systems(
                Update,
                (
                    level::restart,
                    player::steer,
                    enemy::patrol,
                    body::step,
                    (player::fall_out, enemy::touch_player, coin::collect),
                    (body::snap_transforms, coin::bob, player::animate),
                    facing::mirror_one_sided,
                )
                    .chain(),
            );
    }
}
