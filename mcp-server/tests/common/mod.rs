//! Shared helpers: start the real `dgx-pixels` binary and talk MCP to it.
#![allow(dead_code)]

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{CallToolRequestParams, CallToolResult, ProgressNotificationParam};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::Value;
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
    let command = Command::new(BIN).configure(|c| {
        c.arg("serve")
            .arg("--out-dir")
            .arg(out_dir)
            .env("DGX_PIXELS_LOG", "warn");
    });
    RecordingClient::default()
        .serve(TokioChildProcess::new(command).expect("spawn dgx-pixels"))
        .await
        .expect("MCP handshake over stdio")
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

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}
