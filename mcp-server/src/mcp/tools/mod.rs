//! The tools, each declared once: its name, description, argument schema and function.
//!
//! `tools/list` and `tools/call` both read [`TOOLS`], so a tool cannot be listed but not callable,
//! or the other way round.

mod deploy;
mod generate;
mod models;
mod pixelize;
mod schema;
mod screenshot;
mod styles;

use std::sync::Arc;

use futures::future::BoxFuture;
use rmcp::model::{CallToolResult, JsonObject, Tool, ToolAnnotations};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};

use super::results::tool_error;
use crate::args::Arguments;
use crate::error::ToolError;
use crate::state::AppState;

/// Every tool this server offers, in the order `tools/list` shows them.
const TOOLS: &[ToolDef] = &[
    generate::GENERATE_SPRITE,
    generate::GENERATE_BATCH,
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

/// One tool call, owned so the tool's future can outlive the request's borrow.
pub struct Call {
    pub state: Arc<AppState>,
    pub arguments: Option<Arguments>,
    pub context: RequestContext<RoleServer>,
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
    /// The argument schema, generated from the argument type (rmcp caches it).
    schema: fn() -> Arc<JsonObject>,
    effect: Effect,
    run: Run,
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

/// Runs one tool call. Bad arguments and failed work are tool errors (`isError: true`) the agent
/// can read; only an unknown tool is a protocol error.
pub async fn call(
    state: &Arc<AppState>,
    name: impl AsRef<str>,
    arguments: Option<Arguments>,
    context: RequestContext<RoleServer>,
) -> Result<CallToolResult, McpError> {
    let name = name.as_ref();
    let Some(tool) = TOOLS.iter().find(|tool| tool.name == name) else {
        let names: Vec<&str> = TOOLS.iter().map(|tool| tool.name).collect();
        return Err(McpError::invalid_params(
            format!("unknown tool {name:?}; tools: {}", names.join(", ")),
            None,
        ));
    };
    let job = uuid::Uuid::new_v4().simple().to_string();
    let span = tracing::info_span!("job", id = &job[..12], tool = name);
    let call = Call {
        state: state.clone(),
        arguments,
        context,
    };
    let outcome = tracing::Instrument::instrument((tool.run)(call), span).await;
    Ok(outcome.unwrap_or_else(|error| tool_error(&error)))
}

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
