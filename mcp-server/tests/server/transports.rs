//! The same server over each transport: stdio, Streamable HTTP sessions and legacy HTTP+SSE (as a
//! 2024-11-05 client drives it), and what each does with malformed input.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::support::*;

/// Raw lines, as a misbehaving client would send them.
#[tokio::test]
async fn malformed_json_on_stdio_gets_a_json_rpc_error_and_the_server_keeps_serving() {
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
async fn malformed_streamable_http_bodies_are_refused_with_4xx_and_the_server_survives() {
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
async fn legacy_sse_serves_initialize_tools_and_calls() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::start(dir.path(), &[]).await;
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/sse", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut events = EventReader::new(response);

    let (event, endpoint) = events.next().await;
    assert_eq!(event, "endpoint");
    assert!(endpoint.starts_with("/message?sessionId="), "{endpoint}");
    let post = async |body: Value| {
        http.post(format!("{}{endpoint}", server.base))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
    };

    let status = post(json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"legacy","version":"0"}}})).await;
    assert_eq!(status, 202);
    let init = events.response(1).await;
    assert_eq!(init["result"]["serverInfo"]["name"], "dgx-pixels");
    assert_eq!(
        post(json!({"jsonrpc":"2.0","method":"notifications/initialized"})).await,
        202
    );

    post(json!({"jsonrpc":"2.0","id":2,"method":"tools/list"})).await;
    let tools = events.response(2).await;
    let names: Vec<_> = tools["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert!(names.contains(&json!("generate_sprite")), "{names:?}");

    post(json!({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"generate_sprite","arguments":{"prompt":"purple gem","size":16},"_meta":{"progressToken":"p1"}}})).await;
    let mut progress = 0;
    let result = loop {
        let (_, data) = events.next().await;
        let message: Value = serde_json::from_str(&data).unwrap();
        if message["method"] == "notifications/progress" {
            assert_eq!(message["params"]["progressToken"], "p1");
            progress += 1;
        } else if message["id"] == 3 {
            break message;
        }
    };
    assert_eq!(progress, 4, "started, generated, post-processed, stored");
    assert_eq!(result["result"]["isError"], false, "{result}");
    let path = result["result"]["structuredContent"]["path"]
        .as_str()
        .unwrap();
    assert_eq!(image::open(path).unwrap().width(), 16);

    post(json!({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"generate_sprite","arguments":{"prompt":"gem","size":-1}}})).await;
    let error = events.response(4).await;
    assert_eq!(error["result"]["isError"], true);
    assert!(
        error["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("size has the wrong type")
    );
}

#[tokio::test]
async fn legacy_sse_refuses_malformed_posts_and_unknown_sessions_without_harm() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = HttpServer::start(dir.path(), &[]).await;
    let http = reqwest::Client::new();
    let unknown = http
        .post(format!("{}/message?sessionId=nope", server.base))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    let response = http
        .get(format!("{}/sse", server.base))
        .send()
        .await
        .unwrap();
    let mut events = EventReader::new(response);
    let (_, endpoint) = events.next().await;
    let bad = http
        .post(format!("{}{endpoint}", server.base))
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let reply: Value = bad.json().await.unwrap();
    assert_eq!(reply["error"]["code"], -32700);
    let good = http
        .post(format!("{}{endpoint}", server.base))
        .json(&json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"legacy","version":"0"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 202);
    assert_eq!(events.response(1).await["id"], 1);
    assert!(server.is_running());
}
