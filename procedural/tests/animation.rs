//! Animations: frame 0 is the still sprite; every frame keeps the sprite's palette, outline, box and feet
//! line while consecutive frames differ; each direction is its own view; bad requests get errors.
//!
//! The consistency promises, precisely:
//! - palette: every opaque colour of every frame is one of `palette(prompt, seed)`, the same list for every
//!   action, direction, frame count and size (and `generate`'s still sprite uses it too);
//! - outline: every opaque pixel next to a clear one is the outline colour, `palette(..)[0]`, in every frame;
//! - box: for idle, walk and run, the width and height of the opaque pixels' bounding box stay within
//!   `BOX_TOLERANCE` of the figure's standing still in the same direction (idle frame 0); coins, whose spin
//!   narrows them, and jumps, attacks, hurts and deaths, which move on purpose, are not held to it;
//! - feet line: for idle, walk and run of everything that stands on the ground (humanoids, slimes,
//!   monsters, plants) the lowest opaque row is frame 0's in every frame; ghosts float and items bob.

mod common;

use std::collections::HashSet;

use common::SPRITES;
use dgx_pixels_procedural::{
    Action, AnimationError, Direction, FRAME_RANGE, Subject, animate, generate, palette,
    read_prompt,
};
use image::RgbaImage;
use image::imageops::flip_horizontal;

/// How far the opaque box of an idle, walk or run frame may grow or shrink from frame 0's, per axis.
const BOX_TOLERANCE: f32 = 0.25;

/// The prompts that have a front and a back: humanoids and creatures.
fn figures() -> impl Iterator<Item = &'static str> {
    SPRITES
        .iter()
        .filter(|(_, subject)| matches!(subject, Subject::Humanoid | Subject::Creature))
        .map(|&(prompt, _)| prompt)
}

/// The action's default frames; at 16 px a loop has four, as that is as many poses as whole pixels allow.
fn frames(
    prompt: &str,
    seed: u64,
    size: u32,
    action: Action,
    direction: Direction,
) -> Vec<RgbaImage> {
    let count = if size < 24 && action.looping() {
        action.default_frames().min(4)
    } else {
        action.default_frames()
    };
    animate(prompt, seed, size, size, action, direction, count)
        .unwrap_or_else(|e| panic!("{prompt} {action}: {e}"))
}

fn opaque_colours(image: &RgbaImage) -> HashSet<[u8; 4]> {
    image
        .pixels()
        .filter(|p| p.0[3] == 255)
        .map(|p| p.0)
        .collect()
}

/// Left, top, right and bottom of the opaque pixels.
fn bounds(image: &RgbaImage) -> (u32, u32, u32, u32) {
    let opaque: Vec<(u32, u32)> = image
        .enumerate_pixels()
        .filter(|(_, _, p)| p.0[3] == 255)
        .map(|(x, y, _)| (x, y))
        .collect();
    let xs = opaque.iter().map(|p| p.0);
    let ys = opaque.iter().map(|p| p.1);
    (
        xs.clone().min().unwrap(),
        ys.clone().min().unwrap(),
        xs.max().unwrap(),
        ys.max().unwrap(),
    )
}

/// The colours of opaque pixels that touch a clear pixel or the image's edge.
fn edge_colours(image: &RgbaImage) -> HashSet<[u8; 4]> {
    let (w, h) = image.dimensions();
    let clear = |x: i64, y: i64| {
        x < 0
            || y < 0
            || x >= i64::from(w)
            || y >= i64::from(h)
            || image.get_pixel(x as u32, y as u32).0[3] == 0
    };
    image
        .enumerate_pixels()
        .filter(|&(x, y, p)| {
            let (x, y) = (i64::from(x), i64::from(y));
            p.0[3] == 255
                && (clear(x - 1, y) || clear(x + 1, y) || clear(x, y - 1) || clear(x, y + 1))
        })
        .map(|(_, _, p)| p.0)
        .collect()
}

#[test]
fn frame_zero_of_idle_facing_south_is_the_still_sprite() {
    for &(prompt, _) in SPRITES {
        for seed in 0..4 {
            for (w, h) in [(16, 16), (32, 32), (40, 24), (64, 64)] {
                let idle = animate(prompt, seed, w, h, Action::Idle, Direction::South, 4).unwrap();
                assert_eq!(
                    idle[0],
                    generate(prompt, seed, w, h),
                    "{prompt} seed {seed} {w}x{h}"
                );
            }
        }
    }
}

#[test]
fn every_frame_paints_with_the_sprites_palette() {
    for &(prompt, _) in SPRITES {
        let palette: HashSet<[u8; 4]> = palette(prompt, 1).into_iter().map(|p| p.0).collect();
        assert!(opaque_colours(&generate(prompt, 1, 32, 32)).is_subset(&palette));
        for action in Action::ALL {
            for direction in Direction::EIGHT {
                for (i, frame) in frames(prompt, 1, 32, action, direction).iter().enumerate() {
                    let stray: Vec<_> = opaque_colours(frame)
                        .difference(&palette)
                        .copied()
                        .collect();
                    assert!(
                        stray.is_empty(),
                        "{prompt} {action} {direction} frame {i}: {stray:?} not in its palette"
                    );
                }
            }
        }
    }
}

#[test]
fn every_frame_is_ringed_by_the_one_outline_colour() {
    for &(prompt, _) in SPRITES {
        let ink = palette(prompt, 2)[0].0;
        for action in Action::ALL {
            for direction in [Direction::South, Direction::East, Direction::NorthWest] {
                for size in [16, 32] {
                    for (i, frame) in frames(prompt, 2, size, action, direction)
                        .iter()
                        .enumerate()
                    {
                        assert_eq!(
                            edge_colours(frame),
                            HashSet::from([ink]),
                            "{prompt} {action} {direction} {size} px frame {i}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn consecutive_frames_differ() {
    for &(prompt, subject) in SPRITES {
        for action in Action::ALL {
            for direction in Direction::EIGHT {
                // Figures move the most parts: they are also checked large, from the four sides.
                let large = matches!(subject, Subject::Humanoid | Subject::Creature)
                    && Direction::FOUR.contains(&direction);
                let sizes: &[u32] = if large { &[16, 32, 64] } else { &[16, 32] };
                for &size in sizes {
                    let frames = frames(prompt, 3, size, action, direction);
                    for (i, pair) in frames.windows(2).enumerate() {
                        assert!(
                            pair[0] != pair[1],
                            "{prompt} {action} {direction} {size} px: frames {i} and {} are the same",
                            i + 1
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn idle_walk_and_run_keep_their_box_within_the_tolerance() {
    // A spinning coin narrows to its edge: that is its motion.
    for &(prompt, _) in SPRITES
        .iter()
        .filter(|(_, subject)| *subject != Subject::Coin)
    {
        for direction in Direction::EIGHT {
            // The figure standing still, seen from this side.
            let standing = &frames(prompt, 4, 32, Action::Idle, direction)[0];
            let (w0, h0) = box_size(standing);
            for action in [Action::Idle, Action::Walk, Action::Run] {
                for (i, frame) in frames(prompt, 4, 32, action, direction).iter().enumerate() {
                    let (w, h) = box_size(frame);
                    assert!(
                        (w - w0).abs() <= w0 * BOX_TOLERANCE
                            && (h - h0).abs() <= h0 * BOX_TOLERANCE,
                        "{prompt} {action} {direction} frame {i}: {w}x{h} against {w0}x{h0}"
                    );
                }
            }
        }
    }
}

/// The width and height of the opaque pixels' box.
fn box_size(image: &RgbaImage) -> (f32, f32) {
    let (left, top, right, bottom) = bounds(image);
    ((right - left + 1) as f32, (bottom - top + 1) as f32)
}

#[test]
fn idle_walk_and_run_keep_the_feet_line() {
    let grounded = SPRITES.iter().filter(|&&(prompt, subject)| {
        matches!(
            subject,
            Subject::Humanoid | Subject::Tree | Subject::Bush | Subject::Flower
        ) || (subject == Subject::Creature && !prompt.contains("ghost"))
    });
    for &(prompt, _) in grounded {
        for action in [Action::Idle, Action::Walk, Action::Run] {
            for direction in Direction::EIGHT {
                for size in [16, 32, 48] {
                    let frames = frames(prompt, 5, size, action, direction);
                    let feet = bounds(&frames[0]).3;
                    for (i, frame) in frames.iter().enumerate() {
                        assert_eq!(
                            bounds(frame).3,
                            feet,
                            "{prompt} {action} {direction} {size} px frame {i}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn each_direction_is_its_own_view_not_a_mirror() {
    // East and west, and each diagonal with its mirror across the vertical, may mirror each other.
    let mirrors = |a: Direction, b: Direction| {
        use Direction::*;
        matches!(
            (a, b),
            (East, West)
                | (West, East)
                | (SouthEast, SouthWest)
                | (SouthWest, SouthEast)
                | (NorthEast, NorthWest)
                | (NorthWest, NorthEast)
        )
    };
    for prompt in figures() {
        for seed in 0..3 {
            let views: Vec<(Direction, RgbaImage)> = Direction::EIGHT
                .into_iter()
                .map(|d| (d, frames(prompt, seed, 32, Action::Idle, d).swap_remove(0)))
                .collect();
            for (a, first) in &views {
                for (b, second) in &views {
                    if a == b {
                        continue;
                    }
                    assert!(first != second, "{prompt} seed {seed}: {a} is drawn as {b}");
                    if !mirrors(*a, *b) {
                        assert!(
                            *first != flip_horizontal(second),
                            "{prompt} seed {seed}: {a} is {b} mirrored"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn items_and_plants_look_the_same_from_every_side() {
    for &(prompt, _) in SPRITES
        .iter()
        .filter(|(_, subject)| !matches!(subject, Subject::Humanoid | Subject::Creature))
    {
        let south = frames(prompt, 0, 32, Action::Walk, Direction::South);
        for direction in Direction::EIGHT {
            assert_eq!(
                frames(prompt, 0, 32, Action::Walk, direction),
                south,
                "{prompt} {direction}"
            );
        }
    }
}

#[test]
fn frames_are_the_size_asked_for_with_the_sprite_in_the_centred_square() {
    for prompt in ["knight", "green slime", "gold coin"] {
        let wide = animate(prompt, 2, 48, 32, Action::Walk, Direction::East, 6).unwrap();
        let square = animate(prompt, 2, 32, 32, Action::Walk, Direction::East, 6).unwrap();
        for (wide, square) in wide.iter().zip(&square) {
            assert_eq!(wide.dimensions(), (48, 32));
            for (x, y, pixel) in square.enumerate_pixels() {
                assert_eq!(wide.get_pixel(x + 8, y), pixel, "{prompt} at ({x},{y})");
            }
        }
    }
}

#[test]
fn any_size_and_frame_count_draws_without_panicking() {
    for &(prompt, _) in SPRITES {
        for action in Action::ALL {
            for size in [0, 1, 2, 3, 5, 8, 9, 100] {
                let frames =
                    animate(prompt, 0, size, size, action, Direction::SouthWest, 2).unwrap();
                assert!(frames.iter().all(|f| f.dimensions() == (size, size)));
            }
        }
    }
    for prompt in [
        "knight",
        "old wizard",
        "green slime",
        "a ghost",
        "gold coin",
        "oak tree",
    ] {
        for action in Action::ALL {
            for count in FRAME_RANGE {
                let frames = animate(prompt, 0, 24, 24, action, Direction::North, count).unwrap();
                assert_eq!(frames.len(), count as usize, "{prompt} {action}");
            }
        }
    }
}

#[test]
fn frame_counts_outside_the_range_and_tiles_are_refused() {
    for frames in [0, 1, 17, 100] {
        let error =
            animate("knight", 0, 32, 32, Action::Walk, Direction::South, frames).unwrap_err();
        assert_eq!(error, AnimationError::FrameCount { frames });
        assert!(error.to_string().contains("2 to 16"), "{error}");
    }
    let error = animate("grass tile", 0, 32, 32, Action::Idle, Direction::South, 4).unwrap_err();
    assert_eq!(
        error,
        AnimationError::Tile {
            subject: Subject::Grass
        }
    );
    assert!(error.to_string().contains("tile"), "{error}");
}

#[test]
fn actions_and_directions_have_names_and_sheet_orders() {
    for action in Action::ALL {
        assert_eq!(Action::from_name(action.name()), Some(action));
        assert_eq!(
            Action::from_name(&action.name().to_uppercase()),
            Some(action)
        );
        assert!(FRAME_RANGE.contains(&action.default_frames()), "{action}");
        assert_eq!(
            action.looping(),
            matches!(action, Action::Idle | Action::Walk | Action::Run)
        );
    }
    assert_eq!(Action::from_name("dance"), None);
    for direction in Direction::EIGHT {
        assert_eq!(Direction::from_name(direction.name()), Some(direction));
    }
    assert_eq!(
        Direction::from_name("South-East"),
        Some(Direction::SouthEast)
    );
    assert_eq!(Direction::from_name("nw"), Some(Direction::NorthWest));
    assert_eq!(Direction::from_name("up"), None);
    assert_eq!(Direction::EIGHT[..4], Direction::FOUR);
    let names: Vec<_> = Direction::EIGHT.iter().map(|d| d.name()).collect();
    assert_eq!(
        names,
        [
            "south",
            "east",
            "north",
            "west",
            "south_east",
            "north_east",
            "north_west",
            "south_west"
        ]
    );
}

#[test]
fn the_same_request_draws_the_same_frames_and_another_seed_another_figure() {
    for prompt in figures() {
        let walk =
            |seed| animate(prompt, seed, 32, 32, Action::Walk, Direction::SouthEast, 8).unwrap();
        assert_eq!(walk(9), walk(9), "{prompt}");
        let seeds: HashSet<Vec<u8>> = (0..4).map(|seed| walk(seed).concat_raw()).collect();
        assert!(seeds.len() > 1, "{prompt}: four seeds walk alike");
    }
    assert_eq!(read_prompt("knight").subject, Subject::Humanoid);
}

/// All frames' bytes, one after another.
trait ConcatRaw {
    fn concat_raw(&self) -> Vec<u8>;
}

impl ConcatRaw for Vec<RgbaImage> {
    fn concat_raw(&self) -> Vec<u8> {
        self.iter()
            .flat_map(|f| f.as_raw().iter().copied())
            .collect()
    }
}
