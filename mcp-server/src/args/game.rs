//! The arguments of the tools that look at the running game and the backends.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Arguments of `bevy_screenshot`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ScreenshotArgs {
    /// The running game's Bevy Remote Protocol port on 127.0.0.1 (bevy_remote +
    /// bevy_brp_extras), 1–65535. Default 15702, Bevy's default.
    #[serde(default)]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
    /// Capture only this entity (its Bevy entity id as a number), cropped to its bounds.
    /// Default: the whole window.
    #[serde(default)]
    pub entity: Option<u64>,
}

/// Arguments of `list_models` (none).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListModelsArgs {}
