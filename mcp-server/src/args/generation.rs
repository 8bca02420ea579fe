//! The arguments of the tools that make sprites: what to draw, how it looks, how it is made.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ArgError;
use crate::spec::{
    BackendKind, ComfyOptions, DEFAULT_SIZE, Look, MAX_BATCH, MAX_PROMPT_CHARS, MAX_SEED, MAX_SIZE,
    MIN_SIZE, OutlineChoice, PaletteChoice, Settings,
};

/// Arguments of `generate_sprite`.
pub type GenerateSpriteArgs = WithSettings<SpriteFields>;
/// Arguments of `generate_batch`.
pub type GenerateBatchArgs = WithSettings<BatchFields>;
/// Arguments of `pixelize_image`.
pub type PixelizeImageArgs = WithLook<PixelizeFields>;

/// A generation tool's arguments: its own fields, the look and the generation settings, as one
/// flat JSON object.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WithSettings<T> {
    #[serde(flatten)]
    pub fields: T,
    #[serde(flatten)]
    pub look: LookArgs,
    #[serde(flatten)]
    pub generation: GenerationArgs,
}

/// A tool's own fields plus the look of the sprite it makes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WithLook<T> {
    #[serde(flatten)]
    pub fields: T,
    #[serde(flatten)]
    pub look: LookArgs,
}

/// No fields of its own: arguments that are all look and generation settings (a style's values,
/// the command line's flags).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct NoFields {}

/// The fields of `generate_sprite` besides the style.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct SpriteFields {
    /// What to draw, in plain words, e.g. "green slime monster" or "golden key". The embedded
    /// generator reads the subject (creature, knight, coin, gem, potion, sword, key, grass tile,
    /// brick, water, tree, flower, ...) and colour words from it. 1–2000 characters.
    #[schemars(length(min = 1, max = 2000))]
    pub prompt: String,
}

/// The fields of `generate_batch` besides the style.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct BatchFields {
    /// One prompt per sprite, 1–64 of them; all share the other settings. Item i uses seed + i,
    /// so a batch is reproducible from its first seed.
    #[schemars(length(min = 1, max = 64), inner(length(min = 1, max = 2000)))]
    pub prompts: Vec<String>,
    /// Also pack all sprites into one sprite sheet (one row, frames left to right), stored as an
    /// extra sprite returned as `sheet`. Default false.
    #[serde(default)]
    pub sheet: Option<bool>,
}

/// The fields of `pixelize_image` besides the look: where the picture comes from and how to read it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct PixelizeFields {
    /// An image file (PNG, JPEG or WebP) under one of the server's input roots (config
    /// `input_roots`, default: the server's working directory). Give this or `sprite`.
    #[serde(default)]
    pub path: Option<String>,
    /// The id of a stored sprite (from a generate result) to process again. Give this or `path`.
    #[serde(default)]
    pub sprite: Option<String>,
    /// Source pixels per sprite pixel, 1–512 (may be fractional, e.g. 13.9), when you know it:
    /// forces the pixel grid instead of detecting it, with square cells. Use it when the result's
    /// `grid` says it is unsure. Default: detected.
    #[serde(default)]
    #[schemars(range(min = 1, max = 512))]
    pub cell_size: Option<f32>,
    /// Width of a cell in source pixels, 1–512, for cells that are not square (a stretched
    /// sprite); give it with `cell_height`, instead of `cell_size`. Default: detected.
    #[serde(default)]
    #[schemars(range(min = 1, max = 512))]
    pub cell_width: Option<f32>,
    /// Height of a cell in source pixels, 1–512; give it with `cell_width`. Default: detected.
    #[serde(default)]
    #[schemars(range(min = 1, max = 512))]
    pub cell_height: Option<f32>,
}

impl PixelizeFields {
    /// The forced cell size, across and down, if any: `cell_size` (square) or `cell_width` with
    /// `cell_height`, each 1–`max` source pixels per sprite pixel.
    pub fn cell(&self, max: f32) -> Result<Option<(f32, f32)>, ArgError> {
        for (field, value) in [
            ("cell_size", self.cell_size),
            ("cell_width", self.cell_width),
            ("cell_height", self.cell_height),
        ] {
            if let Some(value) = value.filter(|c| !(c.is_finite() && (1.0..=max).contains(c))) {
                return Err(ArgError::range(
                    field,
                    &format!("between 1 and {max} source pixels per sprite pixel"),
                    value,
                ));
            }
        }
        match (self.cell_size, self.cell_width, self.cell_height) {
            (None, None, None) => Ok(None),
            (Some(cell), None, None) => Ok(Some((cell, cell))),
            (None, Some(width), Some(height)) => Ok(Some((width, height))),
            (Some(_), _, _) => Err(ArgError::new(
                "cell_size",
                "cell_size is for square cells; give either it or cell_width with cell_height, not both",
            )),
            (None, Some(_), None) => Err(ArgError::new(
                "cell_height",
                "cell_height is missing; give cell_width and cell_height together (or cell_size for square cells)",
            )),
            (None, None, Some(_)) => Err(ArgError::new(
                "cell_width",
                "cell_width is missing; give cell_width and cell_height together (or cell_size for square cells)",
            )),
        }
    }
}

/// Ordered dithering when locking to a palette.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DitherArg {
    None,
    Bayer4,
    Bayer8,
}

impl From<DitherArg> for dgx_pixels_pixel::Dither {
    fn from(arg: DitherArg) -> Self {
        match arg {
            DitherArg::None => Self::None,
            DitherArg::Bayer4 => Self::Bayer4,
            DitherArg::Bayer8 => Self::Bayer8,
        }
    }
}

/// How the finished sprite looks: size, colours, background, outline.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct LookArgs {
    /// Side of a square sprite in pixels, 8–256. Default 32 for generation; for pixelize_image the
    /// default is the subject's own size at its native pixel grid. `width`/`height` override it.
    #[serde(default)]
    #[schemars(range(min = 8, max = 256))]
    pub size: Option<u32>,
    /// Sprite width in pixels, 8–256. Default: `size`.
    #[serde(default)]
    #[schemars(range(min = 8, max = 256))]
    pub width: Option<u32>,
    /// Sprite height in pixels, 8–256. Default: `size`.
    #[serde(default)]
    #[schemars(range(min = 8, max = 256))]
    pub height: Option<u32>,
    /// Lock colours to a palette: a name (`pico-8`, `sweetie-16`, `endesga-32`, `gameboy`, `nes`, `c64`, `1-bit`)
    /// or a list of 1–256 `#rrggbb` colours. Default: the image's own colours.
    #[serde(default)]
    pub palette: Option<PaletteArg>,
    /// At most this many colours (2–256), chosen from the image, when no `palette` is given.
    /// In a batch, one set of colours is shared by all sprites.
    #[serde(default)]
    #[schemars(range(min = 2, max = 256))]
    pub colors: Option<u32>,
    /// Make the background transparent. Default true.
    #[serde(default)]
    pub transparent: Option<bool>,
    /// Draw a 1-pixel outline around the subject: a `#rrggbb` colour, or `auto` for the darkest
    /// palette colour. Default: no extra outline.
    #[serde(default)]
    #[schemars(pattern(r"^(auto|#?[0-9a-fA-F]{6})$"))]
    pub outline: Option<String>,
    /// When locking to a palette, draw colours between two palette colours as an ordered
    /// pattern of both: `none` (nearest colour, flat areas; default), `bayer4` (4×4 pattern) or
    /// `bayer8` (8×8, for long gradients that a small palette would band).
    #[serde(default)]
    pub dither: Option<DitherArg>,
}

/// How a generation tool makes its raw image.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct GenerationArgs {
    /// A named art style (see `list_styles`: `gameboy`, `nes`, `pico-8`, `snes`, `1-bit`, `c64`,
    /// `sweetie`, `endesga`, or one from the config or the project's style file). It sets the
    /// palette, outline, dithering and ComfyUI settings at once; arguments you give override it.
    /// Default: the project's default style, if its style file names one.
    #[serde(default)]
    pub style: Option<String>,
    /// The game whose style file (`assets/pixels.styles.toml`) is searched for `style` and for a
    /// default style. Default: the config's `deploy.default_project`.
    #[serde(default)]
    pub project: Option<String>,
    /// Things to avoid (used by the ComfyUI backend; the embedded generator ignores it).
    #[serde(default)]
    #[schemars(length(max = 2000))]
    pub negative_prompt: Option<String>,
    /// Random seed, 0–9007199254740991 (2^53−1, exact in every JSON client). Same prompt, seed
    /// and settings give the same sprite.
    /// Default: a random seed, reported in the result.
    #[serde(default)]
    #[schemars(range(min = 0, max = 9_007_199_254_740_991u64))]
    pub seed: Option<u64>,
    /// `embedded` (built-in procedural generator, any machine) or `comfyui` (SDXL on a GPU
    /// server). Default: `comfyui` when a server is configured, else `embedded`.
    #[serde(default)]
    pub backend: Option<BackendKind>,
    /// ComfyUI only: checkpoint file name as `list_models` shows it, e.g.
    /// `sd_xl_base_1.0.safetensors`. Default: the workflow's (or the config's) checkpoint.
    #[serde(default)]
    pub model: Option<String>,
    /// ComfyUI only: LoRAs applied on top of the checkpoint, e.g.
    /// `[{"name": "pixel-art-xl.safetensors", "strength": 1.0}]`; strength -5 to 5, default 1.
    #[serde(default)]
    pub loras: Option<Vec<LoraArg>>,
    /// ComfyUI only: sampler steps, 1–150. Default: the workflow's.
    #[serde(default)]
    #[schemars(range(min = 1, max = 150))]
    pub steps: Option<u32>,
    /// ComfyUI only: classifier-free guidance scale, 0–30. Default: the workflow's.
    #[serde(default)]
    #[schemars(range(min = 0, max = 30))]
    pub cfg: Option<f64>,
    /// ComfyUI only: sampler name, e.g. `euler` or `dpmpp_2m` (see `list_models`).
    #[serde(default)]
    pub sampler: Option<String>,
    /// ComfyUI only: scheduler name, e.g. `normal` or `karras`.
    #[serde(default)]
    pub scheduler: Option<String>,
    /// ComfyUI only: workflow template name: `sprite` (default), `tileset` (seamless tiles), or
    /// a workflow file you added to the workflows folder.
    #[serde(default)]
    pub workflow: Option<String>,
    /// ComfyUI only: generation resolution in pixels (square) before the pixel pipeline makes the
    /// sprite, 256–2048, a multiple of 8. Default: the workflow's (1024 for SDXL).
    #[serde(default)]
    #[schemars(range(min = 256, max = 2048), extend("multipleOf" = 8))]
    pub render_size: Option<u32>,
}

/// A LoRA to apply.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct LoraArg {
    /// LoRA file name as `list_models` shows it.
    pub name: String,
    /// How strongly it applies, -5 to 5. Default 1.
    #[serde(default)]
    #[schemars(range(min = -5, max = 5))]
    pub strength: Option<f64>,
}

impl GenerationArgs {
    fn comfy_options(&self) -> Result<ComfyOptions, ArgError> {
        if let Some(negative) = &self.negative_prompt {
            check_text_len("negative_prompt", negative)?;
        }
        if let Some(steps) = self.steps.filter(|s| !(1..=150).contains(s)) {
            return Err(ArgError::range("steps", "1–150", steps));
        }
        if let Some(cfg) = self.cfg.filter(|c| !(0.0..=30.0).contains(c)) {
            return Err(ArgError::range("cfg", "0–30", cfg));
        }
        if let Some(size) = self
            .render_size
            .filter(|s| !(256..=2048).contains(s) || s % 8 != 0)
        {
            return Err(ArgError::range(
                "render_size",
                "256–2048 and a multiple of 8",
                size,
            ));
        }
        let name = |field: &str, value: &Option<String>| -> Result<Option<String>, ArgError> {
            match value.as_deref().map(str::trim) {
                Some("") => Err(ArgError::new(
                    field,
                    format!("{field} must not be empty; leave it out for the default"),
                )),
                other => Ok(other.map(String::from)),
            }
        };
        let loras = self
            .loras
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, lora)| {
                let strength = lora.strength.unwrap_or(1.0);
                if lora.name.trim().is_empty() {
                    Err(ArgError::new(
                        format!("loras[{i}].name"),
                        format!("loras[{i}].name must be a LoRA file name"),
                    ))
                } else if !(-5.0..=5.0).contains(&strength) {
                    Err(ArgError::range(
                        &format!("loras[{i}].strength"),
                        "-5 to 5",
                        strength,
                    ))
                } else {
                    Ok((lora.name.trim().to_string(), strength))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ComfyOptions {
            negative_prompt: self
                .negative_prompt
                .clone()
                .filter(|n| !n.trim().is_empty()),
            model: name("model", &self.model)?,
            loras,
            steps: self.steps,
            cfg: self.cfg,
            sampler: name("sampler", &self.sampler)?,
            scheduler: name("scheduler", &self.scheduler)?,
            workflow: name("workflow", &self.workflow)?,
            render_size: self.render_size,
            ..ComfyOptions::default()
        })
    }
}

/// A palette given by name or as explicit colours.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PaletteArg {
    /// A named palette: `pico-8`, `sweetie-16`, `endesga-32`, `gameboy`, `nes`, `c64` or `1-bit`.
    Named(String),
    /// Explicit colours as `#rrggbb` strings.
    Colors(Vec<String>),
}

impl LookArgs {
    /// Checks ranges and combinations; `palette_names` are the names the pixel pipeline knows and
    /// `default_size` fills in a missing size.
    pub fn validate(
        &self,
        palette_names: &[&str],
        default_size: Option<u32>,
    ) -> Result<Look, ArgError> {
        let size = self
            .size
            .or(default_size)
            .map(|s| check_side("size", s))
            .transpose()?;
        let width = self.width.map(|w| check_side("width", w)).transpose()?;
        let height = self.height.map(|h| check_side("height", h)).transpose()?;
        Ok(Look {
            width: width.or(size),
            height: height.or(size),
            palette: self.validate_palette(palette_names)?,
            transparent: self.transparent.unwrap_or(true),
            outline: self.validate_outline()?,
            dither: self.dither.map(Into::into).unwrap_or_default(),
        })
    }

    fn validate_palette(&self, palette_names: &[&str]) -> Result<Option<PaletteChoice>, ArgError> {
        match (&self.palette, self.colors) {
            (Some(_), Some(_)) => Err(ArgError::new(
                "palette",
                "give either palette or colors, not both (colors chooses colours from the image when there is no palette)",
            )),
            (Some(PaletteArg::Named(name)), None) => {
                let name = name.trim().to_ascii_lowercase();
                if palette_names.contains(&name.as_str()) {
                    Ok(Some(PaletteChoice::Named(name)))
                } else {
                    Err(ArgError::new(
                        "palette",
                        format!(
                            "palette must be one of {} or a list of #rrggbb colours, got {name:?}",
                            palette_names.join(", ")
                        ),
                    ))
                }
            }
            (Some(PaletteArg::Colors(colors)), None) => {
                if colors.is_empty() || colors.len() > 256 {
                    return Err(ArgError::range(
                        "palette",
                        "a list of 1–256 #rrggbb colours",
                        format!("{} colours", colors.len()),
                    ));
                }
                let parsed = colors
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        parse_hex(c).ok_or_else(|| {
                            ArgError::new(
                                format!("palette[{i}]"),
                                format!("palette[{i}] must be a #rrggbb colour, got {c:?}"),
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Some(PaletteChoice::Colors(parsed)))
            }
            (None, Some(k)) if !(2..=256).contains(&k) => {
                Err(ArgError::range("colors", "2–256", k))
            }
            (None, Some(k)) => Ok(Some(PaletteChoice::Auto(k))),
            (None, None) => Ok(None),
        }
    }

    fn validate_outline(&self) -> Result<Option<OutlineChoice>, ArgError> {
        match self.outline.as_deref().map(str::trim) {
            None => Ok(None),
            Some("auto") => Ok(Some(OutlineChoice::Darkest)),
            Some(color) => parse_hex(color)
                .map(|c| Some(OutlineChoice::Color(c)))
                .ok_or_else(|| {
                    ArgError::new(
                        "outline",
                        format!("outline must be a #rrggbb colour or \"auto\", got {color:?}"),
                    )
                }),
        }
    }
}

impl<T> WithSettings<T> {
    /// Validates the look (default size 32) and the generation settings.
    pub fn settings(&self, palette_names: &[&str]) -> Result<Settings, ArgError> {
        let look = self.look.validate(palette_names, Some(DEFAULT_SIZE))?;
        if let Some(seed) = self.generation.seed.filter(|&s| s > MAX_SEED) {
            return Err(ArgError::range("seed", "0–9007199254740991 (2^53−1)", seed));
        }
        Ok(Settings {
            style: None,
            width: look.width.unwrap_or(DEFAULT_SIZE),
            height: look.height.unwrap_or(DEFAULT_SIZE),
            look,
            seed: self.generation.seed,
            backend: self.generation.backend,
            comfy: self.generation.comfy_options()?,
        })
    }
}

/// A prompt must say something and stay readable.
pub fn validate_prompt(field: &str, prompt: &str) -> Result<String, ArgError> {
    if prompt.trim().is_empty() {
        return Err(ArgError::new(
            field,
            format!("{field} must not be empty: describe the sprite, e.g. \"green slime monster\""),
        ));
    }
    check_text_len(field, prompt)?;
    Ok(prompt.trim().to_string())
}

/// Checks a batch's prompts: 1–64 of them, each a valid prompt.
pub fn validate_prompts(prompts: &[String]) -> Result<Vec<String>, ArgError> {
    if prompts.is_empty() || prompts.len() > MAX_BATCH {
        return Err(ArgError::range(
            "prompts",
            "a list of 1–64 prompts",
            format!("{} prompts", prompts.len()),
        ));
    }
    prompts
        .iter()
        .enumerate()
        .map(|(i, p)| validate_prompt(&format!("prompts[{i}]"), p))
        .collect()
}

fn check_text_len(field: &str, text: &str) -> Result<(), ArgError> {
    let chars = text.chars().count();
    if chars > MAX_PROMPT_CHARS {
        return Err(ArgError::range(
            field,
            "at most 2000 characters",
            format!("{chars} characters"),
        ));
    }
    Ok(())
}

fn check_side(field: &str, value: u32) -> Result<u32, ArgError> {
    if (MIN_SIZE..=MAX_SIZE).contains(&value) {
        Ok(value)
    } else {
        Err(ArgError::range(field, "8–256", value))
    }
}

/// `#rrggbb` (the `#` is optional) to RGB.
pub fn parse_hex(text: &str) -> Option<[u8; 3]> {
    let hex = text.trim().strip_prefix('#').unwrap_or(text.trim());
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}
