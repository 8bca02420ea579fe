//! Pins the animations: a hash of the pixels of every action of each prompt below, seen from the front, the
//! side, the back and a diagonal, so the same request keeps drawing the same frames. A change to how a
//! subject moves must update this table, deliberately: the failure message prints the new table to paste.

mod common;

use common::{FNV_OFFSET, assert_pinned, fnv1a};
use dgx_pixels_procedural::{Action, Direction, animate};

/// Every frame is drawn at this size (width, height) with this seed, ...
const SIZE: (u32, u32) = (32, 32);
const SEED: u64 = 0;
/// ... facing each of these directions, for every action at its default frame count.
const DIRECTIONS: [Direction; 4] = [
    Direction::South,
    Direction::East,
    Direction::North,
    Direction::SouthWest,
];

/// FNV-1a (64 bit) of the raw RGBA bytes of every frame of the prompt, in the order above.
const GOLDEN: &[(&str, u64)] = &[
    ("knight", 0x8119_65c3_0464_98e5),
    ("old wizard", 0x3cf1_2328_23d6_e72d),
    ("young hero", 0xcb09_e3fb_a8f3_2744),
    ("green slime", 0x6e5d_590e_1065_93b9),
    ("a ghost", 0x7c8c_7c3f_0467_79f0),
    ("horned monster", 0xbbb3_7576_c1e6_a9cd),
    ("gold coin", 0xa3a1_d12d_a110_9415),
    ("health potion", 0x77a3_ba21_4724_7025),
    ("oak tree", 0xf5bc_87e9_25e3_648d),
];

fn frames_hash(prompt: &str) -> u64 {
    let mut hash = FNV_OFFSET;
    for action in Action::ALL {
        for direction in DIRECTIONS {
            let frames = animate(
                prompt,
                SEED,
                SIZE.0,
                SIZE.1,
                action,
                direction,
                action.default_frames(),
            )
            .unwrap();
            for frame in frames {
                hash = fnv1a(hash, frame.as_raw());
            }
        }
    }
    hash
}

#[test]
fn frames_match_the_pinned_hashes() {
    assert_pinned(GOLDEN, "frames", frames_hash);
}
