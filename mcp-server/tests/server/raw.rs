//! Raw JSON-RPC, as a hand-written or misbehaving client sends it: lines on the binary's stdio,
//! single posts to `/mcp`, and the protocol values both generations put in messages.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

use crate::support::BIN;

/// `dgx-pixels serve` on stdio, driven line by line.
pub struct RawStdio {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl RawStdio {
    pub async fn start(out_dir: &std::path::Path) -> Self {
        let mut child = tokio::process::Command::new(BIN)
            .args(["serve", "--out-dir"])
            .arg(out_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        Self {
            child,
            stdin,
            stdout,
        }
    }

    /// Writes one line (a message, or whatever a broken client sends).
    pub async fn send(&mut self, line: &str) {
        self.stdin.write_all(line.as_bytes()).await.unwrap();
        self.stdin.write_all(b"\n").await.unwrap();
        self.stdin.flush().await.unwrap();
    }

    /// The next message the server writes.
    pub async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(10), self.stdout.next_line())
            .await
            .expect("the server answers within 10 s")
            .unwrap()
            .expect("the server is still running");
        serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("stdout carries only JSON: {line:?}: {e}"))
    }

    /// The next reply (response or error), skipping notifications such as progress.
    pub async fn reply(&mut self) -> Value {
        loop {
            let message = self.next().await;
            if message.get("method").is_none() {
                return message;
            }
        }
    }

    /// Sends `ping` with `id` and checks that its answer is the next reply: nothing was answered
    /// in between.
    pub async fn assert_nothing_answered_before_ping(&mut self, id: i64) {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": "ping"}).to_string())
            .await;
        let reply = self.reply().await;
        assert_eq!(reply, json!({"jsonrpc": "2.0", "id": id, "result": {}}));
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

/// An `initialize` request of the 2025-11-25 generation.
pub fn initialize(id: i64) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"},
    }})
    .to_string()
}

/// The `_meta` every 2026-07-28 request carries instead of a session.
pub fn stateless_meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "0"},
    })
}

/// A request of the 2026-07-28 generation: `params` plus the stateless `_meta`.
pub fn stateless(id: i64, method: &str, mut params: Value) -> Value {
    params["_meta"] = stateless_meta();
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

fn mcp_request(base: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(format!("{base}/mcp"))
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
}

/// One `POST /mcp` with the headers a 2025-11-25 Streamable HTTP client sends.
pub async fn post_mcp(
    base: &str,
    session: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut request = mcp_request(base);
    if let Some(session) = session {
        request = request.header("Mcp-Session-Id", session);
    }
    request.body(body).send().await.unwrap()
}

/// One 2026-07-28 `POST /mcp`: no session, and the headers that generation requires beside the
/// body (`MCP-Protocol-Version`, `Mcp-Method`, and `Mcp-Name` for a tool call).
pub async fn post_stateless(base: &str, message: &Value) -> reqwest::Response {
    let mut request = mcp_request(base)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", message["method"].as_str().unwrap());
    if let Some(name) = message["params"]["name"].as_str() {
        request = request.header("Mcp-Name", name);
    }
    request.body(message.to_string()).send().await.unwrap()
}

/// The JSON-RPC messages of a `POST /mcp` answer, whether it came as JSON or as an event stream.
pub async fn messages(response: reqwest::Response) -> Vec<Value> {
    let is_stream = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("text/event-stream"));
    let text = response.text().await.unwrap();
    if !is_stream {
        return vec![serde_json::from_str(&text).unwrap()];
    }
    text.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(str::trim)
        .filter(|data| !data.is_empty())
        .map(|data| serde_json::from_str(data).unwrap())
        .collect()
}
