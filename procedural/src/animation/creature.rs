//! Creature actions as poses: slimes, ghosts and monsters squash and stretch, hop and lunge. The painter
//! gives each form its own reading of a pose (see `crate::subjects`): a slime squashes about its base and
//! melts when it dies, a ghost floats and its hem ripples, a monster waddles on its feet and topples over.

use std::f32::consts::{FRAC_PI_2, TAU};

use super::Frame;
use super::action::Action;
use super::motion::{Key, Scale, keyed};
use crate::placement::Placement;
use crate::pose::{Limb, Pose};

/// The frame at `t` of an action drawn with `frames` frames.
pub(super) fn frame(action: Action, t: f32, frames: u32, scale: Scale) -> Frame {
    // Walks and runs are turned so a frame falls on the fullest squash and stretch: frames either side of
    // them then differ. An idle starts from the still pose.
    let turn = FRAC_PI_2 - TAU * (frames as f32 / 4.0).round() / frames as f32;
    match action {
        Action::Idle => cycle(TAU * t, scale, &IDLE),
        Action::Walk => cycle(TAU * t + turn, scale, &WALK),
        Action::Run => cycle(TAU * t + turn, scale, &RUN),
        Action::Jump => keyed(&JUMP, t).pose(t, scale),
        Action::Attack => keyed(&ATTACK, t).pose(t, scale),
        Action::Hurt => keyed(&HURT, t).pose(t, scale),
        Action::Death => keyed(&DEATH, t).pose(t, scale),
    }
}

/// A looping motion.
struct Cycle {
    /// How much the body squashes and stretches, once a cycle.
    squash: f32,
    /// How far the body leans forwards, a quarter cycle behind the squash, as a jelly lags its push.
    lean: f32,
    /// How high feet lift (monsters) and how far they swing, in design units.
    feet: f32,
    stride: f32,
    /// How many waves run along a ghost's hem per cycle.
    ripples: f32,
    /// How far the arms rise as the body stretches.
    arms: f32,
}

const IDLE: Cycle = Cycle {
    squash: 0.06,
    lean: 0.0,
    feet: 0.0,
    stride: 0.0,
    ripples: 1.0,
    arms: 1.0,
};
const WALK: Cycle = Cycle {
    squash: 0.07,
    lean: 1.0,
    feet: 1.5,
    stride: 0.07,
    ripples: 1.0,
    arms: 1.0,
};
const RUN: Cycle = Cycle {
    squash: 0.08,
    lean: 1.0,
    feet: 2.5,
    stride: 0.06,
    ripples: 2.0,
    arms: 2.0,
};

/// The pose at `angle` (radians) round a looping motion.
fn cycle(angle: f32, scale: Scale, cycle: &Cycle) -> Frame {
    let (sin, cos) = angle.sin_cos();
    let t = angle / TAU;
    let beat = sin;
    let foot = |sign: f32| Limb {
        swing: sign * cycle.stride * sin,
        lift: scale.px(cycle.feet * (sign * cos).max(0.0)),
        spread: 0,
    };
    Frame::new(Pose {
        view: scale.view,
        squash: cycle.squash * beat,
        body: (scale.forward(cycle.lean * cos.max(0.0)), 0),
        legs: [foot(1.0), foot(-1.0)],
        arms: [foot(-1.0), foot(1.0)].map(|limb| Limb {
            lift: scale.px(cycle.arms * (-beat).max(0.0)),
            ..limb
        }),
        ripple: cycle.ripples * t,
        ..Pose::STILL
    })
}

/// A keyframe of a one-shot action, in pixels of a 32-px sprite unless said otherwise.
#[derive(Clone, Copy)]
struct Keyframe {
    squash: f32,
    /// How far the body rises off the ground (as far as there is room).
    rise: f32,
    /// How far the body leans or lunges forwards.
    lean: f32,
    /// How far the arms (monsters) are raised.
    arms: f32,
    knock: f32,
    collapse: f32,
    flash: f32,
}

impl Key for Keyframe {
    fn mix(self, o: Self, t: f32) -> Self {
        let m = |a: f32, b: f32| a.mix(b, t);
        Self {
            squash: m(self.squash, o.squash),
            rise: m(self.rise, o.rise),
            lean: m(self.lean, o.lean),
            arms: m(self.arms, o.arms),
            knock: m(self.knock, o.knock),
            collapse: m(self.collapse, o.collapse),
            flash: m(self.flash, o.flash),
        }
    }
}

impl Keyframe {
    const NONE: Self = Self {
        squash: 0.0,
        rise: 0.0,
        lean: 0.0,
        arms: 0.0,
        knock: 0.0,
        collapse: 0.0,
        flash: 0.0,
    };

    fn pose(self, t: f32, scale: Scale) -> Frame {
        let arm = Limb {
            lift: scale.px(self.arms),
            ..Limb::default()
        };
        let pose = Pose {
            view: scale.view,
            figure: Placement::shifted(-scale.forward(self.knock), 0),
            squash: self.squash,
            body: (scale.forward(self.lean), -scale.px(self.rise)),
            arms: [arm; 2],
            collapse: self.collapse,
            ripple: t,
            ..Pose::STILL
        };
        Frame {
            flash: self.flash > 0.5,
            ..Frame::new(pose)
        }
    }
}

/// Squash down, spring up stretched, float at the top, stretch falling, squash on landing.
const JUMP: [Keyframe; 5] = [
    Keyframe {
        squash: 0.18,
        ..Keyframe::NONE
    },
    Keyframe {
        squash: -0.15,
        rise: 2.0,
        ..Keyframe::NONE
    },
    Keyframe {
        squash: -0.04,
        rise: 6.0,
        ..Keyframe::NONE
    },
    Keyframe {
        squash: -0.1,
        rise: 2.0,
        ..Keyframe::NONE
    },
    Keyframe {
        squash: 0.15,
        ..Keyframe::NONE
    },
];

/// Gather back squashed, lunge forwards stretched with the arms up, settle back.
const ATTACK: [Keyframe; 5] = [
    Keyframe {
        squash: 0.12,
        lean: -1.0,
        arms: 3.0,
        ..Keyframe::NONE
    },
    Keyframe {
        squash: -0.12,
        lean: 3.0,
        arms: 2.0,
        ..Keyframe::NONE
    },
    Keyframe {
        squash: -0.05,
        lean: 3.0,
        ..Keyframe::NONE
    },
    Keyframe {
        squash: 0.05,
        lean: 1.0,
        ..Keyframe::NONE
    },
    Keyframe {
        squash: 0.0,
        lean: 0.0,
        arms: 1.0,
        ..Keyframe::NONE
    },
];

/// A flash, knocked back squashed, steadying.
const HURT: [Keyframe; 3] = [
    Keyframe {
        squash: 0.12,
        knock: 2.0,
        flash: 1.0,
        ..Keyframe::NONE
    },
    Keyframe {
        squash: 0.06,
        knock: 2.0,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 1.0,
        ..Keyframe::NONE
    },
];

/// A flash, then collapsing (see the painter for what that is for each form).
const DEATH: [Keyframe; 5] = [
    Keyframe {
        squash: 0.1,
        knock: 1.0,
        flash: 1.0,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 1.0,
        collapse: 0.3,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 1.0,
        collapse: 0.6,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 1.0,
        collapse: 0.85,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 1.0,
        collapse: 1.0,
        ..Keyframe::NONE
    },
];
