//! Long calls as MCP tasks (SEP-2663, a 2026-07-28 extension) through the real binary, with
//! rmcp's client declaring the extension: a handle at once, progress in `tasks/get`, the plain
//! call's result, and `tasks/cancel` keeping only whole sprites. Under 2025-11-25 the same
//! client gets plain calls: that wire has no `resultType` to tell a task from a result.

use std::time::{Duration, Instant};

use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, ClientCapabilities, ClientConfig,
    GetTaskParams, Implementation, ProtocolVersion, TaskPayload, TaskStatus,
};
use rmcp::service::RunningService;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{ClientHandler, ClientLifecycleMode, ClientServiceExt, RoleClient};
use serde_json::{Value, json};
use tokio::process::Command;

use crate::support::*;

/// A client that declares the tasks extension.
#[derive(Debug, Clone, Default)]
struct TaskClient;

impl ClientHandler for TaskClient {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::builder().enable_tasks().build(),
            Implementation::new("task-test-client", "1.0"),
        )
    }
}

type Tasks = RunningService<RoleClient, TaskClient>;

/// A 2026-07-28 client declaring the extension, over stdio.
async fn task_client(out_dir: &std::path::Path, extra: &[&str]) -> Tasks {
    let lifecycle = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    };
    task_client_with(out_dir, extra, lifecycle).await
}

async fn task_client_with(
    out_dir: &std::path::Path,
    extra: &[&str],
    lifecycle: ClientLifecycleMode,
) -> Tasks {
    let command = Command::new(BIN).configure(|c| {
        c.arg("serve")
            .arg("--out-dir")
            .arg(out_dir)
            .args(extra)
            .env("DGX_PIXELS_LOG", "warn");
    });
    TaskClient
        .serve_with_lifecycle(
            TokioChildProcess::new(command).expect("spawn dgx-pixels"),
            lifecycle,
        )
        .await
        .expect("MCP handshake over stdio")
}

/// A 2025-11-25 client that declares the extension is neither offered tasks at `initialize`
/// nor answered with one: Python's SDK and the Inspector's tasks client read a task handle on
/// that wire as an empty tool result.
#[tokio::test]
async fn a_2025_11_25_client_gets_plain_calls_even_when_it_declares_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let client = task_client_with(dir.path(), &[], ClientLifecycleMode::Initialize).await;
    let info = client.peer_info().expect("initialize result");
    assert_eq!(info.protocol_version, ProtocolVersion::V_2025_11_25);
    assert!(
        !info.capabilities.supports_tasks(),
        "{:?}",
        info.capabilities
    );
    let batch = json!({"prompts": ["red potion", "gold coin"], "size": 16, "seed": 7});
    let CallToolResponse::Complete(result) = call_once(&client, "generate_batch", batch).await
    else {
        panic!("a 2025-11-25 batch must be answered plainly");
    };
    assert_eq!(result.structured_content.unwrap()["succeeded"], 2);
    client.cancel().await.unwrap();
}

async fn call_once(client: &Tasks, tool: &str, arguments: Value) -> CallToolResponse {
    client
        .peer()
        .call_tool_once(
            CallToolRequestParams::new(tool.to_string())
                .with_arguments(arguments.as_object().unwrap().clone()),
        )
        .await
        .expect("tools/call answered")
}

/// Polls until the task is terminal, recording every status message seen on the way.
async fn settle(client: &Tasks, task_id: &str) -> (TaskPayload, Vec<String>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut messages = Vec::new();
    loop {
        let state = client
            .peer()
            .get_task(GetTaskParams::new(task_id))
            .await
            .expect("tasks/get answered");
        if let Some(message) = &state.task.task.status_message
            && messages.last() != Some(message)
        {
            messages.push(message.clone());
        }
        if !matches!(state.task.payload, TaskPayload::Working) {
            return (state.task.payload, messages);
        }
        assert!(Instant::now() < deadline, "task {task_id} still working");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_batch_becomes_a_task_whose_result_is_the_plain_call_s() {
    let dir = tempfile::tempdir().unwrap();
    let client = task_client(dir.path(), &[]).await;
    let arguments =
        json!({"prompts": ["knight", "green slime", "gold coin"], "seed": 11, "size": 24});
    let CallToolResponse::Task(handle) =
        call_once(&client, "generate_batch", arguments.clone()).await
    else {
        panic!("a task handle for a batch");
    };
    assert_eq!(handle.task.status, TaskStatus::Working);
    assert_eq!(handle.task.poll_interval_ms, Some(500));
    let (payload, messages) = settle(&client, &handle.task.task_id).await;
    let TaskPayload::Completed { result } = payload else {
        panic!("completed, got {payload:?}");
    };
    assert!(!messages.is_empty(), "status messages while working");

    // The same batch as a plain call (from a client without the extension).
    let plain_client = stdio_client(dir.path()).await;
    let plain = call(&plain_client, "generate_batch", arguments).await;
    let plain = plain.structured_content.unwrap();
    let tasked = &result["structuredContent"];
    assert_eq!(tasked["succeeded"], 3, "{result:?}");
    for (a, b) in tasked["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip(plain["items"].as_array().unwrap())
    {
        assert_eq!(
            (&a["seed"], &a["prompt"], &a["width"]),
            (&b["seed"], &b["prompt"], &b["width"])
        );
        let pixels = |item: &Value| {
            image::open(item["path"].as_str().unwrap())
                .unwrap()
                .to_rgba8()
        };
        assert_eq!(pixels(a), pixels(b), "same pixels as the plain call");
    }
    plain_client.cancel().await.unwrap();
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn short_calls_stay_plain_even_for_a_task_client() {
    let dir = tempfile::tempdir().unwrap();
    let client = task_client(dir.path(), &[]).await;
    let response = call_once(&client, "generate_sprite", json!({"prompt": "key"})).await;
    let CallToolResponse::Complete(result) = response else {
        panic!("an embedded sprite is answered at once");
    };
    assert_eq!(result.is_error, Some(false));
    let unknown = client
        .peer()
        .get_task(GetTaskParams::new("no-such-task"))
        .await
        .unwrap_err()
        .to_string();
    assert!(unknown.contains("unknown task"), "{unknown}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_cancelled_comfyui_task_stops_and_leaves_only_whole_sprites() {
    let comfy = TestServer::start_with(Behaviour {
        step_delay: Duration::from_millis(40),
        checkpoints: vec!["sd_xl_base_1.0.safetensors".into()],
        ..Behaviour::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = task_client(dir.path(), &["--comfyui", &comfy.url]).await;
    let prompts: Vec<String> = (0..6).map(|i| format!("knight {i}")).collect();
    let CallToolResponse::Task(handle) = call_once(
        &client,
        "generate_batch",
        json!({"prompts": prompts, "steps": 20, "seed": 1}),
    )
    .await
    else {
        panic!("a task handle");
    };
    // Let it get going, then cancel.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let state = client
            .peer()
            .get_task(GetTaskParams::new(&handle.task.task_id))
            .await
            .unwrap();
        if state
            .task
            .task
            .status_message
            .as_deref()
            .is_some_and(|m| m.contains("sampling step"))
        {
            break;
        }
        assert!(Instant::now() < deadline, "sampling never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    client
        .peer()
        .cancel_task(CancelTaskParams::new(&handle.task.task_id))
        .await
        .unwrap();
    let cancelled_at = Instant::now();
    let (payload, _) = settle(&client, &handle.task.task_id).await;
    assert!(matches!(payload, TaskPayload::Cancelled), "{payload:?}");
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(5),
        "{:?}",
        cancelled_at.elapsed()
    );
    // Whatever was stored is whole: every PNG has its metadata and decodes.
    let mut stored = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "png") {
            assert!(
                path.with_extension("json").is_file(),
                "{path:?} has its record"
            );
            image::open(&path).expect("a whole PNG");
            stored += 1;
        }
    }
    assert!(stored < 6, "the batch stopped: {stored} of 6 stored");
    client.cancel().await.unwrap();
}

/// 2026-07-28 on stdio by hand: the tasks extension declared in a request's `_meta` gets a task,
/// and `tasks/get` (declaring it too) ends with the plain call's result.
#[tokio::test]
async fn a_stateless_request_declaring_tasks_gets_a_task() {
    use crate::raw::{RawStdio, stateless};
    let dir = tempfile::tempdir().unwrap();
    let mut stdio = RawStdio::start(dir.path()).await;
    let with_tasks = |mut request: Value| {
        request["params"]["_meta"]["io.modelcontextprotocol/clientCapabilities"] =
            json!({"extensions": {"io.modelcontextprotocol/tasks": {}}});
        request
    };
    stdio
        .send(&stateless(1, "server/discover", json!({})).to_string())
        .await;
    let discover = stdio.reply().await;
    assert!(
        discover["result"]["capabilities"]["extensions"]["io.modelcontextprotocol/tasks"]
            .is_object(),
        "{discover}"
    );
    let call = stateless(
        2,
        "tools/call",
        json!({"name": "generate_batch", "arguments": {"prompts": ["key", "gem"], "size": 16}}),
    );
    stdio.send(&with_tasks(call).to_string()).await;
    let handle = stdio.reply().await;
    assert_eq!(handle["result"]["resultType"], "task", "{handle}");
    let task_id = handle["result"]["taskId"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut id = 3;
    loop {
        let get = stateless(id, "tasks/get", json!({"taskId": task_id}));
        stdio.send(&with_tasks(get).to_string()).await;
        let state = stdio.reply().await;
        if state["result"]["status"] == "completed" {
            assert_eq!(
                state["result"]["result"]["structuredContent"]["succeeded"], 2,
                "{state}"
            );
            break;
        }
        assert_eq!(state["result"]["status"], "working", "{state}");
        assert!(Instant::now() < deadline, "still working");
        id += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
