//! The legacy HTTP+SSE transport, driven over plain HTTP as a 2024-11-05 client would.

mod common;

use common::*;
use serde_json::{Value, json};

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
async fn malformed_posts_and_unknown_sessions_are_refused_without_harm() {
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
