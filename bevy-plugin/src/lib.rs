//! Keeps a running Bevy game's sprites in step with the sprites DGX-Pixels deploys into it.
//!
//! A game adds [`DgxPixelsPlugin`] and gives entities a [`PixelSprite`] naming a sprite from
//! `assets/pixels.manifest.json`. The plugin loads the manifest as an asset, watches it and every
//! PNG it names, and swaps each entity's [`Sprite`](bevy::sprite::Sprite) in place when a new
//! revision lands, then writes a [`SpriteSwapped`] message. A [`PixelAnimation`] plays a named
//! clip of a sheet in the row of a [`Direction`]; a [`PixelTilemap`] lays a tileset over a grid
//! of terrain cells, the right tile on each.
//!
//! The plugin watches through its own asset source, [`PIXELS_SOURCE`] (`pixels://`), over the
//! game's assets folder: it has a short debounce and sees files replaced by an atomic rename, the
//! way the server writes them. Asset sources must exist before `AssetPlugin` builds, so add this
//! plugin before `DefaultPlugins`, or call [`PixelsAppExt::register_pixels_source`] first.

mod animation;
mod library;
mod manifest_asset;
#[cfg(feature = "remote")]
pub mod remote;
mod source;
mod sprite;
mod tiles;

use std::time::Duration;

use bevy::app::{App, Plugin, PostUpdate};
use bevy::asset::{AssetApp, AssetEventSystems, AssetServer, Assets, io::AssetSourceBuilders};
use bevy::ecs::schedule::IntoScheduleConfigs;
use bevy::image::{Image, TextureAtlasLayout};

pub use animation::{AnimationFinished, Direction, PixelAnimation};
pub use library::{LoadStatus, PixelLibrary, SpriteState, UnknownSprite};
pub use manifest_asset::{ManifestLoadError, ManifestLoader, PixelManifest};
pub use source::PIXELS_SOURCE;
pub use sprite::{PixelSprite, SpriteSwapped};
pub use tiles::{PixelTile, PixelTilemap};

/// Hot-swaps deployed sprites into the game. See the crate docs for where to add it.
#[derive(Debug, Clone)]
pub struct DgxPixelsPlugin {
    /// The game's assets folder, the same one given to `AssetPlugin::file_path` (relative paths
    /// are resolved the way Bevy resolves that one). Default: `assets`.
    pub assets_dir: String,
    /// The manifest's path inside the assets folder. Default: `pixels.manifest.json`.
    pub manifest_path: String,
    /// How long the debounced watcher waits for a burst of file events to settle before
    /// reloading (Bevy's own default is 300 ms). Files renamed into place or closed after writing,
    /// as deploys are, reload at once without it; this catches every other way of writing.
    pub watch_debounce: Duration,
    /// Sample sprites with nearest filtering so pixel art stays crisp when scaled. Default: on.
    pub nearest_sampling: bool,
}

impl Default for DgxPixelsPlugin {
    fn default() -> Self {
        Self {
            assets_dir: "assets".to_owned(),
            manifest_path: dgx_pixels_manifest::Manifest::FILE_NAME.to_owned(),
            watch_debounce: Duration::from_millis(50),
            nearest_sampling: true,
        }
    }
}

impl DgxPixelsPlugin {
    /// The plugin with defaults, watching `assets_dir` instead of `assets`.
    pub fn new(assets_dir: impl Into<String>) -> Self {
        Self {
            assets_dir: assets_dir.into(),
            ..Self::default()
        }
    }
}

impl Plugin for DgxPixelsPlugin {
    fn build(&self, app: &mut App) {
        if !app.world().contains_resource::<AssetServer>() {
            app.register_pixels_source(&self.assets_dir, self.watch_debounce);
        }
        app.add_message::<SpriteSwapped>()
            .add_message::<AnimationFinished>()
            .register_type::<PixelSprite>()
            .register_type::<PixelAnimation>()
            .register_type::<PixelTilemap>()
            .register_type::<PixelTile>()
            .add_systems(
                PostUpdate,
                (
                    library::apply_manifest,
                    library::track_images,
                    tiles::lay_tiles,
                    sprite::sync_sprites,
                    // After the sync, so a new or replaced atlas shows the right frame at once.
                    (
                        animation::advance_frames,
                        animation::play_clips,
                        tiles::show_tiles,
                    ),
                )
                    .chain()
                    .after(AssetEventSystems),
            );
    }

    /// Asset types and loaders need the `AssetServer`, which only exists once `AssetPlugin` has
    /// built; this plugin may be added before it.
    fn finish(&self, app: &mut App) {
        if !app
            .world()
            .contains_resource::<Assets<TextureAtlasLayout>>()
        {
            app.init_asset::<TextureAtlasLayout>();
        }
        app.init_asset::<PixelManifest>()
            .register_asset_loader(ManifestLoader);
        assert!(
            app.world().contains_resource::<Assets<Image>>(),
            "DgxPixelsPlugin needs Bevy's ImagePlugin (part of DefaultPlugins)"
        );
        let library =
            PixelLibrary::new(app.world_mut(), &self.manifest_path, self.nearest_sampling);
        app.insert_resource(library);
        #[cfg(feature = "remote")]
        remote::register_methods(app.world_mut());
    }
}

/// Registers the [`PIXELS_SOURCE`] asset source on an [`App`].
pub trait PixelsAppExt {
    /// Registers `pixels://` over `assets_dir` with a watcher that reloads after `debounce` and
    /// understands atomic renames. Must run before `AssetPlugin` (that is, before
    /// `DefaultPlugins`); [`DgxPixelsPlugin`] calls it itself when it is added that early. Calling
    /// it again is a no-op.
    fn register_pixels_source(&mut self, assets_dir: &str, debounce: Duration) -> &mut Self;
}

impl PixelsAppExt for App {
    fn register_pixels_source(&mut self, assets_dir: &str, debounce: Duration) -> &mut Self {
        let registered = self
            .world_mut()
            .get_resource_or_init::<AssetSourceBuilders>()
            .get_mut(PIXELS_SOURCE)
            .is_some();
        if !registered {
            self.register_asset_source(PIXELS_SOURCE, source::builder(assets_dir, debounce));
        }
        self
    }
}
