//! Where raw images come from: the embedded procedural generator or (later) a ComfyUI server.

pub mod procedural;

use image::RgbaImage;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which generator makes the raw image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
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

/// What a backend is asked to draw.
#[derive(Debug, Clone)]
pub struct RenderRequest<'a> {
    pub prompt: &'a str,
    pub seed: u64,
    pub width: u32,
    pub height: u32,
}

/// Why a backend could not produce an image.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(
        "backend \"comfyui\" is not configured: start the server with --comfyui URL or use backend \"embedded\""
    )]
    ComfyuiNotConfigured,
}

/// Renders one raw image. The embedded generator draws straight at the target size, on-grid.
pub fn render(kind: BackendKind, request: &RenderRequest<'_>) -> Result<RgbaImage, BackendError> {
    match kind {
        BackendKind::Embedded => Ok(procedural::generate(
            request.prompt,
            request.seed,
            request.width,
            request.height,
        )),
        BackendKind::Comfyui => Err(BackendError::ComfyuiNotConfigured),
    }
}
