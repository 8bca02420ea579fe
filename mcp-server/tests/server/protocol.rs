//! Both protocol generations, each over stdio and Streamable HTTP, with rmcp's own client: the
//! 2025-11-25 lifecycle (`initialize`, then a session) and the 2026-07-28 one (`server/discover`,
//! protocol version and client capabilities in every request's `_meta`, no session).

use std::time::Duration;

use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
use rmcp::model::ProtocolVersion;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{ConfigureCommandExt, StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientLifecycleMode, ClientServiceExt};
use serde_json::{Value, json};
use tokio::process::Command;

use crate::raw::*;
use crate::support::*;

#[derive(Debug, Clone, Copy)]
enum Generation {
    /// 2025-11-25: `initialize`, then requests within the session it opened.
    Initialize,
    /// 2026-07-28: `server/discover`, then self-contained requests.
    Stateless,
}

impl Generation {
    const ALL: [Self; 2] = [Self::Initialize, Self::Stateless];

    fn version(self) -> ProtocolVersion {
        match self {
            Self::Initialize => ProtocolVersion::V_2025_11_25,
            Self::Stateless => ProtocolVersion::V_2026_07_28,
        }
    }

    fn lifecycle(self) -> ClientLifecycleMode {
        match self {
            Self::Initialize => ClientLifecycleMode::Initialize,
            Self::Stateless => ClientLifecycleMode::Discover {
                preferred_versions: vec![self.version()],
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Wire {
    Stdio,
    StreamableHttp,
}

/// A client of `generation` over `wire` to a server with its store in `out_dir` and `extra`
/// arguments; the HTTP server lives as long as the returned guard.
async fn connect(
    generation: Generation,
    wire: Wire,
    out_dir: &std::path::Path,
    extra: &[&str],
) -> (Client, Option<HttpServer>) {
    let client = RecordingClient::default();
    match wire {
        Wire::Stdio => {
            let command = Command::new(BIN).configure(|c| {
                c.arg("serve")
                    .arg("--out-dir")
                    .arg(out_dir)
                    .args(extra)
                    .env("DGX_PIXELS_LOG", "warn");
            });
            let transport = TokioChildProcess::new(command).expect("spawn dgx-pixels");
            let client = client
                .serve_with_lifecycle(transport, generation.lifecycle())
                .await
                .unwrap_or_else(|e| panic!("{generation:?} over stdio: {e}"));
            (client, None)
        }
        Wire::StreamableHttp => {
            let server = HttpServer::start(out_dir, extra).await;
            let config =
                StreamableHttpClientTransportConfig::with_uri(format!("{}/mcp", server.base));
            let transport = StreamableHttpClientTransport::from_config(config);
            let client = client
                .serve_with_lifecycle(transport, generation.lifecycle())
                .await
                .unwrap_or_else(|e| panic!("{generation:?} over Streamable HTTP: {e}"));
            (client, Some(server))
        }
    }
}

/// The negotiated version, the tools, a sprite with its progress, and the sprite read back.
#[tokio::test]
async fn each_generation_lists_tools_generates_with_progress_and_reads_back_on_each_wire() {
    for generation in Generation::ALL {
        for wire in [Wire::Stdio, Wire::StreamableHttp] {
            let dir = tempfile::tempdir().unwrap();
            let (client, _server) = connect(generation, wire, dir.path(), &[]).await;
            let case = format!("{generation:?} over {wire:?}");
            let info = client.peer_info().expect("server info");
            assert_eq!(info.protocol_version, generation.version(), "{case}");
            assert_eq!(
                info.server_info.as_ref().map(|i| i.name.as_str()),
                Some("dgx-pixels"),
                "{case}"
            );

            let tools = client.list_all_tools().await.unwrap();
            assert!(tools.iter().any(|t| t.name == "generate_sprite"), "{case}");

            let handle = start_call(
                &client,
                "generate_sprite",
                json!({"prompt": "blue potion", "size": 16, "seed": 3}),
            )
            .await;
            let token = handle.progress_token.clone();
            let rmcp::model::ServerResult::CallToolResult(result) =
                handle.await_response().await.unwrap()
            else {
                panic!("{case}: a tool result");
            };
            assert_eq!(result.is_error, Some(false), "{case}: {result:?}");
            assert_eq!(sprite_image(&result).dimensions(), (16, 16), "{case}");
            let progress = client.service().progress.lock().unwrap().clone();
            assert_eq!(
                progress
                    .iter()
                    .filter(|p| p.progress_token == token)
                    .count(),
                4,
                "{case}: started, generated, post-processed, stored: {progress:?}"
            );

            let uri = result.structured_content.unwrap()["uri"]
                .as_str()
                .unwrap()
                .to_owned();
            let read = client
                .read_resource(rmcp::model::ReadResourceRequestParams::new(uri))
                .await
                .unwrap();
            assert_eq!(read.contents.len(), 1, "{case}");
            client.cancel().await.unwrap();
        }
    }
}

/// `notifications/cancelled` (or, on stateless HTTP, the closed response stream) stops a
/// ComfyUI job that is sampling: ComfyUI gets the interrupt and never reports success.
#[tokio::test]
async fn each_generation_cancels_a_running_comfyui_job_on_each_wire() {
    let comfy = TestServer::start_with(Behaviour {
        checkpoints: vec!["sd_xl_base_1.0.safetensors".into()],
        step_delay: Duration::from_millis(500),
        ..Behaviour::default()
    })
    .await;
    for generation in Generation::ALL {
        for wire in [Wire::Stdio, Wire::StreamableHttp] {
            let case = format!("{generation:?} over {wire:?}");
            let dir = tempfile::tempdir().unwrap();
            let (client, _server) =
                connect(generation, wire, dir.path(), &["--comfyui", &comfy.url]).await;
            let runs = comfy.executions().len();
            let handle = start_call(
                &client,
                "generate_sprite",
                json!({"prompt": "knight", "steps": 40}),
            )
            .await;
            let token = handle.progress_token.clone();
            let sampling = async {
                loop {
                    let sampling = client.service().progress.lock().unwrap().iter().any(|p| {
                        p.progress_token == token
                            && p.message.as_deref().is_some_and(|m| m.contains("sampling"))
                    });
                    if sampling {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            };
            tokio::time::timeout(Duration::from_secs(20), sampling)
                .await
                .unwrap_or_else(|_| panic!("{case}: sampling progress within 20 s"));
            handle.cancel(Some("test".into())).await.unwrap();
            let interrupted = async {
                loop {
                    if let Some(run) = comfy.executions().get(runs) {
                        return run.clone();
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            };
            let run = tokio::time::timeout(Duration::from_secs(5), interrupted)
                .await
                .unwrap_or_else(|_| panic!("{case}: the job ends within 5 s of cancelling"));
            assert_eq!(run.success_sent_at, None, "{case}: the job was interrupted");
            client.cancel().await.unwrap();
        }
    }
}

/// 2026-07-28 on HTTP by hand: each POST stands alone, and nothing hands out a session.
#[tokio::test]
async fn stateless_http_requests_stand_alone_without_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::start(dir.path(), &[]).await;
    let post = async |message: Value| {
        let response = post_stateless(&server.base, &message).await;
        assert_eq!(response.status(), 200, "{message}");
        assert!(
            response.headers().get("mcp-session-id").is_none(),
            "{message} opened a session"
        );
        messages(response).await
    };

    let discover = post(stateless(1, "server/discover", json!({}))).await;
    let versions = &discover[0]["result"]["supportedVersions"];
    assert!(
        versions.as_array().unwrap().contains(&json!("2026-07-28")),
        "{discover:?}"
    );
    assert!(versions.as_array().unwrap().contains(&json!("2025-11-25")));

    let tools = post(stateless(2, "tools/list", json!({}))).await;
    assert!(tools[0]["result"]["tools"].is_array(), "{tools:?}");
    assert!(tools[0]["result"]["ttlMs"].is_number(), "{tools:?}");

    let mut call = stateless(
        3,
        "tools/call",
        json!({"name": "generate_sprite", "arguments": {"prompt": "gem", "size": 16}}),
    );
    call["params"]["_meta"]["progressToken"] = json!("p");
    let answer = post(call).await;
    let (result, progress) = answer.split_last().unwrap();
    assert_eq!(result["id"], 3);
    assert_eq!(result["result"]["isError"], false, "{result}");
    assert_eq!(progress.len(), 4, "{answer:?}");
    assert!(
        progress
            .iter()
            .all(|p| p["method"] == "notifications/progress"
                && p["params"]["progressToken"] == "p")
    );

    let mut incomplete = stateless(4, "tools/list", json!({}));
    incomplete["params"]["_meta"]
        .as_object_mut()
        .unwrap()
        .remove("io.modelcontextprotocol/clientCapabilities");
    let missing = post_stateless(&server.base, &incomplete).await;
    assert!(missing.status().is_client_error(), "{}", missing.status());
    let reply: Value = missing.json().await.unwrap();
    assert_eq!(reply["id"], 4, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("clientCapabilities"),
        "{reply}"
    );
}

/// 2026-07-28 on stdio by hand: discover, then requests that each carry their `_meta`.
#[tokio::test]
async fn stateless_stdio_requests_stand_alone_after_discover() {
    let dir = tempfile::tempdir().unwrap();
    let mut stdio = RawStdio::start(dir.path()).await;
    stdio
        .send(&stateless(1, "server/discover", json!({})).to_string())
        .await;
    let discover = stdio.reply().await;
    assert!(
        discover["result"]["capabilities"]["tools"].is_object(),
        "{discover}"
    );
    stdio
        .send(&stateless(2, "tools/list", json!({})).to_string())
        .await;
    let tools = stdio.reply().await;
    assert_eq!(tools["result"]["resultType"], "complete", "{tools}");
    assert!(tools["result"]["tools"].is_array(), "{tools}");
}

/// 2026-07-28 has no session to tell about new sprites: a `subscriptions/listen` stream gets the
/// resource list changes instead, on each wire, and only the category the server offers.
#[tokio::test]
async fn stateless_listen_stream_hears_of_new_sprites_on_each_wire() {
    use rmcp::model::{ServerNotification, SubscriptionFilter};

    for wire in [Wire::Stdio, Wire::StreamableHttp] {
        let dir = tempfile::tempdir().unwrap();
        let (client, _server) = connect(Generation::Stateless, wire, dir.path(), &[]).await;
        let asked = SubscriptionFilter::builder()
            .resources_list_changed()
            .tools_list_changed()
            .build();
        let mut stream = client
            .listen(asked)
            .await
            .unwrap_or_else(|e| panic!("listen over {wire:?}: {e}"));
        assert_eq!(
            stream.acknowledged(),
            &SubscriptionFilter::builder()
                .resources_list_changed()
                .build(),
            "{wire:?}: resource list changes only; the tool list never changes"
        );

        let made = call(
            &client,
            "generate_sprite",
            json!({"prompt": "gem", "size": 16}),
        )
        .await;
        assert_eq!(made.is_error, Some(false), "{wire:?}: {made:?}");
        let heard = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .unwrap_or_else(|_| panic!("{wire:?}: no list change within 5 s"))
            .unwrap();
        assert!(
            matches!(
                heard,
                Some(ServerNotification::ResourceListChangedNotification(_))
            ),
            "{wire:?}: {heard:?}"
        );
        drop(stream);
        client.cancel().await.unwrap();
    }
}
