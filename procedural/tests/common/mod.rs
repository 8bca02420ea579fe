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

/// Where an FNV-1a (64 bit) hash starts.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, written out here so the pinned values depend on nothing but the pixels.
pub fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Fails unless every prompt of `pinned` still hashes to its value. The message names the
/// prompts whose `what` (pixels, frames, sheets) changed and prints the new table to paste.
pub fn assert_pinned(pinned: &[(&str, u64)], what: &str, hash_of: impl Fn(&str) -> u64) {
    let drawn: Vec<(&str, u64)> = pinned
        .iter()
        .map(|&(prompt, _)| (prompt, hash_of(prompt)))
        .collect();
    let changed: Vec<&str> = pinned
        .iter()
        .zip(&drawn)
        .filter(|((_, pinned), (_, hash))| pinned != hash)
        .map(|(&(prompt, _), _)| prompt)
        .collect();
    let table: String = drawn
        .iter()
        .map(|&(prompt, hash)| format!("    (\"{prompt}\", {}),\n", hex(hash)))
        .collect();
    assert!(
        changed.is_empty(),
        "the {what} of {changed:?} changed; if that is intended, pin the new values:\n{table}"
    );
}

/// `0x0123_4567_89ab_cdef`, as the tables write it.
fn hex(hash: u64) -> String {
    let digits = format!("{hash:016x}");
    let groups: Vec<&str> = (0..4).map(|i| &digits[i * 4..i * 4 + 4]).collect();
    format!("0x{}", groups.join("_"))
}
