//! Making sprites by hand: `generate`, `batch` and `pixelize`.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use dgx_pixels::args::{self, DitherArg, LookArgs};
use dgx_pixels::generation::pipeline::pixel_options;
use dgx_pixels::generation::progress::{Stage, Step};
use dgx_pixels::store::{encode_png, write_atomic};
use dgx_pixels::{Config, Generator};
use tokio_util::sync::CancellationToken;

use crate::flags::{StyleFlags, flag_error, palette_arg, request};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to draw, e.g. "green slime monster".
    prompt: String,
    #[command(flatten)]
    style: StyleFlags,
    /// Also copy the PNG to this file.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Text file with one prompt per line (blank lines and lines starting with # are skipped).
    file: PathBuf,
    #[command(flatten)]
    style: StyleFlags,
    /// Also pack the sprites into one sprite sheet.
    #[arg(long)]
    sheet: bool,
}

#[derive(Debug, Args)]
pub struct PixelizeArgs {
    /// The picture to convert (PNG, JPEG or WebP), e.g. a 1024×1024 "pixel-art style" render.
    input: PathBuf,
    /// Where to write the sprite (PNG).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// An N×N sprite (8–256) holding the subject at its native grid, centred.
    #[arg(long, conflicts_with = "auto")]
    size: Option<u32>,
    /// The subject trimmed to its bounding box at its native grid, whatever size that is (default).
    #[arg(long)]
    auto: bool,
    /// Palette name (pico-8, sweetie-16, endesga-32, gameboy, nes, c64, 1-bit) or comma-separated #rrggbb colours.
    #[arg(long, conflicts_with = "colors")]
    palette: Option<String>,
    /// At most this many colours chosen from the image (2–256).
    #[arg(long)]
    colors: Option<u32>,
    /// Keep the background instead of making it transparent.
    #[arg(long)]
    no_transparent: bool,
    /// Add a 1-pixel outline: #rrggbb, or "auto" for the palette's darkest colour.
    #[arg(long)]
    outline: Option<String>,
    /// Source pixels per sprite pixel (1–512, may be fractional), when you know it: forces the
    /// pixel grid instead of detecting it. N for square cells, WxH (e.g. 8x12) for cells W pixels
    /// wide and H tall.
    #[arg(long, value_name = "N|WxH", value_parser = cell_flag)]
    cell: Option<(f32, f32)>,
    /// With a palette, draw colours between two palette colours as an ordered pattern: none
    /// (default), bayer4 or bayer8.
    #[arg(long, value_enum, value_name = "KIND", default_value = "none")]
    dither: DitherArg,
}

pub async fn generate(config: Config, args: GenerateArgs) -> anyhow::Result<()> {
    let generator = Generator::from_config(&config)?;
    let prompt = args::validate_prompt("prompt", &args.prompt).map_err(flag_error)?;
    let request = request(&config, vec![prompt], &args.style, false)?;
    let mut outcome = generator
        .generate(request, |_| {}, CancellationToken::new())
        .await;
    let sprite = outcome.items.remove(0)?;
    if let Some(output) = &args.output {
        copy_to(&sprite.path, output)?;
        println!("{}", output.display());
    }
    let record = &sprite.record;
    eprintln!(
        "{}×{} sprite, seed {}, {} backend, {:.1} ms",
        record.width, record.height, record.seed, record.backend, record.timings_ms.total
    );
    println!("{}", sprite.path.display());
    Ok(())
}

pub async fn batch(config: Config, args: BatchArgs) -> anyhow::Result<()> {
    let generator = Generator::from_config(&config)?;
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read prompt file {}", args.file.display()))?;
    let prompts: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(String::from)
        .collect();
    let prompts = args::validate_prompts(&prompts)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let (bar, progress) = sprite_bar(prompts.len());
    let request = request(&config, prompts, &args.style, args.sheet)?;
    let outcome = generator
        .generate(request, progress, CancellationToken::new())
        .await;
    bar.finish_and_clear();
    let mut failed = 0;
    for item in &outcome.items {
        match item {
            Ok(sprite) => println!("{}", sprite.path.display()),
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    if let Some(sheet) = outcome.sheet {
        println!("{}", sheet?.path.display());
    }
    anyhow::ensure!(
        failed == 0,
        "{failed} of {} sprites failed",
        outcome.items.len()
    );
    Ok(())
}

/// A bar for `count` sprites and the progress callback that drives it: a tick per stored sprite,
/// and the prompt being worked on as its message.
pub fn sprite_bar(count: usize) -> (indicatif::ProgressBar, impl FnMut(Step) + Send + 'static) {
    let bar = indicatif::ProgressBar::new(count as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {msg}")
            .expect("static progress template"),
    );
    let ticker = bar.clone();
    let progress = move |step: Step| {
        if step.stage == Stage::Stored {
            ticker.inc(1);
        }
        ticker.set_message(step.prompt);
    };
    (bar, progress)
}

pub fn pixelize(args: PixelizeArgs) -> anyhow::Result<()> {
    let look = LookArgs {
        size: args.size,
        width: None,
        height: None,
        palette: args.palette.as_deref().map(palette_arg),
        colors: args.colors,
        transparent: Some(!args.no_transparent),
        outline: args.outline,
        dither: Some(args.dither),
    }
    .validate(dgx_pixels_pixel::Palette::names(), None)
    .map_err(flag_error)?;
    let image = image::open(&args.input)
        .with_context(|| format!("cannot read {} as an image", args.input.display()))?
        .to_rgba8();
    let options = dgx_pixels_pixel::PixelizeOptions {
        cell: args.cell.map(|(across, _)| across),
        cell_y: args.cell.map(|(_, down)| down),
        ..pixel_options(&look)?
    };
    let result = dgx_pixels_pixel::pixelize(&image, &options).map_err(|e| match e {
        dgx_pixels_pixel::PixelError::CellOutOfRange { .. } => anyhow::anyhow!("--cell: {e}"),
        e => e.into(),
    })?;
    let png = encode_png(&result.image);
    write_atomic(&args.output, &png)?;
    println!("grid {}", result.grid);
    println!(
        "{} colours, {}×{} sprite → {}",
        result.colors,
        result.image.width(),
        result.image.height(),
        args.output.display()
    );
    if result.grid.is_unsure() {
        eprintln!(
            "warning: pixel grid unsure; check the sprite, or pass --cell N (--cell WxH for cells that are not square) to force the grid"
        );
    }
    Ok(())
}

/// `--cell`: `N` (square cells) or `WxH`, as (across, down); the ranges are the pipeline's to check.
fn cell_flag(text: &str) -> Result<(f32, f32), String> {
    let number = |part: &str| {
        part.trim().parse::<f32>().map_err(|_| {
            format!(
                "expected N or WxH source pixels per sprite pixel (e.g. 10 or 8x12), got {text:?}"
            )
        })
    };
    match text.split_once(['x', 'X', '×']) {
        Some((across, down)) => Ok((number(across)?, number(down)?)),
        None => number(text).map(|cell| (cell, cell)),
    }
}

fn copy_to(from: &Path, to: &Path) -> anyhow::Result<()> {
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let bytes = std::fs::read(from)?;
    write_atomic(to, &bytes)?;
    Ok(())
}
