//! What a painter is asked to draw besides the still sprite: the side a figure is seen from and how it stands.
//! Animations (`animation`) make poses and painters (`subjects`) draw them; `Pose::STILL` is the still sprite.
//!
//! Figures are modelled in body coordinates: `u` runs across the body (screen-right when it faces the viewer),
//! `v` forwards, and `y` down as on screen. A view turns the body about its vertical axis; the screen then has
//! `x` (right) and `z` (towards the viewer).

use std::f32::consts::FRAC_PI_2;

use crate::placement::{Affine, Placement};

/// How far a face turns for each degree its head turns, up to a profile (see `View::face`).
const FACE_TURN: f32 = 0.72;

/// How far a figure has turned from facing the viewer, as a cosine and sine: a quarter turn faces screen-right.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct View {
    pub(crate) cos: f32,
    pub(crate) sin: f32,
}

impl View {
    pub(crate) const FRONT: Self = Self { cos: 1.0, sin: 0.0 };

    /// Screen `x` of the body point `(u, v)`.
    pub(crate) fn x(self, u: f32, v: f32) -> f32 {
        u * self.cos + v * self.sin
    }

    /// Screen depth of the body point `(u, v)`: positive is nearer the viewer.
    pub(crate) fn z(self, u: f32, v: f32) -> f32 {
        -u * self.sin + v * self.cos
    }

    /// Seen from straight in front or behind, where widths and surface points are exact.
    fn square(self) -> bool {
        self.sin == 0.0
    }

    /// The half-width on screen of a cross-section with half-axes `w` (across) and `d` (deep).
    pub(crate) fn width(self, w: f32, d: f32) -> f32 {
        if self.square() {
            w
        } else {
            (w * self.cos).hypot(d * self.sin)
        }
    }

    /// The body point `(u, v)` seen at screen offset `x` from the centre of a cross-section with half-axes `w`
    /// and `d`: the nearer of the two points of its outline there. Exactly `(±x, ..)` when seen square on.
    pub(crate) fn surface(self, x: f32, w: f32, d: f32) -> (f32, f32) {
        if self.square() {
            let depth = d * (1.0 - (x / w).powi(2)).max(0.0).sqrt();
            return (x * self.cos, depth * self.cos);
        }
        let reach = self.width(w, d);
        let turn = (d * self.sin).atan2(w * self.cos);
        let across = (x / reach).clamp(-1.0, 1.0).asin();
        let point = |t: f32| (w * t.sin(), d * t.cos());
        let (a, b) = (
            point(across - turn),
            point(std::f32::consts::PI - across - turn),
        );
        if self.z(a.0, a.1) >= self.z(b.0, b.1) {
            a
        } else {
            b
        }
    }

    /// The body point `(u, v)` seen at offset `(dx, dy)` from the centre of a head (or any ellipsoid) `r` wide
    /// and deep and `ry` tall, or `None` off its outline. Seen square on it is exactly `(±dx, ..)`, and points
    /// off the outline count as on its rim, as the still sprite's flat shapes have them.
    pub(crate) fn on_sphere(self, dx: f32, dy: f32, r: f32, ry: f32) -> Option<(f32, f32)> {
        let (nx, ny) = (dx / r, dy / ry);
        let rim = 1.0 - nx * nx - ny * ny;
        let nz = rim.max(0.0).sqrt();
        if self.square() {
            return Some((dx * self.cos, r * nz * self.cos));
        }
        (rim >= 0.0).then(|| {
            let (nu, nv) = (nx * self.cos - nz * self.sin, nx * self.sin + nz * self.cos);
            (nu * r, nv * r)
        })
    }

    /// The view a face is drawn in: turned less than the head while it faces the viewer at all, as sprite
    /// artists cheat faces towards the camera, so a profile keeps its eye inside the head. Seen square on, it
    /// is this view.
    pub(crate) fn face(self) -> Self {
        if self.square() {
            return self;
        }
        let turn = self.sin.atan2(self.cos).abs();
        let cheated = if turn <= FRAC_PI_2 {
            turn * FACE_TURN
        } else {
            FRAC_PI_2 * FACE_TURN + (turn - FRAC_PI_2) * (2.0 - FACE_TURN)
        };
        Self {
            cos: cheated.cos(),
            sin: cheated.sin().copysign(self.sin),
        }
    }

    /// Whole pixels a part at `(u, v)` moves on screen from where the still sprite has it at `u`.
    pub(crate) fn shift(self, u: f32, v: f32, unit: f32) -> i32 {
        ((self.x(u, v) - u) / unit).round() as i32
    }
}

/// A limb's pose: where its end has swung and how it is lifted or spread.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Limb {
    /// How far forwards the end of the limb (a foot, a hand) has swung, in design units.
    pub(crate) swing: f32,
    /// Whole pixels the limb is raised.
    pub(crate) lift: i32,
    /// Whole pixels the limb is moved outwards, away from the body's centre line.
    pub(crate) spread: i32,
}

/// How a figure stands and where it is seen from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Pose {
    pub(crate) view: View,
    /// Whole pixels the whole figure is thrown, right and down.
    pub(crate) figure: Placement,
    /// From standing (0) to fallen over and lying on the ground (1).
    pub(crate) collapse: f32,
    /// Whole pixels the head and torso move (bob, crouch, lean), right and down.
    pub(crate) body: (i32, i32),
    /// Further whole pixels for the head alone.
    pub(crate) head: (i32, i32),
    /// The figure's right then left leg (or foot).
    pub(crate) legs: [Limb; 2],
    /// The figure's right then left arm.
    pub(crate) arms: [Limb; 2],
    /// A held weapon's swing, from 0 (raised behind) to 1 (struck through); `None` when none is drawn.
    pub(crate) strike: Option<f32>,
    /// Creatures: the fraction of height squashed (negative stretches), keeping their volume.
    pub(crate) squash: f32,
    /// Coins: the turn about their vertical axis, in radians.
    pub(crate) turn: f32,
    /// Ghosts: how far the wave along the hem has travelled, in waves.
    pub(crate) ripple: f32,
}

impl Pose {
    pub(crate) const STILL: Self = Self {
        view: View::FRONT,
        figure: Placement::STILL,
        collapse: 0.0,
        body: (0, 0),
        head: (0, 0),
        legs: [Limb {
            swing: 0.0,
            lift: 0,
            spread: 0,
        }; 2],
        arms: [Limb {
            swing: 0.0,
            lift: 0,
            spread: 0,
        }; 2],
        strike: None,
        squash: 0.0,
        turn: 0.0,
        ripple: 0.0,
    };
}

impl Pose {
    /// Where the whole figure is drawn: thrown by `figure` and, as it collapses, turned about its feet
    /// (backwards, or to the right when seen square on) so that it lies on the ground inside the canvas.
    /// `bounds` is the standing figure's box (left, right, top, bottom) in design units.
    pub(crate) fn placement(&self, (left, right, top, bottom): (f32, f32, f32, f32)) -> Placement {
        if self.collapse == 0.0 {
            return self.figure;
        }
        let side = if self.view.sin.abs() > 0.1 {
            -self.view.sin.signum()
        } else {
            1.0
        };
        let turn = Affine::rotate((0.0, bottom), side * self.collapse * FRAC_PI_2);
        let corners = [(left, top), (right, top), (left, bottom), (right, bottom)]
            .map(|(x, y)| turn.apply(x, y));
        let low = corners.iter().map(|c| c.0).fold(f32::MAX, f32::min);
        let high = corners.iter().map(|c| c.0).fold(f32::MIN, f32::max);
        let deepest = corners.iter().map(|c| c.1).fold(f32::MIN, f32::max);
        let room = 0.48;
        let dx = if high - low > 2.0 * room {
            -(low + high) / 2.0
        } else {
            (room - high).min(0.0) + (-room - low).max(0.0)
        };
        Placement {
            motion: Some(turn.then(Affine::translate(dx, bottom - deepest))),
            ..self.figure
        }
    }
}

/// The two sides of a body: the figure's right (screen-left when it faces the viewer) and its left.
pub(crate) const SIDES: [f32; 2] = [-1.0, 1.0];
