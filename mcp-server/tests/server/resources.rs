//! Generated sprites as MCP resources: listed, announced, read back, and kept across restarts.

use std::time::Duration;

use base64::Engine as _;
use rmcp::model::{ReadResourceRequestParams, ResourceContents};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn generated_sprites_are_announced_listed_read_back_and_kept_across_restarts() {
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
