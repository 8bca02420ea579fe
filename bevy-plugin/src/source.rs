//! The `pixels://` asset source: the game's assets folder, watched twice. A fast watcher reports
//! a file the moment it is complete (renamed into place, or closed after writing), so a deploy
//! shows on the next frame; Bevy's debounced watcher still catches every other way of writing,
//! and also reloads files replaced through an atomic rename, which Bevy alone ignores.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use async_channel::{Receiver, Sender};
use bevy::asset::io::file::{FileAssetReader, FileWatcher};
use bevy::asset::io::{AssetSource, AssetSourceBuilder, AssetSourceEvent, AssetWatcher};
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// Name of the asset source the plugin loads the manifest and sprites through:
/// `pixels://sprites/player.png` is `assets/sprites/player.png`.
pub const PIXELS_SOURCE: &str = "pixels";

/// Reads like the default source, but watches with [`RenameAwareWatcher`].
pub(crate) fn builder(assets_dir: &str, debounce: Duration) -> AssetSourceBuilder {
    let dir = assets_dir.to_owned();
    AssetSourceBuilder::new(AssetSource::get_default_reader(dir.clone())).with_watcher(
        move |sender| {
            let root = FileAssetReader::get_base_path().join(&dir);
            RenameAwareWatcher::start(root, sender, debounce)
                .map(|watcher| Box::new(watcher) as Box<dyn AssetWatcher>)
        },
    )
}

/// Bevy's [`FileWatcher`], plus a thread that turns "`.player.png.tmp` was renamed to
/// `player.png`" into "`player.png` changed". Bevy 0.19 ignores renamed assets, and the server
/// (like most careful writers) replaces files by renaming a finished temp file over them.
/// [`CompleteFileWatcher`] reports the same files without the debounce when the platform says
/// when a file is complete; a file reported by both is reloaded twice, and the plugin announces
/// only real changes.
///
/// The thread ends when the watcher is dropped: that closes the channel it reads.
struct RenameAwareWatcher {
    _files: FileWatcher,
    _complete: Option<CompleteFileWatcher>,
}

impl AssetWatcher for RenameAwareWatcher {}

impl RenameAwareWatcher {
    fn start(root: PathBuf, sender: Sender<AssetSourceEvent>, debounce: Duration) -> Option<Self> {
        // Created so that a game nothing has been deployed to yet still sees its first deploy.
        if let Err(e) = std::fs::create_dir_all(&root) {
            tracing::warn!(
                "dgx-pixels: cannot create the assets folder {}: {e}; sprites will not hot-reload",
                root.display()
            );
            return None;
        }
        let complete = CompleteFileWatcher::start(root.clone(), sender.clone());
        let (raw_sender, raw) = async_channel::unbounded();
        let files = match FileWatcher::new(root.clone(), raw_sender, debounce) {
            Ok(files) => files,
            Err(e) => {
                tracing::warn!(
                    "dgx-pixels: cannot watch {}: {e}; sprites will not hot-reload",
                    root.display()
                );
                return None;
            }
        };
        let spawned = std::thread::Builder::new()
            .name("dgx-pixels-watch".to_owned())
            .spawn(move || forward(&raw, &sender));
        if let Err(e) = spawned {
            tracing::warn!(
                "dgx-pixels: cannot start the watch thread: {e}; sprites will not hot-reload"
            );
            return None;
        }
        Some(Self {
            _files: files,
            _complete: complete,
        })
    }
}

fn forward(raw: &Receiver<AssetSourceEvent>, sender: &Sender<AssetSourceEvent>) {
    while let Ok(event) = raw.recv_blocking() {
        let replaced = match &event {
            AssetSourceEvent::RenamedAsset { new, .. } => {
                Some(AssetSourceEvent::ModifiedAsset(new.clone()))
            }
            _ => None,
        };
        for event in std::iter::once(event).chain(replaced) {
            if sender.send_blocking(event).is_err() {
                return;
            }
        }
    }
}

/// Reports, with no debounce, files that are complete: renamed into place (the atomic writes of
/// the server) or closed after writing (inotify's close-write; other platforms only report
/// renames here and leave the rest to the debounced watcher). Writes still in progress, temp and
/// hidden files (`.player.png.tmp`, `.pixels/history/`) are left alone.
struct CompleteFileWatcher {
    _watcher: RecommendedWatcher,
}

impl CompleteFileWatcher {
    fn start(root: PathBuf, sender: Sender<AssetSourceEvent>) -> Option<Self> {
        // Paths come back under the root as given on Linux, canonical on some other platforms.
        let canonical = root.canonicalize().unwrap_or_else(|_| root.clone());
        let bases = [root.clone(), canonical];
        let handler = move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            let Some(path) = completed_path(&event) else {
                return;
            };
            if let Some(relative) = bases.iter().find_map(|base| visible_relative(path, base)) {
                let _ = sender.send_blocking(AssetSourceEvent::ModifiedAsset(relative));
            }
        };
        let watching = notify::recommended_watcher(handler).and_then(|mut watcher| {
            watcher
                .watch(&root, RecursiveMode::Recursive)
                .map(|()| watcher)
        });
        match watching {
            Ok(watcher) => Some(Self { _watcher: watcher }),
            Err(e) => {
                tracing::warn!(
                    "dgx-pixels: cannot watch {} for finished files: {e}; deploys show after the \
                     debounce",
                    root.display()
                );
                None
            }
        }
    }
}

/// The file an event says is now complete, if it says so.
fn completed_path(event: &notify::Event) -> Option<&Path> {
    match event.kind {
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Any))
        | EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
            event.paths.last().map(PathBuf::as_path)
        }
        _ => None,
    }
}

/// `path` relative to `base`, unless it lies outside it or any part of it is hidden.
fn visible_relative(path: &Path, base: &Path) -> Option<PathBuf> {
    let relative = path.strip_prefix(base).ok()?;
    let hidden = relative.components().any(
        |part| matches!(part, Component::Normal(name) if name.to_string_lossy().starts_with('.')),
    );
    (!hidden && relative.components().next().is_some()).then(|| relative.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, paths: &[&str]) -> notify::Event {
        paths.iter().fold(notify::Event::new(kind), |event, path| {
            event.add_path(PathBuf::from(path))
        })
    }

    #[test]
    fn renames_into_place_and_finished_writes_are_complete() {
        let renamed = event(
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            &["/a/sprites/player.png"],
        );
        assert_eq!(
            completed_path(&renamed),
            Some(Path::new("/a/sprites/player.png"))
        );
        let closed = event(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            &["/a/pixels.manifest.json"],
        );
        assert_eq!(
            completed_path(&closed),
            Some(Path::new("/a/pixels.manifest.json"))
        );
    }

    #[test]
    fn writes_in_progress_and_renames_away_are_not() {
        for kind in [
            EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::From)),
            EventKind::Create(notify::event::CreateKind::File),
        ] {
            assert_eq!(
                completed_path(&event(kind, &["/a/x.png"])),
                None,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn hidden_and_outside_files_are_skipped() {
        let base = Path::new("/game/assets");
        let seen = |path: &str| visible_relative(Path::new(path), base);
        assert_eq!(
            seen("/game/assets/sprites/player.png"),
            Some("sprites/player.png".into())
        );
        assert_eq!(seen("/game/assets/sprites/.player.png.tmp"), None);
        assert_eq!(seen("/game/assets/.pixels/history/player/1.png"), None);
        assert_eq!(seen("/elsewhere/player.png"), None);
        assert_eq!(seen("/game/assets"), None);
    }
}
