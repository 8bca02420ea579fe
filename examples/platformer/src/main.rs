//! `cargo run -p platformer`: play the game, with BRP on so agents can look and press keys.

use std::path::PathBuf;

use bevy::DefaultPlugins;
use bevy::app::{App, PluginGroup};
use bevy::asset::AssetPlugin;
use bevy::image::ImagePlugin;
use bevy::utils::default;
use bevy::window::{Window, WindowPlugin};
use bevy_brp_extras::BrpExtrasPlugin;
use bevy_dgx_pixels::DgxPixelsPlugin;
use clap::Parser;
use platformer::PlatformerPlugin;
use platformer::view::ViewPlugin;

/// A side-scroller whose sprites DGX-Pixels can replace while you play.
#[derive(Debug, Parser)]
#[command(name = "platformer", about)]
struct Args {
    /// The assets folder to play from (holding pixels.manifest.json and sprites/).
    /// Default: the example's own assets folder.
    #[arg(long, value_name = "DIR")]
    assets: Option<PathBuf>,
    /// Port of the BRP HTTP server (screenshots, keys, pixels/list).
    #[arg(long, value_name = "PORT", default_value_t = 15702)]
    brp_port: u16,
}

fn main() {
    let args = Args::parse();
    let assets = args
        .assets
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets"));
    let assets = assets.to_string_lossy().into_owned();
    App::new()
        // Before DefaultPlugins: it registers its fast-watching asset source.
        .add_plugins(DgxPixelsPlugin::new(assets.clone()))
        .add_plugins(
            DefaultPlugins
                .set(AssetPlugin {
                    file_path: assets,
                    watch_for_changes_override: Some(true),
                    ..default()
                })
                .set(ImagePlugin::default_nearest())
                .set(WindowPlugin {
                    primary_window: Some(Window {
                        title: "DGX-Pixels platformer".to_owned(),
                        resolution: (1280, 720).into(),
                        ..default()
                    }),
                    ..default()
                }),
        )
        .add_plugins(BrpExtrasPlugin::with_port(args.brp_port))
        .add_plugins((PlatformerPlugin, ViewPlugin))
        .run();
}
