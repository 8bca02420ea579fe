//! The whole loop in a real window: the platformer runs (under Xvfb with Mesa's software Vulkan on
//! a machine without a display or GPU), an agent asks the real `dgx-pixels` server over MCP for a
//! character sheet, deploys it as `player`, and a screenshot of the running game through
//! `bevy_screenshot` shows the new player, playing its idle clip, where the old one stood.
//!
//! Needs a display and a Vulkan driver, so it is ignored by a plain `cargo test`; `.ci/run` runs
//! it with `xvfb-run -a cargo test --workspace --test live_swap -- --ignored`.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use image::RgbaImage;
use serde_json::json;
use support::agent::{Agent, error_text, server_binary};
use support::game::{Game, START_TIMEOUT, brp, copy_dir, free_port};
use support::{clip_frames, find_any, zoom_for};

/// How long a deploy may take to show in the game before the test fails (the goal is 0.5 s).
const SWAP_TIMEOUT: Duration = Duration::from_secs(10);

#[test]
#[ignore = "needs a display and Vulkan: xvfb-run -a cargo test --workspace --test live_swap -- --ignored"]
fn an_agent_swaps_the_player_in_the_running_game_and_sees_it() {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("platformer");
    let assets = project.join("assets");
    copy_dir(&starter_assets(), &assets);
    // The player stands at the start playing its idle clip, facing into the level: one of those
    // frames is on every screenshot.
    let starter = clip_frames(&assets, "player", "idle", "east");

    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let agent = Agent::start(&server_binary(), root.path()).await;
        let mut game = Game::start(Path::new(env!("CARGO_BIN_EXE_platformer")), &assets);
        game.wait_until_ready().await;

        // The renderer compiles the sprite pipeline in the background after the window opens
        // (seconds, on a software renderer); until then frames show the sky and the text only.
        let (before, home) =
            screenshot_showing(&agent, game.port, &starter, "before", START_TIMEOUT)
                .await
                .expect("the starter player shows in the game before the deploy (see before.png)");
        let zoom = zoom_for(before.height());

        // A whole new character sheet, with the clips and facings the game plays.
        let generated = agent
            .ok(
                "generate_character",
                json!({"prompt": "red knight", "size": 16, "seed": 3, "directions": 4,
                       "animations": ["idle", "run", "jump"]}),
            )
            .await;
        game.drain_swaps();
        let deployed = agent
            .ok(
                "deploy_to_bevy",
                json!({"sprite": generated["id"], "name": "player", "project": project}),
            )
            .await;
        let revision = deployed["revision"].as_u64().unwrap();
        assert_eq!(revision, 2, "{deployed}");
        let knight = clip_frames(&assets, "player", "idle", "east");
        assert!(
            find_any(&before, &knight, zoom).is_none(),
            "the knight was not on screen before it was deployed"
        );
        let swap = game.wait_for_swap("player", revision, SWAP_TIMEOUT);
        eprintln!(
            "the knight showed on frame {} at {:.0} ms",
            swap.frame, swap.unix_ms
        );

        let (after, shown) = screenshot_showing(&agent, game.port, &knight, "after", SWAP_TIMEOUT)
            .await
            .expect("the knight shows in the game after the deploy (see after.png)");
        let moved = |a: u32, b: u32| a.abs_diff(b) / zoom;
        assert!(
            moved(shown.0, home.0) <= 2 && moved(shown.1, home.1) <= 2,
            "the knight stands where the player stood: {shown:?} against {home:?}"
        );
        assert!(
            find_any(&after, &starter, zoom).is_none(),
            "the starter player is gone after the deploy"
        );

        check_pixels_methods(game.port, revision).await;
        agent.stop().await;
    });
}

/// `pixels/list` and `pixels/reload`, over real HTTP, as an agent or a script would call them.
async fn check_pixels_methods(port: u16, revision: u64) {
    let listing = brp(port, "pixels/list", None).await.unwrap();
    let player = listing["sprites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|sprite| sprite["name"] == "player")
        .expect("pixels/list names the player");
    assert_eq!(player["revision"], revision, "{player}");
    assert_eq!(player["shown_revision"], revision, "{player}");
    assert_eq!(player["entities"], 1, "{player}");
    assert_eq!(listing["manifest"]["status"], "loaded", "{listing}");

    let reloaded = brp(port, "pixels/reload", Some(json!({"name": "player"})))
        .await
        .unwrap();
    assert_eq!(reloaded["reloaded"], json!(["player"]), "{reloaded}");
    let unknown = brp(port, "pixels/reload", Some(json!({"name": "dragon"})))
        .await
        .expect_err("reloading a sprite the manifest lacks fails");
    assert!(unknown.contains("dragon"), "{unknown}");
}

/// `bevy_screenshot` through the server, as the agent sees it: an inline picture and the full PNG,
/// copied to `<name>.png` in the test's folder under the target directory to look at when it fails.
async fn screenshot(agent: &Agent, port: u16, name: &str) -> RgbaImage {
    let shot = agent.ok("bevy_screenshot", json!({"port": port})).await;
    let path = Path::new(shot["path"].as_str().expect("the screenshot's path"));
    let image = image::open(path).unwrap().to_rgba8();
    assert_eq!(
        (image.width(), image.height()),
        (
            shot["width"].as_u64().unwrap() as u32,
            shot["height"].as_u64().unwrap() as u32
        ),
        "{shot}"
    );
    let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("live_swap/{name}.png"));
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    std::fs::copy(path, &kept).unwrap();
    eprintln!("screenshot {name}: {}", kept.display());
    image
}

/// Screenshots until one shows one of `frames`, for at most `timeout`: that screenshot and where
/// the frame is on it.
async fn screenshot_showing(
    agent: &Agent,
    port: u16,
    frames: &[RgbaImage],
    name: &str,
    timeout: Duration,
) -> Option<(RgbaImage, (u32, u32))> {
    let start = Instant::now();
    loop {
        let shot = screenshot(agent, port, name).await;
        if let Some(at) = find_any(&shot, frames, zoom_for(shot.height())) {
            eprintln!("{name}: found after {:?} at {at:?}", start.elapsed());
            return Some((shot, at));
        }
        if start.elapsed() > timeout {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Needs no window: nothing listens on the port.
#[test]
fn bevy_screenshot_says_plainly_when_no_game_runs() {
    let root = tempfile::tempdir().unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let agent = Agent::start(&server_binary(), root.path()).await;
        let closed = free_port();
        let text = error_text(&agent.call("bevy_screenshot", json!({"port": closed})).await);
        assert!(
            text.contains(&format!("no Bevy game answers on 127.0.0.1:{closed}")),
            "{text}"
        );
        assert!(text.contains("cargo run -p platformer"), "{text}");
        let text = error_text(&agent.call("bevy_screenshot", json!({"port": 0})).await);
        assert!(text.contains("port") && text.contains("65535"), "{text}");
        agent.stop().await;
    });
}

/// A real Bevy game with BRP and `bevy_brp_extras` that has no window (as a game is before its
/// window opens, or when it runs headless), and one with BRP alone: the agent is told which,
/// not handed a vague failure.
#[test]
fn bevy_screenshot_says_plainly_when_the_game_cannot_take_one() {
    let root = tempfile::tempdir().unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let agent = Agent::start(&server_binary(), root.path()).await;
        let windowless = WindowlessGame::start(true).await;
        let text = error_text(
            &agent
                .call("bevy_screenshot", json!({"port": windowless.port}))
                .await,
        );
        let expected = format!(
            "the game on port {} runs but has no window",
            windowless.port
        );
        assert!(text.contains(&expected), "{text}");
        drop(windowless);

        let bare = WindowlessGame::start(false).await;
        let text = error_text(
            &agent
                .call("bevy_screenshot", json!({"port": bare.port}))
                .await,
        );
        assert!(text.contains("no brp_extras/screenshot method"), "{text}");
        drop(bare);
        agent.stop().await;
    });
}

/// A Bevy app without a window serving BRP on a free port, updated on its own thread until
/// dropped; with or without `bevy_brp_extras`.
struct WindowlessGame {
    port: u16,
    running: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WindowlessGame {
    async fn start(extras: bool) -> Self {
        use bevy::app::App;
        use bevy::window::{ExitCondition, WindowPlugin};
        use std::sync::atomic::{AtomicBool, Ordering};

        let port = free_port();
        let running = std::sync::Arc::new(AtomicBool::new(true));
        let thread = std::thread::spawn({
            let running = running.clone();
            move || {
                let mut app = App::new();
                app.add_plugins((
                    bevy::MinimalPlugins,
                    bevy::input::InputPlugin,
                    WindowPlugin {
                        primary_window: None,
                        exit_condition: ExitCondition::DontExit,
                        ..Default::default()
                    },
                ));
                if extras {
                    app.add_plugins(bevy_brp_extras::BrpExtrasPlugin::with_port(port));
                } else {
                    app.add_plugins((
                        bevy_remote::RemotePlugin::default(),
                        bevy_remote::http::RemoteHttpPlugin::default().with_port(port),
                    ));
                }
                app.finish();
                app.cleanup();
                while running.load(Ordering::Relaxed) {
                    app.update();
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        });
        let start = std::time::Instant::now();
        while brp(port, "rpc.discover", None).await.is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the windowless game never answered"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            port,
            running,
            thread: Some(thread),
        }
    }
}

impl Drop for WindowlessGame {
    fn drop(&mut self) {
        self.running
            .store(false, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the windowless game's thread");
        }
    }
}

fn starter_assets() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets")
}

#[test]
fn the_swap_log_line_is_the_one_the_game_writes() {
    assert_eq!(support::game::SWAP_LOG, platformer::view::SWAP_LOG);
}
