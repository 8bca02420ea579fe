//! The real binary over Streamable HTTP, with its Host/Origin/token guard.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn streamable_http_generates_sprites_for_several_sessions_sharing_one_store() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::start(dir.path(), &[]).await;
    let first = http_client(&server.base, None).await;
    let second = http_client(&server.base, None).await;
    let result = call(
        &first,
        "generate_sprite",
        json!({"prompt": "pink flower", "size": 24}),
    )
    .await;
    assert_eq!(sprite_image(&result).dimensions(), (24, 24));
    let uri = result.structured_content.unwrap()["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let seen_by_second = second.list_all_resources().await.unwrap();
    assert!(
        seen_by_second.iter().any(|r| r.uri == uri),
        "shared state across sessions"
    );
    let text = error_text(
        &call(
            &second,
            "generate_sprite",
            json!({"prompt": "x", "height": 512}),
        )
        .await,
    );
    assert!(text.contains("height must be 8–256, got 512"), "{text}");
    first.cancel().await.unwrap();
    second.cancel().await.unwrap();
}

#[tokio::test]
async fn a_foreign_origin_or_host_is_forbidden() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::start(dir.path(), &[]).await;
    let http = reqwest::Client::new();
    let init = json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}});
    for path in ["/mcp", "/sse", "/message?sessionId=x", "/healthz"] {
        let response = http
            .post(format!("{}{path}", server.base))
            .header("Origin", "https://evil.example")
            .header("Accept", "application/json, text/event-stream")
            .json(&init)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
    let response = http
        .get(format!("{}/healthz", server.base))
        .header("Host", "attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = http
        .get(format!("{}/healthz", server.base))
        .header("Origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "loopback origins are fine");
}

#[tokio::test]
async fn the_token_is_required_everywhere_but_healthz() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::start(dir.path(), &["--token", "s3cret"]).await;
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let health: serde_json::Value = health.json().await.unwrap();
    assert_eq!(health["backends"]["embedded"]["state"], "ready");

    for (path, auth) in [
        ("/mcp", None),
        ("/sse", None),
        ("/mcp", Some("Bearer wrong")),
        ("/sse", Some("s3cret")),
    ] {
        let mut request = http.get(format!("{}{path}", server.base));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{path} with {auth:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
    }

    let client = http_client(&server.base, Some("s3cret")).await;
    let result = call(
        &client,
        "generate_sprite",
        json!({"prompt": "stone tile", "size": 16}),
    )
    .await;
    assert_eq!(result.is_error, Some(false));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn malformed_http_bodies_get_json_rpc_errors_and_the_server_survives() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = HttpServer::start(dir.path(), &[]).await;
    let http = reqwest::Client::new();
    for body in [
        "{not json",
        "[]",
        "null",
        "\u{0}\u{ff}",
        r#"{"jsonrpc":"2.0","id":1}"#,
    ] {
        let response = http
            .post(format!("{}/mcp", server.base))
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_client_error(),
            "{body:?} → {}",
            response.status()
        );
    }
    assert!(server.is_running());
    let client = http_client(&server.base, None).await;
    assert!(client.list_all_tools().await.unwrap().len() >= 2);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn bevy_screenshot_says_clearly_when_no_game_answers() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let text = error_text(&call(&client, "bevy_screenshot", json!({"port": free})).await);
    assert!(
        text.contains(&format!("no Bevy game answers on 127.0.0.1:{free}")),
        "{text}"
    );
    let text = error_text(&call(&client, "bevy_screenshot", json!({"port": 70000})).await);
    assert!(text.contains("port has the wrong type"), "{text}");
    client.cancel().await.unwrap();
}
