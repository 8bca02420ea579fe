//! The keyboard: arrows or A/D to run, Space, W or Up to jump, R to start over. BRP's
//! `brp_extras/send_keys` presses the same keys.

use bevy::ecs::change_detection::DetectChangesMut;
use bevy::ecs::message::MessageWriter;
use bevy::ecs::system::{Query, Res};
use bevy::input::ButtonInput;
use bevy::input::keyboard::KeyCode;

use crate::{Intent, Restart};

pub(super) fn read_keyboard(
    keys: Res<ButtonInput<KeyCode>>,
    mut intents: Query<&mut Intent>,
    mut restart: MessageWriter<Restart>,
) {
    let held = |codes: &[KeyCode]| keys.any_pressed(codes.iter().copied());
    let right = held(&[KeyCode::ArrowRight, KeyCode::KeyD]);
    let left = held(&[KeyCode::ArrowLeft, KeyCode::KeyA]);
    let run = f32::from(u8::from(right)) - f32::from(u8::from(left));
    let jump = held(&[KeyCode::Space, KeyCode::ArrowUp, KeyCode::KeyW]);
    for mut intent in &mut intents {
        intent.set_if_neq(Intent { run, jump });
    }
    if keys.just_pressed(KeyCode::KeyR) {
        restart.write(Restart);
    }
}
