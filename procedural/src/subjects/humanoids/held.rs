//! The weapon an attack swings: knights and heroes a sword, wizards a staff. It is held in the figure's right
//! hand and drawn only while a pose strikes, so the still sprite stays empty-handed.

use super::body::{NEAR, Stance};
use super::{LEATHER, Look, STEEL};
use crate::canvas::{Canvas, ellipse};
use crate::light::{BASE, LIT, SHADOW, SHINE, lit};
use crate::placement::Placement;
use crate::pose::SIDES;

/// The hand that holds the weapon: the figure's right.
const HAND_SIDE: usize = 0;

#[derive(Clone, Copy)]
enum Kind {
    Sword { blade: usize, hilt: usize },
    Staff { wood: usize, orb: usize },
}

pub(super) struct Weapon {
    kind: Kind,
    /// Where the still sprite has the holding hand, drawn again over the grip.
    grip: (f32, f32),
    skin: usize,
    white: usize,
}

impl Weapon {
    /// Adds the weapon's ramps to the canvas, so every frame of a figure shares one palette.
    pub(super) fn new(c: &mut Canvas, look: &Look, skin: usize, white: usize) -> Self {
        let (kind, grip) = match *look {
            Look::Knight { leather, .. } => (
                Kind::Sword {
                    blade: c.ramp(STEEL),
                    hilt: leather,
                },
                (0.25, 0.72),
            ),
            Look::Hero { belt, .. } => (
                Kind::Sword {
                    blade: c.ramp(STEEL),
                    hilt: belt,
                },
                (0.25, 0.72),
            ),
            Look::Wizard { band, .. } => (
                Kind::Staff {
                    wood: c.ramp(LEATHER),
                    orb: band,
                },
                (0.27, 0.74),
            ),
        };
        Self {
            kind,
            grip,
            skin,
            white,
        }
    }

    /// The weapon's direction in body coordinates `(u, v, y)` at `strike`: raised up and out behind the
    /// shoulder at 0, slashed forwards, down and across the body by 1.
    fn direction(strike: f32) -> (f32, f32, f32) {
        let angle = -0.4 + 2.5 * strike;
        let u = SIDES[HAND_SIDE] * (0.7 - 1.3 * strike);
        let (v, y) = (angle.sin(), -angle.cos());
        let length = (u * u + v * v + y * y).sqrt();
        (u / length, v / length, y / length)
    }

    /// Where the holding hand is on screen, in figure design units.
    fn hand(&self, st: &Stance) -> (f32, f32) {
        let (x, y) = (SIDES[HAND_SIDE] * self.grip.0, self.grip.1);
        st.arm(HAND_SIDE).forward(x, y, st.unit)
    }

    pub(super) fn behind(&self, st: &Stance) -> bool {
        st.pose.strike.is_some_and(|strike| {
            let (u, v, _) = Self::direction(strike);
            st.arm_depth(HAND_SIDE) + 0.2 * st.view.z(u, v) < -NEAR
        })
    }

    pub(super) fn draw(&self, c: &mut Canvas, st: &Stance) {
        let Some(strike) = st.pose.strike else {
            return;
        };
        let screen = |strike: f32| {
            let (u, v, y) = Self::direction(strike);
            (st.view.x(u, v), y)
        };
        let dir = screen(strike);
        let hand = self.hand(st);
        let unit = c.unit();
        c.place(Placement::STILL);
        // A smear of light over the arc the tip has just swept, while the swing is fast.
        if (0.3..0.95).contains(&strike) {
            let (from, to) = (screen(strike - 0.35), dir);
            let start = from.1.atan2(from.0);
            let sweep = wrap(to.1.atan2(to.0) - start);
            let (near, far) = (from.0.hypot(from.1), to.0.hypot(to.1));
            let reach = self.reach();
            c.fill(self.white, |p| {
                let (dx, dy) = (p.x - hand.0, p.y - hand.1);
                let t = wrap(dy.atan2(dx) - start) / sweep;
                let length = reach * (near + (far - near) * t);
                let d = dx.hypot(dy);
                ((0.0..=1.0).contains(&t) && d > length * 0.6 && d < length).then_some(LIT)
            });
        }
        let half = unit.max(0.03);
        let reach = self.reach();
        // Dark edges, so the weapon reads over the body as well as against the background.
        c.ink_in(|p| {
            let (along, across) = local(p.x, p.y, hand, dir);
            along > -0.1 && along < reach + unit && across.abs() < half + unit
        });
        match self.kind {
            Kind::Sword { blade, hilt } => {
                let guard_at = 0.06;
                c.fill(hilt, |p| {
                    let (along, across) = local(p.x, p.y, hand, dir);
                    let grip = along > -0.08 && along < guard_at && across.abs() < half;
                    let guard = (along - guard_at).abs() < half && across.abs() < 0.09;
                    (grip || guard).then(|| {
                        if grip {
                            SHADOW
                        } else {
                            lit(-across / 0.09, 0.0)
                        }
                    })
                });
                c.fill(blade, |p| {
                    let (along, across) = local(p.x, p.y, hand, dir);
                    let taper = half * ((reach - along) / (half * 2.0)).min(1.0);
                    let light = if along > reach - half * 3.0 {
                        SHINE
                    } else if across < 0.0 {
                        LIT
                    } else {
                        BASE
                    };
                    (along > guard_at + half && along < reach && across.abs() <= taper)
                        .then_some(light)
                });
            }
            Kind::Staff { wood, orb } => {
                c.fill(wood, |p| {
                    let (along, across) = local(p.x, p.y, hand, dir);
                    (along > -0.1 && along < reach && across.abs() <= half * 0.8)
                        .then(|| lit(-across / half * 0.6, 0.0))
                });
                let (ox, oy) = (hand.0 + dir.0 * reach, hand.1 + dir.1 * reach);
                let r = 0.06_f32.max(unit * 1.5);
                c.ink_in(|p| ellipse(p.x - ox, p.y - oy, r + unit, r + unit).is_some());
                c.fill(orb, |p| ellipse(p.x - ox, p.y - oy, r, r));
            }
        }
        c.fill(self.skin, |p| {
            ellipse(p.x - hand.0, p.y - hand.1, 0.06, 0.06)
        });
    }

    /// How far the weapon reaches beyond the hand.
    fn reach(&self) -> f32 {
        match self.kind {
            Kind::Sword { .. } => 0.42,
            Kind::Staff { .. } => 0.4,
        }
    }
}

/// A point's distance from `origin` along the weapon (in design units of its length, so a weapon pointing at
/// the viewer is foreshortened) and across it on screen; `dir` is the weapon's direction on screen.
fn local(x: f32, y: f32, origin: (f32, f32), dir: (f32, f32)) -> (f32, f32) {
    let length = dir.0.hypot(dir.1).max(0.3);
    let (dx, dy) = (dir.0 / length, dir.1 / length);
    let (rx, ry) = (x - origin.0, y - origin.1);
    ((rx * dx + ry * dy) / length, rx * -dy + ry * dx)
}

/// An angle brought into (-π, π].
fn wrap(angle: f32) -> f32 {
    let turned = angle.rem_euclid(std::f32::consts::TAU);
    if turned > std::f32::consts::PI {
        turned - std::f32::consts::TAU
    } else {
        turned
    }
}
