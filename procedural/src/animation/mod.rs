//! Animations: the frames of an action, seen from one of eight directions, drawn by the same painters as the
//! still sprite so every frame keeps its design, grid, palette and outline.
//!
//! A frame flows one way: its place in the action (`motion::phase`) gives a pose from the subject's family
//! (`humanoid`, `creature`, `item`); the subject's painter draws that pose (`crate::subjects::posed`); the
//! frame's effects (a flash, a glint, a bob, a sway, rustling leaves) change the painted cells; the outline
//! rings the result.
//! Frame 0 of `Idle` facing `South` is the still sprite, pixel for pixel.

mod action;
mod creature;
mod direction;
mod humanoid;
mod item;
mod motion;

use std::ops::RangeInclusive;

use image::{Rgba, RgbaImage};

pub use action::Action;
pub use direction::Direction;

use crate::canvas::Canvas;
use crate::pose::Pose;
use crate::prompt::Subject;
use crate::rng::mix;
use crate::scene::Scene;
use crate::subjects;
use motion::{Scale, phase};

/// How many frames an animation may have.
pub const FRAME_RANGE: RangeInclusive<u32> = 2..=16;

/// Why an animation could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnimationError {
    /// The frame count is outside `FRAME_RANGE`.
    FrameCount { frames: u32 },
    /// The prompt names a tile, which fills its canvas and has nothing to move.
    Tile { subject: Subject },
}

impl std::fmt::Display for AnimationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::FrameCount { frames } => write!(
                f,
                "an animation has {} to {} frames, not {frames}; leave the count out for the action's default",
                FRAME_RANGE.start(),
                FRAME_RANGE.end()
            ),
            Self::Tile { subject } => write!(
                f,
                "\"{}\" is a tile, and tiles do not animate; ask for a character, creature, item or plant",
                subject.name()
            ),
        }
    }
}

impl std::error::Error for AnimationError {}

/// Draws `frames` frames (2 to 16, see `FRAME_RANGE`; `Action::default_frames` is a good count) of `action`
/// for the sprite the prompt names, facing `direction`, each `width`×`height` pixels with the sprite in the
/// centred square as `generate` draws it. A frame count outside the range, or a prompt that names a tile, is
/// an error; any size draws (a zero size gives empty frames).
///
/// Humanoids walk, run, jump, attack (swinging a sword or staff), get hurt and die; creatures squash,
/// stretch, hop and lunge (ghosts float); coins spin; other items bob with a glint sweeping across them;
/// plants sway. Items and plants look the same from every direction. The frames are a pure function of
/// the arguments, every colour they use is in `palette(prompt, seed)`, and frame 0 of `Idle` facing
/// `South` equals `generate(prompt, seed, width, height)`.
pub fn animate(
    prompt: &str,
    seed: u64,
    width: u32,
    height: u32,
    action: Action,
    direction: Direction,
    frames: u32,
) -> Result<Vec<RgbaImage>, AnimationError> {
    if !FRAME_RANGE.contains(&frames) {
        return Err(AnimationError::FrameCount { frames });
    }
    let subject = Scene::read(prompt, seed).1.subject;
    let family = Family::of(subject)?;
    let size = width.min(height) as usize;
    let scale = Scale::new(size, direction.view());
    let draw = |index: u32| {
        let mut image = RgbaImage::new(width, height);
        if size == 0 {
            return image;
        }
        let t = phase(index, frames, family.looping(action));
        let frame = family.frame(action, t, frames, scale);
        let mut scene = Scene::read(prompt, seed).0;
        let mut canvas = subjects::posed(subject, &mut scene, size, &frame.pose);
        frame.finish(&mut canvas);
        canvas.outline();
        let (w, h) = (width as usize, height as usize);
        canvas.render(&mut image, (w - size) / 2, (h - size) / 2);
        image
    };
    Ok((0..frames).map(draw).collect())
}

/// Every colour an animation of the prompt with `seed` may use, whatever its action, direction, frame count
/// or size: the outline colour first, then the tones of each colour ramp its design paints with (including
/// those only some actions show, such as a weapon's), all opaque.
pub fn palette(prompt: &str, seed: u64) -> Vec<Rgba<u8>> {
    let (mut scene, reading) = Scene::read(prompt, seed);
    let canvas = if reading.subject.is_tile() {
        subjects::tile(reading.subject, &mut scene, 16, 16)
    } else {
        subjects::sprite(reading.subject, &mut scene, 16)
    };
    canvas
        .colours()
        .into_iter()
        .map(|[r, g, b]| Rgba([r, g, b, 255]))
        .collect()
}

/// How a subject moves.
#[derive(Clone, Copy)]
enum Family {
    Humanoid,
    Creature,
    Coin,
    /// Items other than coins: they bob, and a glint sweeps across them.
    Item,
    /// Plants sway from their base while their leaves rustle.
    Plant,
}

impl Family {
    fn of(subject: Subject) -> Result<Self, AnimationError> {
        Ok(match subject {
            _ if subject.is_tile() => return Err(AnimationError::Tile { subject }),
            Subject::Humanoid => Self::Humanoid,
            Subject::Creature => Self::Creature,
            Subject::Coin => Self::Coin,
            Subject::Tree | Subject::Bush | Subject::Flower => Self::Plant,
            _ => Self::Item,
        })
    }

    /// Whether the action's frames run round a loop. Items and plants have one motion, always a loop.
    fn looping(self, action: Action) -> bool {
        match self {
            Self::Humanoid | Self::Creature => action.looping(),
            Self::Coin | Self::Item | Self::Plant => true,
        }
    }

    fn frame(self, action: Action, t: f32, frames: u32, scale: Scale) -> Frame {
        match self {
            Self::Humanoid => humanoid::frame(action, t, scale),
            Self::Creature => creature::frame(action, t, frames, scale),
            Self::Coin => item::coin(action, t),
            Self::Item => item::item(action, t),
            Self::Plant => item::plant(action, t, scale),
        }
    }
}

/// One frame as an action asks for it: the pose to paint, then what is done to the painted cells.
#[derive(Clone, Copy)]
struct Frame {
    pose: Pose,
    /// Every painted cell turns to its brightest tone: the flash of being hit.
    flash: bool,
    /// A highlight sweeping across: the cells on the diagonal at this fraction of the way from the top left
    /// to the bottom right of the drawing shine.
    glint: Option<f32>,
    /// How far up the finished drawing floats, as a fraction of the room above it up to two pixels (or
    /// down, when there is no room above).
    bob: f32,
    /// Whole pixels the top of the drawing leans right, fading to none at its base.
    sway: f32,
    /// Leaves rustling: a scattering of cells in the upper part, picked by this number, swap their lit and
    /// base tones.
    rustle: Option<u64>,
}

impl Frame {
    fn new(pose: Pose) -> Self {
        Self {
            pose,
            flash: false,
            glint: None,
            bob: 0.0,
            sway: 0.0,
            rustle: None,
        }
    }

    /// Applies the frame's effects to the painted cells, before the outline.
    fn finish(&self, canvas: &mut Canvas) {
        let Some((left, top, right, bottom)) = canvas.bounds() else {
            return;
        };
        if self.flash {
            canvas.retone(|_, _, _| 3);
        }
        if let Some(at) = self.glint {
            let (span, start) = ((right - left + bottom - top) as f32, (left + top) as f32);
            let diagonal = (start + at * span).round() as i64;
            let width = (span / 8.0).max(2.0) as i64;
            canvas.retone(|x, y, tone| {
                let d = (x + y) as i64 - diagonal;
                if (0..width).contains(&d) { 3 } else { tone }
            });
        }
        if let Some(seed) = self.rustle {
            let crown = top + (bottom - top) * 2 / 3;
            canvas.retone(|x, y, tone| {
                let picked = mix(seed ^ ((x as u64) << 32 | y as u64)).is_multiple_of(5);
                match tone {
                    1 | 2 if picked && y < crown => 3 - tone,
                    _ => tone,
                }
            });
        }
        if self.sway != 0.0 {
            let height = (bottom - top).max(1) as f32;
            let sway = self.sway;
            canvas.remap(|x, y| {
                let up = bottom.saturating_sub(y) as f32 / height;
                (x as i64 - (sway * up).round() as i64, y as i64)
            });
        }
        if self.bob != 0.0 {
            // Painted cells keep to the rows inside the outline margin; that leaves this much room.
            let above = top.saturating_sub(1);
            let below = canvas.size().saturating_sub(2).saturating_sub(bottom);
            let lift = if above > 0 {
                (self.bob * above.min(2) as f32).round() as i64
            } else {
                -(self.bob * below.min(2) as f32).round() as i64
            };
            canvas.remap(|x, y| (x as i64, y as i64 + lift));
        }
    }
}
