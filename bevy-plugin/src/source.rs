//! The `pixels://` asset source: the game's assets folder, watched with a short debounce by a
//! watcher that also reloads files replaced through an atomic rename.

use std::path::PathBuf;
use std::time::Duration;

use async_channel::{Receiver, Sender};
use bevy::asset::io::file::{FileAssetReader, FileWatcher};
use bevy::asset::io::{AssetSource, AssetSourceBuilder, AssetSourceEvent, AssetWatcher};

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
///
/// The thread ends when the watcher is dropped: that closes the channel it reads.
struct RenameAwareWatcher {
    _files: FileWatcher,
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
        Some(Self { _files: files })
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
