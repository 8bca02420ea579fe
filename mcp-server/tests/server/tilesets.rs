//! `generate_tileset` through the real binary: complete sets, masks as the layout defines them,
//! seams that do not show, over stdio and HTTP, on the embedded backend and on ComfyUI (the
//! recorded-behaviour test server, whose every picture is the same recorded 64×64 PNG), and a
//! deploy that records the tiles.

use std::time::Duration;

use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
use dgx_pixels_procedural::{Layout, Mask, Side, seam_score};
use rmcp::model::CallToolResult;
use serde_json::{Value, json};

use crate::support::*;

fn tile(sheet: &image::RgbaImage, index: u32, columns: u32, size: u32) -> image::RgbaImage {
    let (x, y) = (index % columns * size, index / columns * size);
    image::imageops::crop_imm(sheet, x, y, size, size).to_image()
}

/// Asserts that the result's set is complete and that its tiles' names and masks are the ones
/// `library` defines for `layout`.
fn assert_masks_are_the_layout_s(result: &CallToolResult, layout: &str, library: Layout) {
    assert_eq!(result.is_error, Some(false), "{layout}: {result:?}");
    let structured = result.structured_content.as_ref().unwrap();
    let tiles = structured["tileset"]["tiles"].as_array().unwrap();
    assert_eq!(tiles.len(), library.tiles().len(), "{layout}");
    assert_eq!(structured["tileset"]["layout"], layout);
    for (ours, defined) in tiles.iter().zip(library.tiles()) {
        assert_eq!(ours["name"], json!(defined.name), "{layout}");
        let mask = match defined.mask {
            Mask::None => 0,
            Mask::Corners(b) | Mask::Neighbours(b) => b,
        };
        assert_eq!(ours["mask"], json!(mask), "{layout} {}", defined.name);
    }
}

/// The seam measure over the stored sheet: asserts that every pair of tiles `library` lets touch
/// is continuous, and returns the worst ratio of a seam to its threshold (`across / (within +
/// spread)`, at most 1 for a pass).
fn worst_seam(result: &CallToolResult, library: Layout, tile_size: u32, what: &str) -> f32 {
    let sheet = sprite_image(result);
    let structured = result.structured_content.as_ref().unwrap();
    let columns = structured["frames"]["columns"].as_u64().unwrap() as u32;
    let index_of: Vec<u32> = structured["tileset"]["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["index"].as_u64().unwrap() as u32)
        .collect();
    let mut worst: f32 = 0.0;
    for pair in library.pairs() {
        let a = tile(&sheet, index_of[pair.first], columns, tile_size);
        let b = tile(&sheet, index_of[pair.second], columns, tile_size);
        let score = seam_score(&a, &b, pair.side);
        assert!(score.is_continuous(), "{what} {pair:?}: {score:?}");
        if score.across > 0.0 {
            worst = worst.max(score.across / (score.within + score.spread));
        }
    }
    eprintln!(
        "{what}: {} pairs, worst seam {worst:.2} of the threshold",
        library.pairs().len()
    );
    worst
}

/// The layouts with the prompt each test asks for: a pair of terrains, or one for seamless.
const LAYOUTS: [(&str, Layout, &str); 4] = [
    ("wang2corner", Layout::Wang2Corner, "grass over dirt"),
    ("blob47", Layout::Blob47, "grass over dirt"),
    ("platformer", Layout::Platformer, "grass over dirt"),
    ("seamless", Layout::Seamless { variants: 1 }, "water"),
];

#[tokio::test]
async fn every_layout_is_complete_and_its_masks_are_the_layout_s() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    for (layout, library, _) in LAYOUTS {
        let result = call(
            &client,
            "generate_tileset",
            json!({"prompt": "grass over dirt", "layout": layout, "tile_size": 16, "seed": 3}),
        )
        .await;
        assert_masks_are_the_layout_s(&result, layout, library);
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn tiles_the_layout_lets_touch_join_without_a_seam() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    for (layout, library, prompt) in LAYOUTS {
        let prompt = match library {
            Layout::Seamless { .. } => prompt,
            _ => "stone path on sand",
        };
        let result = call(
            &client,
            "generate_tileset",
            json!({"prompt": prompt, "layout": layout, "tile_size": 16, "seed": 8}),
        )
        .await;
        worst_seam(&result, library, 16, &format!("embedded {layout}"));
    }
    // A seamless tile continues into itself in both directions.
    let result = call(
        &client,
        "generate_tileset",
        json!({"prompt": "water", "layout": "seamless", "seed": 1}),
    )
    .await;
    let water = sprite_image(&result);
    assert!(seam_score(&water, &water, Side::East).is_continuous());
    assert!(seam_score(&water, &water, Side::South).is_continuous());
    client.cancel().await.unwrap();
}

/// The ComfyUI stand-in with the checkpoint the `tileset` workflow names, each sampler step
/// taking `step_delay`.
async fn comfy_with_steps_of(step_delay: Duration) -> TestServer {
    TestServer::start_with(Behaviour {
        checkpoints: vec!["sd_xl_base_1.0.safetensors".into()],
        step_delay,
        ..Behaviour::default()
    })
    .await
}

/// The graph ComfyUI ran for `prompt_id`, from its history.
async fn graph_of(comfy: &TestServer, prompt_id: &str) -> Value {
    let history: Value = reqwest::get(format!("{}/history/{prompt_id}", comfy.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    history[prompt_id]["prompt"][2].clone()
}

#[tokio::test]
async fn comfyui_sets_are_composed_from_a_texture_per_terrain_and_join_without_a_seam() {
    let comfy = comfy_with_steps_of(Duration::from_millis(40)).await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;
    for (layout, library, prompt) in LAYOUTS {
        let runs = comfy.executions().len();
        let result = call(
            &client,
            "generate_tileset",
            json!({"prompt": prompt, "layout": layout, "tile_size": 16, "seed": 5,
                   "backend": "comfyui", "steps": 4}),
        )
        .await;
        assert_masks_are_the_layout_s(&result, layout, library);
        let structured = result.structured_content.clone().unwrap();
        assert_eq!(structured["backend"], "comfyui", "{layout}");
        worst_seam(&result, library, 16, &format!("comfyui {layout}"));

        // One `tileset` job per terrain, queued together, each from its own seed.
        let jobs = comfy.executions()[runs..].to_vec();
        let terrains: &[&str] = if prompt == "water" {
            &["water"]
        } else {
            &["grass", "dirt"]
        };
        assert_eq!(jobs.len(), terrains.len(), "{layout}");
        for (i, (job, terrain)) in jobs.iter().zip(terrains).enumerate() {
            let graph = graph_of(&comfy, &job.prompt_id).await;
            assert_eq!(
                graph["9"]["inputs"]["filename_prefix"],
                "dgx-pixels/tileset"
            );
            let text = graph["6"]["inputs"]["text"].as_str().unwrap();
            assert!(
                text.starts_with(&format!("{terrain} terrain,"))
                    && text.contains("seamless tileable texture"),
                "{layout}: {text}"
            );
            assert_eq!(graph["3"]["inputs"]["seed"], json!(5 + i), "{layout}");
        }
        if let [first, second] = jobs.as_slice() {
            assert!(
                second.queued_at < first.finished_at,
                "{layout}: the second texture was queued before the first was done"
            );
        }
    }
    client.cancel().await.unwrap();
}

/// The stored sheets in `dir`.
fn pngs(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count()
}

#[tokio::test]
async fn a_comfyui_set_over_http_reports_each_texture_and_a_cancelled_one_stores_nothing() {
    let comfy = comfy_with_steps_of(Duration::from_millis(100)).await;
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::start(dir.path(), &["--comfyui", &comfy.url]).await;
    let client = http_client(&server.base, None).await;

    let handle = start_call(
        &client,
        "generate_tileset",
        json!({"prompt": "grass over dirt", "layout": "blob47", "tile_size": 16, "seed": 2,
               "backend": "comfyui", "steps": 3}),
    )
    .await;
    let token = handle.progress_token.clone();
    let rmcp::model::ServerResult::CallToolResult(result) = handle.await_response().await.unwrap()
    else {
        panic!("a tool result");
    };
    assert_masks_are_the_layout_s(&result, "blob47", Layout::Blob47);
    worst_seam(&result, Layout::Blob47, 16, "comfyui blob47 over HTTP");
    let messages: Vec<String> = client
        .service()
        .progress
        .lock()
        .unwrap()
        .iter()
        .filter(|p| p.progress_token == token)
        .filter_map(|p| p.message.clone())
        .collect();
    for texture in ["grass texture", "dirt texture"] {
        for stage in ["sampling step 3/3", "stored"] {
            assert!(
                messages
                    .iter()
                    .any(|m| m.contains(stage) && m.ends_with(texture)),
                "{stage} of the {texture}: {messages:?}"
            );
        }
    }
    let stored = pngs(dir.path());
    assert_eq!(stored, 1, "one sheet, no loose textures");

    let runs = comfy.executions().len();
    let handle = start_call(
        &client,
        "generate_tileset",
        json!({"prompt": "grass over dirt", "layout": "wang2corner", "backend": "comfyui",
               "steps": 40}),
    )
    .await;
    let token = handle.progress_token.clone();
    let sampling = async {
        loop {
            let sampling = client.service().progress.lock().unwrap().iter().any(|p| {
                p.progress_token == token
                    && p.message.as_deref().is_some_and(|m| m.contains("sampling"))
            });
            if sampling {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), sampling)
        .await
        .expect("sampling progress within 20 s");
    handle.cancel(Some("test".into())).await.unwrap();
    // The job sampling is interrupted; the one queued behind it leaves the queue unrun.
    let interrupted = async {
        loop {
            if let Some(job) = comfy.executions().get(runs) {
                return job.clone();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let job = tokio::time::timeout(Duration::from_secs(5), interrupted)
        .await
        .expect("the sampling job ends within 5 s of cancelling");
    assert_eq!(job.success_sent_at, None, "the job was interrupted");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        comfy.executions()[runs..]
            .iter()
            .all(|job| job.success_sent_at.is_none()),
        "no texture of the cancelled set was drawn to the end"
    );
    assert_eq!(pngs(dir.path()), stored, "a cancelled set stores nothing");

    let text = error_text(
        &call(
            &client,
            "generate_tileset",
            json!({"prompt": "grass", "layout": "blob47", "tile_size": 65, "backend": "comfyui"}),
        )
        .await,
    );
    assert!(text.contains("tile_size must be 8–64, got 65"), "{text}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_platformer_set_over_http_deploys_with_its_masks_and_bad_arguments_name_the_field() {
    let game = GameProject::new();
    let (_server, client) = game.server().await;
    let result = call(
        &client,
        "generate_tileset",
        json!({"prompt": "snowy stone", "layout": "platformer", "tile_size": 16, "palette": "endesga-32"}),
    )
    .await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let id = result.structured_content.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deployed = call(
        &client,
        "deploy_to_bevy",
        json!({"sprite": id, "name": "ground", "category": "tiles"}),
    )
    .await;
    assert_eq!(deployed.is_error, Some(false), "{deployed:?}");
    let entry = game.manifest().get("ground").unwrap().clone();
    let tileset = entry.layout.tileset.unwrap();
    assert_eq!(
        (tileset.layout.as_str(), tileset.tile_size),
        ("platformer", 16)
    );
    assert!(
        tileset
            .tiles
            .iter()
            .any(|t| t.name.as_deref() == Some("top_left"))
    );

    for (arguments, expected) in [
        (
            json!({"prompt": "grass", "layout": "hexagons"}),
            "layout has the wrong type",
        ),
        (
            json!({"prompt": "grass", "layout": "blob47", "tile_size": 4}),
            "tile_size must be 8–64, got 4",
        ),
        (
            json!({"prompt": "grass", "layout": "blob47", "variants": 3}),
            "variants only applies to layout \"seamless\"",
        ),
        (json!({"prompt": "grass"}), "missing field `layout`"),
    ] {
        let text = error_text(&call(&client, "generate_tileset", arguments.clone()).await);
        assert!(text.contains(expected), "{arguments} → {text}");
    }
}
