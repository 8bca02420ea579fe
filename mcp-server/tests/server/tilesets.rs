//! `generate_tileset` through the real binary: complete sets, masks as the layout defines them,
//! seams that do not show, over stdio and HTTP, and a deploy that records the tiles.

use dgx_pixels_procedural::{Layout, Side, seam_score};
use serde_json::json;

use crate::support::*;

fn tile(sheet: &image::RgbaImage, index: u32, columns: u32, size: u32) -> image::RgbaImage {
    let (x, y) = (index % columns * size, index / columns * size);
    image::imageops::crop_imm(sheet, x, y, size, size).to_image()
}

#[tokio::test]
async fn every_layout_is_complete_and_its_masks_are_the_layout_s() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    for (layout, expected_tiles, library) in [
        ("wang2corner", 16, Layout::Wang2Corner),
        ("blob47", 48, Layout::Blob47),
        (
            "platformer",
            Layout::Platformer.tiles().len(),
            Layout::Platformer,
        ),
        ("seamless", 1, Layout::Seamless { variants: 1 }),
    ] {
        let result = call(
            &client,
            "generate_tileset",
            json!({"prompt": "grass over dirt", "layout": layout, "tile_size": 16, "seed": 3}),
        )
        .await;
        assert_eq!(result.is_error, Some(false), "{layout}: {result:?}");
        let structured = result.structured_content.clone().unwrap();
        let tiles = structured["tileset"]["tiles"].as_array().unwrap();
        assert_eq!(tiles.len(), expected_tiles, "{layout}");
        assert_eq!(structured["tileset"]["layout"], layout);
        for (ours, defined) in tiles.iter().zip(library.tiles()) {
            assert_eq!(ours["name"], json!(defined.name), "{layout}");
            let mask = match defined.mask {
                dgx_pixels_procedural::Mask::None => 0,
                dgx_pixels_procedural::Mask::Corners(b)
                | dgx_pixels_procedural::Mask::Neighbours(b) => b,
            };
            assert_eq!(ours["mask"], json!(mask), "{layout} {}", defined.name);
        }
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn tiles_the_layout_lets_touch_join_without_a_seam() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    for (layout, library) in [
        ("wang2corner", Layout::Wang2Corner),
        ("blob47", Layout::Blob47),
    ] {
        let result = call(
            &client,
            "generate_tileset",
            json!({"prompt": "stone path on sand", "layout": layout, "tile_size": 16, "seed": 8}),
        )
        .await;
        let sheet = sprite_image(&result);
        let structured = result.structured_content.unwrap();
        let columns = structured["frames"]["columns"].as_u64().unwrap() as u32;
        let index_of: Vec<u32> = structured["tileset"]["tiles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["index"].as_u64().unwrap() as u32)
            .collect();
        let mut worst: f32 = 0.0;
        for pair in library.pairs() {
            let a = tile(&sheet, index_of[pair.first], columns, 16);
            let b = tile(&sheet, index_of[pair.second], columns, 16);
            let score = seam_score(&a, &b, pair.side);
            worst = worst.max(score.ratio());
            assert!(score.is_continuous(), "{layout} {pair:?}: {score:?}");
        }
        eprintln!("{layout}: worst seam ratio {worst:.2}");
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
