//! Reading prompts: which subject a prompt names and which colours it asks for.

mod common;

use common::{SPRITES, TILES};
use dgx_pixels_procedural::{Subject, read_prompt};

#[test]
fn prompts_read_as_their_subject() {
    for &(prompt, subject) in SPRITES.iter().chain(TILES) {
        assert_eq!(read_prompt(prompt).subject, subject, "{prompt}");
    }
    let families: &[(&[&str], Subject)] = &[
        (
            &["creature", "monster", "slime", "blob", "beast", "ghost"],
            Subject::Creature,
        ),
        (
            &[
                "humanoid",
                "knight",
                "hero",
                "wizard",
                "player",
                "warrior",
                "person",
                "character",
            ],
            Subject::Humanoid,
        ),
        (&["coin"], Subject::Coin),
        (&["gem", "crystal", "diamond"], Subject::Gem),
        (&["potion", "flask", "bottle"], Subject::Potion),
        (&["sword", "blade"], Subject::Sword),
        (&["key"], Subject::Key),
        (&["heart"], Subject::Heart),
        (&["shield"], Subject::Shield),
        (&["tile", "ground", "dirt"], Subject::Ground),
        (&["grass"], Subject::Grass),
        (&["brick", "wall"], Subject::Brick),
        (&["stone", "rock"], Subject::Stone),
        (&["water"], Subject::Water),
        (&["tree"], Subject::Tree),
        (&["bush"], Subject::Bush),
        (&["flower", "plant"], Subject::Flower),
    ];
    for &(words, subject) in families {
        for word in words {
            assert_eq!(
                read_prompt(&format!("a {word}, pixel art")).subject,
                subject,
                "{word}"
            );
        }
    }
}

#[test]
fn specific_words_win_over_generic_ones_and_the_first_subject_wins() {
    assert_eq!(read_prompt("grass tile").subject, Subject::Grass);
    assert_eq!(read_prompt("stone wall").subject, Subject::Stone);
    assert_eq!(
        read_prompt("knight with a sword").subject,
        Subject::Humanoid
    );
    assert_eq!(read_prompt("Sword of the Knight").subject, Subject::Sword);
    assert_eq!(read_prompt("three SLIMES").subject, Subject::Creature);
    assert_eq!(read_prompt("bushes").subject, Subject::Bush);
    assert_eq!(read_prompt("something odd").subject, Subject::Creature);
    assert_eq!(read_prompt("").subject, Subject::Creature);
}

#[test]
fn colour_words_are_read_in_order_by_canonical_name() {
    assert_eq!(read_prompt("red slime").colors, ["red"]);
    assert_eq!(
        read_prompt("grey knight with golden plume").colors,
        ["gray", "gold"]
    );
    let all = "red orange yellow green blue purple violet pink brown gray grey black white gold silver cyan teal";
    assert_eq!(
        read_prompt(all).colors,
        [
            "red", "orange", "yellow", "green", "blue", "purple", "purple", "pink", "brown",
            "gray", "gray", "black", "white", "gold", "silver", "cyan", "teal"
        ]
    );
    assert!(read_prompt("a knight").colors.is_empty());
}
