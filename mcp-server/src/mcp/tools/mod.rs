//! The tools, each declared once: its name, description, argument schema and function.
//!
//! `tools/list` and `tools/call` both read [`TOOLS`], so a tool cannot be listed but not callable,
//! or the other way round.

mod animation;
mod compare;
mod deploy;
mod generate;
mod models;
mod pixelize;
mod schema;
mod screenshot;
mod styles;
mod tileset;

use std::sync::Arc;

use futures::future::BoxFuture;
use rmcp::ErrorData as McpError;
use rmcp::model::{CallToolResult, JsonObject, Tool, ToolAnnotations};
use tokio_util::sync::CancellationToken;

use super::progress::Progress;
use super::results::tool_error;
use crate::args::Arguments;
use crate::error::ToolError;
use crate::generation::progress::Step;
use crate::state::AppState;

/// Every tool this server offers, in the order `tools/list` shows them.
const TOOLS: &[ToolDef] = &[
    generate::GENERATE_SPRITE,
    generate::GENERATE_BATCH,
    compare::COMPARE_SPRITES,
    animation::GENERATE_ANIMATION,
    animation::GENERATE_CHARACTER,
    tileset::GENERATE_TILESET,
    styles::LIST_STYLES,
    styles::SET_PROJECT_STYLE,
    pixelize::PIXELIZE_IMAGE,
    deploy::DEPLOY_TO_BEVY,
    deploy::ROLLBACK_SPRITE,
    deploy::LIST_DEPLOYED,
    models::LIST_MODELS,
    screenshot::BEVY_SCREENSHOT,
];

pub use styles::style_json;

/// One tool call, owned so the tool's future can outlive the request (a task does).
pub struct Call {
    pub state: Arc<AppState>,
    pub arguments: Option<Arguments>,
    /// Cancelled by `notifications/cancelled`, or by `tasks/cancel` for a task.
    pub cancel: CancellationToken,
    pub progress: Progress,
}

/// A tool's work: a result, or an error the agent reads.
type Run = fn(Call) -> BoxFuture<'static, Result<CallToolResult, ToolError>>;

/// What a tool does to the world, shown to clients as annotations.
#[derive(Debug, Clone, Copy)]
enum Effect {
    /// Only reads.
    Reads,
    /// Writes new things (sprites, revisions); never destroys.
    Writes,
    /// Writes, and the same call again changes nothing more.
    WritesIdempotent,
}

/// A tool's declaration.
pub struct ToolDef {
    name: &'static str,
    description: &'static str,
    /// The argument schema, generated from the argument type.
    schema: fn() -> Arc<JsonObject>,
    effect: Effect,
    /// Whether a call may run long enough to be a task (see [`super::tasks`]).
    long: Long,
    run: Run,
}

/// Whether a call can take minutes, so a client that supports tasks gets one.
#[derive(Debug, Clone, Copy)]
pub enum Long {
    Never,
    Always,
    /// Only on ComfyUI (the embedded backend answers in milliseconds).
    OnComfyui,
}

impl ToolDef {
    fn tool(&self) -> Tool {
        let annotations = match self.effect {
            Effect::Reads => ToolAnnotations::new().read_only(true),
            Effect::Writes => ToolAnnotations::new().read_only(false).destructive(false),
            Effect::WritesIdempotent => ToolAnnotations::new()
                .read_only(false)
                .destructive(false)
                .idempotent(true),
        };
        Tool::new(self.name, self.description, (self.schema)()).with_annotations(annotations)
    }
}

/// Every tool this server offers, with schemas generated from the argument types.
pub fn definitions() -> Vec<Tool> {
    TOOLS.iter().map(ToolDef::tool).collect()
}

/// The tool called `name`, or the protocol error naming the ones there are.
pub fn find(name: &str) -> Result<&'static ToolDef, McpError> {
    TOOLS.iter().find(|tool| tool.name == name).ok_or_else(|| {
        let names: Vec<&str> = TOOLS.iter().map(|tool| tool.name).collect();
        McpError::invalid_params(
            format!("unknown tool {name:?}; tools: {}", names.join(", ")),
            None,
        )
    })
}

impl ToolDef {
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn long(&self) -> Long {
        self.long
    }

    /// Runs the call to its result. Bad arguments and failed work are tool errors
    /// (`isError: true`) the agent can read.
    pub async fn run(&self, call: Call) -> CallToolResult {
        let job = uuid::Uuid::new_v4().simple().to_string();
        let span = tracing::info_span!("job", id = &job[..12], tool = self.name);
        let outcome = tracing::Instrument::instrument((self.run)(call), span).await;
        outcome.unwrap_or_else(|error| tool_error(&error))
    }
}

/// Runs generation work with its progress steps going where the call's progress goes, and
/// waits until the last step is delivered.
async fn with_progress<T, F>(call: &Call, work: impl FnOnce(Reporter) -> F) -> T
where
    F: Future<Output = T>,
{
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Step>();
    let forwarder = call.progress.clone().forward(rx);
    let outcome = work(Box::new(move |step| drop(tx.send(step)))).await;
    if let Some(forwarder) = forwarder {
        let _ = forwarder.await;
    }
    outcome
}

/// Where a generation's steps go.
type Reporter = Box<dyn FnMut(Step) + Send>;

/// Runs blocking work (file I/O, the pixel pipeline) off the async threads.
async fn blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> Result<T, ToolError> + Send + 'static,
) -> Result<T, ToolError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ToolError::internal(what, e))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_a_unique_name_and_an_object_schema() {
        let mut names: Vec<&str> = TOOLS.iter().map(|tool| tool.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TOOLS.len(), "duplicate tool names");
        for tool in definitions() {
            assert_eq!(
                tool.input_schema.get("type").and_then(|t| t.as_str()),
                Some("object"),
                "{}",
                tool.name
            );
            assert!(!tool.description.unwrap_or_default().is_empty());
        }
    }
}
