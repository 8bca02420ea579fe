//! The arguments of `compare_sprites`: one prompt, the settings every variant shares, and what
//! each variant changes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::generation::{DitherArg, LoraArg, PaletteArg, WithSettings};
use super::{ArgError, Arguments};
use crate::spec::BackendKind;

/// Arguments of `compare_sprites`.
pub type CompareSpritesArgs = WithSettings<CompareFields>;

/// Fewest variants in one comparison.
pub const MIN_VARIANTS: usize = 2;
/// Most variants in one comparison (a 4×4 contact sheet).
pub const MAX_VARIANTS: usize = 16;

/// The fields of `compare_sprites` besides the shared look and generation settings.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct CompareFields {
    /// What to draw, the same for every variant, e.g. "knight in blue armour". 1–2000 characters.
    #[schemars(length(min = 1, max = 2000))]
    pub prompt: String,
    /// 2–16 variants, each a small set of settings that replace the shared ones for that variant,
    /// e.g. `[{"palette": "pico-8"}, {"palette": "gameboy"}]` or `[{"seed": 1}, {"seed": 2}]`.
    /// Every variant is stored as a normal sprite; a variant that sets no seed uses the call's
    /// seed (one random seed for all when the call gives none), so only what it changes differs.
    #[schemars(length(min = 2, max = 16))]
    pub variants: Vec<VariantArg>,
    /// Columns of the contact sheet, 1–16. Default: all variants in one row up to 4, else a
    /// square-ish grid (9 → 3×3, 16 → 4×4).
    #[serde(default)]
    #[schemars(range(min = 1, max = 16))]
    pub columns: Option<u32>,
}

/// What one variant changes. Give at least one setting; `label` only names it on the sheet.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantArg {
    /// The cell's label on the contact sheet, at most 40 characters. Default: what the variant
    /// changes, e.g. `gameboy`, `seed 7`, `pixel-xl 0.8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 40))]
    pub label: Option<String>,
    /// Random seed, 0–9007199254740991.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 9_007_199_254_740_991u64))]
    pub seed: Option<u64>,
    /// A named art style (see `list_styles`); its values fill in what the call leaves out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// A palette name (`pico-8`, `sweetie-16`, `endesga-32`, `gameboy`, `nes`, `c64`, `1-bit`)
    /// or a list of 1–256 `#rrggbb` colours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub palette: Option<PaletteArg>,
    /// At most this many colours (2–256) chosen from the image, instead of a palette.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 2, max = 256))]
    pub colors: Option<u32>,
    /// `none`, `bayer4` or `bayer8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dither: Option<DitherArg>,
    /// A `#rrggbb` outline colour, or `auto` for the palette's darkest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(r"^(auto|#?[0-9a-fA-F]{6})$"))]
    pub outline: Option<String>,
    /// `embedded` or `comfyui`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<BackendKind>,
    /// ComfyUI only: checkpoint file name as `list_models` shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// ComfyUI only: LoRAs with strengths (-5 to 5, default 1), replacing the shared ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loras: Option<Vec<LoraArg>>,
    /// ComfyUI only: sampler steps, 1–150.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 150))]
    pub steps: Option<u32>,
    /// ComfyUI only: guidance scale, 0–30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 30))]
    pub cfg: Option<f64>,
    /// ComfyUI only: sampler name, e.g. `euler`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampler: Option<String>,
    /// ComfyUI only: scheduler name, e.g. `karras`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler: Option<String>,
}

impl VariantArg {
    /// The settings it replaces, as tool arguments (without its label).
    pub fn overrides(&self) -> Arguments {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut map)) => {
                map.remove("label");
                map
            }
            _ => Arguments::new(),
        }
    }

    /// Its label: the one given, else what it changes, in words short enough for a sheet cell.
    pub fn describe(&self) -> String {
        if let Some(label) = &self.label {
            return label.trim().to_owned();
        }
        let mut words: Vec<String> = Vec::new();
        if let Some(style) = &self.style {
            words.push(style.clone());
        }
        if let Some(backend) = self.backend {
            words.push(backend.name().to_owned());
        }
        if let Some(model) = &self.model {
            words.push(short_file_name(model));
        }
        for lora in self.loras.iter().flatten() {
            words.push(format!(
                "{} {}",
                short_file_name(&lora.name),
                lora.strength.unwrap_or(1.0)
            ));
        }
        match &self.palette {
            Some(PaletteArg::Named(name)) => words.push(name.clone()),
            Some(PaletteArg::Colors(colors)) => words.push(format!("{} colours", colors.len())),
            None => {}
        }
        if let Some(colors) = self.colors {
            words.push(format!("{colors} colours"));
        }
        if let Some(dither) = self.dither {
            words.push(format!("{dither:?}").to_ascii_lowercase());
        }
        if let Some(outline) = &self.outline {
            words.push(format!("outline {outline}"));
        }
        if let Some(steps) = self.steps {
            words.push(format!("{steps} steps"));
        }
        if let Some(cfg) = self.cfg {
            words.push(format!("cfg {cfg}"));
        }
        if let Some(sampler) = &self.sampler {
            words.push(sampler.clone());
        }
        if let Some(scheduler) = &self.scheduler {
            words.push(scheduler.clone());
        }
        if let Some(seed) = self.seed {
            words.push(format!("seed {seed}"));
        }
        words.join(" ")
    }
}

/// Checks the count and that each variant changes something; `variants[i]` names the culprit.
pub fn validate_variants(variants: &[VariantArg]) -> Result<(), ArgError> {
    if !(MIN_VARIANTS..=MAX_VARIANTS).contains(&variants.len()) {
        return Err(ArgError::range(
            "variants",
            "a list of 2–16 variants",
            format!("{} variants", variants.len()),
        ));
    }
    for (i, variant) in variants.iter().enumerate() {
        let field = format!("variants[{i}]");
        if variant.overrides().is_empty() {
            return Err(ArgError::new(
                &field,
                format!(
                    "{field} changes nothing: set at least one of seed, style, palette, colors, \
                     dither, outline, backend, model, loras, steps, cfg, sampler, scheduler"
                ),
            ));
        }
        if let Some(label) = &variant.label
            && (label.trim().is_empty() || label.chars().count() > 40)
        {
            return Err(ArgError::range(
                &format!("{field}.label"),
                "1–40 characters",
                format!("{} characters", label.trim().chars().count()),
            ));
        }
    }
    Ok(())
}

/// An error about a setting a variant replaced, renamed to point into that variant
/// (`palette` → `variants[2].palette`).
pub fn in_variant(index: usize, variant: &VariantArg, error: ArgError) -> ArgError {
    let root = error.field.split(['[', '.']).next().unwrap_or_default();
    if !variant.overrides().contains_key(root) {
        return error;
    }
    let field = format!("variants[{index}].{}", error.field);
    let message = match error.message.strip_prefix(&error.field) {
        Some(rest) => format!("{field}{rest}"),
        None => format!("{field}: {}", error.message),
    };
    ArgError::new(field, message)
}

/// `pixel-art-xl.safetensors` → `pixel-art-xl`.
fn short_file_name(name: &str) -> String {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    name.strip_suffix(".safetensors")
        .or_else(|| name.strip_suffix(".ckpt"))
        .unwrap_or(name)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn variant(value: serde_json::Value) -> VariantArg {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn labels_say_what_differs() {
        assert_eq!(variant(json!({"palette": "gameboy"})).describe(), "gameboy");
        assert_eq!(variant(json!({"seed": 7})).describe(), "seed 7");
        assert_eq!(
            variant(json!({"backend": "comfyui", "model": "sd_xl.safetensors",
                           "loras": [{"name": "px.safetensors", "strength": 0.5}], "steps": 20}))
            .describe(),
            "comfyui sd_xl px 0.5 20 steps"
        );
        assert_eq!(
            variant(json!({"label": "mine", "seed": 1})).describe(),
            "mine"
        );
    }

    #[test]
    fn variants_are_counted_and_must_change_something() {
        let one = [variant(json!({"seed": 1}))];
        let err = validate_variants(&one).unwrap_err();
        assert_eq!(err.field, "variants");
        assert!(err.message.contains("2–16 variants, got 1"), "{err}");
        let err =
            validate_variants(&[variant(json!({"seed": 1})), variant(json!({}))]).unwrap_err();
        assert_eq!(err.field, "variants[1]");
        assert!(err.message.contains("changes nothing"), "{err}");
        let err = validate_variants(&[
            variant(json!({"seed": 1})),
            variant(json!({"seed": 2, "label": ""})),
        ])
        .unwrap_err();
        assert_eq!(err.field, "variants[1].label");
    }

    #[test]
    fn errors_about_a_variant_s_setting_point_into_the_variant() {
        let v = variant(json!({"palette": "neon"}));
        let err = in_variant(
            2,
            &v,
            ArgError::new("palette", "palette must be one of pico-8"),
        );
        assert_eq!(err.field, "variants[2].palette");
        assert_eq!(err.message, "variants[2].palette must be one of pico-8");
        let shared = in_variant(2, &v, ArgError::range("size", "8–256", 3));
        assert_eq!(shared.field, "size");
    }
}
