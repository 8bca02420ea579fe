//! What the server acts on once arguments are checked: every value in range, defaults filled in.
//!
//! These types depend on nothing else in the crate, so the tool arguments, the configuration,
//! generation and the CLI can all speak them without reaching into each other.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Smallest sprite side, in pixels.
pub const MIN_SIZE: u32 = 8;
/// Largest sprite side, in pixels.
pub const MAX_SIZE: u32 = 256;
/// Sprite side when a generation names none.
pub const DEFAULT_SIZE: u32 = 32;
/// Longest prompt (and negative prompt), in characters.
pub const MAX_PROMPT_CHARS: usize = 2000;
/// Most prompts in one batch, and most sprites deployed as one sheet.
pub const MAX_BATCH: usize = 64;
/// Largest seed: 2^53 − 1, the largest integer a JavaScript client (Claude Desktop, the MCP
/// Inspector) holds exactly, so "make it again with this seed" makes the same sprite.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The seed of item `index` of a request seeded `seed`: `seed + index`, wrapping within
/// 0..=[`MAX_SEED`] so every item's seed is one a client can send back.
pub fn item_seed(seed: u64, index: usize) -> u64 {
    (seed + index as u64) % (MAX_SEED + 1)
}

/// Which generator makes the raw image.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// The built-in procedural generator: instant, deterministic, works on any machine.
    #[default]
    Embedded,
    /// A ComfyUI server running SDXL (needs a GPU machine).
    Comfyui,
}

impl BackendKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Embedded => "embedded",
            Self::Comfyui => "comfyui",
        }
    }
}

/// Validated generation settings for one request: the look plus how the raw image is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The named style the values came from, if any (recorded with the sprite).
    pub style: Option<dgx_pixels_manifest::StyleUse>,
    pub width: u32,
    pub height: u32,
    pub look: Look,
    pub seed: Option<u64>,
    pub backend: Option<BackendKind>,
    pub comfy: ComfyOptions,
}

/// A validated look: size, colours, background and outline of the finished sprite.
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    /// `None`: the subject's own size (pixelize only).
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub palette: Option<PaletteChoice>,
    pub transparent: bool,
    pub outline: Option<OutlineChoice>,
    /// How colours between two palette colours are drawn when a palette is locked.
    pub dither: dgx_pixels_pixel::Dither,
}

/// How colours are limited.
#[derive(Debug, Clone, PartialEq)]
pub enum PaletteChoice {
    /// A named palette, already known to exist.
    Named(String),
    /// Explicit colours.
    Colors(Vec<[u8; 3]>),
    /// `k` colours chosen from the image(s).
    Auto(u32),
}

impl PaletteChoice {
    /// How the palette is reported back: its name, its colours, or `auto-<k>`.
    pub fn label(&self) -> String {
        match self {
            Self::Named(name) => name.clone(),
            Self::Colors(colors) => colors
                .iter()
                .map(|[r, g, b]| format!("#{r:02x}{g:02x}{b:02x}"))
                .collect::<Vec<_>>()
                .join(","),
            Self::Auto(k) => format!("auto-{k}"),
        }
    }
}

/// The colour of an added outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutlineChoice {
    Color([u8; 3]),
    /// The darkest colour of the palette in use.
    Darkest,
}

/// Validated ComfyUI settings (ignored by the embedded generator).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComfyOptions {
    pub negative_prompt: Option<String>,
    pub model: Option<String>,
    /// (file name, strength)
    pub loras: Vec<(String, f64)>,
    pub steps: Option<u32>,
    pub cfg: Option<f64>,
    pub sampler: Option<String>,
    pub scheduler: Option<String>,
    pub workflow: Option<String>,
    pub render_size: Option<u32>,
    /// Put before / after the prompt (from a style).
    pub prompt_prefix: Option<String>,
    pub prompt_suffix: Option<String>,
}
