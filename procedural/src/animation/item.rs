//! Items and plants: coins spin, other items bob while a glint sweeps across them, plants sway from their
//! base while their leaves rustle. They have no front or back, so every direction gets the same frames, and every action plays their
//! one motion; `Hurt` adds a flash to its first frame.

use std::f32::consts::{PI, TAU};

use super::Frame;
use super::action::Action;
use super::motion::Scale;
use crate::pose::Pose;

/// A half turn per cycle: a coin looks the same from behind, so that is a whole spin.
pub(super) fn coin(action: Action, t: f32) -> Frame {
    hurt(
        action,
        t,
        Frame::new(Pose {
            turn: PI * t,
            ..Pose::STILL
        }),
    )
}

pub(super) fn item(action: Action, t: f32) -> Frame {
    hurt(
        action,
        t,
        Frame {
            bob: 0.5 - 0.5 * (TAU * t).cos(),
            glint: (t > 0.0).then_some(0.2 + 0.6 * t),
            ..Frame::new(Pose::STILL)
        },
    )
}

/// Swaying from the base in a gust, while the leaves rustle.
pub(super) fn plant(action: Action, t: f32, scale: Scale) -> Frame {
    hurt(
        action,
        t,
        Frame {
            sway: scale.px(2.0) as f32 * ((TAU * t).sin() + 0.3 * (2.0 * TAU * t).sin()),
            rustle: (t > 0.0).then_some((t * 65536.0) as u64),
            ..Frame::new(Pose::STILL)
        },
    )
}

fn hurt(action: Action, t: f32, frame: Frame) -> Frame {
    Frame {
        flash: action == Action::Hurt && t < 0.25,
        ..frame
    }
}
