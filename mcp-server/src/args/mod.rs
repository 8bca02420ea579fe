//! Tool arguments as the agent sends them, parsed strictly.
//!
//! Arguments are checked here, once, with messages that name the field and the allowed values,
//! and turned into the [`crate::spec`] types everything downstream trusts.

mod animation;
mod compare;
mod deploy;
mod game;
mod generation;
mod style;
mod tileset;

pub use animation::{
    AnimationFields, CharacterFields, DEFAULT_DENOISE, DirectionArg, GenerateAnimationArgs,
    GenerateCharacterArgs, check_action, check_denoise,
};
pub use compare::{
    CompareFields, CompareSpritesArgs, MAX_VARIANTS, MIN_VARIANTS, VariantArg, in_variant,
    validate_variants,
};
pub use deploy::{DeployArgs, ListDeployedArgs, RollbackArgs, SpriteIds};
pub use game::{ListModelsArgs, ScreenshotArgs};
pub use generation::{
    BatchFields, DitherArg, GenerateBatchArgs, GenerateSpriteArgs, GenerationArgs, LookArgs,
    LoraArg, NoFields, PaletteArg, PixelizeFields, PixelizeImageArgs, SpriteFields, WithLook,
    WithSettings, parse_hex, validate_prompt, validate_prompts,
};
pub use style::{ListStylesArgs, SetProjectStyleArgs};
pub use tileset::{GenerateTilesetArgs, TilesetFields, TilesetLayout};

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

/// An argument the server cannot accept: which field, and a message that names it and says what
/// is allowed. The CLI shows the same message with the field's flag in its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ArgError {
    /// The argument's name as the agent sends it, e.g. `size`, `prompts[1]`, `loras[0].strength`.
    pub field: String,
    pub message: String,
}

impl ArgError {
    /// `message` must name `field`; most read "`field` must be …".
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// "`field` must be `range`, got `got`".
    pub fn range(field: &str, range: &str, got: impl std::fmt::Display) -> Self {
        Self::new(field, format!("{field} must be {range}, got {got}"))
    }

    /// The message with its leading field name replaced by `flag` (e.g. `--size must be 8–256`);
    /// messages that do not start with the field get the flag in front.
    pub fn with_flag(&self, flag: &str) -> String {
        match self.message.strip_prefix(&self.field) {
            Some(rest) if !self.field.is_empty() => format!("{flag}{rest}"),
            _ => format!("{flag}: {}", self.message),
        }
    }
}

/// Arguments as JSON-RPC carries them.
pub type Arguments = serde_json::Map<String, serde_json::Value>;

/// Parses a tool's arguments, naming the offending field for unknown names and wrong JSON types.
pub fn parse<T: DeserializeOwned + JsonSchema>(
    arguments: Option<&Arguments>,
) -> Result<T, ArgError> {
    from_map(checked::<T>(arguments)?)
}

/// Parses a generation tool's arguments.
pub fn parse_generation<T: DeserializeOwned + JsonSchema>(
    arguments: Option<&Arguments>,
) -> Result<WithSettings<T>, ArgError> {
    let mut arguments = checked::<WithSettings<T>>(arguments)?;
    Ok(WithSettings {
        look: take(&mut arguments)?,
        generation: take(&mut arguments)?,
        fields: from_map(arguments)?,
    })
}

/// Parses the arguments of a tool that makes a sprite from an existing image.
pub fn parse_look<T: DeserializeOwned + JsonSchema>(
    arguments: Option<&Arguments>,
) -> Result<WithLook<T>, ArgError> {
    let mut arguments = checked::<WithLook<T>>(arguments)?;
    Ok(WithLook {
        look: take(&mut arguments)?,
        fields: from_map(arguments)?,
    })
}

/// The arguments, once no name is unknown to `T`'s schema.
fn checked<T: JsonSchema>(arguments: Option<&Arguments>) -> Result<Arguments, ArgError> {
    let arguments = arguments.cloned().unwrap_or_default();
    reject_unknown(&arguments, &known_fields::<T>())?;
    Ok(arguments)
}

/// Removes and parses the part of `arguments` that belongs to `P`. Each part is parsed on its own
/// because serde loses the field path inside `#[serde(flatten)]`, and the agent must know which
/// field was wrong.
fn take<P: DeserializeOwned + JsonSchema>(arguments: &mut Arguments) -> Result<P, ArgError> {
    let part: Arguments = known_fields::<P>()
        .iter()
        .filter_map(|key| arguments.remove_entry(key))
        .collect();
    from_map(part)
}

fn reject_unknown(arguments: &Arguments, known: &BTreeSet<String>) -> Result<(), ArgError> {
    match arguments.keys().find(|key| !known.contains(key.as_str())) {
        None => Ok(()),
        Some(unknown) => {
            let allowed: Vec<_> = known.iter().map(String::as_str).collect();
            Err(ArgError::new(
                unknown.as_str(),
                format!(
                    "unknown argument {unknown:?}; allowed arguments: {}",
                    allowed.join(", ")
                ),
            ))
        }
    }
}

fn from_map<T: DeserializeOwned>(map: Arguments) -> Result<T, ArgError> {
    serde_path_to_error::deserialize(serde_json::Value::Object(map)).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner().to_string();
        if field == "." {
            let missing = inner
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
                .unwrap_or_default();
            ArgError::new(missing, format!("invalid arguments: {inner}"))
        } else {
            ArgError::new(&field, format!("{field} has the wrong type: {inner}"))
        }
    })
}

/// The top-level property names of `T`'s schema, generated once per type (generating a schema
/// on every call cost more than drawing a 32² sprite).
fn known_fields<T: JsonSchema>() -> std::sync::Arc<BTreeSet<String>> {
    type Known =
        std::collections::HashMap<std::borrow::Cow<'static, str>, std::sync::Arc<BTreeSet<String>>>;
    static KNOWN: std::sync::Mutex<Option<Known>> = std::sync::Mutex::new(None);
    let mut known = KNOWN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    known
        .get_or_insert_default()
        .entry(T::schema_id())
        .or_insert_with(|| {
            let schema = schemars::schema_for!(T);
            let names = schema
                .get("properties")
                .and_then(|p| p.as_object())
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            std::sync::Arc::new(names)
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Settings;
    use serde_json::json;

    const NAMES: &[&str] = &["pico-8", "gameboy"];

    fn settings(args: serde_json::Value) -> Result<Settings, ArgError> {
        let args: GenerateSpriteArgs = parse_generation(args.as_object())?;
        args.settings(NAMES)
    }

    #[test]
    fn defaults_fill_in() {
        let s = settings(json!({"prompt": "slime"})).unwrap();
        assert_eq!((s.width, s.height, s.look.transparent), (32, 32, true));
        assert_eq!(s.look.palette, None);
    }

    #[test]
    fn out_of_range_values_name_the_field_and_range() {
        let cases = [
            (
                json!({"prompt": "x", "size": 0}),
                "size",
                "size must be 8–256, got 0",
            ),
            (
                json!({"prompt": "x", "width": 300}),
                "width",
                "width must be 8–256, got 300",
            ),
            (
                json!({"prompt": "x", "colors": 1}),
                "colors",
                "colors must be 2–256, got 1",
            ),
            (
                json!({"prompt": "x", "palette": "neon"}),
                "palette",
                "palette must be one of pico-8, gameboy",
            ),
            (
                json!({"prompt": "x", "palette": ["#fff"]}),
                "palette[0]",
                "palette[0] must be a #rrggbb colour",
            ),
            (
                json!({"prompt": "x", "outline": "red"}),
                "outline",
                "outline must be a #rrggbb colour",
            ),
            (
                json!({"prompt": "x", "palette": "gameboy", "colors": 4}),
                "palette",
                "either palette or colors",
            ),
            (
                json!({"prompt": "x", "steps": 0}),
                "steps",
                "steps must be 1–150, got 0",
            ),
            (
                json!({"prompt": "x", "loras": [{"name": "a", "strength": 9}]}),
                "loras[0].strength",
                "loras[0].strength must be -5 to 5",
            ),
        ];
        for (args, field, expected) in cases {
            let err = settings(args.clone()).unwrap_err();
            assert_eq!(err.field, field, "{args}");
            assert!(err.message.contains(expected), "{args}: {err}");
        }
    }

    #[test]
    fn wrong_types_and_unknown_fields_name_the_field() {
        let err = settings(json!({"prompt": "x", "size": "big"})).unwrap_err();
        assert!(err.message.starts_with("size has the wrong type"), "{err}");
        assert_eq!(err.field, "size");
        let err = settings(json!({"prompt": "x", "seed": -1})).unwrap_err();
        assert!(err.message.starts_with("seed has the wrong type"), "{err}");
        let err = settings(json!({"prompt": "x", "sise": 3})).unwrap_err();
        assert!(err.message.contains("unknown argument \"sise\""), "{err}");
        assert_eq!(err.field, "sise");
        let err = settings(json!({})).unwrap_err();
        assert!(err.message.contains("missing field `prompt`"), "{err}");
        assert_eq!(err.field, "prompt");
    }

    #[test]
    fn the_cli_shows_the_flag_where_the_field_was() {
        let err = ArgError::range("size", "8–256", 999);
        assert_eq!(err.with_flag("--size"), "--size must be 8–256, got 999");
        let err = ArgError::new("dither", "unknown kind");
        assert_eq!(err.with_flag("--dither"), "--dither: unknown kind");
    }

    #[test]
    fn prompts_are_checked() {
        let err = validate_prompt("prompt", "  ").unwrap_err();
        assert!(err.message.contains("must not be empty"), "{err}");
        let long = "a".repeat(2001);
        let err = validate_prompt("prompt", &long).unwrap_err();
        assert!(err.message.contains("at most 2000"), "{err}");
        let err = validate_prompts(&[]).unwrap_err();
        assert!(
            err.message
                .contains("prompts must be a list of 1–64 prompts"),
            "{err}"
        );
        let err = validate_prompts(&["ok".into(), "".into()]).unwrap_err();
        assert!(
            err.message.contains("prompts[1] must not be empty"),
            "{err}"
        );
        assert_eq!(err.field, "prompts[1]");
    }

    #[test]
    fn hex_colours_parse() {
        assert_eq!(parse_hex("#ff0080"), Some([255, 0, 128]));
        assert_eq!(parse_hex("FF0080"), Some([255, 0, 128]));
        assert_eq!(parse_hex("#ff008"), None);
        assert_eq!(parse_hex("#gg0080"), None);
    }
}
