//! The whole loop, headless: an agent asks the real `dgx-pixels` server (over MCP on stdio, the
//! way Claude launches it) for a sprite and deploys it as `player` into a copy of the
//! platformer's assets; the running game shows the new pixels on its player. Likewise a blob47
//! tileset deployed as `ground` relays the whole level.

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
use bevy_dgx_pixels::{DgxPixelsPlugin, PixelTile, PixelTilemap};
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

/// "grass over dirt, blob47, 16 px" from an agent, deployed as `ground` while the game runs: the
/// level's ground, laid with the starter `platformer` set, is laid again by blob47's masks, every
/// tile the one whose mask is its cell's, showing the new sheet.
#[test]
fn a_blob47_ground_deployed_over_mcp_relays_every_tile_of_the_running_level() {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("platformer");
    copy_dir(&platformer_assets(), &project.join("assets"));
    let mut game = headless_game(&project.join("assets"));
    run_until(&mut game, "the starter ground", |world| {
        !ground_tiles(world).is_empty()
    });

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let generated = runtime.block_on(async {
        let agent = Agent::start(&server_binary(), root.path()).await;
        let generated = agent
            .ok(
                "generate_tileset",
                json!({"prompt": "grass over dirt", "layout": "blob47", "tile_size": 16, "seed": 4}),
            )
            .await;
        agent
            .ok(
                "deploy_to_bevy",
                json!({"sprite": generated["id"], "name": "ground", "project": project}),
            )
            .await;
        agent.stop().await;
        generated
    });
    // The tile for each mask, as the server's result lists them.
    let by_mask: std::collections::BTreeMap<u32, u32> = generated["tileset"]["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|tile| tile["name"] != "lower")
        .map(|tile| {
            (
                tile["mask"].as_u64().unwrap() as u32,
                tile["index"].as_u64().unwrap() as u32,
            )
        })
        .collect();
    assert_eq!(by_mask.len(), 47);
    let sheet = image::open(generated["path"].as_str().unwrap())
        .unwrap()
        .to_rgba8();

    run_until(
        &mut game,
        "every ground tile from the blob47 set",
        |world| {
            let map = ground_map(world);
            let tiles = ground_tiles(world);
            let cells = (0..map.height())
                .flat_map(|y| (0..map.width()).map(move |x| (x, y)))
                .filter(|&(x, y)| map.get(x as i32, y as i32))
                .count();
            tiles.len() == cells
                && tiles.iter().all(|(tile, atlas, pixels)| {
                    let wanted = by_mask[&blob_mask(&map, tile.x as i32, tile.y as i32)];
                    tile.index == wanted
                        && *atlas == Some(wanted as usize)
                        && *pixels == sheet.as_raw().as_slice()
                })
        },
    );
    let kinds: std::collections::BTreeSet<u32> = ground_tiles(game.world_mut())
        .iter()
        .map(|(tile, ..)| tile.index)
        .collect();
    assert!(kinds.len() > 8, "corners, edges and fill: {kinds:?}");
}

/// The level's one ground map.
fn ground_map(world: &mut World) -> PixelTilemap {
    let mut maps = world.query::<&PixelTilemap>();
    maps.single(world).expect("one ground map").clone()
}

/// Each tile of the ground: which it is, the atlas frame its sprite shows, and the bytes of the
/// sheet its sprite shows (empty until loaded).
fn ground_tiles(world: &mut World) -> Vec<(PixelTile, Option<usize>, &[u8])> {
    let mut tiles = world.query::<(&PixelTile, &Sprite)>();
    let world: &World = world;
    let images = world.resource::<Assets<Image>>();
    tiles
        .iter(world)
        .map(|(tile, sprite)| {
            let frame = sprite.texture_atlas.as_ref().map(|atlas| atlas.index);
            let pixels = images
                .get(&sprite.image)
                .and_then(|image| image.data.as_deref())
                .unwrap_or_default();
            (*tile, frame, pixels)
        })
        .collect()
}

/// The blob47 mask of cell (`x`, `y`), worked out here rather than by the plugin: which of its
/// eight neighbours are ground (N = 1, then clockwise), a corner only beside two ground edges.
fn blob_mask(map: &PixelTilemap, x: i32, y: i32) -> u32 {
    let ground = |dx: i32, dy: i32| map.get(x + dx, y + dy);
    let (n, e, s, w) = (ground(0, -1), ground(1, 0), ground(0, 1), ground(-1, 0));
    [
        (n, 1),
        (n && e && ground(1, -1), 2),
        (e, 4),
        (s && e && ground(1, 1), 8),
        (s, 16),
        (s && w && ground(-1, 1), 32),
        (w, 64),
        (n && w && ground(-1, -1), 128),
    ]
    .into_iter()
    .filter(|&(set, _)| set)
    .fold(0, |mask, (_, bit)| mask | bit)
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
