//! Sheets by hand: `animate`, `character` and `tileset`, made exactly as the MCP tools make them.

use clap::Args;
use dgx_pixels::args::Arguments;
use dgx_pixels::{Config, Generator, plan};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::flags::{StyleFlags, flag_error};

/// `animate`'s flags.
#[derive(Debug, Args)]
pub struct AnimateArgs {
    /// What to animate, e.g. "green slime".
    prompt: String,
    /// idle, walk, run, jump, attack, hurt or death (on ComfyUI also a free word).
    #[arg(long)]
    action: String,
    /// Frames in the clip (2–16). Default: the action's.
    #[arg(long)]
    frames: Option<u32>,
    /// Frames a second (1–60). Default: 6 for idle, 10 otherwise.
    #[arg(long)]
    fps: Option<u32>,
    /// Facing: south, east, north, west, south_east, north_east, north_west, south_west.
    #[arg(long)]
    direction: Option<String>,
    #[command(flatten)]
    style: StyleFlags,
}

/// `character`'s flags.
#[derive(Debug, Args)]
pub struct CharacterArgs {
    /// The character, e.g. "a knight in blue armour".
    prompt: String,
    /// 4 or 8 directions, a sheet row each.
    #[arg(long, default_value_t = 4)]
    directions: u32,
    /// The clips, comma-separated, e.g. idle,run,jump.
    #[arg(long, value_delimiter = ',', default_value = "idle")]
    animations: Vec<String>,
    /// Frames per clip (2–16). Default: each action's own.
    #[arg(long)]
    frames: Option<u32>,
    /// Frames a second of every clip (1–60).
    #[arg(long)]
    fps: Option<u32>,
    #[command(flatten)]
    style: StyleFlags,
}

/// `tileset`'s flags.
#[derive(Debug, Args)]
pub struct TilesetArgs {
    /// The terrain or a pair, e.g. "grass over dirt".
    prompt: String,
    /// seamless, wang2corner, blob47 or platformer.
    #[arg(long)]
    layout: String,
    /// Side of a tile in pixels (8–64).
    #[arg(long, default_value_t = 16)]
    tile_size: u32,
    /// For seamless: interchangeable tiles (1–8).
    #[arg(long)]
    variants: Option<u32>,
    #[command(flatten)]
    style: StyleFlags,
}

pub async fn animate(config: Config, args: AnimateArgs) -> anyhow::Result<()> {
    let arguments = with_fields(
        &args.style,
        json!({"prompt": args.prompt, "action": args.action, "frames": args.frames,
               "fps": args.fps, "direction": args.direction}),
    );
    let generator = Generator::from_config(&config)?;
    let request = plan::animation(&config, generator.default_backend(), Some(&arguments))
        .map_err(flag_error)?;
    let sheet = generator
        .animate(request, |_| {}, CancellationToken::new())
        .await?;
    print_sheet(&sheet);
    Ok(())
}

pub async fn character(config: Config, args: CharacterArgs) -> anyhow::Result<()> {
    let arguments = with_fields(
        &args.style,
        json!({"prompt": args.prompt, "directions": args.directions,
               "animations": args.animations, "frames": args.frames, "fps": args.fps}),
    );
    let generator = Generator::from_config(&config)?;
    let request = plan::character(&config, generator.default_backend(), Some(&arguments))
        .map_err(flag_error)?;
    let sheet = generator
        .animate(request, |_| {}, CancellationToken::new())
        .await?;
    print_sheet(&sheet);
    Ok(())
}

pub async fn tileset(config: Config, args: TilesetArgs) -> anyhow::Result<()> {
    let arguments = with_fields(
        &args.style,
        json!({"prompt": args.prompt, "layout": args.layout, "tile_size": args.tile_size,
               "variants": args.variants}),
    );
    let request = plan::tileset(&config, Some(&arguments)).map_err(flag_error)?;
    let sheet = Generator::from_config(&config)?
        .tileset(request, |_| {}, CancellationToken::new())
        .await?;
    print_sheet(&sheet);
    Ok(())
}

/// The flags' arguments plus the command's own fields (absent ones left out).
fn with_fields(style: &StyleFlags, fields: Value) -> Arguments {
    let mut arguments = style.to_arguments();
    if let Value::Object(fields) = fields {
        arguments.extend(fields.into_iter().filter(|(_, v)| !v.is_null()));
    }
    arguments
}

/// What a person reads on stderr, and the path a script reads on stdout's last line.
fn print_sheet(sheet: &dgx_pixels::store::StoredSprite) {
    let record = &sheet.record;
    if let Some(frames) = record.frames {
        eprintln!(
            "{}×{} sheet of {} frames ({}×{}), seed {}, {} backend, {:.1} ms",
            record.width,
            record.height,
            frames.count,
            frames.columns,
            frames.rows,
            record.seed,
            record.backend,
            record.timings_ms.total
        );
    }
    for (name, clip) in &record.layout.animations {
        eprintln!(
            "clip {name}: columns {}–{}, {} fps{}",
            clip.start,
            clip.start + clip.frames - 1,
            clip.fps,
            if clip.looping { ", looping" } else { "" }
        );
    }
    println!("{}", sheet.path.display());
}
