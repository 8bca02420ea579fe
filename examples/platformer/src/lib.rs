//! A small side-scroller whose every sprite is a DGX-Pixels [`PixelSprite`]: deploy new art while
//! it runs and the player, enemy, coins or tiles change in place.
//!
//! The library holds the game rules and the level, which need no window; the end-to-end test in
//! `tests/` runs them headless. The `render` feature adds what a player sees and presses
//! (`view`): camera, parallax sky, coin counter and keyboard.
//!
//! [`PixelSprite`]: bevy_dgx_pixels::PixelSprite

mod body;
mod coin;
mod enemy;
mod level;
mod player;
#[cfg(feature = "render")]
pub mod view;

use bevy::app::{App, Plugin, Startup, Update};
use bevy::ecs::schedule::IntoScheduleConfigs;

pub use body::Body;
pub use coin::{Coin, Score};
pub use enemy::Enemy;
pub use level::{LEVEL_MAP, Level, LevelEntity, Restart, TILE};
pub use player::{Intent, Player};

/// The game rules: the level, gravity and collisions, the player, the enemy and the coins.
/// Works without a window; add `view::ViewPlugin` (feature `render`) to see and play it.
pub struct PlatformerPlugin;

impl Plugin for PlatformerPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Level::parse(LEVEL_MAP))
            .init_resource::<Score>()
            .add_message::<Restart>()
            .add_systems(Startup, level::spawn_level)
            .add_systems(
                Update,
                (
                    level::restart,
                    player::steer,
                    enemy::patrol,
                    body::step,
                    (player::fall_out, enemy::touch_player, coin::collect),
                    (body::snap_transforms, coin::bob),
                )
                    .chain(),
            );
    }
}
