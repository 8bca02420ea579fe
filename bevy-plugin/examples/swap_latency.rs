//! Measures deploy-to-swap latency: from the moment a deploy starts writing (PNG by atomic
//! rename, then the manifest) to the frame in which the plugin reports the swap.
//!
//! `cargo run -p bevy_dgx_pixels --example swap_latency -- [SWAPS]` (default 20).
//! The headless game runs frames back to back with a 1 ms pause; a windowed game adds up to one
//! frame (16.7 ms at 60 Hz) on top.

#[path = "../tests/plugin/support.rs"]
mod support;

use std::time::{Duration, Instant};

use bevy::app::App;
use bevy_dgx_pixels::PixelSprite;

use support::{Swaps, create_app, deploy, run_app_until, solid};

fn main() {
    let swaps: usize = std::env::args()
        .nth(1)
        .map_or(20, |arg| arg.parse().expect("SWAPS must be a whole number"));
    assert!(swaps > 0, "SWAPS must be at least 1");
    let assets = tempfile::tempdir().expect("create a temp assets folder");
    deploy(
        assets.path(),
        "player",
        &solid(32, 32, [0, 0, 0, 255]),
        None,
    );
    let mut app = create_app(assets.path());
    app.world_mut().spawn(PixelSprite::new("player"));
    run_app_until(&mut app, "the first sprite", |world| {
        world.resource::<Swaps>().contains("player", 1)
    });

    let mut latencies = Vec::with_capacity(swaps);
    for i in 0..swaps {
        // Let the watcher settle so each swap is measured on its own.
        idle(&mut app, Duration::from_millis(150));
        let shade = u8::try_from(i % 255).expect("below 255") + 1;
        let start = Instant::now();
        let revision = deploy(
            assets.path(),
            "player",
            &solid(32, 32, [shade, 0, 0, 255]),
            None,
        );
        run_app_until(&mut app, "the swap", |world| {
            world.resource::<Swaps>().contains("player", revision)
        });
        latencies.push(start.elapsed());
    }

    latencies.sort();
    let at = |quantile: f64| {
        let rank = (quantile * latencies.len() as f64).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1]
    };
    println!(
        "deploy-to-swap over {swaps} swaps: median {:.1} ms, p99 {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(at(0.5)),
        ms(at(0.99)),
        ms(latencies[0]),
        ms(latencies[latencies.len() - 1]),
    );
}

fn idle(app: &mut App, duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {
        app.update();
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
