//! The arithmetic of motion: where a frame falls in its action, whole pixels at any size, and keyframes.

use crate::pose::View;

/// Where a frame falls in its action: 0 at the first frame; a loop's last frame stops short of 1 so it leads
/// back into the first, a one-shot's last frame is 1.
pub(super) fn phase(frame: u32, frames: u32, looping: bool) -> f32 {
    if looping {
        frame as f32 / frames as f32
    } else {
        frame as f32 / (frames - 1).max(1) as f32
    }
}

/// Motions are written in pixels of a 32-px sprite; this turns them into whole pixels of the sprite drawn.
#[derive(Clone, Copy)]
pub(super) struct Scale {
    per_pixel: f32,
    pub(super) view: View,
}

impl Scale {
    pub(super) fn new(size: usize, view: View) -> Self {
        Self {
            per_pixel: size as f32 / 32.0,
            view,
        }
    }

    /// Whole pixels for `at_32` pixels of a 32-px sprite. A motion of at least one pixel keeps at least one,
    /// so small sprites still move.
    pub(super) fn px(&self, at_32: f32) -> i32 {
        let scaled = (at_32 * self.per_pixel).round();
        if scaled == 0.0 && at_32.abs() >= 1.0 {
            at_32.signum() as i32
        } else {
            scaled as i32
        }
    }

    /// Whole pixels for a motion of `at_32` pixels forwards, as seen on screen (sideways only).
    pub(super) fn forward(&self, at_32: f32) -> i32 {
        self.px(at_32 * self.view.sin)
    }
}

/// A value for each of a set of evenly spaced keyframes.
pub(super) trait Key: Copy {
    fn mix(self, other: Self, t: f32) -> Self;
}

impl Key for f32 {
    fn mix(self, other: Self, t: f32) -> Self {
        self + (other - self) * t
    }
}

/// The value at `t` (0 to 1) of keyframes spaced evenly from 0 to 1, mixed linearly between neighbours.
pub(super) fn keyed<K: Key>(keys: &[K], t: f32) -> K {
    let last = keys.len() - 1;
    let at = t.clamp(0.0, 1.0) * last as f32;
    let index = (at.floor() as usize).min(last.saturating_sub(1));
    if last == 0 {
        return keys[0];
    }
    keys[index].mix(keys[index + 1], at - index as f32)
}
