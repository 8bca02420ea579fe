//! The whole loop, headless: an agent asks the real `dgx-pixels` server (over MCP on stdio, the
//! way Claude launches it) for a sprite and deploys it as `player` into a copy of the
//! platformer's assets; the running game shows the new pixels on its player.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use bevy::MinimalPlugins;
use bevy::app::App;
use bevy::asset::{AssetApp, AssetPlugin, Assets};
use bevy::ecs::query::With;
use bevy::ecs::world::World;
use bevy::image::{CompressedImageFormats, Image, ImageLoader, ImagePlugin};
use bevy::sprite::Sprite;
use bevy_dgx_pixels::DgxPixelsPlugin;
use platformer::{PlatformerPlugin, Player};
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};

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
        let client = start_server(root.path()).await;
        let generated = call(
            &client,
            "generate_sprite",
            json!({"prompt": "red knight", "size": 16, "seed": 3}),
        )
        .await;
        let id = generated["id"].as_str().unwrap().to_owned();
        let deployed = call(
            &client,
            "deploy_to_bevy",
            json!({"sprite": id, "name": "player", "project": project}),
        )
        .await;
        client.cancel().await.unwrap();
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

/// `dgx-pixels serve` on stdio, run from `dir` (so deploys may write below it) with its sprite
/// store inside it.
async fn start_server(dir: &Path) -> RunningService<RoleClient, ()> {
    let command = tokio::process::Command::new(server_binary()).configure(|c| {
        c.arg("serve")
            .arg("--out-dir")
            .arg(dir.join("store"))
            .current_dir(dir)
            .env("DGX_PIXELS_LOG", "warn");
    });
    ().serve(TokioChildProcess::new(command).expect("spawn dgx-pixels"))
        .await
        .expect("MCP handshake over stdio")
}

async fn call(client: &RunningService<RoleClient, ()>, tool: &str, arguments: Value) -> Value {
    let arguments = arguments.as_object().unwrap().clone();
    let result: CallToolResult = client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
        .await
        .expect("tools/call answered");
    assert_ne!(result.is_error, Some(true), "{tool} failed: {result:?}");
    result.structured_content.expect("structuredContent")
}

/// Builds the `dgx-pixels` binary with the cargo running this test (same profile settings and
/// target directory) and returns its path: a test cannot name another package's binary.
fn server_binary() -> PathBuf {
    let output = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "-p",
            "dgx-pixels",
            "--bin",
            "dgx-pixels",
        ])
        .arg("--message-format=json")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo build");
    assert!(
        output.status.success(),
        "cargo build -p dgx-pixels failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo names the dgx-pixels executable")
}

fn platformer_assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/platformer/assets")
}

/// Copies the sprites and the manifest, not the deploy history.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}
