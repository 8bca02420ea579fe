//! Flags shared by several commands, turned into the same arguments an agent would send, so the
//! command line and the tools validate alike and report errors the same way (with flags for
//! fields).

use clap::Args;
use dgx_pixels::args::{ArgError, GenerationArgs, LookArgs, PaletteArg, WithSettings};
use dgx_pixels::generation::SpriteRequest;
use dgx_pixels::spec::{BackendKind, DEFAULT_SIZE};

/// Sprite settings shared by `generate` and `batch`.
#[derive(Debug, Args)]
pub struct StyleFlags {
    /// Side of the square sprite in pixels (8–256).
    #[arg(long, default_value_t = DEFAULT_SIZE)]
    size: u32,
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
    /// Random seed; the same seed and prompt give the same sprite. Default: random.
    #[arg(long)]
    seed: Option<u64>,
    /// Backend. Default: from the config (comfyui when a server is configured).
    #[arg(long, value_enum)]
    backend: Option<BackendKind>,
}

impl StyleFlags {
    /// The same arguments an agent would send, so the CLI and the tools validate alike.
    fn to_args(&self) -> WithSettings<()> {
        let palette = self.palette.as_deref().map(palette_arg);
        WithSettings {
            fields: (),
            look: LookArgs {
                size: Some(self.size),
                width: self.width,
                height: self.height,
                palette,
                colors: self.colors,
                transparent: Some(!self.no_transparent),
                outline: self.outline.clone(),
            },
            generation: GenerationArgs {
                seed: self.seed,
                backend: self.backend,
                ..GenerationArgs::default()
            },
        }
    }
}

/// The request `prompts` and the flags make.
pub fn request(
    prompts: Vec<String>,
    flags: &StyleFlags,
    sheet: bool,
) -> anyhow::Result<SpriteRequest> {
    let args = flags.to_args();
    let settings = args
        .settings(dgx_pixels_pixel::Palette::names())
        .map_err(flag_error)?;
    Ok(SpriteRequest {
        prompts,
        settings,
        sheet,
        parameters: serde_json::to_value(&args)?,
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
