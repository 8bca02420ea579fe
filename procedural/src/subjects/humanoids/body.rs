//! Bodies: legs, arms, torsos, belts, capes and robes. Each part is the still sprite's shape for one side,
//! moved to where its joint is seen from the current view and swung about that joint.

use super::far_first;
use crate::canvas::{Canvas, ellipse};
use crate::light::{BASE, SHADOW, lit};
use crate::placement::{Affine, Placement};
use crate::pose::{Limb, Pose, SIDES, View};

/// Depth beyond which a paired part counts as in front of (or behind) the body.
pub(super) const NEAR: f32 = 0.05;
/// How deep a torso is for its width: side on, a body is this much narrower.
const TORSO_DEPTH: f32 = 0.7;
/// How far up a hand that swings away from the viewer shows, per unit of swing.
const TILT: f32 = 0.5;

const HIP: f32 = 0.74;
const FOOT: f32 = 0.99;
const LEG_X: f32 = 0.09;
const SHOULDER: f32 = 0.5;
const HAND: f32 = 0.74;
const ARM_X: f32 = 0.235;

/// A pose as the body painters use it: the view and the whole pixels each part moves.
pub(super) struct Stance {
    pub(super) view: View,
    pub(super) unit: f32,
    pub(super) pose: Pose,
}

impl Stance {
    pub(super) fn new(pose: &Pose, unit: f32) -> Self {
        Self {
            view: pose.view,
            unit,
            pose: *pose,
        }
    }

    pub(super) fn px(&self, design: f32) -> i32 {
        (design / self.unit).round() as i32
    }

    pub(super) fn torso(&self) -> Placement {
        Placement::shifted(self.pose.body.0, self.pose.body.1)
    }

    pub(super) fn head(&self) -> Placement {
        self.torso().and_shift(self.pose.head.0, self.pose.head.1)
    }

    /// A limb on `side` hanging from `joint` to `end`, its joint at `u = ±cx`. A hand swung away from the
    /// viewer shows higher (`tilt`); a foot keeps to the ground line unless it is lifted.
    fn limb(
        &self,
        side: usize,
        limb: Limb,
        cx: f32,
        (joint, end): (f32, f32),
        tilt: f32,
    ) -> Placement {
        let s = SIDES[side];
        let across = self.view.shift(s * cx, 0.0, self.unit) + s as i32 * limb.spread;
        let away = (-limb.swing * self.view.cos).max(0.0);
        let lift = limb.lift + self.px(away * tilt);
        let reach = self.px(limb.swing * self.view.sin);
        let placement = Placement::shifted(across, -lift);
        if reach == 0 {
            placement
        } else {
            placement.then(Affine::shear(
                joint,
                reach as f32 * self.unit / (end - joint),
            ))
        }
    }

    pub(super) fn leg(&self, side: usize) -> Placement {
        self.limb(side, self.pose.legs[side], LEG_X, (HIP, FOOT), 0.0)
    }

    pub(super) fn arm(&self, side: usize) -> Placement {
        let (x, y) = self.pose.body;
        self.limb(side, self.pose.arms[side], ARM_X, (SHOULDER, HAND), TILT)
            .and_shift(x, y)
    }

    pub(super) fn arm_depth(&self, side: usize) -> f32 {
        self.view.z(SIDES[side] * ARM_X, self.pose.arms[side].swing)
    }

    pub(super) fn legs_far_first(&self) -> [usize; 2] {
        far_first(
            self.view,
            LEG_X,
            [self.pose.legs[0].swing, self.pose.legs[1].swing],
        )
    }

    pub(super) fn arms_far_first(&self) -> [usize; 2] {
        far_first(
            self.view,
            ARM_X,
            [self.pose.arms[0].swing, self.pose.arms[1].swing],
        )
    }

    /// The screen half-width of a torso `half` wide.
    fn torso_width(&self, half: f32) -> f32 {
        self.view.width(half, half * TORSO_DEPTH)
    }
}

/// One leg: trousers, then the boot.
pub(super) fn leg(c: &mut Canvas, st: &Stance, side: usize, trousers: usize, boots: usize) {
    let s = SIDES[side];
    let gap = (c.unit() * 0.5).max(0.035);
    c.place(st.leg(side));
    c.fill(trousers, |p| {
        let ax = s * p.x;
        (ax > gap && ax < 0.15 && p.y > HIP && p.y < 0.88)
            .then(|| lit((p.x - s * 0.09) / 0.07, 0.0))
    });
    // Side on, the boot's toe points the way the figure faces.
    let toe = st.view.sin * 0.05;
    c.fill(boots, |p| {
        let ax = s * p.x;
        let boot = ax > gap && ax < 0.17;
        let tip = toe != 0.0
            && p.y > 0.93
            && (p.x - s * 0.1) * toe > 0.0
            && (p.x - s * 0.1).abs() < 0.08 + toe.abs();
        ((boot || tip) && p.y >= 0.86 && p.y < FOOT).then(|| lit((p.x - s * 0.1) / 0.08, -0.2))
    });
}

/// One arm: the hand, then the sleeve over it.
pub(super) fn arm(c: &mut Canvas, st: &Stance, side: usize, sleeve: usize, skin: usize) {
    let s = SIDES[side];
    c.place(st.arm(side));
    c.fill(skin, |p| ellipse(p.x - s * 0.25, p.y - 0.72, 0.06, 0.06));
    c.fill(sleeve, |p| {
        let ax = s * p.x;
        (ax > 0.17 && ax < 0.3 && p.y > SHOULDER && p.y < 0.7)
            .then(|| lit((p.x - s * ARM_X) / 0.07, (p.y - 0.5) * 2.0 - 0.6))
    });
}

/// A knight's shoulder plate, worn over the torso.
pub(super) fn pauldron(c: &mut Canvas, st: &Stance, side: usize, armour: usize) {
    let s = SIDES[side];
    c.place(st.arm(side));
    c.fill(armour, |p| ellipse(p.x - s * 0.21, p.y - 0.52, 0.1, 0.07));
}

pub(super) fn torso(c: &mut Canvas, st: &Stance, body: usize) {
    c.place(st.torso());
    c.fill(body, |p| {
        let half = st.torso_width(0.17 + (p.y - 0.5) * 0.12);
        (p.ax < half && p.y > 0.48 && p.y < 0.8).then(|| lit(p.x / half * 0.9, (p.y - 0.64) * 2.5))
    });
}

pub(super) fn belt(c: &mut Canvas, st: &Stance, belt: usize) {
    c.place(st.torso());
    let half = st.torso_width(0.19);
    c.fill(belt, |p| {
        (p.ax < half && p.y > 0.69 && p.y < 0.74).then_some(BASE)
    });
}

/// The crest-coloured stripe down a knight's chest, on the front of the torso only.
pub(super) fn tabard(c: &mut Canvas, st: &Stance, crest: usize) {
    c.place(st.torso());
    c.overlay(crest, |p| {
        let half = 0.17 + (p.y - 0.5) * 0.12;
        let (u, v) = st.view.surface(p.x, half, half * TORSO_DEPTH);
        (u.abs() < 0.07 && v >= 0.0 && p.y > 0.53 && p.y < 0.69).then(|| lit(u / 0.07, 0.0))
    });
}

/// A hero's cape: a sheet hanging behind the back, seen from inside (in shadow) from the front.
pub(super) fn cape(c: &mut Canvas, st: &Stance, cape: usize) {
    let back = st.view.shift(0.0, -0.12, st.unit);
    c.place(st.torso().and_shift(back, 0));
    let inside = st.view.cos > 0.3;
    c.fill(cape, |p| {
        let half = st.view.width(0.18 + (p.y - 0.48) * 0.25, 0.03);
        (p.ax < half && p.y > 0.48 && p.y < 0.88).then(|| {
            if inside {
                SHADOW
            } else {
                lit(p.x / half * 0.9, (p.y - 0.62) * 2.0)
            }
        })
    });
}

/// A wizard's robe, from the hands and sleeves to the hem, with the band down its front. Walking, the hem
/// sways towards the stepping foot and the toes show: beside the robe side on, at the hem from the front.
pub(super) fn robe(c: &mut Canvas, st: &Stance, robe: usize, skin: usize, band: usize) {
    let behind: Vec<usize> = st
        .arms_far_first()
        .into_iter()
        .filter(|&side| st.arm_depth(side) < NEAR)
        .collect();
    for &side in &behind {
        hand(c, st, side, skin);
    }
    let square_on = st.view.cos.abs() > 0.3;
    if !square_on {
        for side in st.legs_far_first() {
            foot(c, st, side, robe);
        }
    }
    // The hem stays on the floor while the body above it bobs.
    let hem = 0.97 - st.pose.body.1 as f32 * st.unit;
    let [right, left] = st.pose.legs.map(|leg| leg.lift);
    let sway = st.px(st.view.x((left - right).signum() as f32 * st.unit, 0.0));
    let swaying = if sway == 0 {
        st.torso()
    } else {
        st.torso()
            .then(Affine::shear(0.6, sway as f32 * st.unit / (0.97 - 0.6)))
    };
    c.place(swaying);
    c.fill(robe, |p| {
        let half = st.view.width(
            0.15 + (p.y - 0.44) * 0.32,
            (0.15 + (p.y - 0.44) * 0.32) * 0.85,
        );
        (p.ax < half && p.y > 0.44 && p.y < hem).then(|| lit(p.x / half * 0.9, (p.y - 0.7) * 2.0))
    });
    for &side in &behind {
        sleeve(c, st, side, robe);
    }
    c.place(swaying);
    c.overlay(band, |p| {
        let half = 0.15 + (p.y - 0.44) * 0.32;
        let (u, v) = st.view.surface(p.x, half, half * 0.85);
        (u.abs() < 0.03 && v >= 0.0 && p.y > 0.6).then_some(BASE)
    });
    if square_on {
        for side in st.legs_far_first() {
            toe(c, st, side);
        }
    }
    for side in st.arms_far_first() {
        if st.arm_depth(side) >= NEAR {
            hand(c, st, side, skin);
            sleeve(c, st, side, robe);
        }
    }
}

fn hand(c: &mut Canvas, st: &Stance, side: usize, skin: usize) {
    let s = SIDES[side];
    c.place(st.arm(side));
    c.fill(skin, |p| ellipse(p.x - s * 0.27, p.y - 0.74, 0.06, 0.06));
}

fn sleeve(c: &mut Canvas, st: &Stance, side: usize, robe: usize) {
    let s = SIDES[side];
    c.place(st.arm(side));
    c.fill(robe, |p| {
        let half = 0.05 + (p.y - 0.48) * 0.3;
        ((s * p.x - 0.22).abs() < half && p.y > 0.48 && p.y < 0.72)
            .then(|| lit((p.x - s * 0.22) / 0.12, 0.2))
    });
}

/// A foot under a robe, seen side on: it shows once it has stepped out beyond the hem.
fn foot(c: &mut Canvas, st: &Stance, side: usize, robe: usize) {
    let limb = st.pose.legs[side];
    if limb.swing == 0.0 && limb.lift == 0 {
        return;
    }
    let s = SIDES[side];
    c.place(st.leg(side));
    c.fill(robe, |p| {
        ellipse(p.x - s * 0.1 - st.view.sin * 0.1, p.y - 0.93, 0.09, 0.04).map(|_| SHADOW)
    });
}

/// The dark toe of a foot planted in front of a robe, seen from the front or behind, over the hem.
fn toe(c: &mut Canvas, st: &Stance, side: usize) {
    let limb = st.pose.legs[side];
    if limb.lift != 0 || limb.swing * st.view.cos <= 0.02 {
        return;
    }
    let s = SIDES[side];
    c.place(st.leg(side));
    c.ink_over(|p| ellipse(p.x - s * 0.1, p.y - 0.96, 0.06, 0.03).is_some());
}
