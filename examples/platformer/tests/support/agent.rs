//! The real `dgx-pixels serve` on stdio, as an agent's MCP client sees it: shared by the
//! platformer's real-window test and the end-to-end tests in `tests/`.

#![allow(
    dead_code,
    reason = "each user of this file needs a different part of it"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;

/// The real `dgx-pixels serve` on stdio, as Claude launches it, run from `dir` (so deploys may
/// write below it) with its sprite store inside it.
pub struct Agent {
    client: RunningService<RoleClient, ()>,
}

impl Agent {
    /// Starts `binary` (`dgx-pixels`, see [`server_binary`]).
    pub async fn start(binary: &Path, dir: &Path) -> Self {
        let command = tokio::process::Command::new(binary).configure(|c| {
            c.arg("serve")
                .arg("--out-dir")
                .arg(dir.join("store"))
                .current_dir(dir)
                .env("DGX_PIXELS_LOG", "warn");
        });
        let client =
            ().serve(TokioChildProcess::new(command).expect("spawn dgx-pixels"))
                .await
                .expect("MCP handshake over stdio");
        Self { client }
    }

    /// Calls `tool` and returns its whole result, errors included.
    pub async fn call(&self, tool: &str, arguments: Value) -> CallToolResult {
        let arguments = arguments
            .as_object()
            .expect("arguments are an object")
            .clone();
        self.client
            .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
            .await
            .expect("tools/call answered")
    }

    /// Calls `tool`, which must succeed, and returns its structured result.
    pub async fn ok(&self, tool: &str, arguments: Value) -> Value {
        let result = self.call(tool, arguments).await;
        assert_ne!(result.is_error, Some(true), "{tool} failed: {result:?}");
        result.structured_content.expect("structuredContent")
    }

    pub async fn stop(self) {
        self.client.cancel().await.expect("close the MCP session");
    }
}

/// The text of a failed tool call.
pub fn error_text(result: &CallToolResult) -> String {
    assert_eq!(result.is_error, Some(true), "expected an error: {result:?}");
    result
        .content
        .iter()
        .filter_map(|block| block.as_text().map(|text| text.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds the `dgx-pixels` binary with the cargo running this test and returns its path (a test
/// cannot name another package's binary). The build names the whole workspace and this test, so
/// cargo resolves features exactly as for `cargo test --workspace` and finds the server already
/// built: any other selection is another feature set, which rebuilds its dependencies.
pub fn server_binary() -> PathBuf {
    let this_test = env!("CARGO_CRATE_NAME");
    cargo_build(
        &["--workspace", "--bin", "dgx-pixels", "--test", this_test],
        "dgx-pixels",
    )
}

/// Runs `cargo build ARGS` with the cargo running this target and returns the path of the
/// binary `name` it built.
pub fn cargo_build(args: &[&str], name: &str) -> PathBuf {
    let output = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--message-format=json"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo build");
    assert!(
        output.status.success(),
        "cargo build {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["target"]["name"] == name)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo names the {name} executable"))
}
