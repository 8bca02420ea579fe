//! The player: runs and jumps as its [`Intent`] says, shows the clip of what it does facing where
//! it runs; falling into a gap starts the level over.

use bevy::ecs::component::Component;
use bevy::ecs::message::MessageWriter;
use bevy::ecs::query::With;
use bevy::ecs::system::{Query, Res};
use bevy::time::Time;
use bevy_dgx_pixels::{Direction, PixelAnimation};

use crate::body::Body;
use crate::level::{Level, Restart};

/// Top running speed, in art pixels per second.
const RUN_SPEED: f32 = 110.0;
/// How fast the player reaches running speed or stops, in art pixels per second squared.
const RUN_ACCELERATION: f32 = 900.0;
/// Upward speed at take-off: about four tiles high.
const JUMP_SPEED: f32 = 340.0;
/// Letting go of jump while rising keeps this much of the upward speed: short hops.
const JUMP_CUT: f32 = 0.45;
/// A jump still works this long after running off a ledge, which feels fair.
const COYOTE_SECONDS: f32 = 0.1;
/// Below this height the player has fallen out of the level.
const FALL_OUT_Y: f32 = -64.0;

/// The clips of the player's sheet (`dgx-pixels character … --animations idle,run,jump`).
const IDLE: &str = "idle";
const RUN: &str = "run";
/// Plays once and holds its last frame until the player lands.
const JUMP: &str = "jump";

/// What the player wants to do this frame: from the keyboard in the game, from code in tests.
#[derive(Component, Debug, Default, Clone, PartialEq)]
pub struct Intent {
    /// -1 runs left, 1 runs right, 0 stands.
    pub run: f32,
    /// Held down: starts a jump when first pressed, a longer jump while held.
    pub jump: bool,
}

#[derive(Component, Debug, Default, Clone)]
pub struct Player {
    /// Seconds since the player last stood on something.
    airborne: f32,
    jump_was_held: bool,
}

/// What the player's sprite plays when it appears: standing, facing into the level.
pub(crate) fn standing() -> PixelAnimation {
    PixelAnimation::play(IDLE).facing(Direction::East)
}

pub(crate) fn steer(time: Res<Time>, mut players: Query<(&mut Player, &Intent, &mut Body)>) {
    let dt = time.delta_secs();
    for (mut player, intent, mut body) in &mut players {
        let target = intent.run.clamp(-1.0, 1.0) * RUN_SPEED;
        let change =
            (target - body.velocity.x).clamp(-RUN_ACCELERATION * dt, RUN_ACCELERATION * dt);
        body.velocity.x += change;

        player.airborne = if body.on_ground {
            0.0
        } else {
            player.airborne + dt
        };
        let pressed = intent.jump && !player.jump_was_held;
        if pressed && player.airborne <= COYOTE_SECONDS {
            body.velocity.y = JUMP_SPEED;
            player.airborne = COYOTE_SECONDS + dt;
        } else if !intent.jump && player.jump_was_held && body.velocity.y > 0.0 {
            body.velocity.y *= JUMP_CUT;
        }
        player.jump_was_held = intent.jump;
    }
}

/// Picks the clip from how the body moved this frame (jump in the air, run along the ground,
/// idle standing still) and turns the player the way it runs; letting go keeps the facing.
pub(crate) fn animate(mut players: Query<(&Intent, &Body, &mut PixelAnimation), With<Player>>) {
    for (intent, body, mut animation) in &mut players {
        let clip = if !body.on_ground {
            JUMP
        } else if body.velocity.x != 0.0 {
            RUN
        } else {
            IDLE
        };
        animation.set_clip(clip);
        if intent.run > 0.0 {
            animation.face(Direction::East);
        } else if intent.run < 0.0 {
            animation.face(Direction::West);
        }
    }
}

/// A player who fell into a gap starts the level over: coins back, score zero.
pub(crate) fn fall_out(players: Query<&Body, With<Player>>, mut restart: MessageWriter<Restart>) {
    if players.iter().any(|body| body.position.y < FALL_OUT_Y) {
        restart.write(Restart);
    }
}

/// Back to the start, standing still.
pub(crate) fn send_home(body: &mut Body, level: &Level) {
    body.position = level.start;
    body.velocity = bevy::math::Vec2::ZERO;
}
