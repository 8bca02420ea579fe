//! `pixelize_image` and `dgx-pixels pixelize`: any picture in, true pixel art out.

use std::path::{Path, PathBuf};

use image::{Rgba, RgbaImage, imageops};
use serde_json::json;

use crate::support::*;

/// A 24×24 sprite drawn 10 px per cell on a white background, as a diffusion model would paint it.
fn upscaled_sprite(dir: &Path) -> (PathBuf, RgbaImage) {
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

#[tokio::test]
async fn a_painted_sprite_comes_back_at_its_native_grid_with_a_transparent_background() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with_input_root(dir.path()).await;
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
    let grid = &structured["grid"];
    assert_eq!(grid["found"], "exact", "{grid}");
    assert_eq!(grid["confidence"], 1.0);
    assert_eq!(grid["unsure"], false);
    assert_eq!(grid["phase"], json!([0.0, 0.0]), "{grid}");
    assert!(structured.get("warning").is_none());

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
    assert!(
        stdout.contains("grid 10.00 px per cell, phase (0.0, 0.0) (read exactly, confidence 1.00)"),
        "{stdout}"
    );
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

/// A large picture of noise: no pixel grid in it, and too large to be pixel art at 1 px per cell.
fn gridless_picture(dir: &Path) -> PathBuf {
    let noise = RgbaImage::from_fn(300, 300, |x, y| {
        let hash = ((x * 0x9E37) ^ (y * 0x85EB)).wrapping_mul(0x2C1B_3C6D) >> 13;
        Rgba([(hash % 5 * 60) as u8, (hash / 5 % 3 * 100) as u8, 40, 255])
    });
    let path = dir.join("noise.png");
    noise.save(&path).unwrap();
    path
}

#[tokio::test]
async fn a_forced_cell_size_replaces_detection_and_an_unsure_grid_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with_input_root(dir.path()).await;
    let (path, _) = upscaled_sprite(&dir.path().join("inputs"));

    let forced = call(
        &client,
        "pixelize_image",
        json!({"path": path, "cell_size": 20}),
    )
    .await;
    assert_eq!(forced.is_error, Some(false), "{forced:?}");
    let structured = forced.structured_content.clone().unwrap();
    assert_eq!(structured["grid"]["found"], "given");
    assert_eq!(structured["cell_size"], 20.0);
    let coarse = sprite_image(&forced);
    assert!(
        coarse.width() <= 11,
        "half the native size: {:?}",
        coarse.dimensions()
    );

    let noise = gridless_picture(&dir.path().join("inputs"));
    let unsure = call(
        &client,
        "pixelize_image",
        json!({"path": noise, "transparent": false}),
    )
    .await;
    assert_eq!(unsure.is_error, Some(false), "{unsure:?}");
    let structured = unsure.structured_content.clone().unwrap();
    assert_eq!(structured["grid"]["unsure"], true, "{structured}");
    assert_eq!(structured["grid"]["found"], "none");
    let warning = structured["warning"].as_str().unwrap();
    assert!(warning.starts_with("pixel grid unsure"), "{warning}");
    assert!(warning.contains("give the cell size"), "{warning}");
    let said = unsure
        .content
        .iter()
        .filter_map(|c| c.as_text())
        .any(|t| t.text == warning);
    assert!(said, "the warning is also in the text the agent reads");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn non_square_cells_are_forced_with_a_width_and_a_height() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with_input_root(dir.path()).await;
    let (path, _) = upscaled_sprite(&dir.path().join("inputs"));

    let forced = call(
        &client,
        "pixelize_image",
        json!({"path": path, "cell_width": 10, "cell_height": 20}),
    )
    .await;
    assert_eq!(forced.is_error, Some(false), "{forced:?}");
    let structured = forced.structured_content.clone().unwrap();
    assert_eq!(structured["grid"]["found"], "given");
    assert_eq!(structured["grid"]["cell_size"], 10.0);
    assert_eq!(structured["grid"]["cell_size_y"], 20.0);
    let sprite = sprite_image(&forced);
    assert!(
        sprite.width() >= 17 && sprite.height() <= 11,
        "as wide as the disc, half as tall: {:?}",
        sprite.dimensions()
    );

    let cases = vec![
        (
            json!({"path": path, "cell_width": 10}),
            "cell_height is missing; give cell_width and cell_height together",
        ),
        (
            json!({"path": path, "cell_size": 10, "cell_height": 12}),
            "give either it or cell_width with cell_height, not both",
        ),
        (
            json!({"path": path, "cell_width": 10, "cell_height": 0}),
            "cell_height must be between 1 and 512 source pixels per sprite pixel, got 0",
        ),
    ];
    assert_tool_errors(&client, "pixelize_image", cases).await;
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn dithering_a_gradient_onto_a_small_palette_mixes_colours() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with_input_root(dir.path()).await;
    let gradient = RgbaImage::from_fn(32, 32, |x, _| {
        let v = 40 + (x * 5) as u8;
        Rgba([v, v, v, 255])
    });
    let path = dir.path().join("inputs/gradient.png");
    gradient.save(&path).unwrap();
    let mut mixed_columns = Vec::new();
    for dither in ["none", "bayer4"] {
        let args = json!({
            "path": path, "size": 32, "transparent": false,
            "palette": ["#202020", "#e0e0e0"], "dither": dither,
        });
        let sprite = sprite_image(&call(&client, "pixelize_image", args).await);
        let mixed = (0..32)
            .filter(|&x| {
                let light = (0..32)
                    .filter(|&y| sprite.get_pixel(x, y)[0] == 0xe0)
                    .count();
                light > 0 && light < 32
            })
            .count();
        mixed_columns.push(mixed);
    }
    assert_eq!(mixed_columns[0], 0, "no dithering: bands");
    assert!(mixed_columns[1] >= 16, "bayer4: {mixed_columns:?}");
    client.cancel().await.unwrap();
}

#[test]
fn the_cli_forces_a_cell_size_and_warns_when_unsure() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = upscaled_sprite(dir.path());
    let out = dir.path().join("sprite.png");
    let run = |extra: &[&str], input: &Path| {
        std::process::Command::new(BIN)
            .arg("pixelize")
            .arg(input)
            .arg("-o")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let forced = run(&["--cell", "20"], &path);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    let stdout = String::from_utf8_lossy(&forced.stdout);
    assert!(stdout.contains("grid 20.00 px per cell"), "{stdout}");
    assert!(stdout.contains("cell size given"), "{stdout}");

    let unsure = run(&["--no-transparent"], &gridless_picture(dir.path()));
    assert!(unsure.status.success());
    let stderr = String::from_utf8_lossy(&unsure.stderr);
    assert!(
        stderr.contains("warning: pixel grid unsure") && stderr.contains("--cell N"),
        "{stderr}"
    );

    let stretched = run(&["--cell", "10x20"], &path);
    assert!(
        stretched.status.success(),
        "{}",
        String::from_utf8_lossy(&stretched.stderr)
    );
    let stdout = String::from_utf8_lossy(&stretched.stdout);
    assert!(
        stdout.contains("grid 10.00 × 20.00 px per cell"),
        "{stdout}"
    );

    for (flag, value, expected) in [
        (
            "--cell",
            "0",
            "--cell: cell size 0 is out of range; give between 1 and 512",
        ),
        (
            "--cell",
            "10x600",
            "--cell: cell height 600 is out of range; give between 1 and 512",
        ),
        ("--cell", "ten", "expected N or WxH"),
        (
            "--dither",
            "floyd",
            "[possible values: none, bayer4, bayer8]",
        ),
    ] {
        let refused = run(&[flag, value], &path);
        assert!(!refused.status.success());
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(expected), "{flag} {value}: {stderr}");
    }
}
