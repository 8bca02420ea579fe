//! Humanoid actions as poses: walk and run cycles, a breathing idle, and keyframed jumps, attacks, hurts and
//! deaths. Motions are in pixels of a 32-px sprite (`Scale` turns them into whole pixels of the real one);
//! feet never go below the ground line, so walks, runs and idles keep their feet line.

use std::f32::consts::TAU;

use super::Frame;
use super::action::Action;
use super::motion::{Key, Scale, keyed};
use crate::placement::Placement;
use crate::pose::{Limb, Pose};

pub(super) fn frame(action: Action, t: f32, scale: Scale) -> Frame {
    match action {
        Action::Idle => idle(t, scale),
        Action::Walk => stride(t, scale, &WALK),
        Action::Run => stride(t, scale, &RUN),
        Action::Jump => keyed(&JUMP, t).pose(scale),
        Action::Attack => keyed(&ATTACK, t).pose(scale),
        Action::Hurt => keyed(&HURT, t).pose(scale),
        Action::Death => keyed(&DEATH, t).pose(scale),
    }
}

/// Breathing: the shoulders drop, then the body, then the shoulders again, a pixel at a time.
fn idle(t: f32, scale: Scale) -> Frame {
    let breath = 0.5 - 0.5 * (TAU * t).cos();
    let level = (breath * 3.0).round() as i32;
    let body = scale.px(if level >= 2 { 1.0 } else { 0.0 });
    let shoulders = scale.px(if level % 2 == 1 { 1.0 } else { 0.0 });
    let arm = Limb {
        lift: -shoulders,
        ..Limb::default()
    };
    Frame::new(Pose {
        view: scale.view,
        body: (0, body),
        arms: [arm; 2],
        ..Pose::STILL
    })
}

/// A walking or running gait.
struct Gait {
    /// How far a foot swings forwards and back, in design units.
    stride: f32,
    /// How high a foot lifts as it passes under the body.
    lift: f32,
    /// How far a hand swings, in design units.
    arm: f32,
    /// How far the hands are raised (bent elbows).
    elbows: f32,
    /// How far the body sinks when both feet are down.
    bob: f32,
    /// How far the body leans forwards.
    lean: f32,
}

const WALK: Gait = Gait {
    stride: 0.09,
    lift: 1.5,
    arm: 0.07,
    elbows: 0.0,
    bob: 1.0,
    lean: 0.0,
};
const RUN: Gait = Gait {
    stride: 0.15,
    lift: 3.0,
    arm: 0.13,
    elbows: 2.0,
    bob: 1.0,
    lean: 1.0,
};

/// Legs swing in opposite phase, each lifting as it passes forwards; arms swing against the legs; the body
/// sinks when the legs are furthest apart.
fn stride(t: f32, scale: Scale, gait: &Gait) -> Frame {
    let (cos, sin) = ((TAU * t).cos(), (TAU * t).sin());
    let leg = |sign: f32| Limb {
        swing: sign * gait.stride * sin,
        lift: scale.px(gait.lift * (sign * cos).max(0.0)),
        spread: 0,
    };
    let arm = |sign: f32| Limb {
        swing: -sign * gait.arm * sin,
        lift: scale.px(gait.elbows),
        spread: 0,
    };
    Frame::new(Pose {
        view: scale.view,
        body: (scale.forward(gait.lean), scale.px(gait.bob * sin.abs())),
        legs: [leg(1.0), leg(-1.0)],
        arms: [arm(1.0), arm(-1.0)],
        ..Pose::STILL
    })
}

/// A keyframe of a one-shot action, in pixels of a 32-px sprite unless said otherwise.
#[derive(Clone, Copy, Default)]
struct Keyframe {
    /// How far the body sinks.
    crouch: f32,
    /// How far the body leans forwards (back when negative).
    lean: f32,
    /// How far the head moves forwards and down on top.
    head: (f32, f32),
    legs_lift: f32,
    legs_spread: f32,
    arms_lift: f32,
    arms_spread: f32,
    /// How far both hands swing forwards, in design units.
    arms_swing: f32,
    /// The weapon hand's lift and swing on top of the arms'.
    hand: (f32, f32),
    /// The weapon's swing (see `Pose::strike`); below 0 there is no weapon.
    strike: f32,
    /// How far the whole figure is thrown back.
    knock: f32,
    /// From standing (0) to lying on the ground (1).
    collapse: f32,
    /// Above 0.5, the frame flashes.
    flash: f32,
}

impl Key for Keyframe {
    fn mix(self, o: Self, t: f32) -> Self {
        let m = |a: f32, b: f32| a.mix(b, t);
        Self {
            crouch: m(self.crouch, o.crouch),
            lean: m(self.lean, o.lean),
            head: (m(self.head.0, o.head.0), m(self.head.1, o.head.1)),
            legs_lift: m(self.legs_lift, o.legs_lift),
            legs_spread: m(self.legs_spread, o.legs_spread),
            arms_lift: m(self.arms_lift, o.arms_lift),
            arms_spread: m(self.arms_spread, o.arms_spread),
            arms_swing: m(self.arms_swing, o.arms_swing),
            hand: (m(self.hand.0, o.hand.0), m(self.hand.1, o.hand.1)),
            strike: m(self.strike, o.strike),
            knock: m(self.knock, o.knock),
            collapse: m(self.collapse, o.collapse),
            flash: m(self.flash, o.flash),
        }
    }
}

impl Keyframe {
    const NONE: Self = Self {
        crouch: 0.0,
        lean: 0.0,
        head: (0.0, 0.0),
        legs_lift: 0.0,
        legs_spread: 0.0,
        arms_lift: 0.0,
        arms_spread: 0.0,
        arms_swing: 0.0,
        hand: (0.0, 0.0),
        strike: -1.0,
        knock: 0.0,
        collapse: 0.0,
        flash: 0.0,
    };

    fn pose(self, scale: Scale) -> Frame {
        let legs = Limb {
            swing: 0.0,
            lift: scale.px(self.legs_lift),
            spread: scale.px(self.legs_spread),
        };
        let arms = Limb {
            swing: self.arms_swing,
            lift: scale.px(self.arms_lift),
            spread: scale.px(self.arms_spread),
        };
        let weapon_arm = Limb {
            swing: self.arms_swing + self.hand.1,
            lift: scale.px(self.arms_lift + self.hand.0),
            ..arms
        };
        let off_arm = Limb {
            swing: self.arms_swing - self.hand.1 * 0.5,
            ..arms
        };
        let pose = Pose {
            view: scale.view,
            figure: Placement::shifted(-scale.forward(self.knock), 0),
            body: (scale.forward(self.lean), scale.px(self.crouch)),
            head: (scale.forward(self.head.0), scale.px(self.head.1)),
            legs: [legs; 2],
            arms: [weapon_arm, off_arm],
            strike: (self.strike >= 0.0).then_some(self.strike),
            collapse: self.collapse,
            ..Pose::STILL
        };
        Frame {
            flash: self.flash > 0.5,
            ..Frame::new(pose)
        }
    }
}

/// Crouch, launch with the arms up, tuck the legs at the top, reach down while falling, land.
const JUMP: [Keyframe; 5] = [
    Keyframe {
        crouch: 2.0,
        legs_spread: 1.0,
        arms_lift: -1.0,
        arms_swing: -0.05,
        ..Keyframe::NONE
    },
    Keyframe {
        legs_lift: 1.0,
        arms_lift: 4.0,
        arms_swing: 0.03,
        ..Keyframe::NONE
    },
    Keyframe {
        legs_lift: 3.0,
        arms_lift: 3.0,
        arms_spread: 1.0,
        ..Keyframe::NONE
    },
    Keyframe {
        legs_lift: 1.0,
        arms_lift: 2.0,
        arms_spread: 2.0,
        ..Keyframe::NONE
    },
    Keyframe {
        crouch: 1.0,
        legs_spread: 1.0,
        arms_spread: 1.0,
        ..Keyframe::NONE
    },
];

/// Wind up with the weapon raised behind, swing it through, follow through leaning in, recover.
const ATTACK: [Keyframe; 5] = [
    Keyframe {
        lean: -1.0,
        hand: (4.0, -0.05),
        strike: 0.0,
        ..Keyframe::NONE
    },
    Keyframe {
        hand: (3.0, 0.03),
        strike: 0.4,
        ..Keyframe::NONE
    },
    Keyframe {
        lean: 1.0,
        crouch: 1.0,
        hand: (1.0, 0.09),
        strike: 0.8,
        ..Keyframe::NONE
    },
    Keyframe {
        lean: 1.0,
        crouch: 1.0,
        hand: (0.0, 0.1),
        strike: 1.0,
        ..Keyframe::NONE
    },
    Keyframe {
        hand: (0.0, 0.04),
        strike: 1.0,
        ..Keyframe::NONE
    },
];

/// Struck: a flash, thrown back with the head snapping back and the arms flung out, then steadying.
const HURT: [Keyframe; 3] = [
    Keyframe {
        knock: 2.0,
        head: (-1.0, 0.0),
        arms_lift: 2.0,
        arms_spread: 1.0,
        flash: 1.0,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 2.0,
        crouch: 1.0,
        head: (-1.0, 1.0),
        arms_lift: 1.0,
        arms_spread: 1.0,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 1.0,
        ..Keyframe::NONE
    },
];

/// Struck down: a flash, sinking to the knees, then falling over backwards to lie on the ground.
const DEATH: [Keyframe; 5] = [
    Keyframe {
        knock: 1.0,
        head: (-1.0, 0.0),
        arms_lift: 2.0,
        arms_spread: 1.0,
        flash: 1.0,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 1.0,
        crouch: 3.0,
        legs_spread: 1.0,
        head: (0.0, 1.0),
        arms_lift: -1.0,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 1.0,
        crouch: 3.0,
        legs_spread: 1.0,
        collapse: 0.35,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 1.0,
        crouch: 2.0,
        collapse: 0.75,
        ..Keyframe::NONE
    },
    Keyframe {
        knock: 1.0,
        crouch: 1.0,
        collapse: 1.0,
        ..Keyframe::NONE
    },
];
