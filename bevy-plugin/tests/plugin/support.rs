//! Shared by the integration tests and the `swap_latency` example: a headless game over a temp
//! assets folder, and a deploy that writes files the way the DGX-Pixels server does.

use std::io::Cursor;
use std::path::Path;
use std::time::{Duration, Instant};

use bevy::MinimalPlugins;
use bevy::app::{App, Last, Plugins};
use bevy::asset::{AssetApp, AssetPlugin};
use bevy::ecs::message::MessageReader;
use bevy::ecs::resource::Resource;
use bevy::ecs::system::ResMut;
use bevy::ecs::world::World;
use bevy::image::{CompressedImageFormats, ImageLoader, ImagePlugin};
use bevy_dgx_pixels::{DgxPixelsPlugin, SpriteSwapped};
use dgx_pixels_manifest::{
    Frames, Manifest, ManifestError, SheetLayout, Source, SpriteEntry, SpriteName, write_atomic,
};
use image::RgbaImage;
use sha2::{Digest, Sha256};

/// How long a story may wait for the game before it fails.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Every [`SpriteSwapped`] the game wrote, in order.
#[derive(Resource, Default)]
pub struct Swaps(pub Vec<SpriteSwapped>);

impl Swaps {
    pub fn contains(&self, name: &str, revision: u64) -> bool {
        self.0
            .iter()
            .any(|s| s.name == name && s.revision == revision)
    }
}

/// A game without window or GPU: `MinimalPlugins`, the plugin (first, so it can register its
/// asset source), `AssetPlugin` watching `assets_dir`, `ImagePlugin`, and the PNG loader that
/// normally comes with the renderer.
pub fn create_app(assets_dir: &Path) -> App {
    create_app_with(assets_dir, ())
}

/// [`create_app`] with `more` plugins added before the app is finished.
pub fn create_app_with<M>(assets_dir: &Path, more: impl Plugins<M>) -> App {
    let assets_dir = assets_dir.to_str().expect("temp dirs have UTF-8 paths");
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        DgxPixelsPlugin::new(assets_dir),
        AssetPlugin {
            file_path: assets_dir.to_owned(),
            watch_for_changes_override: Some(true),
            ..Default::default()
        },
        ImagePlugin::default(),
    ))
    .add_plugins(more)
    .register_asset_loader(ImageLoader::new(CompressedImageFormats::NONE))
    .init_resource::<Swaps>()
    .add_systems(Last, record_swaps);
    app.finish();
    app.cleanup();
    app
}

fn record_swaps(mut messages: MessageReader<SpriteSwapped>, mut swaps: ResMut<Swaps>) {
    swaps.0.extend(messages.read().cloned());
}

/// Runs frames until `done` holds; panics after [`TIMEOUT`] naming what it waited for.
pub fn run_app_until(app: &mut App, what: &str, mut done: impl FnMut(&mut World) -> bool) {
    let start = Instant::now();
    loop {
        app.update();
        if done(app.world_mut()) {
            return;
        }
        assert!(start.elapsed() < TIMEOUT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// A `width` × `height` image of one colour.
pub fn solid(width: u32, height: u32, rgba: [u8; 4]) -> RgbaImage {
    RgbaImage::from_pixel(width, height, image::Rgba(rgba))
}

pub fn png_bytes(image: &RgbaImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("encoding a PNG in memory cannot fail");
    bytes
}

/// Deploys `image` as `name` the way the server does: the PNG replaced by an atomic rename,
/// then the manifest entry upserted (under the manifest's lock). Returns the new revision.
pub fn deploy(assets_dir: &Path, name: &str, image: &RgbaImage, frames: Option<Frames>) -> u64 {
    deploy_sheet(assets_dir, name, image, frames, SheetLayout::default())
}

/// [`deploy`] with the clips, rows or tiles of a version 2 sheet.
pub fn deploy_sheet(
    assets_dir: &Path,
    name: &str,
    image: &RgbaImage,
    frames: Option<Frames>,
    layout: SheetLayout,
) -> u64 {
    let bytes = png_bytes(image);
    let path = format!("sprites/{name}.png");
    let entry = SpriteEntry {
        layout,
        path: path.clone(),
        width: image.width(),
        height: image.height(),
        frames,
        revision: 1,
        sha256: format!("{:x}", Sha256::digest(&bytes)),
        source: Source {
            prompt: format!("test sprite {name}"),
            backend: "test".to_owned(),
            ..Source::default()
        },
        deployed_at: "2026-11-23T18:00:00Z".to_owned(),
    };
    let png = assets_dir.join(&path);
    std::fs::create_dir_all(png.parent().expect("sprites/ has a parent")).expect("create sprites/");
    Manifest::edit(&assets_dir.join(Manifest::FILE_NAME), |manifest| {
        write_atomic(&png, &bytes).expect("write the PNG");
        let name = SpriteName::new(name).expect("a valid sprite name");
        Ok::<_, ManifestError>(
            manifest
                .upsert(name, entry)
                .expect("a valid entry")
                .revision,
        )
    })
    .expect("update the manifest")
}
