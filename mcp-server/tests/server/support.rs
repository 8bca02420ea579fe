//! Shared helpers: start the real `dgx-pixels` binary, talk MCP to it, and set up the folders
//! (a game project, input roots) its tools work on.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dgx_pixels_manifest::Manifest;
use futures::StreamExt;
use rmcp::model::{CallToolRequestParams, CallToolResult, ProgressNotificationParam};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{ConfigureCommandExt, StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const BIN: &str = env!("CARGO_BIN_EXE_dgx-pixels");

/// A client that records what the server tells it on the side.
#[derive(Debug, Clone, Default)]
pub struct RecordingClient {
    pub progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
    pub list_changed: Arc<Mutex<usize>>,
}

impl ClientHandler for RecordingClient {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _: NotificationContext<RoleClient>,
    ) {
        self.progress.lock().unwrap().push(params);
    }

    async fn on_resource_list_changed(&self, _: NotificationContext<RoleClient>) {
        *self.list_changed.lock().unwrap() += 1;
    }
}

pub type Client = RunningService<RoleClient, RecordingClient>;

/// Starts `dgx-pixels serve` on stdio with its store in `out_dir`.
pub async fn stdio_client(out_dir: &Path) -> Client {
    stdio_client_with(out_dir, &[]).await
}

/// Starts `dgx-pixels serve` on stdio with extra arguments (e.g. `--config FILE`).
pub async fn stdio_client_with(out_dir: &Path, extra: &[&str]) -> Client {
    let command = Command::new(BIN).configure(|c| {
        c.arg("serve")
            .arg("--out-dir")
            .arg(out_dir)
            .args(extra)
            .env("DGX_PIXELS_LOG", "warn");
    });
    RecordingClient::default()
        .serve(TokioChildProcess::new(command).expect("spawn dgx-pixels"))
        .await
        .expect("MCP handshake over stdio")
}

/// Starts `dgx-pixels serve` on stdio with its store in `dir/store` and `dir/inputs` (created
/// here) as its only input root, the folder `pixelize_image` may read pictures from.
pub async fn stdio_client_with_input_root(dir: &Path) -> Client {
    let config = dir.join("pixels.toml");
    std::fs::write(
        &config,
        format!("input_roots = [{:?}]\n", dir.join("inputs")),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("inputs")).unwrap();
    stdio_client_with(&dir.join("store"), &["--config", config.to_str().unwrap()]).await
}

/// Calls a tool with JSON arguments.
pub async fn call(client: &Client, tool: &str, arguments: Value) -> CallToolResult {
    let arguments = arguments
        .as_object()
        .expect("arguments are an object")
        .clone();
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(arguments))
        .await
        .expect("tools/call answered")
}

/// Starts a tool call that carries a progress token and can be cancelled; await its response
/// with `handle.await_response()`.
pub async fn start_call(
    client: &Client,
    tool: &str,
    arguments: Value,
) -> rmcp::service::RequestHandle<RoleClient> {
    let arguments = arguments
        .as_object()
        .expect("arguments are an object")
        .clone();
    let request = rmcp::model::ClientRequest::CallToolRequest(rmcp::model::Request::new(
        CallToolRequestParams::new(tool.to_string()).with_arguments(arguments),
    ));
    client
        .send_cancellable_request(request, rmcp::service::PeerRequestOptions::no_options())
        .await
        .expect("tools/call sent")
}

/// The text of a tool error.
pub fn error_text(result: &CallToolResult) -> String {
    assert_eq!(
        result.is_error,
        Some(true),
        "expected a tool error, got {result:?}"
    );
    result
        .content
        .iter()
        .filter_map(|c| c.as_text())
        .map(|t| t.text.clone())
        .collect()
}

/// Calls `tool` with each set of arguments and checks that it answers with a tool error whose
/// text contains the expected words.
pub async fn assert_tool_errors(
    client: &Client,
    tool: &str,
    cases: impl IntoIterator<Item = (Value, &str)>,
) {
    for (arguments, expected) in cases {
        let text = error_text(&call(client, tool, arguments.clone()).await);
        assert!(text.contains(expected), "{arguments} → {text}");
    }
}

/// Decodes the PNG a `generate_sprite` result points at.
pub fn sprite_image(result: &CallToolResult) -> image::RgbaImage {
    let structured = result
        .structured_content
        .as_ref()
        .expect("structuredContent");
    let path = structured["path"].as_str().expect("path");
    let decoded = image::open(path).expect("a real PNG at path");
    assert_eq!(
        decoded.color(),
        image::ColorType::Rgba8,
        "sprites are RGBA8"
    );
    decoded.to_rgba8()
}

/// Generates a 16×16 sprite and returns its id in the store.
pub async fn sprite_id(client: &Client, prompt: &str, seed: u64) -> String {
    let result = call(
        client,
        "generate_sprite",
        json!({"prompt": prompt, "seed": seed, "size": 16}),
    )
    .await;
    result.structured_content.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// An rmcp Streamable HTTP client for `base/mcp`, optionally with a bearer token.
pub async fn http_client(base: &str, token: Option<&str>) -> Client {
    let mut config = StreamableHttpClientTransportConfig::with_uri(format!("{base}/mcp"));
    if let Some(token) = token {
        config = config.auth_header(token.to_string());
    }
    RecordingClient::default()
        .serve(StreamableHttpClientTransport::from_config(config))
        .await
        .expect("MCP handshake over Streamable HTTP")
}

/// `dgx-pixels serve --http` on a free loopback port.
pub struct HttpServer {
    child: Child,
    pub base: String,
}

impl HttpServer {
    pub async fn start(out_dir: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .arg("serve")
            .arg("--http")
            .arg("127.0.0.1:0")
            .arg("--out-dir")
            .arg(out_dir)
            .args(extra)
            .env("DGX_PIXELS_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn dgx-pixels serve --http");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let base = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(rest) = line.split("Streamable HTTP at ").nth(1) {
                    let url = rest
                        .split_whitespace()
                        .next()
                        .unwrap()
                        .trim_end_matches(',');
                    return url.trim_end_matches("/mcp").to_string();
                }
            }
            panic!("server exited before listening");
        })
        .await
        .expect("server listens within 30 s");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self { child, base }
    }

    /// The server's process id (benchmarks read its memory use).
    #[allow(
        dead_code,
        reason = "only benches/mcp.rs, which shares this file, reads it"
    )]
    pub fn pid(&self) -> u32 {
        self.child.id().expect("server running")
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

/// A temporary game project (`game/`, with `assets/`), a project outside the allowed roots
/// (`elsewhere/`), a sprite store (`store/`) and a config (`pixels.toml`) allowing only `game/`.
pub struct GameProject {
    pub dir: tempfile::TempDir,
}

impl GameProject {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("game/assets")).unwrap();
        std::fs::create_dir_all(dir.path().join("elsewhere/assets")).unwrap();
        let config = format!(
            "[deploy]\nallowed_projects = [{:?}]\ndefault_project = {:?}\n",
            dir.path().join("game"),
            dir.path().join("game")
        );
        std::fs::write(dir.path().join("pixels.toml"), config).unwrap();
        Self { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The `--config` arguments naming the project's `pixels.toml`.
    pub fn config_args(&self) -> Vec<String> {
        vec![
            "--config".into(),
            self.path("pixels.toml").display().to_string(),
        ]
    }

    /// The CLI with this config and store; add the subcommand.
    pub fn cli(&self) -> std::process::Command {
        let mut command = std::process::Command::new(BIN);
        command
            .args(self.config_args())
            .arg("--out-dir")
            .arg(self.path("store"));
        command
    }

    pub fn manifest_path(&self) -> PathBuf {
        self.path("game/assets/pixels.manifest.json")
    }

    pub fn manifest(&self) -> Manifest {
        Manifest::from_json(&std::fs::read(self.manifest_path()).unwrap()).unwrap()
    }

    /// A Streamable HTTP server with this config and store, and a client connected to it.
    pub async fn server(&self) -> (HttpServer, Client) {
        let args = self.config_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let server = HttpServer::start(&self.path("store"), &args).await;
        let client = http_client(&server.base, None).await;
        (server, client)
    }
}

/// Reads `event:`/`data:` pairs off an SSE response.
pub struct EventReader {
    body: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl EventReader {
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            body: response.bytes_stream().boxed(),
            buffer: String::new(),
        }
    }

    pub async fn next(&mut self) -> (String, String) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let raw: String = self.buffer.drain(..end + 2).collect();
                let mut event = String::from("message");
                let mut data = Vec::new();
                for line in raw.lines() {
                    if let Some(name) = line.strip_prefix("event:") {
                        event = name.trim().to_string();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push(value.strip_prefix(' ').unwrap_or(value).to_string());
                    }
                }
                if data.is_empty() {
                    continue; // keep-alive comment
                }
                return (event, data.join("\n"));
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.body.next())
                .await
                .expect("an SSE event within 10 s")
                .expect("stream open")
                .unwrap();
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next JSON-RPC message that answers `id`, skipping notifications.
    pub async fn response(&mut self, id: i64) -> Value {
        loop {
            let (event, data) = self.next().await;
            assert_eq!(event, "message");
            let message: Value = serde_json::from_str(&data).unwrap();
            if message["id"] == id {
                return message;
            }
        }
    }
}
