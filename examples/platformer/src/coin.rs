//! Coins: they spin and bob in place, and count towards the [`Score`] when the player touches one.

use bevy::ecs::component::Component;
use bevy::ecs::entity::Entity;
use bevy::ecs::query::With;
use bevy::ecs::resource::Resource;
use bevy::ecs::system::{Commands, Query, Res, ResMut};
use bevy::math::Vec2;
use bevy::time::Time;
use bevy::transform::components::Transform;
use bevy_dgx_pixels::PixelAnimation;

use crate::body::Body;
use crate::level::snapped;
use crate::player::Player;

/// How far a coin reaches for the player, in art pixels.
const COIN_SIZE: Vec2 = Vec2::splat(10.0);

#[derive(Component, Debug, Clone, PartialEq)]
pub struct Coin {
    /// Where the coin floats around.
    pub home: Vec2,
}

/// Coins collected so far out of those in the level.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    pub collected: u32,
    pub total: u32,
}

/// What a coin's sprite plays: its `idle` clip, which the generator draws as a spin.
pub(crate) fn spinning() -> PixelAnimation {
    PixelAnimation::play("idle")
}

pub(crate) fn collect(
    mut commands: Commands,
    mut score: ResMut<Score>,
    players: Query<&Body, With<Player>>,
    coins: Query<(Entity, &Coin)>,
) {
    for player in &players {
        for (entity, coin) in &coins {
            if player.touches(coin.home, COIN_SIZE) {
                commands.entity(entity).despawn();
                score.collected += 1;
            }
        }
    }
}

/// Floats each coin up and down by a pixel or two, out of step with its neighbours.
pub(crate) fn bob(time: Res<Time>, mut coins: Query<(&Coin, &mut Transform)>) {
    let t = time.elapsed_secs() * 3.0;
    for (coin, mut transform) in &mut coins {
        let offset = Vec2::Y * (t + coin.home.x * 0.05).sin() * 1.5;
        transform.translation = snapped(coin.home + offset, transform.translation.z);
    }
}
