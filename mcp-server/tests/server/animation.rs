//! `generate_animation` and `generate_character` through the real binary: one sheet, one palette,
//! frames that move, rows that face their way, errors that name the field, and a deploy that
//! records the clips.

use std::collections::BTreeSet;

use image::RgbaImage;
use serde_json::json;

use crate::support::*;

/// The frame at `column`, `row` of a sheet whose frames are `w`×`h`.
fn frame(sheet: &RgbaImage, column: u32, row: u32, w: u32, h: u32) -> RgbaImage {
    image::imageops::crop_imm(sheet, column * w, row * h, w, h).to_image()
}

fn colours(image: &RgbaImage) -> BTreeSet<[u8; 4]> {
    image.pixels().filter(|p| p[3] > 0).map(|p| p.0).collect()
}

/// The box around the opaque pixels: (left, top, right, bottom).
fn bounds(image: &RgbaImage) -> (u32, u32, u32, u32) {
    let opaque: Vec<(u32, u32)> = image
        .enumerate_pixels()
        .filter(|(_, _, p)| p[3] > 0)
        .map(|(x, y, _)| (x, y))
        .collect();
    let xs = opaque.iter().map(|p| p.0);
    let ys = opaque.iter().map(|p| p.1);
    (
        xs.clone().min().unwrap(),
        ys.clone().min().unwrap(),
        xs.max().unwrap(),
        ys.max().unwrap(),
    )
}

#[tokio::test]
async fn a_walk_is_one_sheet_with_one_palette_moving_frames_and_a_steady_figure() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let handle = start_call(
        &client,
        "generate_animation",
        json!({"prompt": "knight", "action": "walk", "size": 32, "palette": "pico-8", "seed": 5}),
    )
    .await;
    let rmcp::model::ServerResult::CallToolResult(result) = handle.await_response().await.unwrap()
    else {
        panic!("a tool result");
    };
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result.structured_content.clone().unwrap();
    assert_eq!(
        structured["frames"],
        json!({"columns": 8, "rows": 1, "count": 8})
    );
    assert_eq!(
        structured["animations"]["walk"],
        json!({"start": 0, "frames": 8, "fps": 10, "looping": true})
    );
    assert_eq!(structured["directions"], json!(["south"]));
    let sheet = sprite_image(&result);
    assert_eq!(sheet.dimensions(), (256, 32));

    let frames: Vec<RgbaImage> = (0..8).map(|i| frame(&sheet, i, 0, 32, 32)).collect();
    let pico: BTreeSet<[u8; 3]> = dgx_pixels_pixel::Palette::by_name("pico-8")
        .unwrap()
        .colors()
        .iter()
        .map(|c| c.0)
        .collect();
    let all: BTreeSet<[u8; 3]> = frames
        .iter()
        .flat_map(colours)
        .map(|[r, g, b, _]| [r, g, b])
        .collect();
    assert!(all.is_subset(&pico), "{all:?}");
    let first = bounds(&frames[0]);
    for pair in frames.windows(2) {
        assert_ne!(pair[0], pair[1], "consecutive frames differ");
    }
    for (i, f) in frames.iter().enumerate() {
        let b = bounds(f);
        assert_eq!(b.3, first.3, "frame {i}: the feet stay on one line");
        assert!(
            b.0.abs_diff(first.0) <= 3 && b.2.abs_diff(first.2) <= 3,
            "frame {i}: {b:?} vs {first:?}"
        );
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_character_has_a_row_per_direction_and_a_run_per_action_and_deploys_with_its_clips() {
    let game = GameProject::new();
    let (_server, client) = game.server().await;
    let started = std::time::Instant::now();
    let result = call(
        &client,
        "generate_character",
        json!({"prompt": "knight", "directions": 8, "animations": ["walk", "idle"], "size": 32, "palette": "pico-8", "seed": 9}),
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result.structured_content.clone().unwrap();
    assert_eq!(
        structured["frames"],
        json!({"columns": 12, "rows": 8, "count": 96})
    );
    assert_eq!(structured["animations"]["walk"]["start"], 0);
    assert_eq!(structured["animations"]["idle"]["start"], 8);
    assert_eq!(
        structured["directions"],
        json!([
            "south",
            "east",
            "north",
            "west",
            "south_east",
            "north_east",
            "north_west",
            "south_west"
        ])
    );
    // The goal: a knight, walk and idle, 8 directions, 32 px, pico-8, under a second.
    assert!(elapsed.as_secs_f64() < 1.0, "{elapsed:?}");
    let sheet = sprite_image(&result);
    let idle: Vec<RgbaImage> = (0..8).map(|row| frame(&sheet, 8, row, 32, 32)).collect();
    assert_ne!(idle[0], idle[2], "south is not north");
    assert_ne!(idle[0], idle[1], "south is not east");
    assert_ne!(idle[1], idle[4], "east is not south-east");
    // One palette for the whole sheet.
    assert!(colours(&sheet).len() <= 16);

    let id = structured["id"].as_str().unwrap();
    let deployed = call(
        &client,
        "deploy_to_bevy",
        json!({"sprite": id, "name": "player"}),
    )
    .await;
    assert_eq!(deployed.is_error, Some(false), "{deployed:?}");
    let entry = game.manifest().get("player").unwrap().clone();
    assert_eq!(entry.layout.directions.len(), 8);
    assert_eq!(entry.layout.animations["idle"].frames, 4);
    let frames = entry.frames.unwrap();
    assert_eq!(frames.columns, 12);
    assert_eq!(
        frames.fps, entry.layout.animations["idle"].fps,
        "a whole-sheet player runs at the clips' own speed, not a default"
    );
}

#[tokio::test]
async fn animation_arguments_are_checked_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    assert_tool_errors(
        &client,
        "generate_animation",
        [
            (
                json!({"prompt": "knight", "action": "dance"}),
                "action must be one of idle, walk, run, jump, attack, hurt, death on the embedded backend",
            ),
            (json!({"prompt": "knight", "action": "walk", "frames": 40}), "frames must be 2–16, got 40"),
            (json!({"prompt": "knight", "action": "walk", "fps": 0}), "fps must be 1–60, got 0"),
            (json!({"prompt": "knight", "action": "walk", "direction": "up"}), "direction has the wrong type"),
            (json!({"prompt": "grass", "action": "walk"}), "tiles do not animate"),
            (json!({"action": "walk"}), "missing field `prompt`"),
        ],
    )
    .await;
    assert_tool_errors(
        &client,
        "generate_character",
        [
            (
                json!({"prompt": "knight", "directions": 6}),
                "directions must be 4 or 8, got 6",
            ),
            (
                json!({"prompt": "knight", "animations": ["walk", "walk"]}),
                "animations[1] repeats \"walk\"",
            ),
            (
                json!({"prompt": "knight", "animations": ["walk", "fly!"]}),
                "animations[1] must be one of",
            ),
        ],
    )
    .await;
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn progress_arrives_for_every_frame() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let handle = start_call(
        &client,
        "generate_animation",
        json!({"prompt": "gold coin", "action": "idle", "frames": 6, "size": 16}),
    )
    .await;
    let _ = handle.await_response().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let progress = client.service().progress.lock().unwrap().clone();
    for k in 1..=6 {
        let label = format!("idle south frame {k}/6");
        assert!(
            progress
                .iter()
                .any(|p| p.message.as_deref().is_some_and(|m| m.contains(&label))),
            "{label}: {:?}",
            progress
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
        );
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn on_comfyui_any_action_word_animates_with_one_seed() {
    let comfy = dgx_pixels_comfyui::test_server::TestServer::start_with(
        dgx_pixels_comfyui::test_server::Behaviour {
            checkpoints: vec!["sd_xl_base_1.0.safetensors".into()],
            ..Default::default()
        },
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;
    let result = call(
        &client,
        "generate_animation",
        json!({"prompt": "knight", "action": "dance", "frames": 3, "size": 32, "steps": 2, "seed": 4}),
    )
    .await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result.structured_content.unwrap();
    assert_eq!(structured["backend"], "comfyui");
    assert_eq!(structured["frames"]["count"], 3);
    assert_eq!(structured["animations"]["dance"]["looping"], true);
    assert_eq!(comfy.executions().len(), 3, "one job per frame");
    client.cancel().await.unwrap();
}
