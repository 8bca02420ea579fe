//! Humanoids: knights, wizards and heroes.

use super::eyes::{EyeStyle, eyes};
use super::{BONE, LEATHER, STEEL, WHITE};
use crate::canvas::{Canvas, ellipse, span};
use crate::color::mix_rgb;
use crate::light::{BASE, LIT, SHADOW, lit};
use crate::scene::Scene;

const SKIN: &[[u8; 3]] = &[
    [246, 204, 170],
    [226, 170, 128],
    [178, 118, 78],
    [120, 78, 52],
];
const HAIR: &[[u8; 3]] = &[
    [92, 60, 36],
    [40, 36, 40],
    [232, 196, 96],
    [190, 76, 40],
    [220, 220, 228],
];

#[derive(Clone, Copy)]
enum Role {
    Knight,
    Wizard,
    Hero,
}

/// Chibi proportions (a big head) so the figure still reads at 16 px.
pub(super) fn humanoid(s: &mut Scene, size: usize) -> Canvas {
    let role = if s.words.has(&["knight", "paladin", "soldier"]) {
        Role::Knight
    } else if s
        .words
        .has(&["wizard", "mage", "witch", "sorcerer", "warlock"])
    {
        Role::Wizard
    } else if s
        .words
        .has(&["hero", "heroine", "warrior", "adventurer", "player"])
    {
        s.rng.pick(&[Role::Hero, Role::Hero, Role::Knight])
    } else {
        s.rng.pick(&[Role::Hero, Role::Knight, Role::Wizard])
    };
    let default = match role {
        Role::Knight => STEEL,
        Role::Wizard => s
            .rng
            .pick(&[[86, 70, 190], [60, 96, 200], [150, 60, 160], [46, 120, 90]]),
        Role::Hero => s
            .rng
            .pick(&[[58, 150, 70], [60, 110, 200], [200, 60, 56], [210, 140, 50]]),
    };
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(size, size, main);
    let outfit = c.ramp(main);
    let skin = c.ramp(s.rng.pick(SKIN));
    let white = c.ramp(WHITE);
    match role {
        Role::Knight => knight(&mut c, s, outfit, skin, white),
        Role::Wizard => wizard(&mut c, s, outfit, skin, white),
        Role::Hero => hero(&mut c, s, outfit, skin, white),
    }
    c
}

/// Legs and boots shared by knights and heroes.
fn legs(c: &mut Canvas, trousers: usize, boots: usize) {
    let unit = c.unit();
    let gap = (unit * 0.5).max(0.035);
    c.fill(trousers, |p| {
        (p.ax > gap && p.ax < 0.15 && p.y > 0.74 && p.y < 0.88)
            .then(|| lit(p.pair(0.09) / 0.07, 0.0))
    });
    c.fill(boots, |p| {
        (p.ax > gap && p.ax < 0.17 && p.y >= 0.86 && p.y < 0.99)
            .then(|| lit(p.pair(0.1) / 0.08, -0.2))
    });
}

/// A torso with arms; `arms` is the sleeve ramp and the hands use `skin`.
fn torso(c: &mut Canvas, body: usize, arms: usize, skin: usize) {
    c.fill(skin, |p| ellipse(p.pair(0.25), p.y - 0.72, 0.06, 0.06));
    c.fill(arms, |p| {
        (p.ax > 0.17 && p.ax < 0.3 && p.y > 0.5 && p.y < 0.7)
            .then(|| lit(p.pair(0.235) / 0.07, (p.y - 0.5) * 2.0 - 0.6))
    });
    c.fill(body, |p| {
        let half = 0.17 + (p.y - 0.5) * 0.12;
        (p.ax < half && p.y > 0.48 && p.y < 0.8).then(|| lit(p.x / half * 0.9, (p.y - 0.64) * 2.5))
    });
}

fn face(c: &mut Canvas, skin: usize, white: usize, cy: f32, rx: f32, ry: f32) {
    c.fill(skin, |p| ellipse(p.x, p.y - cy, rx, ry));
    eyes(c, white, rx * 0.42, cy + ry * 0.2, 0.06, 0.1, EyeStyle::Dot);
}

fn knight(c: &mut Canvas, s: &mut Scene, armour: usize, skin: usize, white: usize) {
    let crest =
        c.ramp(
            s.palette
                .accent_or(s.rng.pick(&[[208, 48, 48], [60, 100, 220], [240, 200, 70]])),
        );
    let leather = c.ramp(LEATHER);
    let dark = c.ramp(mix_rgb(STEEL, [40, 40, 60], 0.45));
    legs(c, armour, dark);
    torso(c, armour, armour, skin);
    // Pauldrons on the shoulders.
    c.fill(armour, |p| ellipse(p.pair(0.21), p.y - 0.52, 0.1, 0.07));
    c.fill(leather, |p| {
        (p.ax < 0.19 && p.y > 0.69 && p.y < 0.74).then_some(BASE)
    });
    c.overlay(crest, |p| {
        (p.ax < 0.07 && p.y > 0.53 && p.y < 0.69).then(|| lit(p.x / 0.07, 0.0))
    });
    let plume = s.rng.pick(&[0, 1, 2]);
    if plume == 1 {
        let horn = c.ramp(BONE);
        c.fill(horn, |p| {
            let t = (p.y - 0.02) / 0.2;
            let centre = 0.36 - 0.1 * t;
            ((0.0..=1.0).contains(&t) && (p.ax - centre).abs() <= 0.06 * t + 0.01)
                .then(|| lit(p.pair(centre) / 0.07, -0.3))
        });
    }
    c.fill(armour, |p| {
        let helmet = ellipse(p.x, p.y - 0.28, 0.26, 0.24).filter(|_| p.y < 0.46);
        let spike = plume == 2 && p.y > 0.0 && p.y < 0.1 && p.ax < p.y * 0.5;
        helmet.or_else(|| spike.then_some(LIT))
    });
    if plume == 0 {
        c.fill(crest, |p| ellipse(p.x, p.y - 0.08, 0.07, 0.09));
    }
    if s.rng.chance(0.5) {
        // Open face under the helmet.
        c.overlay(skin, |p| {
            (p.ax < 0.2 && p.y > 0.27 && p.y < 0.44).then_some(BASE)
        });
        eyes(c, white, 0.1, 0.34, 0.05, 0.08, EyeStyle::Dot);
    } else {
        // Closed visor: a dark slit with eyes glinting inside.
        let unit = c.unit();
        c.ink_in(|p| p.ax < 0.2 && span(p.y, 0.3, (unit * 2.0).max(0.06)));
        c.fill(white, |p| {
            (p.ax > 0.05 && p.ax < 0.11 && span(p.y, 0.3, unit)).then_some(LIT)
        });
        c.ink_in(|p| p.ax < unit * 0.6 && p.y > 0.36 && p.y < 0.44);
    }
}

fn wizard(c: &mut Canvas, s: &mut Scene, robe: usize, skin: usize, white: usize) {
    let band = c.ramp(s.palette.accent_or([236, 196, 72]));
    let beard = c.ramp(
        s.rng
            .pick(&[[232, 232, 236], [176, 176, 186], [120, 80, 50]]),
    );
    let bearded = s.rng.chance(0.6);
    c.fill(skin, |p| ellipse(p.pair(0.27), p.y - 0.74, 0.06, 0.06));
    // Robe widening to the floor, with wide sleeves.
    c.fill(robe, |p| {
        let half = 0.15 + (p.y - 0.44) * 0.32;
        (p.ax < half && p.y > 0.44 && p.y < 0.97).then(|| lit(p.x / half * 0.9, (p.y - 0.7) * 2.0))
    });
    c.fill(robe, |p| {
        let half = 0.05 + (p.y - 0.48) * 0.3;
        ((p.ax - 0.22).abs() < half && p.y > 0.48 && p.y < 0.72)
            .then(|| lit(p.pair(0.22) / 0.12, 0.2))
    });
    c.overlay(band, |p| (p.ax < 0.03 && p.y > 0.6).then_some(BASE));
    face(c, skin, white, 0.34, 0.17, 0.14);
    if bearded {
        c.fill(beard, |p| {
            let half = 0.15 * (0.66 - p.y) / 0.26;
            (p.y > 0.4 && p.y < 0.66 && p.ax < half).then(|| lit(p.x / 0.2, (p.y - 0.45) * 3.0))
        });
    }
    // Pointed hat with a brim and a band.
    let tip = s.rng.range(0.0, 0.05);
    c.fill(robe, |p| {
        let brim = ellipse(p.x, p.y - 0.26, 0.36, 0.055);
        let cone = (p.y > tip && p.y < 0.26 && p.ax < 0.19 * (p.y - tip) / (0.26 - tip))
            .then(|| lit(p.x / 0.2, -0.2));
        brim.or(cone)
    });
    c.overlay(band, |p| {
        (p.y > 0.19 && p.y < 0.235 && p.ax < 0.2).then(|| lit(p.x / 0.2, 0.0))
    });
}

fn hero(c: &mut Canvas, s: &mut Scene, tunic: usize, skin: usize, white: usize) {
    let hair = c.ramp(s.rng.pick(HAIR));
    let trousers = c.ramp([74, 72, 96]);
    let boots = c.ramp(LEATHER);
    let belt = c.ramp(mix_rgb(LEATHER, [0, 0, 0], 0.3));
    if s.rng.chance(0.45) {
        let cape = c.ramp(s.palette.accent_or([190, 44, 52]));
        c.fill(cape, |p| {
            let half = 0.18 + (p.y - 0.48) * 0.25;
            (p.ax < half && p.y > 0.48 && p.y < 0.88).then_some(SHADOW)
        });
    }
    legs(c, trousers, boots);
    torso(c, tunic, tunic, skin);
    c.fill(belt, |p| {
        (p.ax < 0.19 && p.y > 0.69 && p.y < 0.74).then_some(BASE)
    });
    face(c, skin, white, 0.31, 0.23, 0.2);
    let spiky = s.rng.chance(0.5);
    c.fill(hair, |p| {
        let cap = ellipse(p.x, p.y - 0.26, 0.26, 0.2).filter(|_| p.y < 0.27 || p.ax > 0.18);
        let spikes = spiky
            && p.y > 0.02
            && p.y < 0.14
            && [0.0, 0.14]
                .iter()
                .any(|&x| (p.ax - x).abs() < 0.07 * (p.y - 0.02) / 0.1);
        cap.or_else(|| spikes.then_some(LIT))
    });
    if s.rng.chance(0.4) {
        let band = c.ramp(s.palette.accent_or([220, 56, 56]));
        c.overlay(band, |p| {
            (p.y > 0.17 && p.y < 0.22).then(|| lit(p.x / 0.26, 0.0))
        });
    }
}
