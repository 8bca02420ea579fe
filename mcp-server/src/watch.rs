//! Watch mode: an artist's export folder (or ComfyUI's output folder) feeding a running game.
//!
//! Every image that appears or changes in the folder is pixelized, stored and deployed under its
//! file stem. A file is handled once per distinct content; one that does not decode yet (still
//! being written) is skipped until its next change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_mini::{DebounceEventResult, new_debouncer, notify::RecursiveMode};
use sha2::{Digest, Sha256};

use crate::args::PixelizeFields;
use crate::deploy::{self, Delivery, DeployPolicy, Deployed};
use crate::generation::Generator;
use crate::generation::from_image::{self, Input};
use crate::spec::Look;

/// Quiet time before a burst of file events is handled.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// What to watch and how its images become sprites.
#[derive(Debug, Clone)]
pub struct WatchRequest {
    /// The folder to watch (not recursive).
    pub dir: PathBuf,
    /// The game's root folder (holding `assets/`).
    pub project: PathBuf,
    /// Folder under `assets/`, `[a-z0-9_]+`.
    pub category: String,
    pub look: Look,
}

/// What happened to one file, as it happens.
#[derive(Debug)]
pub enum WatchEvent {
    /// Watching started: the folder (resolved) and the project it feeds.
    Watching { dir: PathBuf, project: PathBuf },
    /// A new or changed image is in the game.
    Deployed(Deployed),
    /// A file could not be used (yet): why.
    Skipped { path: PathBuf, reason: String },
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot watch {dir}: {source}")]
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot watch {dir}: {source}")]
    Notify {
        dir: PathBuf,
        source: notify_debouncer_mini::notify::Error,
    },
}

/// Watches until `stop` resolves (or the watcher dies), telling `on_event` what it does.
pub async fn run(
    generator: Generator,
    request: WatchRequest,
    policy: DeployPolicy,
    stop: impl Future<Output = ()>,
    mut on_event: impl FnMut(WatchEvent),
) -> Result<(), WatchError> {
    let dir = request
        .dir
        .canonicalize()
        .map_err(|source| WatchError::Folder {
            dir: request.dir.clone(),
            source,
        })?;
    let notify_error = |source| WatchError::Notify {
        dir: dir.clone(),
        source,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
        let _ = tx.send(result);
    })
    .map_err(notify_error)?;
    debouncer
        .watcher()
        .watch(&dir, RecursiveMode::NonRecursive)
        .map_err(notify_error)?;
    on_event(WatchEvent::Watching {
        dir: dir.clone(),
        project: request.project.clone(),
    });

    let mut watcher = Watcher {
        generator,
        look: request.look,
        project: request.project,
        category: request.category,
        policy,
        roots: vec![dir],
        seen: HashMap::new(),
    };
    let mut stop = std::pin::pin!(stop);
    loop {
        let events = tokio::select! {
            events = rx.recv() => events,
            () = &mut stop => return Ok(()),
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
            let Ok((back, outcome)) = tokio::task::spawn_blocking(move || {
                let outcome = watcher.handle(&path);
                (watcher, (path, outcome))
            })
            .await
            else {
                tracing::error!("the watch worker panicked; watching stops");
                return Ok(());
            };
            watcher = back;
            match outcome {
                (_, Ok(Some(deployed))) => on_event(WatchEvent::Deployed(deployed)),
                (_, Ok(None)) => {}
                (path, Err(reason)) => on_event(WatchEvent::Skipped { path, reason }),
            }
        }
    }
}

struct Watcher {
    generator: Generator,
    look: Look,
    project: PathBuf,
    category: String,
    policy: DeployPolicy,
    roots: Vec<PathBuf>,
    /// Content hash last handled per file, so each version deploys exactly once.
    seen: HashMap<PathBuf, [u8; 32]>,
}

impl Watcher {
    /// Deploys `path` if it holds new, complete image content.
    fn handle(&mut self, path: &Path) -> Result<Option<Deployed>, String> {
        let Ok(bytes) = std::fs::read(path) else {
            return Ok(None); // removed again, or renamed away
        };
        let hash: [u8; 32] = Sha256::digest(&bytes).into();
        if self.seen.get(path) == Some(&hash) {
            return Ok(None);
        }
        let name = sprite_name(path)
            .ok_or_else(|| format!("{} has no usable name: use a-z, 0-9 and _", path.display()))?;
        let fields = PixelizeFields {
            path: Some(path.display().to_string()),
            ..PixelizeFields::default()
        };
        // A file still being written does not decode; its next change brings it back.
        let input: Input = from_image::load_input(&fields, &self.roots, &self.generator)
            .map_err(|e| format!("not a complete image yet ({e})"))?;
        let parameters = serde_json::json!({"watch": path, "category": self.category});
        let done = from_image::pixelize_and_store(&self.generator, &input, &self.look, parameters)
            .map_err(|e| e.to_string())?;
        let sprites = [done.sprite.record.id.clone()];
        let deployed = deploy::deliver(
            self.generator.store(),
            &Delivery {
                sprites: &sprites,
                name: &name,
                project: &self.project,
                category: &self.category,
                fps: None,
            },
            &self.policy,
        )
        .map_err(|e| e.to_string())?;
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
