//! In-game swap latency: from `deploy_to_bevy` returning to the frame in which the running
//! platformer shows the new image. The game logs that frame on `SpriteSwapped`
//! (`examples/platformer/src/view/swaps.rs`); this bench reads its log with the platformer's
//! own test support.
//!
//! ```sh
//! WGPU_BACKEND=vulkan xvfb-run -a -s "-screen 0 1280x720x24" \
//!     cargo bench -p dgx-pixels --bench game_swap -- [DEPLOYS]
//! ```
//!
//! The real game (`cargo build --release -p platformer`, the build `cargo run --release -p
//! platformer` uses) in a real window, and this package's real `dgx-pixels serve` over stdio as
//! an agent's MCP client sees it: DEPLOYS (default 30) deploys of two alternating sprites as
//! `player`, 250 ms apart.

#[path = "../../examples/platformer/tests/support/agent.rs"]
mod agent;
#[path = "../../examples/platformer/tests/support/game.rs"]
mod game;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use agent::Agent;
use game::{Game, copy_dir};
use serde_json::json;

fn main() {
    let deploys: usize = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .map_or(30, |arg| {
            arg.parse().expect("DEPLOYS must be a whole number")
        });
    assert!(deploys > 0, "DEPLOYS must be at least 1");
    let root = tempfile::tempdir().expect("a temp folder");
    let project = root.path().join("platformer");
    let assets = project.join("assets");
    copy_dir(&repository().join("examples/platformer/assets"), &assets);

    let mut game = Game::start(&platformer_binary(), &assets);
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let latencies = runtime.block_on(async {
        game.wait_until_ready().await;
        let agent = Agent::start(Path::new(env!("CARGO_BIN_EXE_dgx-pixels")), root.path()).await;
        let mut ids = Vec::new();
        for (prompt, seed) in [("red knight", 3), ("green hero", 4)] {
            let sprite = agent
                .ok(
                    "generate_sprite",
                    json!({"prompt": prompt, "size": 16, "seed": seed}),
                )
                .await;
            ids.push(sprite["id"].as_str().expect("an id").to_owned());
        }
        let mut latencies = Vec::with_capacity(deploys);
        for i in 0..deploys {
            tokio::time::sleep(Duration::from_millis(250)).await;
            game.drain_swaps();
            let deployed = agent
                .ok(
                    "deploy_to_bevy",
                    json!({"sprite": ids[i % ids.len()], "name": "player", "project": project}),
                )
                .await;
            let returned = unix_ms();
            let revision = deployed["revision"].as_u64().expect("a revision");
            let shown = game.wait_for_swap("player", revision, Duration::from_secs(10));
            latencies.push(shown.unix_ms - returned);
        }
        agent.stop().await;
        latencies
    });

    let mut sorted = latencies;
    sorted.sort_by(f64::total_cmp);
    let at = |quantile: f64| {
        let rank = (quantile * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    };
    println!(
        "deploy_to_bevy returned -> first frame showing it, {deploys} deploys: \
         p50 {:.1} ms, p99 {:.1} ms, min {:.1} ms, max {:.1} ms",
        at(0.5),
        at(0.99),
        sorted[0],
        sorted[sorted.len() - 1],
    );
}

/// `cargo build --release -p platformer`, exactly what `cargo run --release -p platformer`
/// builds, so the bench measures the game players run and reuses its build.
fn platformer_binary() -> PathBuf {
    eprintln!("building the platformer: cargo build --release -p platformer (long the first time)");
    agent::cargo_build(
        &["--release", "-p", "platformer", "--bin", "platformer"],
        "platformer",
    )
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the package lies in the repository")
        .to_path_buf()
}

fn unix_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is past 1970")
        .as_secs_f64()
        * 1000.0
}
