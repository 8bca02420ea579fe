//! The arguments of the style tools.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Arguments of `list_styles`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListStylesArgs {
    /// Also list the styles of this game's style file (`assets/pixels.styles.toml`) and its
    /// default. Default: the config's `deploy.default_project`.
    #[serde(default)]
    pub project: Option<String>,
}

/// Arguments of `set_project_style`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct SetProjectStyleArgs {
    /// The style every generation for this game uses unless a call names another (see
    /// `list_styles`).
    pub style: String,
    /// The game's root folder (the one holding `assets/`). Default: the config's
    /// `deploy.default_project`. Must lie under one of `deploy.allowed_projects`.
    #[serde(default)]
    pub project: Option<String>,
}
