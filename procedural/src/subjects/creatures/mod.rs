//! Creatures: slimes, ghosts and monsters, in any pose and seen from any side.
//!
//! Each form reads a pose its own way: a slime squashes and stretches about its base and melts as it
//! collapses; a ghost hangs from its crown, floats and ripples its hem and shrinks away; a monster waddles on
//! its feet, raises its arms and topples over. Turned, eyes and mouths slide round the body to the side it
//! faces and paired parts move to where they are seen; from the front in the still pose each form is exactly
//! the still sprite.

mod ghost;
mod monster;
mod slime;

use super::WHITE;
use crate::canvas::Canvas;
use crate::placement::{Affine, Placement};
use crate::pose::Pose;
use crate::scene::Scene;

const CREATURE_COLORS: &[[u8; 3]] = &[
    [92, 196, 76],
    [64, 148, 220],
    [150, 86, 206],
    [236, 112, 160],
    [236, 140, 52],
    [52, 176, 160],
    [212, 68, 64],
];

/// How far round a creature's side its eyes and mouth still show (see `Bulb::peek`): a little past the
/// outline, so a creature seen three-quarters from behind still shows an eye at its edge.
const PEEK: f32 = -0.05;

/// Creature forms; the prompt picks one ("slime", "ghost", "monster"), otherwise the seed does.
#[derive(Clone, Copy)]
enum CreatureForm {
    Slime,
    Ghost,
    Monster,
}

pub(super) fn creature(s: &mut Scene, size: usize, pose: &Pose) -> Canvas {
    let form = if s.words.has(&["slime", "blob", "jelly", "ooze"]) {
        CreatureForm::Slime
    } else if s.words.has(&["ghost", "spirit", "phantom"]) {
        CreatureForm::Ghost
    } else if s.words.has(&["monster", "beast"]) {
        CreatureForm::Monster
    } else {
        s.rng.pick(&[
            CreatureForm::Slime,
            CreatureForm::Monster,
            CreatureForm::Ghost,
        ])
    };
    let default = match form {
        CreatureForm::Ghost => [226, 232, 246],
        _ => s.rng.pick(CREATURE_COLORS),
    };
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(size, size, main);
    let body = c.ramp(main);
    let white = c.ramp(WHITE);
    match form {
        CreatureForm::Slime => slime::slime(&mut c, s, pose, body, white),
        CreatureForm::Ghost => ghost::ghost(&mut c, s, pose, body, white),
        CreatureForm::Monster => monster::monster(&mut c, s, pose, main, body, white),
    }
    c
}

/// A whole creature squashed by `squash` about `anchor` (stretched when negative), keeping its volume but no
/// wider than `widest` times, then moved by the pose's throw and body shift. Unsquashed and unmoved, this is
/// exactly the still placement.
fn squashed(pose: &Pose, squash: f32, anchor: (f32, f32), widest: f32, rise: i32) -> Placement {
    let (sx, sy) = ((1.0 / (1.0 - squash)).min(widest), 1.0 - squash);
    let shift = (
        pose.figure.shift.0 + pose.body.0,
        pose.figure.shift.1 + pose.body.1.max(-rise),
    );
    Placement {
        shift,
        motion: (squash != 0.0).then(|| Affine::scale(anchor, sx, sy)),
    }
}

/// Places the features drawn next (eyes, mouths) for a creature squashed by `squash` about `anchor`: they
/// keep their pixel shapes and move by whole pixels to where the squash takes the height `y`, rather than
/// being squashed with the body.
fn face_at(c: &mut Canvas, figure: Placement, squash: f32, (anchor, y): (f32, f32)) -> Placement {
    c.place_figure(Placement {
        motion: None,
        ..figure
    });
    Placement::shifted(0, (-(y - anchor) * squash / c.unit()).round() as i32)
}
