//! Long calls as MCP tasks (SEP-2663, the `io.modelcontextprotocol/tasks` extension).
//!
//! A client that declared the extension gets a task handle at once for a call that can take
//! minutes (a batch; anything on ComfyUI), instead of a request its transport may time out.
//! `tasks/get` shows the task's state and its progress as the status message; the final result
//! is exactly the plain call's; `tasks/cancel` stops the work as `notifications/cancelled` does,
//! keeping only whole sprites. Other clients, and short calls, are answered as before.

use std::sync::Arc;

use rmcp::RoleServer;
use rmcp::model::CreateTaskResult;
use rmcp::service::RequestContext;
use rmcp::task_manager::{TaskExit, TaskOptions};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::progress::Progress;
use super::tools::{Call, Long, ToolDef};
use crate::args::Arguments;
use crate::spec::BackendKind;
use crate::state::AppState;

/// How long a task may run, and how long its result is kept after: an hour each, longer than
/// the largest GPU batch, so the TTL never cuts real work short.
pub const TASK_TTL_MS: u64 = 60 * 60 * 1000;
/// How often a client is told to poll `tasks/get`.
pub const POLL_INTERVAL_MS: u64 = 500;

/// Whether this call runs as a task: a 2026-07-28 request whose client declared the extension,
/// for a call that may be long. (On 2025-11-25 a result carries no `resultType`, so a client
/// could not tell a task handle from a tool result: the official SDKs read it as an empty one.)
pub fn wanted(
    tool: &ToolDef,
    state: &AppState,
    arguments: Option<&Arguments>,
    context: &RequestContext<RoleServer>,
) -> bool {
    let modern = context
        .protocol_version()
        .is_some_and(|version| !version.has_initialize());
    let declared = context
        .client_capabilities()
        .is_some_and(|capabilities| capabilities.supports_tasks());
    modern
        && declared
        && match tool.long() {
            Long::Never => false,
            Long::Always => true,
            Long::OnComfyui => {
                let named = arguments
                    .and_then(|a| a.get("backend"))
                    .and_then(Value::as_str);
                match named {
                    Some(name) => name == BackendKind::Comfyui.name(),
                    None => state.generator.default_backend() == BackendKind::Comfyui,
                }
            }
        }
}

/// Starts the call as a task in `state`'s task store and returns its handle.
pub fn start(
    tool: &'static ToolDef,
    state: Arc<AppState>,
    arguments: Option<Arguments>,
) -> CreateTaskResult {
    let options = TaskOptions::new()
        .with_ttl_ms(TASK_TTL_MS)
        .with_poll_interval_ms(POLL_INTERVAL_MS)
        .with_status_message(format!("{} started", tool.name()));
    let tasks = state.tasks.clone();
    let task = tasks.spawn(options, move |task| {
        Box::pin(async move {
            let cancel = CancellationToken::new();
            let on_cancel = {
                let (task, cancel) = (task.clone(), cancel.clone());
                tokio::spawn(async move {
                    task.cancelled().await;
                    cancel.cancel();
                })
            };
            let call = Call {
                state,
                arguments,
                cancel,
                progress: Progress::Task(task.clone()),
            };
            let result = tool.run(call).await;
            on_cancel.abort();
            if task.is_cancel_requested() {
                Err(TaskExit::Cancelled)
            } else {
                Ok(result)
            }
        })
    });
    tracing::info!(task = task.task_id, tool = tool.name(), "running as a task");
    CreateTaskResult::new(task)
}
