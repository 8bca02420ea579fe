//! One painter per subject, grouped by family. Sprite painters draw on a square canvas in design units (see
//! `canvas::P`); tile painters set pixels of a `width`×`height` canvas directly and wrap at its edges.

mod creatures;
mod eyes;
mod humanoids;
mod items;
mod plants;
mod tiles;

use crate::canvas::Canvas;
use crate::pose::Pose;
use crate::prompt::Subject;
use crate::scene::Scene;

// Materials shared by more than one family.
const WHITE: [u8; 3] = [240, 240, 246];
const BONE: [u8; 3] = [232, 220, 188];
const STEEL: [u8; 3] = [150, 160, 180];
const LEATHER: [u8; 3] = [118, 76, 46];

/// Draws a sprite of `subject` on a `size`×`size` canvas; subjects that are not sprites draw a creature.
pub(crate) fn sprite(subject: Subject, scene: &mut Scene, size: usize) -> Canvas {
    posed(subject, scene, size, &Pose::STILL)
}

/// Draws `subject` as `sprite` does, in `pose`. Humanoids and creatures take every part of a pose, coins their
/// turn; other subjects have no parts to move and are drawn as they are.
pub(crate) fn posed(subject: Subject, scene: &mut Scene, size: usize, pose: &Pose) -> Canvas {
    match subject {
        Subject::Humanoid => humanoids::humanoid(scene, size, pose),
        Subject::Coin => items::coin(scene, size, pose.turn),
        Subject::Gem => items::gem(scene, size),
        Subject::Potion => items::potion(scene, size),
        Subject::Sword => items::sword(scene, size),
        Subject::Key => items::key(scene, size),
        Subject::Heart => items::heart(scene, size),
        Subject::Shield => items::shield(scene, size),
        Subject::Tree => plants::tree(scene, size),
        Subject::Bush => plants::bush(scene, size),
        Subject::Flower => plants::flower(scene, size),
        _ => creatures::creature(scene, size, pose),
    }
}

/// Draws a seamless `width`×`height` tile of `subject`; subjects that are not tiles draw ground.
pub(crate) fn tile(subject: Subject, scene: &mut Scene, width: usize, height: usize) -> Canvas {
    match subject {
        Subject::Grass => tiles::grass(scene, width, height),
        Subject::Brick => tiles::brick(scene, width, height),
        Subject::Stone => tiles::stone(scene, width, height),
        Subject::Water => tiles::water(scene, width, height),
        _ => tiles::ground(scene, width, height),
    }
}

/// Draws a seamless `width`×`height` tile of snow: a terrain of tilesets ("snowy stone"), not a subject.
pub(crate) fn snow(scene: &mut Scene, width: usize, height: usize) -> Canvas {
    tiles::snow(scene, width, height)
}
