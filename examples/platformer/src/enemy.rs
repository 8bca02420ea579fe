//! The patrolling enemy: squishes as it walks its stretch of floor (its `idle` clip, facing the
//! way it goes), hurts the player on contact, and is knocked flat for a moment when stomped.

use bevy::ecs::component::Component;
use bevy::ecs::query::{With, Without};
use bevy::ecs::system::{Query, Res};
use bevy::math::Vec3;
use bevy::time::Time;
use bevy::transform::components::Transform;
use bevy_dgx_pixels::{Direction, PixelAnimation};

use crate::body::Body;
use crate::level::Level;
use crate::player::{Player, send_home};

/// Walking speed, in art pixels per second.
const PATROL_SPEED: f32 = 30.0;
/// How long a stomped enemy stays flat and harmless.
const STUN_SECONDS: f32 = 2.0;
/// Upward speed a stomp gives the player.
const STOMP_BOUNCE: f32 = 220.0;

#[derive(Component, Debug, Clone, PartialEq)]
pub struct Enemy {
    /// World x limits of the walk.
    left: f32,
    right: f32,
    direction: f32,
    /// Seconds left lying flat after a stomp.
    stunned: f32,
}

impl Enemy {
    pub fn new((left, right): (f32, f32)) -> Self {
        Self {
            left,
            right,
            direction: 1.0,
            stunned: 0.0,
        }
    }
}

/// What the enemy's sprite plays: the slime squashing and stretching, over and over.
pub(crate) fn squishing() -> PixelAnimation {
    PixelAnimation::play("idle").facing(Direction::East)
}

pub(crate) fn patrol(
    time: Res<Time>,
    mut enemies: Query<(&mut Enemy, &mut Body, &mut PixelAnimation, &mut Transform)>,
) {
    for (mut enemy, mut body, mut animation, mut transform) in &mut enemies {
        enemy.stunned = (enemy.stunned - time.delta_secs()).max(0.0);
        let half = body.size.x / 2.0;
        let at_left_end = body.position.x - half <= enemy.left && enemy.direction < 0.0;
        let at_right_end = body.position.x + half >= enemy.right && enemy.direction > 0.0;
        if body.blocked || at_left_end || at_right_end {
            enemy.direction = -enemy.direction;
        }
        let walking = enemy.stunned == 0.0;
        body.velocity.x = if walking {
            enemy.direction * PATROL_SPEED
        } else {
            0.0
        };
        animation.face(if enemy.direction < 0.0 {
            Direction::West
        } else {
            Direction::East
        });
        transform.scale = if walking {
            Vec3::ONE
        } else {
            Vec3::new(1.25, 0.5, 1.0)
        };
    }
}

/// A player landing on the enemy stuns it and bounces; any other touch sends the player home.
pub(crate) fn touch_player(
    level: Res<Level>,
    mut players: Query<&mut Body, With<Player>>,
    mut enemies: Query<(&mut Enemy, &Body), Without<Player>>,
) {
    for mut player in &mut players {
        for (mut enemy, body) in &mut enemies {
            if enemy.stunned > 0.0 || !player.touches(body.centre(), body.size) {
                continue;
            }
            if player.velocity.y < 0.0 && player.position.y > body.centre().y {
                enemy.stunned = STUN_SECONDS;
                player.velocity.y = STOMP_BOUNCE;
            } else {
                send_home(&mut player, &level);
            }
        }
    }
}
