//! A 64×64 sprite deployed into a Bevy project: atomic PNG write, history copy, locked manifest
//! update, once with `deploy.durable = true` (synced) and once with `false` (renamed only).
//!
//! Run: `cargo bench -p dgx-pixels --bench deploy`. Goal p50 ≤ 5 ms, p99 ≤ 15 ms.

use std::time::{Duration, Instant};

use dgx_pixels::deploy::{DeployPolicy, DeployRequest, deploy};
use dgx_pixels::store::encode_png;
use dgx_pixels_manifest::{Durability, Source};

const RUNS: usize = 5;
const DEPLOYS: usize = 100;

fn main() {
    // Two different sprites, alternated, so every deploy really writes.
    let pngs: Vec<Vec<u8>> = (0..2u8)
        .map(|i| {
            encode_png(&image::RgbaImage::from_fn(64, 64, |x, y| {
                image::Rgba([x as u8 * 4, y as u8 * 4, i * 200, 255])
            }))
        })
        .collect();
    for (label, durability) in [
        ("durable", Durability::Synced),
        ("not durable", Durability::Renamed),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("assets")).unwrap();
        let policy = DeployPolicy {
            durability,
            ..DeployPolicy::new(vec![dir.path().to_path_buf()])
        };
        let mut medians = Vec::new();
        let mut all = Vec::new();
        for _ in 0..RUNS {
            let mut run: Vec<Duration> = (0..DEPLOYS)
                .map(|i| {
                    let request = DeployRequest {
                        project: dir.path(),
                        name: "player",
                        category: "sprites",
                        png: &pngs[i % 2],
                        frames: None,
                        layout: Default::default(),
                        source: Source {
                            prompt: "bench".into(),
                            backend: "embedded".into(),
                            ..Source::default()
                        },
                    };
                    let start = Instant::now();
                    let deployed = deploy(&request, &policy).unwrap();
                    let elapsed = start.elapsed();
                    assert!(!deployed.unchanged);
                    elapsed
                })
                .collect();
            run.sort();
            medians.push(run[run.len() / 2]);
            all.extend(run);
        }
        all.sort();
        medians.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "deploy 64×64, {label:<11}: p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms (n={}, per-run p50 {:.3}–{:.3} ms; goal p50 ≤ 5 ms, p99 ≤ 15 ms)",
            ms(all[all.len() / 2]),
            ms(all[all.len() * 9 / 10]),
            ms(all[all.len() * 99 / 100]),
            all.len(),
            ms(medians[0]),
            ms(medians[RUNS - 1]),
        );
    }
}
