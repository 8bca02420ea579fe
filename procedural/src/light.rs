//! Shading: one light from the top left, and how a brightness lands on one of a ramp's four tones.

/// Light direction: from the top left, towards the viewer (unit length).
pub(crate) const LIGHT: (f32, f32, f32) = (-0.48, -0.6, 0.64);

/// Brightness of a surface whose normal has screen components (nx, ny); points outside the unit disc count as
/// on its rim.
pub(crate) fn lit(nx: f32, ny: f32) -> f32 {
    let len = (nx * nx + ny * ny).sqrt();
    let (nx, ny) = if len > 1.0 {
        (nx / len, ny / len)
    } else {
        (nx, ny)
    };
    let nz = (1.0 - nx * nx - ny * ny).max(0.0).sqrt();
    nx * LIGHT.0 + ny * LIGHT.1 + nz * LIGHT.2
}

/// Fixed brightnesses that land on one tone each.
pub(crate) const SHADOW: f32 = -1.0;
pub(crate) const BASE: f32 = 0.2;
pub(crate) const LIT: f32 = 0.6;
pub(crate) const SHINE: f32 = 1.0;

pub(crate) fn tone(light: f32) -> u8 {
    if light < -0.02 {
        0
    } else if light < 0.48 {
        1
    } else if light < 0.8 {
        2
    } else {
        3
    }
}
