//! Where raw images come from: the embedded procedural generator or (later) a ComfyUI server.

pub mod comfyui;
pub mod procedural;

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

/// Why a backend could not produce an image.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(
        "backend \"comfyui\" is not configured: start the server with --comfyui URL (or set DGX_PIXELS_COMFYUI) or use backend \"embedded\""
    )]
    ComfyuiNotConfigured,
    #[error(transparent)]
    Comfy(#[from] dgx_pixels_comfyui::ComfyError),
    #[error("workflow: {0}")]
    Workflow(String),
}
