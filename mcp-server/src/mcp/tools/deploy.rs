//! The delivery tools: `deploy_to_bevy`, `rollback_sprite`, `list_deployed`.

use std::sync::Arc;

use rmcp::model::CallToolResult;
use serde_json::{Value, json};

use crate::delivery::{self, DEFAULT_FPS, Delivery, DeliveryError};
use crate::deploy::{self, Deployed};
use crate::params::{self, ArgError, DeployArgs, ListDeployedArgs, RollbackArgs};
use crate::server::AppState;
use crate::telemetry;

type Arguments = serde_json::Map<String, Value>;

/// Runs blocking file work off the async threads; a failure is the tool error text.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, DeliveryError> + Send + 'static,
) -> Result<T, ArgError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ArgError(format!("the deploy failed unexpectedly: {e}")))?
        .map_err(|e| {
            telemetry::deploy("error");
            ArgError(e.to_string())
        })
}

pub async fn deploy_to_bevy(
    state: &Arc<AppState>,
    arguments: Option<&Arguments>,
) -> Result<CallToolResult, ArgError> {
    let args: DeployArgs = params::parse(arguments)?;
    let state = state.clone();
    let deployed = blocking(move || {
        let project = delivery::project(args.project.as_deref(), &state.config)?;
        let sprites = args.sprite.to_vec();
        let delivery = Delivery {
            sprites: &sprites,
            name: &args.name,
            project: &project,
            category: args.category.as_deref().unwrap_or("sprites"),
            fps: args.fps.unwrap_or(DEFAULT_FPS),
        };
        delivery::deliver(
            state.generator.store(),
            &delivery,
            &delivery::policy(&state.config),
        )
    })
    .await?;
    Ok(deployed_result(&deployed))
}

pub async fn rollback_sprite(
    state: &Arc<AppState>,
    arguments: Option<&Arguments>,
) -> Result<CallToolResult, ArgError> {
    let args: RollbackArgs = params::parse(arguments)?;
    let state = state.clone();
    let deployed = blocking(move || {
        let project = delivery::project(args.project.as_deref(), &state.config)?;
        Ok(deploy::rollback(
            &project,
            &args.name,
            args.revision,
            &delivery::policy(&state.config),
        )?)
    })
    .await?;
    Ok(deployed_result(&deployed))
}

pub async fn list_deployed(
    state: &Arc<AppState>,
    arguments: Option<&Arguments>,
) -> Result<CallToolResult, ArgError> {
    let args: ListDeployedArgs = params::parse(arguments)?;
    let state = state.clone();
    let (project, manifest) = blocking(move || {
        let project = delivery::project(args.project.as_deref(), &state.config)?;
        let manifest = deploy::list(&project, &delivery::policy(&state.config))?;
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
