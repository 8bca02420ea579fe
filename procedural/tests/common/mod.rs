//! The prompts every test draws: one or more per subject, as a user would write them.
#![allow(dead_code)] // Each test file uses its own subset.

use dgx_pixels_procedural::Subject;

pub const SPRITES: &[(&str, Subject)] = &[
    ("green slime", Subject::Creature),
    ("a ghost", Subject::Creature),
    ("horned monster", Subject::Creature),
    ("knight", Subject::Humanoid),
    ("old wizard", Subject::Humanoid),
    ("young hero", Subject::Humanoid),
    ("gold coin", Subject::Coin),
    ("gem", Subject::Gem),
    ("health potion", Subject::Potion),
    ("sword", Subject::Sword),
    ("dungeon key", Subject::Key),
    ("heart", Subject::Heart),
    ("shield", Subject::Shield),
    ("oak tree", Subject::Tree),
    ("berry bush", Subject::Bush),
    ("flower", Subject::Flower),
];
pub const TILES: &[(&str, Subject)] = &[
    ("dirt tile", Subject::Ground),
    ("grass tile", Subject::Grass),
    ("brick wall", Subject::Brick),
    ("cobblestone floor", Subject::Stone),
    ("water tile", Subject::Water),
];
