//! The delivery tools: `deploy_to_bevy`, `rollback_sprite`, `list_deployed`.

use super::schema::input_schema;
use rmcp::model::CallToolResult;
use serde_json::{Value, json};

use super::{Call, Effect, Long, ToolDef, blocking};
use crate::args::{self, DeployArgs, ListDeployedArgs, RollbackArgs};
use crate::deploy::{self, Delivery, Deployed};
use crate::error::ToolError;
use crate::telemetry;

pub const DEPLOY_TO_BEVY: ToolDef = ToolDef {
    name: "deploy_to_bevy",
    description: "Put stored sprite(s) into a Bevy game: writes assets/<category>/<name>.png atomically and \
             records it in assets/pixels.manifest.json with a new revision, so a game running the \
             DGX-Pixels plugin swaps the sprite in place. Several ids deploy as one animation sheet. \
             Deploying identical bytes again is a reported no-op; earlier revisions are kept for rollback.",
    schema: input_schema::<DeployArgs>,
    effect: Effect::WritesIdempotent,
    long: Long::Never,
    run: |call| Box::pin(deploy_to_bevy(call)),
};

pub const ROLLBACK_SPRITE: ToolDef = ToolDef {
    name: "rollback_sprite",
    description: "Restore an earlier revision of a deployed sprite (default: the previous one). The restored \
             bytes become a new revision, so a running game reloads them.",
    schema: input_schema::<RollbackArgs>,
    effect: Effect::Writes,
    long: Long::Never,
    run: |call| Box::pin(rollback_sprite(call)),
};

pub const LIST_DEPLOYED: ToolDef = ToolDef {
    name: "list_deployed",
    description: "List the sprites deployed in a Bevy project: names, paths, sizes, frames, revisions and \
             where each came from (prompt, seed, backend).",
    schema: input_schema::<ListDeployedArgs>,
    effect: Effect::Reads,
    long: Long::Never,
    run: |call| Box::pin(list_deployed(call)),
};

/// File work off the async threads; a failed deploy is counted.
async fn deploying<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ToolError> + Send + 'static,
) -> Result<T, ToolError> {
    blocking("the deploy", work)
        .await
        .inspect_err(|_| telemetry::deploy("error"))
}

async fn deploy_to_bevy(call: Call) -> Result<CallToolResult, ToolError> {
    let args: DeployArgs = args::parse(call.arguments.as_ref())?;
    let state = call.state;
    let deployed = deploying(move || {
        let project = deploy::project_dir(args.project.as_deref(), &state.config)?;
        let sprites = args.sprite.to_vec();
        let delivery = Delivery {
            sprites: &sprites,
            name: &args.name,
            project: &project,
            category: args.category.as_deref().unwrap_or("sprites"),
            fps: args.fps,
        };
        Ok(deploy::deliver(
            state.generator.store(),
            &delivery,
            &deploy::policy(&state.config),
        )?)
    })
    .await?;
    Ok(deployed_result(&deployed))
}

async fn rollback_sprite(call: Call) -> Result<CallToolResult, ToolError> {
    let args: RollbackArgs = args::parse(call.arguments.as_ref())?;
    let state = call.state;
    let deployed = deploying(move || {
        let project = deploy::project_dir(args.project.as_deref(), &state.config)?;
        Ok(deploy::rollback(
            &project,
            &args.name,
            args.revision,
            &deploy::policy(&state.config),
        )?)
    })
    .await?;
    Ok(deployed_result(&deployed))
}

async fn list_deployed(call: Call) -> Result<CallToolResult, ToolError> {
    let args: ListDeployedArgs = args::parse(call.arguments.as_ref())?;
    let state = call.state;
    let (project, manifest) = deploying(move || {
        let project = deploy::project_dir(args.project.as_deref(), &state.config)?;
        let manifest = deploy::list(&project, &deploy::policy(&state.config))?;
        Ok((project, manifest))
    })
    .await?;
    let sprites: serde_json::Map<String, Value> = manifest
        .sprites()
        .iter()
        .map(|(name, entry)| (name.to_string(), json!(entry)))
        .collect();
    Ok(CallToolResult::structured(json!({
        "project": project,
        "count": sprites.len(),
        "sprites": sprites,
    })))
}

/// Counts the deploy and shapes its result.
fn deployed_result(deployed: &Deployed) -> CallToolResult {
    telemetry::deploy(if deployed.unchanged {
        "unchanged"
    } else {
        "deployed"
    });
    CallToolResult::structured(deployed_json(deployed))
}

/// The structured result of a deploy or rollback.
fn deployed_json(deployed: &Deployed) -> Value {
    let entry = &deployed.entry;
    json!({
        "name": deployed.name.as_str(),
        "path": deployed.path,
        "asset_path": entry.path,
        "revision": entry.revision,
        "sha256": entry.sha256,
        "width": entry.width,
        "height": entry.height,
        "frames": entry.frames,
        "unchanged": deployed.unchanged,
        "deployed_at": entry.deployed_at,
        "source": entry.source,
    })
}
