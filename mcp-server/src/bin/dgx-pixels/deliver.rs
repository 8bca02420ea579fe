//! Putting sprites into a game by hand: `deploy`, `rollback` and `watch`.

use std::path::{Path, PathBuf};

use clap::Args;
use dgx_pixels::args::{LookArgs, PaletteArg};
use dgx_pixels::deploy::{self, Delivery, Deployed};
use dgx_pixels::store::SpriteStore;
use dgx_pixels::watch::{self, WatchEvent, WatchRequest};
use dgx_pixels::{Config, Generator};

use crate::flags::flag_error;

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// Stored sprite id(s), as printed by `generate`; several ids deploy as one animation sheet.
    #[arg(required = true)]
    sprites: Vec<String>,
    /// The game's root folder (holding assets/). Default: deploy.default_project from the config.
    #[arg(long)]
    project: Option<String>,
    /// The name the game uses: [a-z0-9_]+ segments joined by '/', e.g. player or enemies/slime.
    #[arg(long)]
    name: String,
    /// Folder under assets/ ([a-z0-9_]+).
    #[arg(long, default_value = "sprites")]
    category: String,
    /// Frames per second of a sheet (1–60). Default: the sheet's first clip's, else 8.
    #[arg(long)]
    fps: Option<u32>,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The game's root folder (holding assets/). Default: deploy.default_project from the config.
    #[arg(long)]
    project: Option<String>,
    /// The deployed sprite's name.
    #[arg(long)]
    name: String,
    /// The revision to restore. Default: the one before the current one.
    #[arg(long)]
    revision: Option<u64>,
}

/// `watch`'s flags.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The folder to watch (not recursive).
    dir: PathBuf,
    /// The game's root folder (holding assets/). Default: deploy.default_project from the config.
    #[arg(long)]
    project: Option<String>,
    /// Folder under assets/ ([a-z0-9_]+).
    #[arg(long, default_value = "sprites")]
    category: String,
    /// Make N×N sprites (8–256); default: each subject's own size at its native grid.
    #[arg(long)]
    size: Option<u32>,
    /// Palette name (pico-8, sweetie-16, endesga-32, gameboy, nes, c64, 1-bit).
    #[arg(long, conflicts_with = "colors")]
    palette: Option<String>,
    /// At most this many colours chosen from each image (2–256).
    #[arg(long)]
    colors: Option<u32>,
}

/// Pixelizes and deploys every image that appears or changes in a folder, until interrupted.
pub async fn watch(config: Config, args: WatchArgs) -> anyhow::Result<()> {
    let look = LookArgs {
        size: args.size,
        palette: args.palette.clone().map(PaletteArg::Named),
        colors: args.colors,
        ..LookArgs::default()
    }
    .validate(dgx_pixels_pixel::Palette::names(), None)
    .map_err(flag_error)?;
    let request = WatchRequest {
        dir: args.dir,
        project: deploy::project_dir(args.project.as_deref(), &config)?,
        category: args.category,
        look,
    };
    let generator = Generator::from_config(&config)?;
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    watch::run(
        generator,
        request,
        deploy::policy(&config),
        stop,
        |event| match event {
            WatchEvent::Watching { dir, project } => {
                eprintln!("watching {} → {}", dir.display(), project.display());
            }
            WatchEvent::Deployed(deployed) => print_deployed(&deployed),
            WatchEvent::Skipped { path, reason } => {
                eprintln!("skipped {}: {reason}", path.display())
            }
        },
    )
    .await?;
    Ok(())
}

/// Sprite paths in the CLI are store ids; a path to a stored PNG is accepted too.
fn sprite_id(arg: &str) -> String {
    Path::new(arg)
        .file_stem()
        .filter(|_| arg.ends_with(".png"))
        .map_or_else(
            || arg.to_string(),
            |stem| stem.to_string_lossy().into_owned(),
        )
}

pub fn deploy(config: &Config, args: DeployArgs) -> anyhow::Result<()> {
    let store = SpriteStore::open(&config.out_dir)?;
    let project = deploy::project_dir(args.project.as_deref(), config)?;
    let sprites: Vec<String> = args.sprites.iter().map(|s| sprite_id(s)).collect();
    let deployed = deploy::deliver(
        &store,
        &Delivery {
            sprites: &sprites,
            name: &args.name,
            project: &project,
            category: &args.category,
            fps: args.fps,
        },
        &deploy::policy(config),
    )?;
    print_deployed(&deployed);
    Ok(())
}

pub fn rollback(config: &Config, args: RollbackArgs) -> anyhow::Result<()> {
    let project = deploy::project_dir(args.project.as_deref(), config)?;
    let deployed = deploy::rollback(&project, &args.name, args.revision, &deploy::policy(config))?;
    print_deployed(&deployed);
    Ok(())
}

/// One line a person (or a script) can read: what, which revision, where.
fn print_deployed(deployed: &Deployed) {
    let status = if deployed.unchanged {
        "unchanged"
    } else {
        "deployed"
    };
    println!(
        "{status} {} revision {} → {}",
        deployed.name.as_str(),
        deployed.entry.revision,
        deployed.path.display()
    );
}
