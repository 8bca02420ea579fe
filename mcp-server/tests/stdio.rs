//! The real binary over stdio, driven by rmcp's own client.

mod common;

use std::time::Duration;

use base64::Engine as _;
use common::*;
use rmcp::model::{ReadResourceRequestParams, ResourceContents};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[tokio::test]
async fn every_tool_parameter_is_described() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<_> = tools.iter().map(|t| t.name.to_string()).collect();
    assert!(names.contains(&"generate_sprite".into()) && names.contains(&"generate_batch".into()));
    for tool in &tools {
        assert!(
            tool.description.as_deref().is_some_and(|d| d.len() > 20),
            "{}",
            tool.name
        );
        let properties = tool
            .input_schema
            .get("properties")
            .and_then(|p| p.as_object());
        for (name, schema) in properties.into_iter().flatten() {
            let description = schema["description"].as_str().unwrap_or_default();
            assert!(
                description.len() > 15,
                "{}.{name} has no useful description",
                tool.name
            );
        }
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn generate_sprite_returns_a_real_transparent_png_of_the_asked_size() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let result = call(
        &client,
        "generate_sprite",
        json!({"prompt": "green slime monster", "size": 48, "seed": 7}),
    )
    .await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let sprite = sprite_image(&result);
    assert_eq!(sprite.dimensions(), (48, 48));
    assert!(sprite.pixels().any(|p| p[3] == 0), "has transparent pixels");
    assert!(sprite.pixels().any(|p| p[3] == 255), "has opaque pixels");

    let structured = result.structured_content.as_ref().unwrap();
    for key in [
        "id",
        "uri",
        "path",
        "width",
        "height",
        "seed",
        "backend",
        "palette",
        "timings_ms",
    ] {
        assert!(
            structured.get(key).is_some(),
            "structuredContent lacks {key}"
        );
    }
    assert_eq!(structured["seed"], 7);
    assert_eq!(structured["backend"], "embedded");
    let id = structured["id"].as_str().unwrap();
    assert_eq!(structured["uri"], format!("sprite://{id}"));

    let image = result
        .content
        .iter()
        .find_map(|c| c.as_image())
        .expect("an image block");
    assert_eq!(image.mime_type, "image/png");
    let preview = base64::engine::general_purpose::STANDARD
        .decode(&image.data)
        .unwrap();
    assert!(preview.len() < 64 * 1024);
    let preview = image::load_from_memory(&preview).unwrap();
    assert_eq!((preview.width(), preview.height()), (240, 240), "48 px × 5");
    let link = result
        .content
        .iter()
        .find_map(|c| c.as_resource_link())
        .expect("a resource link");
    assert_eq!(link.uri, format!("sprite://{id}"));

    let metadata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(format!("{id}.json"))).unwrap())
            .unwrap();
    assert_eq!(metadata["prompt"], "green slime monster");
    assert_eq!(metadata["seed"], 7);
    assert!(metadata["created_at"].as_str().unwrap().ends_with('Z'));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn same_prompt_and_seed_give_identical_pixels_and_other_seeds_differ() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let args = json!({"prompt": "blue knight", "seed": 42});
    let a = sprite_image(&call(&client, "generate_sprite", args.clone()).await);
    let b = sprite_image(&call(&client, "generate_sprite", args).await);
    let c = sprite_image(
        &call(
            &client,
            "generate_sprite",
            json!({"prompt": "blue knight", "seed": 43}),
        )
        .await,
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn each_invalid_argument_is_a_tool_error_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let cases = [
        (
            json!({"prompt": "slime", "size": 0}),
            "size must be 8–256, got 0",
        ),
        (
            json!({"prompt": "slime", "size": 1000}),
            "size must be 8–256, got 1000",
        ),
        (
            json!({"prompt": "slime", "size": "big"}),
            "size has the wrong type",
        ),
        (
            json!({"prompt": "slime", "width": 4}),
            "width must be 8–256",
        ),
        (
            json!({"prompt": "slime", "palette": "vaporwave"}),
            "palette must be one of",
        ),
        (
            json!({"prompt": "slime", "palette": ["#12345"]}),
            "palette[0] must be a #rrggbb colour",
        ),
        (
            json!({"prompt": "slime", "colors": 999}),
            "colors must be 2–256",
        ),
        (
            json!({"prompt": "slime", "seed": -3}),
            "seed has the wrong type",
        ),
        (
            json!({"prompt": "slime", "transparent": "yes"}),
            "transparent has the wrong type",
        ),
        (
            json!({"prompt": "slime", "backend": "dall-e"}),
            "backend has the wrong type",
        ),
        (
            json!({"prompt": "slime", "outline": "thick"}),
            "outline must be a #rrggbb colour or \"auto\"",
        ),
        (json!({"prompt": ""}), "prompt must not be empty"),
        (json!({"prompt": 5}), "prompt has the wrong type"),
        (json!({}), "missing field `prompt`"),
        (
            json!({"prompt": "slime", "colour": 3}),
            "unknown argument \"colour\"",
        ),
    ];
    for (args, expected) in cases {
        let text = error_text(&call(&client, "generate_sprite", args.clone()).await);
        assert!(text.contains(expected), "{args} → {text}");
    }
    let text = error_text(&call(&client, "generate_batch", json!({"prompts": []})).await);
    assert!(
        text.contains("prompts must be a list of 1–64 prompts"),
        "{text}"
    );
    // Still serving after all that.
    let ok = call(&client, "generate_sprite", json!({"prompt": "coin"})).await;
    assert_eq!(ok.is_error, Some(false));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn progress_notifications_arrive_for_each_stage() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let handle = start_call(
        &client,
        "generate_batch",
        json!({"prompts": ["red potion", "gold coin"], "seed": 1}),
    )
    .await;
    handle.await_response().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let progress = client.service().progress.lock().unwrap().clone();
    assert_eq!(progress.len(), 8, "4 stages × 2 sprites: {progress:?}");
    let values: Vec<f64> = progress.iter().map(|p| p.progress).collect();
    assert!(
        values.windows(2).all(|w| w[0] < w[1]),
        "monotonic: {values:?}"
    );
    assert_eq!(progress.last().unwrap().total, Some(8.0));
    let messages: Vec<_> = progress.iter().filter_map(|p| p.message.clone()).collect();
    for stage in ["started", "generated", "post-processed", "stored"] {
        assert!(
            messages.iter().any(|m| m.contains(stage)),
            "{stage} in {messages:?}"
        );
    }
    client.cancel().await.unwrap();
}

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
async fn resources_list_and_read_back_a_generated_sprite() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let result = call(
        &client,
        "generate_sprite",
        json!({"prompt": "golden key", "size": 16}),
    )
    .await;
    let uri = result.structured_content.unwrap()["uri"]
        .as_str()
        .unwrap()
        .to_string();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        *client.service().list_changed.lock().unwrap() >= 1,
        "list_changed was sent"
    );

    let resources = client.list_all_resources().await.unwrap();
    let listed = resources.iter().find(|r| r.uri == uri).expect("listed");
    assert_eq!(listed.mime_type.as_deref(), Some("image/png"));

    let read = client
        .read_resource(ReadResourceRequestParams::new(uri.clone()))
        .await
        .unwrap();
    let ResourceContents::BlobResourceContents {
        blob, mime_type, ..
    } = &read.contents[0]
    else {
        panic!("a blob");
    };
    assert_eq!(mime_type.as_deref(), Some("image/png"));
    let png = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .unwrap();
    assert_eq!(image::load_from_memory(&png).unwrap().width(), 16);

    let missing = client
        .read_resource(ReadResourceRequestParams::new("sprite://nope"))
        .await;
    assert!(missing.is_err());
    client.cancel().await.unwrap();

    // A new server on the same folder still has it.
    let client = stdio_client(dir.path()).await;
    let resources = client.list_all_resources().await.unwrap();
    assert!(resources.iter().any(|r| r.uri == uri), "survives a restart");
    client.cancel().await.unwrap();
}

/// Raw lines, as a misbehaving client would send them.
#[tokio::test]
async fn malformed_json_gets_a_json_rpc_error_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(BIN)
        .args(["serve", "--out-dir"])
        .arg(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut send = async |line: &str| {
        stdin.write_all(line.as_bytes()).await.unwrap();
        stdin.write_all(b"\n").await.unwrap();
        stdin.flush().await.unwrap();
    };
    // The next reply, skipping notifications (list_changed may come before a tool result).
    let mut next = async || -> serde_json::Value {
        loop {
            let line = tokio::time::timeout(Duration::from_secs(10), stdout.next_line())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            let message: serde_json::Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout carries only JSON: {line:?}: {e}"));
            if message.get("method").is_none() {
                return message;
            }
        }
    };

    send("{this is not json").await;
    let reply = next().await;
    assert_eq!(reply["error"]["code"], -32700, "{reply}");

    send(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#).await;
    assert_eq!(next().await["id"], 1);
    send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).await;
    send("\u{0}\u{1}garbage\u{7f}").await;
    assert_eq!(next().await["error"]["code"], -32700);
    send(r#"{"jsonrpc":"2.0","id":2,"bogus":true}"#).await;
    let reply = next().await;
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    send(r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"generate_sprite","arguments":{"prompt":"tree","size":"x"}}}"#).await;
    let reply = next().await;
    assert_eq!(reply["id"], 3);
    assert_eq!(reply["result"]["isError"], true, "{reply}");
    send(r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"generate_sprite","arguments":{"prompt":"tree"}}}"#).await;
    let reply = next().await;
    assert_eq!(reply["id"], 4);
    assert_eq!(reply["result"]["isError"], false, "{reply}");
    assert!(child.try_wait().unwrap().is_none(), "still running");
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
