//! Named art styles: one word that sets palette, outline, dithering and the ComfyUI model and
//! prompt, so a game keeps one look without repeating a dozen arguments on every call.
//!
//! A style is a set of tool-argument values plus a description. Styles come from three places,
//! later ones replacing earlier ones of the same name: the built-ins, `[styles.NAME]` in the
//! config file, and the project's style file (`assets/pixels.styles.toml`, shared in git), which
//! may also name the game's default style. A call's own arguments beat the style's.

mod builtin;
mod preview;
mod project;

pub use preview::{PREVIEW_SUBJECTS, blit_scaled, contact_sheet, draw_text, preview_sprites};
pub use project::{STYLE_FILE, set_default};

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use dgx_pixels_manifest::StyleUse;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use crate::args::{self, ArgError, Arguments, WithSettings};
use crate::config::Config;
use crate::generation::backend::comfyui::Comfy;
use crate::spec::Settings;

/// Tool arguments a style may set: the look and how the image is made, not what is drawn.
const SETTABLE: &[&str] = &[
    "size",
    "width",
    "height",
    "palette",
    "colors",
    "transparent",
    "outline",
    "dither",
    "negative_prompt",
    "backend",
    "model",
    "loras",
    "steps",
    "cfg",
    "sampler",
    "scheduler",
    "workflow",
    "render_size",
];

/// Where a style was defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "path")]
pub enum Origin {
    Builtin,
    Config,
    Project(PathBuf),
}

/// One named style.
#[derive(Debug, Clone, Serialize)]
pub struct Style {
    pub name: String,
    pub description: String,
    pub origin: Origin,
    /// The tool-argument values it sets, e.g. `{"palette": "gameboy", "outline": "auto"}`.
    pub values: Arguments,
    /// Put before / after the prompt sent to ComfyUI (the embedded generator reads subject and
    /// colour words from the prompt, so it gets the prompt as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_suffix: Option<String>,
}

/// Why a style definition cannot be used; names the style, where it is and the field.
#[derive(Debug, thiserror::Error)]
pub enum StyleError {
    #[error("style {name:?} ({origin}): {message}")]
    Invalid {
        name: String,
        origin: String,
        message: String,
    },
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
}

impl Style {
    /// Reads a `[styles.NAME]` table, checking every value as a tool would.
    fn parse(name: &str, origin: Origin, table: &toml::Table) -> Result<Self, StyleError> {
        let invalid = |message: String| StyleError::Invalid {
            name: name.to_owned(),
            origin: origin.to_string(),
            message,
        };
        check_name(name).map_err(|e| invalid(e.message))?;
        let mut values: Arguments = match serde_json::to_value(table) {
            Ok(Value::Object(map)) => map,
            _ => return Err(invalid("must be a table of values".into())),
        };
        let mut text = |key: &str| match values.remove(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(invalid(format!("{key} must be text, got {other}"))),
        };
        let description = text("description")?.unwrap_or_default();
        let prompt_prefix = text("prompt_prefix")?;
        let prompt_suffix = text("prompt_suffix")?;
        if let Some(key) = values.keys().find(|key| !SETTABLE.contains(&key.as_str())) {
            return Err(invalid(format!(
                "unknown setting {key:?}; a style may set description, prompt_prefix, prompt_suffix, {}",
                SETTABLE.join(", ")
            )));
        }
        let parsed: args::WithSettings<args::NoFields> =
            args::parse_generation(Some(&values)).map_err(|e| invalid(e.message))?;
        parsed
            .settings(dgx_pixels_pixel::Palette::names())
            .map_err(|e| invalid(e.message))?;
        Ok(Self {
            name: name.to_owned(),
            description,
            origin,
            values,
            prompt_prefix,
            prompt_suffix,
        })
    }

    /// Fills in this style's values wherever `arguments` gives none: the call's own values win.
    pub fn apply(&self, arguments: &mut Arguments) {
        for (key, value) in &self.values {
            match arguments.get(key) {
                None | Some(Value::Null) => {
                    arguments.insert(key.clone(), value.clone());
                }
                Some(_) => {}
            }
        }
    }

    /// Checks the checkpoint and LoRAs it names against what the ComfyUI servers offer.
    pub async fn check_models(&self, comfy: &Comfy) -> Result<(), ArgError> {
        let model = self.values.get("model").and_then(Value::as_str);
        let loras: Vec<&str> = self
            .values
            .get("loras")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|lora| lora.get("name").and_then(Value::as_str))
            .collect();
        if model.is_none() && loras.is_empty() {
            return Ok(());
        }
        let offered = comfy.pool().models().await.map_err(|e| {
            ArgError::new(
                "style",
                format!(
                    "style {:?} names ComfyUI models, which cannot be checked: {e}",
                    self.name
                ),
            )
        })?;
        if let Some(model) = model.filter(|m| !offered.checkpoints.iter().any(|c| c == m)) {
            return Err(ArgError::new(
                "style",
                format!(
                    "style {:?} names checkpoint {model:?}, which the ComfyUI server does not have (checkpoints: {})",
                    self.name,
                    offered.checkpoints.join(", ")
                ),
            ));
        }
        if let Some(lora) = loras
            .iter()
            .find(|l| !offered.loras.iter().any(|o| o == *l))
        {
            return Err(ArgError::new(
                "style",
                format!(
                    "style {:?} names LoRA {lora:?}, which the ComfyUI server does not have (LoRAs: {})",
                    self.name,
                    offered.loras.join(", ")
                ),
            ));
        }
        Ok(())
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Builtin => f.write_str("built-in"),
            Self::Config => f.write_str("config file"),
            Self::Project(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Every style a call can name, and the project's default.
#[derive(Debug, Clone)]
pub struct StyleBook {
    styles: Vec<Style>,
    default: Option<String>,
}

impl StyleBook {
    /// The built-ins, the config's styles and, when `project` is given, the project's style file.
    pub fn load(config: &Config, project: Option<&Path>) -> Result<Self, StyleError> {
        let mut book = Self {
            styles: Vec::new(),
            default: None,
        };
        for (name, body) in builtin::BUILTIN {
            let table: toml::Table = body.parse().expect("built-in styles are valid TOML");
            book.add(Style::parse(name, Origin::Builtin, &table)?);
        }
        for (name, table) in &config.styles {
            book.add(Style::parse(name, Origin::Config, table)?);
        }
        if let Some(project) = project
            && let Some(file) = project::read(project, config)?
        {
            for (name, table) in &file.styles {
                book.add(Style::parse(
                    name,
                    Origin::Project(file.path.clone()),
                    table,
                )?);
            }
            book.default = file.default;
            if let Some(default) = &book.default
                && book.find(default).is_none()
            {
                return Err(StyleError::File {
                    path: file.path,
                    message: format!(
                        "default names style {default:?}, which does not exist (styles: {})",
                        book.names().join(", ")
                    ),
                });
            }
        }
        Ok(book)
    }

    fn add(&mut self, style: Style) {
        match self.styles.iter_mut().find(|s| s.name == style.name) {
            Some(existing) => *existing = style,
            None => self.styles.push(style),
        }
    }

    fn find(&self, name: &str) -> Option<&Style> {
        self.styles.iter().find(|s| s.name == name)
    }

    /// The style called `name`; an unknown name gets an error listing the known ones.
    pub fn get(&self, name: &str) -> Result<&Style, ArgError> {
        self.find(name.trim()).ok_or_else(|| {
            ArgError::new(
                "style",
                format!(
                    "style must be one of {} (see list_styles), got {name:?}",
                    self.names().join(", ")
                ),
            )
        })
    }

    pub fn styles(&self) -> &[Style] {
        &self.styles
    }

    /// The project's default style, when its style file names one.
    pub fn default_style(&self) -> Option<&Style> {
        self.default.as_deref().and_then(|name| self.find(name))
    }

    pub fn names(&self) -> Vec<&str> {
        self.styles.iter().map(|s| s.name.as_str()).collect()
    }
}

/// The style a call resolves to: the one it names, else its project's default.
#[derive(Debug, Clone)]
pub struct Applied {
    pub style: Style,
    /// Whether the style came from the project's default rather than the call.
    pub by_default: bool,
}

/// Reads a call's `style` and `project`, and fills the style's values into `arguments`.
pub fn apply_to(config: &Config, arguments: &mut Arguments) -> Result<Option<Applied>, ArgError> {
    let text = |key: &str| match arguments.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(ArgError::new(
            key,
            format!("{key} has the wrong type: expected a string, got {other}"),
        )),
    };
    let named = text("style")?;
    let given_project = text("project")?.map(PathBuf::from);
    let project = given_project
        .clone()
        .or_else(|| config.deploy.default_project.clone());
    // Without a style argument, only a project with a style file changes anything.
    if named.is_none() && project.is_none() {
        return Ok(None);
    }
    let book = match StyleBook::load(config, project.as_deref()) {
        Ok(book) => book,
        // The configured default project is only consulted; a call that names none must not
        // fail because of it.
        Err(e) if given_project.is_none() => {
            tracing::warn!("ignoring the default project's style file: {e}");
            StyleBook::load(config, None).map_err(|e| ArgError::new("style", e.to_string()))?
        }
        Err(e) => return Err(ArgError::new("project", format!("project: {e}"))),
    };
    let applied = match &named {
        Some(name) => Some(Applied {
            style: book.get(name)?.clone(),
            by_default: false,
        }),
        None => book.default_style().map(|style| Applied {
            style: style.clone(),
            by_default: true,
        }),
    };
    if let Some(applied) = &applied {
        applied.style.apply(arguments);
        if applied.by_default {
            arguments.insert("style".into(), Value::String(applied.style.name.clone()));
        }
    }
    Ok(applied)
}

/// A generation call's arguments, parsed after its style's values were filled in.
#[derive(Debug)]
pub struct Styled<T> {
    pub args: WithSettings<T>,
    pub style: Option<Style>,
    /// The style and the values it resolved to, as the sprite records it.
    pub used: Option<StyleUse>,
}

/// Applies the call's style (or its project's default) and parses the result strictly.
pub fn parse_styled<T: DeserializeOwned + JsonSchema>(
    config: &Config,
    arguments: Option<&Arguments>,
) -> Result<Styled<T>, ArgError> {
    let mut arguments = arguments.cloned().unwrap_or_default();
    let applied = apply_to(config, &mut arguments)?;
    let args = args::parse_generation::<T>(Some(&arguments))?;
    let used = applied.as_ref().map(|applied| StyleUse {
        name: applied.style.name.clone(),
        values: applied
            .style
            .values
            .keys()
            .filter_map(|key| Some((key.clone(), arguments.get(key)?.clone())))
            .collect(),
    });
    Ok(Styled {
        args,
        style: applied.map(|applied| applied.style),
        used,
    })
}

impl<T> Styled<T> {
    /// The validated settings, with the style's prompt words and its record.
    pub fn settings(&self) -> Result<Settings, ArgError> {
        let mut settings = self.args.settings(dgx_pixels_pixel::Palette::names())?;
        if let Some(style) = &self.style {
            settings.comfy.prompt_prefix = style.prompt_prefix.clone();
            settings.comfy.prompt_suffix = style.prompt_suffix.clone();
        }
        settings.style = self.used.clone();
        Ok(settings)
    }
}

/// Style names are what a person types: lower case, digits, `-` and `_`.
fn check_name(name: &str) -> Result<(), ArgError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(ArgError::new(
            "style",
            format!("style names must be 1–64 characters of a-z, 0-9, - and _, got {name:?}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config_with(styles: &str) -> Config {
        let mut config = Config::default();
        config.styles = toml::from_str::<toml::Table>(styles)
            .unwrap()
            .into_iter()
            .map(|(name, value)| (name, value.as_table().unwrap().clone()))
            .collect();
        config
    }

    #[test]
    fn every_builtin_style_loads_and_validates() {
        let book = StyleBook::load(&Config::default(), None).unwrap();
        assert_eq!(
            book.names(),
            [
                "gameboy", "nes", "pico-8", "snes", "1-bit", "c64", "sweetie", "endesga"
            ]
        );
        assert!(book.styles().iter().all(|s| !s.description.is_empty()));
    }

    #[test]
    fn a_call_s_own_values_beat_the_style_s() {
        let config = Config::default();
        let mut arguments = json!({"prompt": "knight", "style": "gameboy", "outline": "#ff0000"})
            .as_object()
            .unwrap()
            .clone();
        let applied = apply_to(&config, &mut arguments).unwrap().unwrap();
        assert_eq!(applied.style.name, "gameboy");
        assert_eq!(arguments["palette"], "gameboy");
        assert_eq!(arguments["outline"], "#ff0000");
    }

    #[test]
    fn an_unknown_style_lists_the_known_ones() {
        let mut arguments = json!({"style": "vaporwave"}).as_object().unwrap().clone();
        let err = apply_to(&Config::default(), &mut arguments).unwrap_err();
        assert_eq!(err.field, "style");
        assert!(err.message.contains("gameboy, nes, pico-8"), "{err}");
        assert!(err.message.contains("\"vaporwave\""), "{err}");
    }

    #[test]
    fn config_styles_are_checked_like_tool_arguments() {
        let config = config_with("[mine]\npalette = \"gameboy\"\ndescription = \"x\"");
        let book = StyleBook::load(&config, None).unwrap();
        assert_eq!(book.get("mine").unwrap().origin, Origin::Config);
        let bad = config_with("[mine]\ncolors = 1");
        let err = StyleBook::load(&bad, None).unwrap_err().to_string();
        assert!(
            err.contains("style \"mine\" (config file): colors must be 2–256"),
            "{err}"
        );
        let unknown = config_with("[mine]\nseed = 3");
        let err = StyleBook::load(&unknown, None).unwrap_err().to_string();
        assert!(err.contains("unknown setting \"seed\""), "{err}");
        let renamed = config_with("[Mine]\npalette = \"nes\"");
        assert!(StyleBook::load(&renamed, None).is_err());
    }
}
