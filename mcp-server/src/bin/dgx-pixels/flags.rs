//! Flags shared by several commands, turned into the same arguments an agent would send, so the
//! command line and the tools validate alike and report errors the same way (with flags for
//! fields).

use clap::Args;
use dgx_pixels::Config;
use dgx_pixels::args::{
    ArgError, Arguments, DitherArg, GenerationArgs, LookArgs, NoFields, PaletteArg, WithSettings,
};
use dgx_pixels::generation::SpriteRequest;
use dgx_pixels::spec::BackendKind;
use dgx_pixels::style;

/// Sprite settings shared by `generate` and `batch`.
#[derive(Debug, Args)]
pub struct StyleFlags {
    /// A named art style (gameboy, nes, pico-8, snes, 1-bit, c64, sweetie, endesga, or your
    /// own; see `dgx-pixels styles`). The other flags override its values.
    #[arg(long)]
    style: Option<String>,
    /// The game whose style file (assets/pixels.styles.toml) is searched for --style and for a
    /// default style. Default: deploy.default_project from the config.
    #[arg(long)]
    project: Option<String>,
    /// Side of the square sprite in pixels (8–256). Default: 32.
    #[arg(long)]
    size: Option<u32>,
    /// Width in pixels (8–256); overrides --size.
    #[arg(long)]
    width: Option<u32>,
    /// Height in pixels (8–256); overrides --size.
    #[arg(long)]
    height: Option<u32>,
    /// Palette name (pico-8, sweetie-16, endesga-32, gameboy, nes, c64, 1-bit) or comma-separated #rrggbb colours.
    #[arg(long)]
    palette: Option<String>,
    /// At most this many colours chosen from the image (2–256), when no palette is given.
    #[arg(long)]
    colors: Option<u32>,
    /// Keep an opaque background.
    #[arg(long)]
    no_transparent: bool,
    /// Add a 1-pixel outline: #rrggbb, or "auto" for the palette's darkest colour.
    #[arg(long)]
    outline: Option<String>,
    /// With a palette, draw colours between two palette colours as an ordered pattern.
    #[arg(long, value_enum, value_name = "KIND")]
    dither: Option<DitherArg>,
    /// Random seed; the same seed and prompt give the same sprite. Default: random.
    #[arg(long)]
    seed: Option<u64>,
    /// Backend. Default: from the config (comfyui when a server is configured).
    #[arg(long, value_enum)]
    backend: Option<BackendKind>,
}

impl StyleFlags {
    /// The same arguments an agent would send, so the CLI and the tools validate alike and a
    /// style fills in exactly what the flags leave out.
    pub fn to_arguments(&self) -> Arguments {
        let args = WithSettings {
            fields: NoFields {},
            look: LookArgs {
                size: self.size,
                width: self.width,
                height: self.height,
                palette: self.palette.as_deref().map(palette_arg),
                colors: self.colors,
                transparent: self.no_transparent.then_some(false),
                outline: self.outline.clone(),
                dither: self.dither,
            },
            generation: GenerationArgs {
                style: self.style.clone(),
                project: self.project.clone(),
                seed: self.seed,
                backend: self.backend,
                ..GenerationArgs::default()
            },
        };
        match serde_json::to_value(&args) {
            Ok(serde_json::Value::Object(map)) => {
                map.into_iter().filter(|(_, v)| !v.is_null()).collect()
            }
            _ => Arguments::new(),
        }
    }
}

/// The request `prompts` and the flags make, with the style applied as a tool call would.
pub fn request(
    config: &Config,
    prompts: Vec<String>,
    flags: &StyleFlags,
    sheet: bool,
) -> anyhow::Result<SpriteRequest> {
    let styled =
        style::parse_styled::<NoFields>(config, Some(&flags.to_arguments())).map_err(flag_error)?;
    let settings = styled.settings().map_err(flag_error)?;
    Ok(SpriteRequest {
        prompts,
        settings,
        sheet,
        parameters: serde_json::to_value(&styled.args)?,
    })
}

/// `--palette` takes a name or comma-separated colours.
pub fn palette_arg(text: &str) -> PaletteArg {
    if text.contains('#') || text.contains(',') {
        PaletteArg::Colors(text.split(',').map(|c| c.trim().to_string()).collect())
    } else {
        PaletteArg::Named(text.to_string())
    }
}

/// A tool argument's error as the command line says it: the field's flag in place of its name.
pub fn flag_error(error: ArgError) -> anyhow::Error {
    let root = error
        .field
        .split(['[', '.'])
        .next()
        .unwrap_or_default()
        .replace('_', "-");
    let flag = match root.as_str() {
        "cell-size" => "--cell".to_string(),
        "transparent" => "--no-transparent".to_string(),
        // Positional arguments have no flag.
        "" | "prompt" | "prompts" => return anyhow::anyhow!("{error}"),
        other => format!("--{other}"),
    };
    anyhow::anyhow!("{}", error.with_flag(&flag))
}
