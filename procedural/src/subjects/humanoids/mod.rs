//! Humanoids: knights, wizards and heroes, in any pose and seen from any side.
//!
//! The seed picks a design (`Humanoid`) and `draw` paints it. Seen from the front in the still pose, every part
//! lands exactly where the still sprite has it; turned, limbs move to where their joints are seen, bodies narrow
//! to their depth and faces slide round the head (`body`, `heads`); `held` draws the weapon an attack swings.

mod body;
mod heads;
mod held;

use super::{BONE, LEATHER, STEEL, WHITE};
use crate::canvas::Canvas;
use crate::color::mix_rgb;
use crate::pose::{Pose, SIDES, View};
use crate::scene::Scene;

use body::Stance;
use held::Weapon;

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

/// What tops a knight's helmet.
#[derive(Clone, Copy, PartialEq)]
enum Plume {
    Crest,
    Horns,
    Spike,
}

/// The choices the seed makes beyond the role, with the ramps they paint with.
enum Look {
    Knight {
        crest: usize,
        leather: usize,
        dark: usize,
        plume: Plume,
        horn: Option<usize>,
        open_face: bool,
    },
    Wizard {
        band: usize,
        beard: Option<usize>,
        tip: f32,
    },
    Hero {
        hair: usize,
        trousers: usize,
        boots: usize,
        belt: usize,
        cape: Option<usize>,
        spiky: bool,
        headband: Option<usize>,
    },
}

/// One humanoid's design: its ramps and looks, fixed by the prompt and seed whatever the pose.
struct Humanoid {
    outfit: usize,
    skin: usize,
    white: usize,
    look: Look,
    weapon: Weapon,
}

/// Chibi proportions (a big head) so the figure still reads at 16 px.
pub(super) fn humanoid(s: &mut Scene, size: usize, pose: &Pose) -> Canvas {
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
    let look = match role {
        Role::Knight => knight(&mut c, s),
        Role::Wizard => wizard(&mut c, s),
        Role::Hero => hero(&mut c, s),
    };
    let weapon = Weapon::new(&mut c, &look, skin, white);
    let humanoid = Humanoid {
        outfit,
        skin,
        white,
        look,
        weapon,
    };
    humanoid.draw(&mut c, pose);
    c
}

fn knight(c: &mut Canvas, s: &mut Scene) -> Look {
    let crest =
        c.ramp(
            s.palette
                .accent_or(s.rng.pick(&[[208, 48, 48], [60, 100, 220], [240, 200, 70]])),
        );
    let leather = c.ramp(LEATHER);
    let dark = c.ramp(mix_rgb(STEEL, [40, 40, 60], 0.45));
    let plume = s.rng.pick(&[Plume::Crest, Plume::Horns, Plume::Spike]);
    let horn = (plume == Plume::Horns).then(|| c.ramp(BONE));
    Look::Knight {
        crest,
        leather,
        dark,
        plume,
        horn,
        open_face: s.rng.chance(0.5),
    }
}

fn wizard(c: &mut Canvas, s: &mut Scene) -> Look {
    let band = c.ramp(s.palette.accent_or([236, 196, 72]));
    let beard = c.ramp(
        s.rng
            .pick(&[[232, 232, 236], [176, 176, 186], [120, 80, 50]]),
    );
    let beard = s.rng.chance(0.6).then_some(beard);
    Look::Wizard {
        band,
        beard,
        tip: s.rng.range(0.0, 0.05),
    }
}

fn hero(c: &mut Canvas, s: &mut Scene) -> Look {
    let hair = c.ramp(s.rng.pick(HAIR));
    let trousers = c.ramp([74, 72, 96]);
    let boots = c.ramp(LEATHER);
    let belt = c.ramp(mix_rgb(LEATHER, [0, 0, 0], 0.3));
    let cape = s
        .rng
        .chance(0.45)
        .then(|| c.ramp(s.palette.accent_or([190, 44, 52])));
    let spiky = s.rng.chance(0.5);
    let headband = s
        .rng
        .chance(0.4)
        .then(|| c.ramp(s.palette.accent_or([220, 56, 56])));
    Look::Hero {
        hair,
        trousers,
        boots,
        belt,
        cape,
        spiky,
        headband,
    }
}

impl Humanoid {
    /// Paints back to front: what is behind the body, the legs, the arms behind it, the body, the arms in front
    /// of it, then the head. Seen from the front in the still pose this is the still sprite's order.
    fn draw(&self, c: &mut Canvas, pose: &Pose) {
        c.place_figure(pose.placement((-0.31, 0.31, 0.0, 0.99)));
        let st = Stance::new(pose, c.unit());
        let weapon_behind = self.weapon.behind(&st);
        if weapon_behind {
            self.weapon.draw(c, &st);
        }
        match self.look {
            Look::Knight {
                crest,
                leather,
                dark,
                plume,
                horn,
                open_face,
            } => {
                self.legs_and_torso(c, &st, self.outfit, dark, leather, None);
                c.place(st.torso());
                body::tabard(c, &st, crest);
                self.arms_in_front(c, &st);
                heads::knight(c, &st, self, plume, horn, open_face, crest);
            }
            Look::Wizard { band, beard, tip } => {
                body::robe(c, &st, self.outfit, self.skin, band);
                heads::wizard(c, &st, self, band, beard, tip);
            }
            Look::Hero {
                hair,
                trousers,
                boots,
                belt,
                cape,
                spiky,
                headband,
            } => {
                self.legs_and_torso(c, &st, trousers, boots, belt, cape);
                self.arms_in_front(c, &st);
                heads::hero(c, &st, self, hair, spiky, headband);
            }
        }
        if !weapon_behind {
            self.weapon.draw(c, &st);
        }
    }

    /// Cape, legs, arms behind the body, the body and its belt: what knights and heroes share.
    fn legs_and_torso(
        &self,
        c: &mut Canvas,
        st: &Stance,
        trousers: usize,
        boots: usize,
        belt: usize,
        cape: Option<usize>,
    ) {
        let cape_behind = st.view.cos >= 0.0;
        if let Some(cape) = cape.filter(|_| cape_behind) {
            body::cape(c, st, cape);
        }
        for side in st.legs_far_first() {
            body::leg(c, st, side, trousers, boots);
        }
        let pauldrons = matches!(self.look, Look::Knight { .. });
        let behind: Vec<usize> = st
            .arms_far_first()
            .into_iter()
            .filter(|&side| st.arm_depth(side) < body::NEAR)
            .collect();
        for &side in &behind {
            body::arm(c, st, side, self.outfit, self.skin);
            if pauldrons && st.arm_depth(side) < -body::NEAR {
                body::pauldron(c, st, side, self.outfit);
            }
        }
        body::torso(c, st, self.outfit);
        if pauldrons {
            for &side in behind
                .iter()
                .filter(|&&side| st.arm_depth(side) >= -body::NEAR)
            {
                body::pauldron(c, st, side, self.outfit);
            }
        }
        body::belt(c, st, belt);
        if let Some(cape) = cape.filter(|_| !cape_behind) {
            body::cape(c, st, cape);
        }
    }

    fn arms_in_front(&self, c: &mut Canvas, st: &Stance) {
        let pauldrons = matches!(self.look, Look::Knight { .. });
        for side in st.arms_far_first() {
            if st.arm_depth(side) >= body::NEAR {
                body::arm(c, st, side, self.outfit, self.skin);
                if pauldrons {
                    body::pauldron(c, st, side, self.outfit);
                }
            }
        }
    }
}

/// The sides ordered far to near as seen in `view` for paired parts at `u = ±cx` swung forwards by `swing`.
fn far_first(view: View, cx: f32, swings: [f32; 2]) -> [usize; 2] {
    let depth = |side: usize| view.z(SIDES[side] * cx, swings[side]);
    if depth(1) < depth(0) { [1, 0] } else { [0, 1] }
}
