//! `generate_batch`: shared settings, the packed sheet, and cancelling a batch mid-way.

use std::time::Duration;

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn batch_items_share_settings_and_a_sheet_packs_them() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let result = call(
        &client,
        "generate_batch",
        json!({"prompts": ["slime", "knight", "gem"], "size": 16, "palette": "pico-8", "sheet": true, "seed": 9}),
    )
    .await;
    let structured = result.structured_content.unwrap();
    assert_eq!(structured["succeeded"], 3);
    let items = structured["items"].as_array().unwrap();
    assert_eq!(items[1]["seed"], 10, "item i uses seed + i");
    let sheet = image::open(structured["sheet"]["path"].as_str().unwrap()).unwrap();
    assert_eq!((sheet.width(), sheet.height()), (48, 16));
    assert_eq!(
        structured["sheet"]["frames"],
        json!({"columns": 3, "rows": 1, "count": 3})
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_cancelled_batch_stops_and_leaves_only_whole_sprites() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let prompts: Vec<String> = (0..64).map(|i| format!("green slime {i}")).collect();
    let handle = start_call(
        &client,
        "generate_batch",
        json!({"prompts": prompts, "size": 256, "colors": 16}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(30)).await;
    handle.cancel(Some("changed my mind".into())).await.unwrap();
    // The server must stay usable, and the cancelled batch must stop short of 64 sprites.
    let ok = call(
        &client,
        "generate_sprite",
        json!({"prompt": "coin", "size": 8}),
    )
    .await;
    assert_eq!(ok.is_error, Some(false));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pngs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    assert!(
        pngs.len() < 64,
        "work stopped: {} sprites written",
        pngs.len()
    );
    for png in &pngs {
        assert!(
            png.with_extension("json").is_file(),
            "{} has its metadata",
            png.display()
        );
        image::open(png).unwrap_or_else(|e| panic!("{} decodes: {e}", png.display()));
    }
    let temp_files = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(temp_files, 0, "no half-written files");
    client.cancel().await.unwrap();
}
