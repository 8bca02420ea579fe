//! `compare_sprites` and `dgx-pixels compare`: every variant stored, one labelled contact sheet
//! laid out on an integer grid, progress per variant, argument errors inside a variant, and a
//! ComfyUI queue kept fed across variants with different models.

use std::time::Duration;

use base64::Engine as _;
use dgx_pixels::generation::compare::sheet::{Cell, Grid, LABEL, PICTURE_BACKGROUND};
use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
use image::RgbaImage;
use serde_json::{Value, json};

use crate::support::*;

fn open(path: &Value) -> RgbaImage {
    image::open(path.as_str().expect("a path"))
        .unwrap()
        .to_rgba8()
}

/// Every opaque pixel of `sprite` is a `scale`×`scale` square at (x, y) on the sheet, and the
/// first glyph of its label (its number) is font8x8's, at the label's place.
fn assert_cell(sheet: &RgbaImage, grid: &Grid, index: usize, sprite: &RgbaImage) {
    let (x, y) = grid.picture_origin(index, sprite.width(), sprite.height());
    for (sx, sy, pixel) in sprite.enumerate_pixels() {
        for (dx, dy) in [(0, 0), (grid.scale - 1, grid.scale - 1)] {
            let drawn = *sheet.get_pixel(x + sx * grid.scale + dx, y + sy * grid.scale + dy);
            match pixel[3] {
                255 => assert_eq!(drawn, *pixel, "cell {index}, sprite pixel ({sx}, {sy})"),
                0 => assert_eq!(drawn, PICTURE_BACKGROUND, "cell {index}, ({sx}, {sy})"),
                _ => {}
            }
        }
    }
    let (lx, ly) = grid.label_origin(index);
    let digit = b'1' + index as u8;
    let glyph = font8x8::legacy::BASIC_LEGACY[digit as usize];
    for (dy, bits) in glyph.iter().enumerate() {
        for dx in 0..8 {
            let lit = *sheet.get_pixel(lx + dx, ly + dy as u32) == LABEL;
            assert_eq!(lit, bits >> dx & 1 == 1, "label {index} glyph ({dx}, {dy})");
        }
    }
}

#[tokio::test]
async fn four_palettes_become_four_sprites_and_one_labelled_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let palettes = ["pico-8", "gameboy", "nes", "1-bit"];
    let variants: Vec<Value> = palettes.iter().map(|p| json!({"palette": p})).collect();
    let handle = start_call(
        &client,
        "compare_sprites",
        json!({"prompt": "knight", "size": 16, "seed": 3, "variants": variants}),
    )
    .await;
    let response = handle.await_response().await.unwrap();
    let rmcp::model::ServerResult::CallToolResult(result) = response else {
        panic!("a tool result, got {response:?}");
    };
    let structured = result.structured_content.clone().unwrap();
    assert_eq!(structured["succeeded"], 4, "{structured}");
    let items = structured["variants"].as_array().unwrap();
    let mut sprites = Vec::new();
    for (i, (item, palette)) in items.iter().zip(palettes).enumerate() {
        assert_eq!(item["palette"], palette);
        assert_eq!(item["seed"], 3, "every variant shares the call's seed");
        assert_eq!(item["label"], format!("{} {palette}", i + 1));
        assert_eq!(structured["ids"][i], item["id"]);
        let sprite = open(&item["path"]);
        assert_eq!(sprite.dimensions(), (16, 16));
        sprites.push(sprite);
    }
    assert_ne!(sprites[0], sprites[1], "the palettes differ on the sprites");

    // The sheet: one row of four, pixel-perfect, each cell labelled with its number.
    let sheet = open(&structured["sheet"]["path"]);
    let cells: Vec<Cell<'_>> = items
        .iter()
        .zip(&sprites)
        .map(|(item, sprite)| Cell {
            label: item["label"].as_str().unwrap().to_owned(),
            picture: Some(sprite),
        })
        .collect();
    let grid = Grid::for_sheet(&cells, 4);
    assert_eq!((grid.columns, grid.rows, grid.scale), (4, 1, 8));
    assert_eq!(sheet.dimensions(), grid.size());
    for (index, sprite) in sprites.iter().enumerate() {
        assert_cell(&sheet, &grid, index, sprite);
    }

    // The preview is the sheet drawn to fit the preview cap, still on an integer grid.
    let preview = result
        .content
        .iter()
        .find_map(|c| c.as_image())
        .expect("an image block");
    let png = base64::engine::general_purpose::STANDARD
        .decode(&preview.data)
        .unwrap();
    assert!(png.len() <= 64 * 1024, "{} bytes", png.len());
    let preview = image::load_from_memory(&png).unwrap().to_rgba8();
    assert!(preview.width() <= 256 && preview.height() <= 256);
    let fitted = Grid::fitting(&cells, 4, 256);
    assert_eq!(preview.dimensions(), fitted.size());
    assert_cell(&preview, &fitted, 0, &sprites[0]);

    // Every variant and the sheet are resources; progress ran per variant, to the end.
    let links = result
        .content
        .iter()
        .filter(|c| c.as_resource_link().is_some())
        .count();
    assert_eq!(links, 5);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let progress = client.service().progress.lock().unwrap().clone();
    assert_eq!(progress.len(), 16, "4 stages × 4 variants");
    let values: Vec<f64> = progress.iter().map(|p| p.progress).collect();
    assert!(values.windows(2).all(|w| w[0] < w[1]), "{values:?}");
    assert_eq!(progress.last().unwrap().total, Some(16.0));
    assert!(
        progress.iter().any(|p| p
            .message
            .as_deref()
            .is_some_and(|m| m.contains("sprite 2/4") && m.contains("gameboy"))),
        "{progress:?}"
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn bad_arguments_name_the_field_and_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    assert_tool_errors(
        &client,
        "compare_sprites",
        [
            (
                json!({"prompt": "knight", "variants": [{"seed": 1}]}),
                "variants must be a list of 2–16 variants, got 1 variants",
            ),
            (
                json!({"prompt": "knight", "variants": [{"palette": "pico-8"}, {"palette": "neon"}]}),
                "variants[1].palette must be one of pico-8",
            ),
            (
                json!({"prompt": "knight", "variants": [{"seed": 1}, {}]}),
                "variants[1] changes nothing",
            ),
            (
                json!({"prompt": "knight", "variants": [{"seed": 1}, {"sead": 2}]}),
                "unknown field `sead`",
            ),
            (
                json!({"prompt": " ", "variants": [{"seed": 1}, {"seed": 2}]}),
                "prompt must not be empty",
            ),
            (
                json!({"prompt": "knight", "columns": 20, "variants": [{"seed": 1}, {"seed": 2}]}),
                "columns must be 1–16, got 20",
            ),
        ],
    )
    .await;
    let tools = client.list_all_tools().await.unwrap();
    let tool = tools.iter().find(|t| t.name == "compare_sprites").unwrap();
    let variants = &tool.input_schema["properties"]["variants"];
    assert_eq!(
        (variants["minItems"].clone(), variants["maxItems"].clone()),
        (json!(2), json!(16))
    );
    let backend = &variants["items"]["properties"]["backend"];
    assert_eq!(backend["enum"], json!(["embedded", "comfyui"]), "{backend}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn variants_on_comfyui_keep_the_queue_fed() {
    let comfy = TestServer::start_with(Behaviour {
        checkpoints: vec![
            "sd_xl_base_1.0.safetensors".into(),
            "pixel_xl.safetensors".into(),
        ],
        loras: vec!["pixel-art-xl.safetensors".into()],
        step_delay: Duration::from_millis(40),
        ..Behaviour::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;
    let result = call(
        &client,
        "compare_sprites",
        json!({"prompt": "knight", "size": 16, "steps": 4, "variants": [
            {"model": "sd_xl_base_1.0.safetensors"},
            {"model": "pixel_xl.safetensors"},
            {"loras": [{"name": "pixel-art-xl.safetensors", "strength": 0.5}]},
        ]}),
    )
    .await;
    let structured = result.structured_content.unwrap();
    assert_eq!(structured["succeeded"], 3, "{structured}");
    let labels: Vec<&str> = structured["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["1 sd_xl_base_1.0", "2 pixel_xl", "3 pixel-art-xl 0.5"]
    );
    let prompt_ids: Vec<String> = structured["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["prompt_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        comfy
            .idle_between(&prompt_ids)
            .iter()
            .all(Duration::is_zero),
        "every variant was queued before the one before it finished"
    );
    let sent = serde_json::to_string(&comfy.prompts()).unwrap();
    assert!(sent.contains("pixel_xl.safetensors") && sent.contains("pixel-art-xl.safetensors"));
    client.cancel().await.unwrap();
}

#[test]
fn the_cli_compares_seeds_and_prints_every_variant_then_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(BIN)
        .args(["--out-dir"])
        .arg(dir.path().join("store"))
        .args(["compare", "green slime", "--seeds", "1,2,3", "--size", "16"])
        .arg("--output")
        .arg(dir.path().join("sheet.png"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines[0].starts_with("1 seed 1: "), "{stdout}");
    assert!(lines[2].starts_with("3 seed 3: "), "{stdout}");
    let sheet = image::open(lines[3]).unwrap();
    assert_eq!(
        image::open(dir.path().join("sheet.png"))
            .unwrap()
            .to_rgba8(),
        sheet.to_rgba8()
    );
    let bad = std::process::Command::new(BIN)
        .args(["--out-dir"])
        .arg(dir.path().join("store"))
        .args(["compare", "slime", "--palettes", "pico-8,neon"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("--palettes neon: palette must be one of"),
        "{stderr}"
    );
}
