//! `generate_sprite` with the embedded backend: the PNG it writes, determinism in the seed, the
//! schema the agent reads, argument errors and progress.

use std::time::Duration;

use base64::Engine as _;
use serde_json::json;

use crate::support::*;

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
    assert_tool_errors(&client, "generate_sprite", cases).await;
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
