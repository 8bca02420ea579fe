//! Why a tool call failed, as one type: the agent reads the message, the CLI and the tests the
//! variant.

use crate::args::ArgError;
use crate::deploy::{DeliveryError, DeployError};
use crate::generation::GenerateError;
use crate::store::StoreError;

/// A failed tool call. Every message says what went wrong and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// An argument out of range, of the wrong type or unknown; names its field.
    #[error(transparent)]
    InvalidArgument(#[from] ArgError),
    /// A sprite id the store does not hold, or holds damaged.
    #[error("sprite: {0}")]
    NoSuchSprite(StoreError),
    /// A project folder the deploy policy refuses, or one that is not a Bevy project.
    #[error(transparent)]
    ProjectRefused(DeployError),
    /// Delivering into an allowed project failed: a name, a size, the history, a file.
    #[error(transparent)]
    Deploy(DeliveryError),
    /// The backend could not make the image; ComfyUI errors name the server and what to check.
    #[error(transparent)]
    Backend(#[from] GenerateError),
    /// ComfyUI was asked about but none is configured.
    #[error(
        "no ComfyUI server is configured (start the server with --comfyui URL); the embedded backend needs no models"
    )]
    NoComfyui,
    /// No game answers on the port, or it could not take a screenshot.
    #[error("{0}")]
    Game(String),
    /// Work that should not fail did (a worker thread panicked, a folder could not be made).
    #[error("{what} failed unexpectedly: {reason}")]
    Internal { what: &'static str, reason: String },
}

impl ToolError {
    pub fn internal(what: &'static str, reason: impl std::fmt::Display) -> Self {
        Self::Internal {
            what,
            reason: reason.to_string(),
        }
    }

    /// The argument at fault, when the caller's input was.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidArgument(e) => Some(&e.field),
            _ => None,
        }
    }
}

impl From<DeliveryError> for ToolError {
    fn from(error: DeliveryError) -> Self {
        match error {
            DeliveryError::Store(e) => Self::NoSuchSprite(e),
            DeliveryError::Deploy(e) if e.is_refused_project() => Self::ProjectRefused(e),
            DeliveryError::Deploy(DeployError::Name(e)) => {
                Self::InvalidArgument(ArgError::new("name", e.to_string()))
            }
            DeliveryError::Deploy(e @ DeployError::Category { .. }) => {
                Self::InvalidArgument(ArgError::new("category", e.to_string()))
            }
            DeliveryError::SpriteCount(_) => {
                Self::InvalidArgument(ArgError::new("sprite", error.to_string()))
            }
            DeliveryError::Fps(_) => Self::InvalidArgument(ArgError::new("fps", error.to_string())),
            DeliveryError::NoProject => {
                Self::InvalidArgument(ArgError::new("project", error.to_string()))
            }
            other => Self::Deploy(other),
        }
    }
}

impl From<DeployError> for ToolError {
    fn from(error: DeployError) -> Self {
        DeliveryError::Deploy(error).into()
    }
}
