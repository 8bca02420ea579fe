//! The arguments of `generate_animation` and `generate_character`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ArgError;
use super::generation::WithSettings;

/// Arguments of `generate_animation`.
pub type GenerateAnimationArgs = WithSettings<AnimationFields>;
/// Arguments of `generate_character`.
pub type GenerateCharacterArgs = WithSettings<CharacterFields>;

/// The fields of `generate_animation` besides the look and generation settings.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct AnimationFields {
    /// What to animate, e.g. "knight with a sword", "green slime", "gold coin". 1–2000 characters.
    #[schemars(length(min = 1, max = 2000))]
    pub prompt: String,
    /// The motion: `idle`, `walk`, `run`, `jump`, `attack`, `hurt` or `death` (any backend), or
    /// (ComfyUI only) a free word such as `dance`, `[a-z0-9_]+`.
    #[schemars(length(min = 1, max = 32))]
    pub action: String,
    /// Frames in the clip, 2–16. Default: the action's (idle 4, walk 8, run 6, jump 5, attack 5,
    /// hurt 3, death 5; 8 for a free word).
    #[serde(default)]
    #[schemars(range(min = 2, max = 16))]
    pub frames: Option<u32>,
    /// Playback speed, 1–60 frames a second. Default: 6 for idle, 10 otherwise.
    #[serde(default)]
    #[schemars(range(min = 1, max = 60))]
    pub fps: Option<u32>,
    /// Which way the figure faces. Default `south` (towards the viewer).
    #[serde(default)]
    pub direction: Option<DirectionArg>,
    /// ComfyUI only: how much of the first frame every other frame redraws, 0.1–1.0. Frame 1 is
    /// drawn from the prompt; the rest start from it (img2img), so the character keeps its shape
    /// and colours. Lower keeps them closer but lets them move less. Default 0.55.
    #[serde(default)]
    #[schemars(range(min = 0.1, max = 1.0))]
    pub denoise: Option<f64>,
}

/// The fields of `generate_character` besides the look and generation settings.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct CharacterFields {
    /// The character, e.g. "a knight in blue armour". 1–2000 characters.
    #[schemars(length(min = 1, max = 2000))]
    pub prompt: String,
    /// 4 (south, east, north, west) or 8 (plus the four diagonals): one sheet row each.
    /// Default 4.
    #[serde(default)]
    #[schemars(range(min = 4, max = 8))]
    pub directions: Option<u32>,
    /// The clips, left to right in every row: actions as for `generate_animation`. Default
    /// `["idle"]`. 1–7 of them, no repeats.
    #[serde(default)]
    #[schemars(length(min = 1, max = 7))]
    pub animations: Option<Vec<String>>,
    /// Frames per clip, 2–16. Default: each action's own.
    #[serde(default)]
    #[schemars(range(min = 2, max = 16))]
    pub frames: Option<u32>,
    /// Playback speed of every clip, 1–60 frames a second. Default: 6 for idle, 10 otherwise.
    #[serde(default)]
    #[schemars(range(min = 1, max = 60))]
    pub fps: Option<u32>,
    /// ComfyUI only: how much of the first frame (the first direction's first clip) every other
    /// frame redraws, 0.1–1.0. Frame 1 is drawn from the prompt; every other frame of every row
    /// starts from it (img2img). Lower keeps the character closer; the other directions turn
    /// better with more, e.g. 0.7. Default 0.55.
    #[serde(default)]
    #[schemars(range(min = 0.1, max = 1.0))]
    pub denoise: Option<f64>,
}

/// A facing direction, as sheet rows name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DirectionArg {
    South,
    East,
    North,
    West,
    SouthEast,
    NorthEast,
    NorthWest,
    SouthWest,
}

impl From<DirectionArg> for dgx_pixels_procedural::Direction {
    fn from(arg: DirectionArg) -> Self {
        match arg {
            DirectionArg::South => Self::South,
            DirectionArg::East => Self::East,
            DirectionArg::North => Self::North,
            DirectionArg::West => Self::West,
            DirectionArg::SouthEast => Self::SouthEast,
            DirectionArg::NorthEast => Self::NorthEast,
            DirectionArg::NorthWest => Self::NorthWest,
            DirectionArg::SouthWest => Self::SouthWest,
        }
    }
}

/// A validated clip name: a known action, or a free word when `free_words` (ComfyUI) allows it.
pub fn check_action(
    field: &str,
    name: &str,
    free_words: bool,
) -> Result<Option<dgx_pixels_procedural::Action>, ArgError> {
    let name = name.trim();
    if let Some(action) = dgx_pixels_procedural::Action::from_name(name) {
        return Ok(Some(action));
    }
    let known = dgx_pixels_procedural::Action::ALL
        .map(|a| a.name())
        .join(", ");
    let word = !name.is_empty()
        && name.len() <= 32
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    match (word, free_words) {
        (true, true) => Ok(None),
        (true, false) => Err(ArgError::new(
            field,
            format!(
                "{field} must be one of {known} on the embedded backend (a free word such as {name:?} needs backend \"comfyui\")"
            ),
        )),
        (false, _) => Err(ArgError::new(
            field,
            format!(
                "{field} must be one of {known}, or on ComfyUI a word of a-z, 0-9 and _, got {name:?}"
            ),
        )),
    }
}

/// The img2img strength of the frames after the first on ComfyUI: enough to pose and turn the
/// figure, little enough to keep its outline and colours.
pub const DEFAULT_DENOISE: f64 = 0.55;

/// A validated `denoise`, or the default.
pub fn check_denoise(denoise: Option<f64>) -> Result<f64, ArgError> {
    match denoise {
        None => Ok(DEFAULT_DENOISE),
        Some(d) if (0.1..=1.0).contains(&d) => Ok(d),
        Some(d) => Err(ArgError::range("denoise", "0.1–1.0", d)),
    }
}
