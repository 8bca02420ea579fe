//! The whole loop, headless: an agent asks the real `dgx-pixels` server (over MCP on stdio, the
//! way Claude launches it) for a sprite and deploys it as `player` into a copy of the
//! platformer's assets; the running game shows the new pixels on its player.

#[path = "../examples/platformer/tests/support/agent.rs"]
mod agent;
#[path = "../examples/platformer/tests/support/game.rs"]
mod game;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use agent::{Agent, server_binary};
use bevy::MinimalPlugins;
use bevy::app::App;
use bevy::asset::{AssetApp, AssetPlugin, Assets};
use bevy::ecs::query::With;
use bevy::ecs::world::World;
use bevy::image::{CompressedImageFormats, Image, ImageLoader, ImagePlugin};
use bevy::sprite::Sprite;
use bevy_dgx_pixels::DgxPixelsPlugin;
use game::copy_dir;
use platformer::{PlatformerPlugin, Player};
use serde_json::json;

/// How long the game may take to show a sprite before the test fails.
const TIMEOUT: Duration = Duration::from_secs(20);

#[test]
fn a_sprite_deployed_over_mcp_replaces_the_running_players_pixels() {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("platformer");
    copy_dir(&platformer_assets(), &project.join("assets"));
    let assets = project.join("assets");
    let mut game = headless_game(&assets);
    let starter = image::open(assets.join("sprites/player.png"))
        .unwrap()
        .to_rgba8();
    run_until(&mut game, "the starter player", |world| {
        player_pixels(world).is_some_and(|shown| shown == starter.as_raw().as_slice())
    });

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (generated, deployed) = runtime.block_on(async {
        let agent = Agent::start(&server_binary(), root.path()).await;
        let generated = agent
            .ok(
                "generate_sprite",
                json!({"prompt": "red knight", "size": 16, "seed": 3}),
            )
            .await;
        let deployed = agent
            .ok(
                "deploy_to_bevy",
                json!({"sprite": generated["id"], "name": "player", "project": project}),
            )
            .await;
        agent.stop().await;
        (generated, deployed)
    });
    assert_eq!(deployed["name"], "player", "{deployed}");

    let knight = image::open(generated["path"].as_str().unwrap())
        .unwrap()
        .to_rgba8();
    assert_ne!(
        knight, starter,
        "the new sprite differs from the starter art"
    );
    run_until(&mut game, "the knight on the player", |world| {
        player_pixels(world).is_some_and(|shown| shown == knight.as_raw().as_slice())
    });
}

/// The platformer's rules and level with the DGX-Pixels plugin, without window or GPU.
fn headless_game(assets: &Path) -> App {
    let assets = assets.to_str().expect("temp dirs have UTF-8 paths");
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        DgxPixelsPlugin::new(assets),
        AssetPlugin {
            file_path: assets.to_owned(),
            watch_for_changes_override: Some(true),
            ..Default::default()
        },
        ImagePlugin::default(),
        PlatformerPlugin,
    ))
    // Normally registered by the renderer, which a headless game leaves out.
    .register_asset_loader(ImageLoader::new(CompressedImageFormats::NONE));
    app.finish();
    app.cleanup();
    app
}

/// The RGBA bytes the player entity shows, once its image is loaded.
fn player_pixels(world: &mut World) -> Option<&[u8]> {
    let mut players = world.query_filtered::<&Sprite, With<Player>>();
    let world: &World = world;
    let image = &players.single(world).ok()?.image;
    world
        .resource::<Assets<Image>>()
        .get(image)?
        .data
        .as_deref()
}

fn run_until(app: &mut App, what: &str, mut done: impl FnMut(&mut World) -> bool) {
    let start = Instant::now();
    while !done(app.world_mut()) {
        assert!(start.elapsed() < TIMEOUT, "timed out waiting for {what}");
        app.update();
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn platformer_assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/platformer/assets")
}
