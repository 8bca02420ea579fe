//! Server configuration: a TOML file, overridden by environment variables and command-line flags.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::spec::BackendKind;

/// Where the config file is looked for when `--config` is not given.
pub const DEFAULT_CONFIG_PATH: &str = "config/dgx-pixels.toml";

/// Everything the server and the CLI can be told, with the defaults a new user expects.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Folder of the sprite store (`<id>.png` + `<id>.json`).
    pub out_dir: PathBuf,
    /// Backend used when a call names none. Default: `comfyui` when a server is configured.
    pub default_backend: Option<BackendKind>,
    /// ComfyUI servers (`[[comfyui]]` entries); jobs go to the least loaded healthy one.
    pub comfyui: Vec<ComfyServer>,
    /// How prompts are sent to ComfyUI.
    pub comfyui_defaults: ComfyDefaults,
    pub http: HttpConfig,
    pub deploy: DeployConfig,
    /// Folders `pixelize_image` may read images from (default: the working directory).
    pub input_roots: Vec<PathBuf>,
    /// Your own named styles (`[styles.NAME]`), beside the built-in ones; see docs/styles.md.
    pub styles: std::collections::BTreeMap<String, toml::Table>,
}

/// One ComfyUI server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComfyServer {
    /// e.g. `http://127.0.0.1:8188`
    pub url: String,
}

/// Pixel-art defaults added to every ComfyUI job, and where user workflows live.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ComfyDefaults {
    /// Appended to every prompt.
    pub prompt_suffix: String,
    /// Always part of the negative prompt.
    pub negative_prompt: Option<String>,
    /// Checkpoint used when a call names none (else the workflow's own).
    pub model: Option<String>,
    /// Folder of extra API-format workflows (`<name>.json`), next to the built-in `sprite` and `tileset`.
    pub workflows_dir: Option<PathBuf>,
}

impl Default for ComfyDefaults {
    fn default() -> Self {
        Self {
            prompt_suffix: ", pixel art, game sprite, flat colors, plain white background".into(),
            negative_prompt: Some(
                "blurry, photo, realistic, 3d render, gradient, text, watermark, frame".into(),
            ),
            model: None,
            workflows_dir: None,
        }
    }
}

/// The HTTP transports' security settings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Extra `Host` names accepted besides loopback (e.g. a LAN name when binding 0.0.0.0).
    pub allowed_hosts: Vec<String>,
    /// Extra browser origins accepted besides loopback ones, e.g. `https://studio.example`.
    pub allowed_origins: Vec<String>,
    /// Bearer token required on every route but `/healthz`.
    pub token: Option<String>,
}

/// Where `deploy_to_bevy` may write.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeployConfig {
    /// Game projects (or folders holding them) that deploys may write into.
    pub allowed_projects: Vec<PathBuf>,
    /// Project used when a deploy names none.
    pub default_project: Option<PathBuf>,
    /// How many earlier revisions of each sprite are kept for rollback.
    pub history_keep: usize,
    /// Sync each deploy to disk before answering, so it survives a power cut. `false` still
    /// leaves valid files when a process is killed, but a power cut may lose the last deploys.
    pub durable: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            out_dir: default_out_dir(),
            default_backend: None,
            comfyui: Vec::new(),
            comfyui_defaults: ComfyDefaults::default(),
            http: HttpConfig::default(),
            deploy: DeployConfig::default(),
            input_roots: vec![PathBuf::from(".")],
            styles: Default::default(),
        }
    }
}

impl Default for DeployConfig {
    fn default() -> Self {
        Self {
            allowed_projects: vec![PathBuf::from(".")],
            default_project: None,
            history_keep: 10,
            durable: true,
        }
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
}

impl Config {
    /// Loads `explicit`, else `$DGX_PIXELS_CONFIG`, else `config/dgx-pixels.toml` if present, else defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        let from_env = std::env::var_os("DGX_PIXELS_CONFIG").map(PathBuf::from);
        let path = match explicit.map(Path::to_path_buf).or(from_env) {
            Some(path) => path,
            None if Path::new(DEFAULT_CONFIG_PATH).is_file() => PathBuf::from(DEFAULT_CONFIG_PATH),
            None => return Ok(Self::default()),
        };
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        let mut config: Config = toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.clone(),
            source: Box::new(source),
        })?;
        config.resolve_relative_to(path.parent().unwrap_or(Path::new(".")));
        Ok(config)
    }

    /// The backend calls get when they name none.
    pub fn backend(&self) -> BackendKind {
        self.default_backend.unwrap_or(if self.comfyui.is_empty() {
            BackendKind::Embedded
        } else {
            BackendKind::Comfyui
        })
    }

    /// Paths in a config file are relative to the file, so a project config works from any directory.
    fn resolve_relative_to(&mut self, base: &Path) {
        let resolve = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        resolve(&mut self.out_dir);
        self.deploy.allowed_projects.iter_mut().for_each(resolve);
        self.input_roots.iter_mut().for_each(resolve);
        if let Some(p) = self.deploy.default_project.as_mut() {
            resolve(p);
        }
        if let Some(p) = self.comfyui_defaults.workflows_dir.as_mut() {
            resolve(p);
        }
    }
}

/// `$XDG_DATA_HOME/dgx-pixels/sprites`, so sprites outlive the working directory an MCP client picked.
fn default_out_dir() -> PathBuf {
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    data_home.join("dgx-pixels").join("sprites")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_rejected_with_their_name() {
        let err = toml::from_str::<Config>("out_dirr = 'x'").unwrap_err();
        assert!(err.to_string().contains("out_dirr"), "{err}");
    }

    #[test]
    fn relative_paths_follow_the_config_file() {
        let mut config: Config =
            toml::from_str("out_dir = 'sprites'\n[deploy]\nallowed_projects = ['games']").unwrap();
        config.resolve_relative_to(Path::new("/etc/pixels"));
        assert_eq!(config.out_dir, Path::new("/etc/pixels/sprites"));
        assert_eq!(
            config.deploy.allowed_projects,
            [PathBuf::from("/etc/pixels/games")]
        );
        assert_eq!(config.deploy.history_keep, 10);
        assert!(config.deploy.durable);
        let fast: Config = toml::from_str("[deploy]\ndurable = false").unwrap();
        assert!(!fast.deploy.durable);
    }
}
