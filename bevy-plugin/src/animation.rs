//! Plays sprite sheets. An entity with only a [`PixelSprite`] loops the whole sheet at
//! `frames.fps`; one with a [`PixelAnimation`] plays the named clip in the row of its facing.

use std::collections::BTreeSet;

use bevy::ecs::change_detection::Mut;
use bevy::ecs::component::Component;
use bevy::ecs::entity::Entity;
use bevy::ecs::message::{Message, MessageWriter};
use bevy::ecs::query::Without;
use bevy::ecs::reflect::ReflectComponent;
use bevy::ecs::system::{Local, Query, Res};
use bevy::reflect::Reflect;
use bevy::sprite::Sprite;
use bevy::time::Time;
use dgx_pixels_manifest::{Clip, SheetLayout};

use crate::library::{Look, PixelLibrary};
use crate::{PixelSprite, PixelTile};

/// Time into the whole-sheet loop; each entity has its own so sheets can start at different
/// moments.
#[derive(Component, Debug, Default)]
pub(crate) struct FrameClock {
    seconds: f32,
}

/// Which way a character faces: the manifest's `directions` name one per row of its sheet.
#[derive(Reflect, Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[reflect(Debug, Clone, PartialEq)]
pub enum Direction {
    /// Towards the viewer (the front view); the default.
    #[default]
    South,
    East,
    North,
    West,
    SouthEast,
    NorthEast,
    NorthWest,
    SouthWest,
}

impl Direction {
    /// In the order of an 8-direction sheet's rows.
    pub const ALL: [Self; 8] = [
        Self::South,
        Self::East,
        Self::North,
        Self::West,
        Self::SouthEast,
        Self::NorthEast,
        Self::NorthWest,
        Self::SouthWest,
    ];

    /// The name the manifest uses: `south`, `east`, …, `south_west`.
    pub fn name(self) -> &'static str {
        match self {
            Self::South => "south",
            Self::East => "east",
            Self::North => "north",
            Self::West => "west",
            Self::SouthEast => "south_east",
            Self::NorthEast => "north_east",
            Self::NorthWest => "north_west",
            Self::SouthWest => "south_west",
        }
    }

    /// The direction a manifest name stands for, if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Eighths of a turn clockwise from north.
    fn octant(self) -> u8 {
        match self {
            Self::North => 0,
            Self::NorthEast => 1,
            Self::East => 2,
            Self::SouthEast => 3,
            Self::South => 4,
            Self::SouthWest => 5,
            Self::West => 6,
            Self::NorthWest => 7,
        }
    }

    /// Eighths of a turn between the two, either way round.
    fn turn_to(self, other: Self) -> u8 {
        let d = self.octant().abs_diff(other.octant());
        d.min(8 - d)
    }

    /// Between two rows equally far from the facing asked for: the side view first (it shows
    /// where the character is going), then the ones facing the viewer, then the back views.
    fn tie_rank(self) -> u8 {
        match self {
            Self::East | Self::West => 0,
            Self::South | Self::SouthEast | Self::SouthWest => 1,
            Self::North | Self::NorthEast | Self::NorthWest => 2,
        }
    }
}

/// Plays a named clip of the entity's sheet, facing a direction. Add it next to a
/// [`PixelSprite`]:
/// `commands.spawn((PixelSprite::new("player"), PixelAnimation::play("run").facing(Direction::West)))`.
///
/// The time into the clip is kept here, per entity, so a redeploy of the sheet carries on where
/// it was. An entity without this component loops its whole sheet.
#[derive(Component, Reflect, Debug, Clone, PartialEq)]
#[reflect(Component, Debug, Clone)]
pub struct PixelAnimation {
    clip: String,
    facing: Direction,
    /// Seconds into the clip.
    seconds: f32,
    /// A non-looping clip ran out and holds its last frame.
    finished: bool,
}

impl PixelAnimation {
    /// Plays the clip named `clip` (a key of the manifest's `animations`), facing south.
    pub fn play(clip: impl Into<String>) -> Self {
        Self {
            clip: clip.into(),
            facing: Direction::South,
            seconds: 0.0,
            finished: false,
        }
    }

    /// The same, facing `direction`.
    pub fn facing(mut self, direction: Direction) -> Self {
        self.facing = direction;
        self
    }

    /// Switches to `clip` from its first frame; asking for the clip already playing changes
    /// nothing, so a game may call this every frame.
    pub fn set_clip(&mut self, clip: &str) {
        if self.clip != clip {
            self.clip = clip.to_owned();
            self.restart();
        }
    }

    /// Turns to `direction`, keeping the clip and its time.
    pub fn face(&mut self, direction: Direction) {
        self.facing = direction;
    }

    /// Plays the current clip again from its first frame.
    pub fn restart(&mut self) {
        self.seconds = 0.0;
        self.finished = false;
    }

    pub fn clip(&self) -> &str {
        &self.clip
    }

    pub fn direction(&self) -> Direction {
        self.facing
    }

    /// Seconds into the clip.
    pub fn elapsed(&self) -> f32 {
        self.seconds
    }

    /// A non-looping clip played to its end and holds its last frame.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Moves `delta` seconds on through `clip`; returns the column to show and whether the clip
    /// ran out just now. A clip made shorter by a redeploy wraps (looping) or ends (not looping).
    fn advance(&mut self, clip: &Clip, delta: f32) -> (u32, bool) {
        let length = clip.frames as f32 / clip.fps as f32;
        let mut ended = false;
        if clip.looping {
            // Wrapped so precision does not decay over a long session.
            self.seconds = (self.seconds + delta) % length;
            self.finished = false;
        } else {
            self.seconds = (self.seconds + delta).min(length);
            let finished = self.seconds >= length;
            ended = finished && !self.finished;
            self.finished = finished;
        }
        let frame = ((self.seconds * clip.fps as f32) as u32).min(clip.frames - 1);
        (clip.start + frame, ended)
    }
}

/// Written once when a non-looping clip has played to its end: its last frame was on screen for
/// one frame time (`1 / fps`). The entity then holds that frame.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct AnimationFinished {
    pub entity: Entity,
    /// The sprite's name.
    pub name: String,
    pub clip: String,
}

/// The row of a sheet with these `directions` that best shows `facing`: its own row, else the
/// nearest by angle (ties: east/west rows, then south-facing, then north-facing ones, then the
/// top row), else row 0 (no `directions`, or none the plugin knows).
fn row_facing(directions: &[String], facing: Direction) -> u32 {
    directions
        .iter()
        .enumerate()
        .filter_map(|(row, name)| Direction::from_name(name).map(|d| (row, d)))
        .min_by_key(|&(row, d)| (facing.turn_to(d), d.tie_rank(), row))
        .map_or(0, |(row, _)| row as u32)
}

/// The clip the sheet shows for `name`: the clip itself, else the one starting leftmost.
fn clip_or_first<'a>(layout: &'a SheetLayout, name: &str) -> Option<(&'a str, &'a Clip)> {
    let found = layout.animations.get_key_value(name);
    found
        .or_else(|| {
            layout
                .animations
                .iter()
                .min_by_key(|(name, clip)| (clip.start, name.as_str()))
        })
        .map(|(name, clip)| (name.as_str(), clip))
}

/// Shows frame `index` of the sprite's atlas. Reads first: writing through `Mut` marks the
/// sprite changed even if nothing changes.
pub(crate) fn show_frame(sprite: &mut Mut<Sprite>, index: usize) {
    if sprite
        .texture_atlas
        .as_ref()
        .is_some_and(|a| a.index != index)
        && let Some(atlas) = &mut sprite.texture_atlas
    {
        atlas.index = index;
    }
}

/// Entities that play their whole sheet: they ask for neither a clip nor a tile.
type WholeSheet = (Without<PixelAnimation>, Without<PixelTile>);

/// Loops whole sheets.
pub(crate) fn advance_frames(
    time: Res<Time>,
    library: Res<PixelLibrary>,
    mut entities: Query<(&PixelSprite, &mut Sprite, &mut FrameClock), WholeSheet>,
) {
    for (pixel, mut sprite, mut clock) in &mut entities {
        let Look::Sprite(shown) = library.look(&pixel.name) else {
            continue;
        };
        let Some(frames) = shown.atlas.as_ref().map(|atlas| atlas.frames) else {
            continue;
        };
        let loop_seconds = frames.count as f32 / frames.fps as f32;
        clock.seconds = (clock.seconds + time.delta_secs()) % loop_seconds;
        let index = (clock.seconds * frames.fps as f32) as usize % frames.count as usize;
        show_frame(&mut sprite, index);
    }
}

/// Plays each [`PixelAnimation`]'s clip in the row of its facing.
pub(crate) fn play_clips(
    time: Res<Time>,
    library: Res<PixelLibrary>,
    mut entities: Query<(Entity, &PixelSprite, &mut PixelAnimation, &mut Sprite)>,
    mut finished: MessageWriter<AnimationFinished>,
    mut warned: Local<BTreeSet<(String, String)>>,
) {
    for (entity, pixel, mut animation, mut sprite) in &mut entities {
        let Look::Sprite(shown) = library.look(&pixel.name) else {
            continue;
        };
        let Some(atlas) = &shown.atlas else {
            continue;
        };
        let clip = clip_or_first(&shown.layout, &animation.clip);
        let found = clip.is_some_and(|(name, _)| name == animation.clip);
        if !found && warned.insert((pixel.name.clone(), animation.clip.clone())) {
            let showing = clip.map_or("frame 0".to_owned(), |(name, _)| format!("{name:?}"));
            tracing::warn!(
                "dgx-pixels: sprite {:?} has no clip {:?} (it has {:?}); showing {showing}",
                pixel.name,
                animation.clip,
                shown.layout.animations.keys().collect::<Vec<_>>(),
            );
        }
        let column = match clip {
            Some((name, clip)) => {
                let (column, ended) = animation.advance(clip, time.delta_secs());
                if ended && found {
                    finished.write(AnimationFinished {
                        entity,
                        name: pixel.name.clone(),
                        clip: name.to_owned(),
                    });
                }
                column
            }
            None => 0,
        };
        let row = row_facing(&shown.layout.directions, animation.facing);
        show_frame(&mut sprite, (row * atlas.frames.columns + column) as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(names: &[&str]) -> Vec<String> {
        names.iter().map(|&n| n.to_owned()).collect()
    }

    #[test]
    fn every_direction_has_its_own_row_on_an_eight_direction_sheet() {
        let eight: Vec<String> = Direction::ALL.iter().map(|d| d.name().to_owned()).collect();
        for (row, direction) in Direction::ALL.into_iter().enumerate() {
            assert_eq!(row_facing(&eight, direction), row as u32);
        }
    }

    #[test]
    fn a_four_direction_sheet_shows_diagonals_from_the_side() {
        let four = rows(&["south", "east", "north", "west"]);
        assert_eq!(row_facing(&four, Direction::SouthEast), 1);
        assert_eq!(row_facing(&four, Direction::NorthEast), 1);
        assert_eq!(row_facing(&four, Direction::NorthWest), 3);
        assert_eq!(row_facing(&four, Direction::SouthWest), 3);
        assert_eq!(row_facing(&rows(&["south", "north"]), Direction::East), 0);
        assert_eq!(row_facing(&rows(&["north", "east"]), Direction::West), 0);
        assert_eq!(row_facing(&[], Direction::West), 0);
        assert_eq!(row_facing(&rows(&["up", "down"]), Direction::North), 0);
    }

    #[test]
    fn a_non_looping_clip_ends_once_and_holds_its_last_frame() {
        let jump = Clip {
            start: 2,
            frames: 3,
            fps: 10,
            looping: false,
        };
        let mut animation = PixelAnimation::play("jump");
        assert_eq!(animation.advance(&jump, 0.05), (2, false));
        assert_eq!(animation.advance(&jump, 0.2), (4, false));
        assert_eq!(animation.advance(&jump, 0.1), (4, true));
        assert_eq!(animation.advance(&jump, 1.0), (4, false));
        assert!(animation.is_finished());
        animation.set_clip("jump");
        assert!(animation.is_finished(), "the same clip does not restart");
        animation.set_clip("run");
        assert!(!animation.is_finished());
        assert_eq!(animation.elapsed(), 0.0);
    }
}
