//! The arguments of the tools that deliver sprites into a Bevy project.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Arguments of `deploy_to_bevy`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct DeployArgs {
    /// The stored sprite id to deploy (the `id` of a generate result), or a list of 1–64 ids of
    /// same-sized sprites deployed together as one animation sheet (one row, played at `fps`).
    pub sprite: SpriteIds,
    /// The name the game uses, as in `PixelSprite::new("player")`: `[a-z0-9_]+` segments joined
    /// by `/`, each at most 64 characters, e.g. `player` or `enemies/slime`.
    #[schemars(pattern(r"^[a-z0-9_]+(/[a-z0-9_]+)*$"), length(min = 1))]
    pub name: String,
    /// The game's root folder (the one holding `assets/`). Default: the config's
    /// `deploy.default_project`. Must lie under one of `deploy.allowed_projects`.
    #[serde(default)]
    pub project: Option<String>,
    /// Folder under `assets/` for the PNG, `[a-z0-9_]+`. Default `sprites`.
    #[serde(default)]
    #[schemars(pattern(r"^[a-z0-9_]+$"), length(max = 64))]
    pub category: Option<String>,
    /// Frames per second of a sheet's animation, 1–60. Default: an animation sheet's own clip
    /// speed, else 8.
    #[serde(default)]
    #[schemars(range(min = 1, max = 60))]
    pub fps: Option<u32>,
}

/// One sprite id or several.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum SpriteIds {
    /// One stored sprite id.
    One(String),
    /// Several stored sprite ids, deployed as one sheet.
    Many(Vec<String>),
}

impl SpriteIds {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Self::One(id) => vec![id.clone()],
            Self::Many(ids) => ids.clone(),
        }
    }
}

/// Arguments of `rollback_sprite`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct RollbackArgs {
    /// The deployed sprite's name, e.g. `player`.
    pub name: String,
    /// The revision to restore (see `list_deployed`). Default: the one before the current one.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub revision: Option<u64>,
    /// The game's root folder (holding `assets/`). Default: the config's `deploy.default_project`.
    #[serde(default)]
    pub project: Option<String>,
}

/// Arguments of `list_deployed`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListDeployedArgs {
    /// The game's root folder (holding `assets/`). Default: the config's `deploy.default_project`.
    #[serde(default)]
    pub project: Option<String>,
}
