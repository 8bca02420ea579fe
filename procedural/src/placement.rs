//! Where a figure, or a part of it, is drawn: whole-pixel shifts and affine maps in design units. Animations
//! move limbs, squash bodies and topple figures with these; the still placement leaves a sprite exactly as it
//! is.

/// A forward affine map in design units: `x' = xx·x + xy·y + dx`, `y' = yx·x + yy·y + dy`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Affine {
    xx: f32,
    xy: f32,
    dx: f32,
    yx: f32,
    yy: f32,
    dy: f32,
}

impl Affine {
    pub(crate) fn translate(dx: f32, dy: f32) -> Self {
        Self {
            xx: 1.0,
            xy: 0.0,
            dx,
            yx: 0.0,
            yy: 1.0,
            dy,
        }
    }

    /// Slides each row sideways by `k` times its height below `pivot_y`: a limb swinging from its joint.
    pub(crate) fn shear(pivot_y: f32, k: f32) -> Self {
        Self {
            xy: k,
            dx: -k * pivot_y,
            ..Self::translate(0.0, 0.0)
        }
    }

    /// Scales by `sx`, `sy` around `(x, y)`.
    pub(crate) fn scale((x, y): (f32, f32), sx: f32, sy: f32) -> Self {
        Self {
            xx: sx,
            dx: x - sx * x,
            yy: sy,
            dy: y - sy * y,
            ..Self::translate(0.0, 0.0)
        }
    }

    /// Turns by `angle` radians (clockwise on screen) around `(x, y)`.
    pub(crate) fn rotate((x, y): (f32, f32), angle: f32) -> Self {
        let (sin, cos) = angle.sin_cos();
        Self {
            xx: cos,
            xy: -sin,
            dx: x - cos * x + sin * y,
            yx: sin,
            yy: cos,
            dy: y - sin * x - cos * y,
        }
    }

    /// `self`, then `next`.
    pub(crate) fn then(self, next: Self) -> Self {
        Self {
            xx: next.xx * self.xx + next.xy * self.yx,
            xy: next.xx * self.xy + next.xy * self.yy,
            dx: next.xx * self.dx + next.xy * self.dy + next.dx,
            yx: next.yx * self.xx + next.yy * self.yx,
            yy: next.yx * self.xy + next.yy * self.yy,
            dy: next.yx * self.dx + next.yy * self.dy + next.dy,
        }
    }

    pub(crate) fn inverse(self) -> Self {
        let det = self.xx * self.yy - self.xy * self.yx;
        let (xx, xy, yx, yy) = (self.yy / det, -self.xy / det, -self.yx / det, self.xx / det);
        Self {
            xx,
            xy,
            dx: -(xx * self.dx + xy * self.dy),
            yx,
            yy,
            dy: -(yx * self.dx + yy * self.dy),
        }
    }

    pub(crate) fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        (
            self.xx * x + self.xy * y + self.dx,
            self.yx * x + self.yy * y + self.dy,
        )
    }
}

/// Where a figure, or a part of it, is drawn: moved by whole pixels and by an affine map. The still placement
/// leaves design coordinates exactly as the still sprite computes them, so unmoved parts match it pixel for pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Placement {
    /// Whole pixels, right and down; applied after `motion`.
    pub(crate) shift: (i32, i32),
    pub(crate) motion: Option<Affine>,
}

impl Placement {
    pub(crate) const STILL: Self = Self {
        shift: (0, 0),
        motion: None,
    };

    pub(crate) fn shifted(x: i32, y: i32) -> Self {
        Self {
            shift: (x, y),
            motion: None,
        }
    }

    pub(crate) fn moved(motion: Affine) -> Self {
        Self {
            shift: (0, 0),
            motion: Some(motion),
        }
    }

    /// Adds `motion` after the current one.
    pub(crate) fn then(self, motion: Affine) -> Self {
        Self {
            motion: Some(self.motion.map_or(motion, |m| m.then(motion))),
            ..self
        }
    }

    pub(crate) fn and_shift(self, x: i32, y: i32) -> Self {
        Self {
            shift: (self.shift.0 + x, self.shift.1 + y),
            ..self
        }
    }

    /// Where this placement draws the design point `(x, y)`, for a canvas whose pixels are `unit` wide.
    pub(crate) fn forward(&self, x: f32, y: f32, unit: f32) -> (f32, f32) {
        let (x, y) = self.motion.map_or((x, y), |m| m.apply(x, y));
        (
            x + self.shift.0 as f32 * unit,
            y + self.shift.1 as f32 * unit,
        )
    }
}
