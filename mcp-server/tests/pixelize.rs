//! `pixelize_image` and `dgx-pixels pixelize`: any picture in, true pixel art out.

mod common;

use common::*;
use image::{Rgba, RgbaImage, imageops};
use serde_json::json;

/// A 24×24 sprite drawn 10 px per cell on a white background, as a diffusion model would paint it.
fn upscaled_sprite(dir: &std::path::Path) -> (std::path::PathBuf, RgbaImage) {
    let mut sprite = RgbaImage::new(24, 24);
    for (x, y, p) in sprite.enumerate_pixels_mut() {
        let (dx, dy) = (x as i32 - 12, y as i32 - 12);
        if dx * dx + dy * dy < 100 {
            *p = if y < 12 {
                Rgba([200, 40, 40, 255])
            } else {
                Rgba([90, 20, 20, 255])
            };
        }
    }
    let big = imageops::resize(&sprite, 240, 240, imageops::FilterType::Nearest);
    let mut canvas = RgbaImage::from_pixel(400, 400, Rgba([255, 255, 255, 255]));
    imageops::overlay(&mut canvas, &big, 70, 90);
    let path = dir.join("painted.png");
    canvas.save(&path).unwrap();
    (path, sprite)
}

async fn client_with_root(dir: &std::path::Path) -> Client {
    let config = dir.join("pixels.toml");
    std::fs::write(
        &config,
        format!("input_roots = [{:?}]\n", dir.join("inputs")),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("inputs")).unwrap();
    stdio_client_with(&dir.join("store"), &["--config", config.to_str().unwrap()]).await
}

#[tokio::test]
async fn a_painted_sprite_comes_back_at_its_native_grid_with_a_transparent_background() {
    let dir = tempfile::tempdir().unwrap();
    let client = client_with_root(dir.path()).await;
    let (path, _) = upscaled_sprite(&dir.path().join("inputs"));
    let result = call(&client, "pixelize_image", json!({"path": path})).await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result.structured_content.clone().unwrap();
    let cell = structured["cell_size"].as_f64().unwrap();
    assert!((cell - 10.0).abs() < 0.5, "cell size {cell}");
    let sprite = sprite_image(&result);
    assert!(
        sprite.width() <= 20 && sprite.width() >= 17,
        "trimmed to the disc: {:?}",
        sprite.dimensions()
    );
    assert_eq!(sprite.get_pixel(0, 0)[3], 0, "background removed");
    assert_eq!(structured["colors"], 2);
    assert_eq!(structured["backend"], "pixelize");

    // And again from the store, locked to a palette, centred in 32×32.
    let id = structured["id"].as_str().unwrap();
    let again = call(
        &client,
        "pixelize_image",
        json!({"sprite": id, "palette": "gameboy", "size": 32}),
    )
    .await;
    let locked = sprite_image(&again);
    assert_eq!(locked.dimensions(), (32, 32));
    let gameboy = [
        [0x0f, 0x38, 0x0f],
        [0x30, 0x62, 0x30],
        [0x8b, 0xac, 0x0f],
        [0x9b, 0xbc, 0x0f],
    ];
    for p in locked.pixels().filter(|p| p[3] > 0) {
        assert!(
            gameboy.contains(&[p[0], p[1], p[2]]),
            "{p:?} is a gameboy colour"
        );
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn inputs_outside_the_roots_or_unreadable_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let client = client_with_root(dir.path()).await;
    std::fs::write(dir.path().join("inputs/notes.txt"), "not an image").unwrap();
    let outside = dir.path().join("pixels.toml");
    let cases = [
        (
            json!({"path": outside}),
            "path must be under one of the input roots",
        ),
        (
            json!({"path": "/etc/passwd"}),
            "path must be under one of the input roots",
        ),
        (
            json!({"path": dir.path().join("inputs/../pixels.toml")}),
            "path must be under one of the input roots",
        ),
        (
            json!({"path": dir.path().join("inputs/missing.png")}),
            "cannot be opened",
        ),
        (
            json!({"path": dir.path().join("inputs/notes.txt")}),
            "is not an image this server can read",
        ),
        (json!({}), "give exactly one of path"),
        (
            json!({"path": "a.png", "sprite": "b"}),
            "give exactly one of path",
        ),
        (json!({"sprite": "../../etc"}), "sprite id must be"),
        (json!({"sprite": "nope-123"}), "no sprite with id"),
        (json!({"path": 5}), "path has the wrong type"),
        (
            json!({"path": "x.png", "size": 4}),
            "size must be 8–256, got 4",
        ),
    ];
    for (args, expected) in cases {
        let text = error_text(&call(&client, "pixelize_image", args.clone()).await);
        assert!(text.contains(expected), "{args} → {text}");
    }
    client.cancel().await.unwrap();
}

#[test]
fn the_cli_prints_the_detected_cell_size_and_colour_count() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = upscaled_sprite(dir.path());
    let out = dir.path().join("out/sprite.png");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let output = std::process::Command::new(BIN)
        .arg("pixelize")
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .args(["--size", "24", "--colors", "4"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("cell size 10.00 px"), "{stdout}");
    assert!(stdout.contains("2 colours"), "{stdout}");
    assert_eq!(image::open(&out).unwrap().width(), 24);

    let refused = std::process::Command::new(BIN)
        .arg("pixelize")
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .args(["--size", "999"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--size must be 8–256, got 999"));
}
