//! `dgx-pixels watch`: an artist's export folder (or ComfyUI's output folder) feeding a running game.
//!
//! Every image that appears or changes in the folder is pixelized, stored and deployed under its
//! file stem. A file is handled once per distinct content; one that does not decode yet (still
//! being written) is skipped until its next change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer, notify::RecursiveMode};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::delivery::{self, DEFAULT_FPS, Delivery};
use crate::deploy::Deployed;
use crate::generation::Generator;
use crate::params::{Look, LookArgs, PaletteArg, PixelizeFields};
use crate::pixelize::{self, Input};

/// Quiet time before a burst of file events is handled.
const DEBOUNCE: Duration = Duration::from_millis(150);

#[derive(Debug, clap::Args)]
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
    /// Palette name (pico-8, sweetie-16, endesga-32, gameboy, nes).
    #[arg(long, conflicts_with = "colors")]
    palette: Option<String>,
    /// At most this many colours chosen from each image (2–256).
    #[arg(long)]
    colors: Option<u32>,
}

/// Watches until interrupted.
pub async fn run(config: &Config, args: WatchArgs) -> anyhow::Result<()> {
    let look = LookArgs {
        size: args.size,
        palette: args.palette.clone().map(PaletteArg::Named),
        colors: args.colors,
        ..LookArgs::default()
    }
    .validate(dgx_pixels_pixel::Palette::names(), None)
    .map_err(|e| anyhow::anyhow!("--{}", e.0))?;
    let project = delivery::project(args.project.as_deref(), config)?;
    let dir = args
        .dir
        .canonicalize()
        .with_context(|| format!("cannot watch {}", args.dir.display()))?;
    let generator = crate::cli::open_generator(config)?;
    let watcher = Watcher {
        generator,
        look,
        project,
        category: args.category,
        policy: delivery::policy(config),
        roots: vec![dir.clone()],
        seen: HashMap::new(),
    };

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
        let _ = tx.send(result);
    })?;
    debouncer
        .watcher()
        .watch(&dir, RecursiveMode::NonRecursive)?;
    eprintln!("watching {} → {}", dir.display(), watcher.project.display());

    let mut watcher = watcher;
    loop {
        let events = tokio::select! {
            events = rx.recv() => events,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let Some(events) = events else { return Ok(()) };
        let mut paths: Vec<PathBuf> = match events {
            Ok(events) => events.into_iter().map(|e| e.path).collect(),
            Err(e) => {
                tracing::warn!("watch error: {e}");
                continue;
            }
        };
        paths.sort();
        paths.dedup();
        for path in paths.into_iter().filter(|p| is_image(p)) {
            let (back, outcome) = tokio::task::spawn_blocking(move || {
                let outcome = watcher.handle(&path);
                (watcher, (path, outcome))
            })
            .await?;
            watcher = back;
            match outcome {
                (_, Ok(Some(deployed))) => crate::cli::print_deployed(&deployed),
                (_, Ok(None)) => {}
                (path, Err(e)) => eprintln!("skipped {}: {e}", path.display()),
            }
        }
    }
}

struct Watcher {
    generator: Generator,
    look: Look,
    project: PathBuf,
    category: String,
    policy: crate::deploy::DeployPolicy,
    roots: Vec<PathBuf>,
    /// Content hash last handled per file, so each version deploys exactly once.
    seen: HashMap<PathBuf, [u8; 32]>,
}

impl Watcher {
    /// Deploys `path` if it holds new, complete image content.
    fn handle(&mut self, path: &Path) -> anyhow::Result<Option<Deployed>> {
        let Ok(bytes) = std::fs::read(path) else {
            return Ok(None); // removed again, or renamed away
        };
        let hash: [u8; 32] = Sha256::digest(&bytes).into();
        if self.seen.get(path) == Some(&hash) {
            return Ok(None);
        }
        let name = sprite_name(path).with_context(|| {
            format!("{} has no usable name: use a-z, 0-9 and _", path.display())
        })?;
        let fields = PixelizeFields {
            path: Some(path.display().to_string()),
            ..PixelizeFields::default()
        };
        // A file still being written does not decode; its next change brings it back.
        let input: Input = pixelize::load_input(&fields, &self.roots, &self.generator)
            .map_err(|e| anyhow::anyhow!("not a complete image yet ({e})"))?;
        let parameters = serde_json::json!({"watch": path, "category": self.category});
        let done = pixelize::pixelize_and_store(&self.generator, &input, &self.look, parameters)?;
        let sprites = [done.sprite.record.id.clone()];
        let deployed = delivery::deliver(
            self.generator.store(),
            &Delivery {
                sprites: &sprites,
                name: &name,
                project: &self.project,
                category: &self.category,
                fps: DEFAULT_FPS,
            },
            &self.policy,
        )?;
        self.seen.insert(path.to_path_buf(), hash);
        Ok((!deployed.unchanged).then_some(deployed))
    }
}

fn is_image(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    !hidden && matches!(extension.as_deref(), Some("png" | "jpg" | "jpeg" | "webp"))
}

/// The file stem as a sprite name: lower case, other characters folded to `_`.
fn sprite_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy().to_ascii_lowercase();
    let folded: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let name = folded
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    (!name.is_empty()).then(|| name.chars().take(64).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_become_sprite_names() {
        assert_eq!(
            sprite_name(Path::new("/x/Player Idle-2.png")).as_deref(),
            Some("player_idle_2")
        );
        assert_eq!(
            sprite_name(Path::new("/x/slime.png")).as_deref(),
            Some("slime")
        );
        assert_eq!(
            sprite_name(Path::new("/x/ébène.png")).as_deref(),
            Some("b_ne")
        );
        assert_eq!(sprite_name(Path::new("/x/---.png")), None);
    }

    #[test]
    fn only_visible_images_are_watched() {
        assert!(is_image(Path::new("a/b.PNG")));
        assert!(is_image(Path::new("a/b.webp")));
        assert!(!is_image(Path::new("a/.b.png.123.tmp")));
        assert!(!is_image(Path::new("a/.b.png")));
        assert!(!is_image(Path::new("a/b.txt")));
    }
}
