//! The same server over each transport: stdio, Streamable HTTP sessions and legacy HTTP+SSE (as a
//! 2024-11-05 client drives it), and what each does with malformed, early or oversized input.

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::raw::*;
use crate::support::*;

/// Raw lines, as a misbehaving client would send them.
#[tokio::test]
async fn malformed_json_on_stdio_gets_a_json_rpc_error_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let mut stdio = RawStdio::start(dir.path()).await;
    stdio.send("{this is not json").await;
    let reply = stdio.reply().await;
    assert_eq!(reply["error"]["code"], -32700, "{reply}");

    stdio.send(&initialize(1)).await;
    assert_eq!(stdio.reply().await["id"], 1);
    stdio
        .send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        .await;
    stdio.send("\u{0}\u{1}garbage\u{7f}").await;
    assert_eq!(stdio.reply().await["error"]["code"], -32700);
    stdio.send(r#"{"jsonrpc":"2.0","id":2,"bogus":true}"#).await;
    let reply = stdio.reply().await;
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    stdio.send(r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"generate_sprite","arguments":{"prompt":"tree","size":"x"}}}"#).await;
    let reply = stdio.reply().await;
    assert_eq!(reply["id"], 3);
    assert_eq!(reply["result"]["isError"], true, "{reply}");
    stdio.send(r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"generate_sprite","arguments":{"prompt":"tree"}}}"#).await;
    let reply = stdio.reply().await;
    assert_eq!(reply["id"], 4);
    assert_eq!(reply["result"]["isError"], false, "{reply}");
    assert!(stdio.is_running());
}

/// What a confused client may send before `initialize`.
struct Stray {
    line: &'static str,
    answer: Answer,
}

enum Answer {
    /// A notification or a response: JSON-RPC answers neither.
    Nothing,
    /// A JSON-RPC error with this id (`None`: null, when the message has none) and, when it is
    /// ours rather than rmcp's to choose, this code.
    Error { id: Option<i64>, code: Option<i64> },
}

const BEFORE_INITIALIZE: &[Stray] = &[
    Stray {
        line: r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        answer: Answer::Nothing,
    },
    Stray {
        line: r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}}"#,
        answer: Answer::Nothing,
    },
    Stray {
        line: r#"{"jsonrpc":"2.0","id":41,"result":{}}"#,
        answer: Answer::Nothing,
    },
    Stray {
        line: r#"{"jsonrpc":"2.0","id":42,"error":{"code":-32000,"message":"no"}}"#,
        answer: Answer::Nothing,
    },
    Stray {
        line: r#"{"jsonrpc":"2.0","id":43}"#,
        answer: Answer::Error {
            id: Some(43),
            code: Some(-32600),
        },
    },
    Stray {
        line: r#"{"jsonrpc":"2.0","id":44,"method":"no/such/method"}"#,
        answer: Answer::Error {
            id: Some(44),
            code: None,
        },
    },
    Stray {
        line: r#"{"jsonrpc":"2.0","id":45,"method":"tools/list"}"#,
        answer: Answer::Error {
            id: Some(45),
            code: None,
        },
    },
    Stray {
        line: r#"[{"jsonrpc":"2.0","id":46,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"}]"#,
        answer: Answer::Error {
            id: None,
            code: Some(-32600),
        },
    },
    Stray {
        line: "[]",
        answer: Answer::Error {
            id: None,
            code: Some(-32600),
        },
    },
];

impl Answer {
    fn check(&self, line: &str, reply: &Value) {
        let Answer::Error { id, code } = self else {
            panic!("{line} → {reply}, expected no answer");
        };
        assert_eq!(reply["jsonrpc"], "2.0", "{line} → {reply}");
        assert_eq!(
            reply["id"],
            id.map_or(Value::Null, Value::from),
            "{line} → {reply}"
        );
        assert!(reply["error"]["message"].is_string(), "{line} → {reply}");
        if let Some(code) = code {
            assert_eq!(reply["error"]["code"], *code, "{line} → {reply}");
        }
    }
}

/// Regression: a notification or a response before `initialize` ended the stdio server
/// ("expect initialized request, but received: …").
#[tokio::test]
async fn messages_before_initialize_on_stdio_are_answered_or_ignored_and_a_session_still_starts() {
    let dir = tempfile::tempdir().unwrap();
    let mut stdio = RawStdio::start(dir.path()).await;
    for (n, stray) in (100..).zip(BEFORE_INITIALIZE) {
        stdio.send(stray.line).await;
        match stray.answer {
            Answer::Nothing => stdio.assert_nothing_answered_before_ping(n).await,
            Answer::Error { .. } => stray.answer.check(stray.line, &stdio.reply().await),
        }
    }
    stdio.send(&initialize(1)).await;
    let reply = stdio.reply().await;
    assert_eq!(
        reply["result"]["serverInfo"]["name"], "dgx-pixels",
        "{reply}"
    );
    stdio
        .send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        .await;
    stdio
        .send(r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
        .await;
    assert!(stdio.reply().await["result"]["tools"].is_array());
    assert!(stdio.is_running());
}

/// The same messages on a legacy SSE session: each is refused on its POST or answered on the
/// stream, and the session still starts.
#[tokio::test]
async fn messages_before_initialize_on_legacy_sse_are_answered_or_ignored_and_a_session_still_starts()
 {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::start(dir.path(), &[]).await;
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/sse", server.base))
        .send()
        .await
        .unwrap();
    let mut events = EventReader::new(response);
    let (_, endpoint) = events.next().await;
    let post = async |body: String| {
        http.post(format!("{}{endpoint}", server.base))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    };
    for (n, stray) in (100..).zip(BEFORE_INITIALIZE) {
        let response = post(stray.line.to_owned()).await;
        let reply = match response.status().as_u16() {
            202 => None,
            400 => Some(response.json::<Value>().await.unwrap()),
            status => panic!("{} → HTTP {status}", stray.line),
        };
        match (&stray.answer, reply) {
            (Answer::Nothing, None) => {
                let ping = json!({"jsonrpc": "2.0", "id": n, "method": "ping"});
                assert_eq!(post(ping.to_string()).await.status(), 202);
                let (_, data) = events.next().await;
                assert_eq!(
                    serde_json::from_str::<Value>(&data).unwrap(),
                    json!({"jsonrpc": "2.0", "id": n, "result": {}}),
                    "{} was answered",
                    stray.line
                );
            }
            (answer, Some(reply)) => answer.check(stray.line, &reply),
            (answer, None) => {
                let (_, data) = events.next().await;
                answer.check(stray.line, &serde_json::from_str(&data).unwrap());
            }
        }
    }
    assert_eq!(post(initialize(1)).await.status(), 202);
    assert_eq!(
        events.response(1).await["result"]["serverInfo"]["name"],
        "dgx-pixels"
    );
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    assert_eq!(post(list.to_string()).await.status(), 202);
    assert!(events.response(2).await["result"]["tools"].is_array());
}

/// Without a session, Streamable HTTP has nothing to deliver a stray message to: each one gets
/// an HTTP error whose body is a JSON-RPC error (or 202 for a notification it accepts and drops),
/// and sessions open as usual afterwards.
#[tokio::test]
async fn messages_before_initialize_on_streamable_http_get_json_rpc_errors_and_sessions_still_start()
 {
    let dir = tempfile::tempdir().unwrap();
    let mut server = HttpServer::start(dir.path(), &[]).await;
    for stray in BEFORE_INITIALIZE {
        let response = post_mcp(&server.base, None, stray.line).await;
        let status = response.status();
        if status == 202 && matches!(stray.answer, Answer::Nothing) {
            continue;
        }
        assert!(status.is_client_error(), "{} → {status}", stray.line);
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{}",
            stray.line
        );
        let reply: Value = response.json().await.unwrap();
        match stray.answer {
            Answer::Nothing => Answer::Error {
                id: None,
                code: None,
            }
            .check(stray.line, &reply),
            Answer::Error { .. } => stray.answer.check(stray.line, &reply),
        }
    }
    assert!(server.is_running());
    let client = http_client(&server.base, None).await;
    assert!(client.list_all_tools().await.unwrap().len() >= 2);
    client.cancel().await.unwrap();
}

/// Regression: rmcp answers `DELETE /mcp` with 202, which the official Python SDK reports as
/// "Session termination failed: 202" (it accepts 200 and 204).
#[tokio::test]
async fn ending_a_streamable_http_session_answers_204_and_the_session_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::start(dir.path(), &[]).await;
    let response = post_mcp(&server.base, None, initialize(1)).await;
    assert_eq!(response.status(), 200);
    let session = response.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(messages(response).await[0]["id"], 1);
    let initialized = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
    assert_eq!(
        post_mcp(&server.base, Some(&session), initialized)
            .await
            .status(),
        202
    );

    let ended = reqwest::Client::new()
        .delete(format!("{}/mcp", server.base))
        .header("Mcp-Session-Id", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 204);
    assert!(ended.bytes().await.unwrap().is_empty());

    let list = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#;
    let gone = post_mcp(&server.base, Some(&session), list).await;
    assert_eq!(gone.status(), 404);
    let reply: Value = gone.json().await.unwrap();
    assert_eq!(reply["id"], 2, "{reply}");
}

/// One message just over the limit, as JSON-RPC.
fn oversized_message() -> String {
    let prompt = "x".repeat(dgx_pixels::transport::MAX_MESSAGE_BYTES);
    json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "generate_sprite", "arguments": {"prompt": prompt}}}).to_string()
}

fn assert_too_long(reply: &Value) {
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(message.contains("longer than 16 MiB"), "{message}");
}

/// Posts `body` to `path` on a plain socket that writes the whole request before reading a
/// byte, as simple HTTP clients do, and gives the status line and body of the answer.
async fn post_whole_then_read(base: &str, path: &str, body: &str) -> (String, Value) {
    use tokio::io::AsyncReadExt;
    let addr = base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json, text/event-stream\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket
        .write_all(body.as_bytes())
        .await
        .expect("the server reads the whole body instead of dropping the connection");
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.lines().next().unwrap().to_owned();
    (status, serde_json::from_str(body).unwrap())
}

/// Regression: rmcp and axum answered an oversized body with a plain-text 413 before reading
/// it, so a client still sending saw its connection reset.
#[tokio::test]
async fn oversized_messages_get_a_json_rpc_error_on_every_transport_and_the_server_survives() {
    let dir = tempfile::tempdir().unwrap();
    let big = oversized_message();

    let mut stdio = RawStdio::start(dir.path()).await;
    stdio.send(&big).await;
    let reply = stdio.reply().await;
    assert_eq!(reply["id"], Value::Null);
    assert_too_long(&reply);
    stdio.assert_nothing_answered_before_ping(1).await;

    let mut server = HttpServer::start(dir.path(), &[]).await;
    let response = post_mcp(&server.base, None, big.clone()).await;
    assert_eq!(response.status(), 413);
    assert_too_long(&response.json().await.unwrap());
    let (status, reply) = post_whole_then_read(&server.base, "/mcp", &big).await;
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    assert_too_long(&reply);

    let http = reqwest::Client::new();
    let sse = http
        .get(format!("{}/sse", server.base))
        .send()
        .await
        .unwrap();
    let mut events = EventReader::new(sse);
    let (_, endpoint) = events.next().await;
    let response = http
        .post(format!("{}{endpoint}", server.base))
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_too_long(&response.json().await.unwrap());
    let (status, reply) = post_whole_then_read(&server.base, &endpoint, &big).await;
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    assert_too_long(&reply);

    assert!(server.is_running());
    let client = http_client(&server.base, None).await;
    assert!(client.list_all_tools().await.unwrap().len() >= 2);
    client.cancel().await.unwrap();
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
