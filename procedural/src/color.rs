//! Colour arithmetic: HSL, four-tone ramps with hue-shifted shadows and lights, and the outline colour.

pub(crate) fn to_hsl([r, g, b]: [u8; 3]) -> (f32, f32, f32) {
    let (r, g, b) = (
        f32::from(r) / 255.0,
        f32::from(g) / 255.0,
        f32::from(b) / 255.0,
    );
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let l = (max + min) / 2.0;
    let d = max - min;
    if d < 1e-6 {
        return (0.0, 0.0, l);
    }
    let s = d / (1.0 - (2.0 * l - 1.0).abs());
    let h = if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    (h * 60.0, s, l)
}

pub(crate) fn from_hsl(h: f32, s: f32, l: f32) -> [u8; 3] {
    let (s, l) = (s.clamp(0.0, 1.0), l.clamp(0.0, 1.0));
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h.rem_euclid(360.0) / 60.0;
    let x = c * (1.0 - (hp.rem_euclid(2.0) - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let channel = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    [channel(r), channel(g), channel(b)]
}

/// Moves a hue towards `target` by at most `degrees`: shadows lean blue and lights lean yellow, the usual
/// pixel-art trick that makes a ramp look lit rather than merely darker.
fn shift_hue(h: f32, target: f32, degrees: f32) -> f32 {
    let delta = (target - h + 540.0).rem_euclid(360.0) - 180.0;
    h + delta.clamp(-degrees, degrees)
}

pub(crate) fn mix_rgb(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let channel = |i: usize| (f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t).round() as u8;
    [channel(0), channel(1), channel(2)]
}

/// Four tones of one colour: shadow, base, light, shine.
pub(crate) type Ramp = [[u8; 3]; 4];

pub(crate) fn ramp(base: [u8; 3]) -> Ramp {
    let (h, s, l) = to_hsl(base);
    // Shadows darken by scaling RGB, which keeps light colours (skin, snow) from turning garish.
    let (_, shadow_s, shadow_l) = to_hsl(mix_rgb(base, [0, 0, 0], 0.34));
    [
        from_hsl(shift_hue(h, 245.0, 14.0), shadow_s, shadow_l),
        base,
        from_hsl(shift_hue(h, 55.0, 10.0), s, l + (1.0 - l) * 0.3),
        from_hsl(shift_hue(h, 55.0, 16.0), s * 0.8, l + (1.0 - l) * 0.62),
    ]
}

/// The outline: the main colour pushed almost to black, which reads softer than pure black.
pub(crate) fn ink(base: [u8; 3]) -> [u8; 3] {
    let (h, s, _) = to_hsl(base);
    from_hsl(shift_hue(h, 245.0, 20.0), s.min(0.6) * 0.7, 0.1)
}
