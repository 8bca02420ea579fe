//! `list_models`: what the configured ComfyUI servers offer, and how each one is.

use super::schema::input_schema;
use rmcp::model::CallToolResult;
use serde_json::{Value, json};

use super::{Call, Effect, Long, ToolDef};
use crate::args::{self, ListModelsArgs};
use crate::error::ToolError;
use crate::generation::GenerateError;
use crate::generation::backend::BackendError;
use crate::mcp::results::server_json;

pub const LIST_MODELS: ToolDef = ToolDef {
    name: "list_models",
    description: "List what the configured ComfyUI servers offer: checkpoints (for `model`), LoRAs (for \
             `loras`), samplers, schedulers and workflow names, plus each server's health.",
    schema: input_schema::<ListModelsArgs>,
    effect: Effect::Reads,
    long: Long::Never,
    run: |call| Box::pin(list_models(call)),
};

async fn list_models(call: Call) -> Result<CallToolResult, ToolError> {
    let _: ListModelsArgs = args::parse(call.arguments.as_ref())?;
    let Some(comfy) = call.state.generator.comfy() else {
        return Err(ToolError::NoComfyui);
    };
    let models = comfy
        .pool()
        .models()
        .await
        .map_err(|e| GenerateError::from(BackendError::from(e)))?;
    let servers: Vec<Value> = comfy
        .pool()
        .status()
        .await
        .into_iter()
        .map(|status| server_json(&status))
        .collect();
    Ok(CallToolResult::structured(json!({
        "checkpoints": models.checkpoints,
        "loras": models.loras,
        "samplers": models.samplers,
        "schedulers": models.schedulers,
        "workflows": comfy.workflows().iter().map(|w| w.name()).collect::<Vec<_>>(),
        "servers": servers,
    })))
}
