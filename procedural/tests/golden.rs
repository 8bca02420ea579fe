//! Pins the generator's output: a hash of the pixels of each prompt below, drawn at several sizes with two
//! seeds. The values were taken from the generator before it became its own crate, so they prove the move
//! changed no pixel. A change to what a prompt draws must update this table, deliberately: the failure
//! message prints the new table to paste here.

mod common;

use common::{FNV_OFFSET, assert_pinned, fnv1a};
use dgx_pixels_procedural::{Subject, generate, read_prompt};

/// Each image is drawn at these sizes (width, height), the last one non-square, ...
const SIZES: [(u32, u32); 3] = [(16, 16), (32, 32), (40, 24)];
/// ... with each of these seeds.
const SEEDS: [u64; 2] = [0, 1];

/// FNV-1a (64 bit) of the raw RGBA bytes of every (size, seed) image of the prompt, in the order above.
const GOLDEN: &[(&str, u64)] = &[
    ("red slime", 0x4036_5036_3d28_4e65),
    ("dark blue ghost", 0x83e1_b497_873a_7cc2),
    ("horned monster", 0x9e38_b313_072a_132a),
    ("knight", 0x3245_715c_fc40_cbd0),
    ("old wizard", 0x5965_5afc_dbf7_4b4a),
    ("young hero", 0x0d0f_a4a1_838a_1928),
    ("gold coin", 0x4230_af38_82f5_adb5),
    ("gem", 0x2408_0a61_6850_c2dd),
    ("purple crystal", 0x44b9_986f_3a9f_0038),
    ("health potion", 0xcb84_4df3_9f52_7d8a),
    ("sword", 0x8ec8_c49c_c616_e7d6),
    ("key", 0x1b45_6193_ef8c_32d4),
    ("heart", 0xd179_ad0d_eb66_2ccb),
    ("shield", 0xafda_c6a2_085a_410b),
    ("ground", 0xde89_546f_efdf_359f),
    ("grass", 0xe01c_1290_00db_6eb1),
    ("brick", 0xc3cc_9609_9f3b_e97b),
    ("stone", 0xed4d_eaab_572c_14cd),
    ("water", 0xd257_57a8_b3f9_cd41),
    ("oak tree", 0x7d3d_9c8e_bde5_8fc8),
    ("pine tree", 0xec98_9cc2_a48a_77b2),
    ("bush", 0xbe38_9eaf_0d6e_1a1f),
    ("flower", 0xf090_6f53_05e7_2877),
];

const ALL_SUBJECTS: [Subject; 17] = [
    Subject::Creature,
    Subject::Humanoid,
    Subject::Coin,
    Subject::Gem,
    Subject::Potion,
    Subject::Sword,
    Subject::Key,
    Subject::Heart,
    Subject::Shield,
    Subject::Ground,
    Subject::Grass,
    Subject::Brick,
    Subject::Stone,
    Subject::Water,
    Subject::Tree,
    Subject::Bush,
    Subject::Flower,
];

fn pixels_hash(prompt: &str) -> u64 {
    let mut hash = FNV_OFFSET;
    for (width, height) in SIZES {
        for seed in SEEDS {
            hash = fnv1a(hash, generate(prompt, seed, width, height).as_raw());
        }
    }
    hash
}

#[test]
fn the_golden_prompts_cover_every_subject() {
    for subject in ALL_SUBJECTS {
        assert!(
            GOLDEN
                .iter()
                .any(|&(prompt, _)| read_prompt(prompt).subject == subject),
            "no golden prompt draws {}",
            subject.name()
        );
    }
}

#[test]
fn pixels_match_the_pinned_hashes() {
    assert_pinned(GOLDEN, "pixels", pixels_hash);
}
