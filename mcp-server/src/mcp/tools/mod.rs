//! The MCP tools: their definitions and what each call does.

use std::sync::Arc;

use base64::Engine as _;
use rmcp::handler::server::common::schema_for_type;
use rmcp::model::{
    CallToolResult, ContentBlock, ProgressNotificationParam, ProgressToken, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, Peer, RoleServer};
use serde_json::{Value, json};

use crate::generation::{GenerateError, SpriteRequest, Step};
mod bevy;
mod deploy;

use crate::params::{
    self, ArgError, DeployArgs, GenerateBatchArgs, GenerateSpriteArgs, ListDeployedArgs,
    ListModelsArgs, PixelizeImageArgs, RollbackArgs, ScreenshotArgs, WithStyle,
};
use crate::pixelize;
use crate::preview::preview_png;
use crate::server::{AppState, SPRITE_SCHEME, sprite_resource, tool_error};
use crate::store::StoredSprite;

/// Every tool this server offers, with schemas generated from the argument types.
pub fn definitions() -> Vec<Tool> {
    vec![
        Tool::new(
            "generate_sprite",
            "Generate one pixel-art sprite from a prompt. Returns the stored sprite (id, uri, path, \
             size, seed, backend, palette, timings), a preview image and a link to sprite://<id>.",
            schema_for_type::<GenerateSpriteArgs>(),
        )
        .with_annotations(ToolAnnotations::new().read_only(false).destructive(false)),
        Tool::new(
            "generate_batch",
            "Generate several sprites that share size, palette and backend, so they look like one \
             set. A failed item is reported in its place; the others still succeed. Optionally packs \
             them into one sprite sheet.",
            schema_for_type::<GenerateBatchArgs>(),
        )
        .with_annotations(ToolAnnotations::new().read_only(false).destructive(false)),
        Tool::new(
            "pixelize_image",
            "Turn any picture into true pixel art: finds the real pixel grid (also in blurry, noisy, \
             upscaled images), takes each cell's dominant colour, removes the background, locks the \
             palette, optionally outlines, and stores the result like a generated sprite. Reports the \
             detected cell size and colour count.",
            schema_for_type::<PixelizeImageArgs>(),
        )
        .with_annotations(ToolAnnotations::new().read_only(false).destructive(false)),
        Tool::new(
            "deploy_to_bevy",
            "Put stored sprite(s) into a Bevy game: writes assets/<category>/<name>.png atomically and \
             records it in assets/pixels.manifest.json with a new revision, so a game running the \
             DGX-Pixels plugin swaps the sprite in place. Several ids deploy as one animation sheet. \
             Deploying identical bytes again is a reported no-op; earlier revisions are kept for rollback.",
            schema_for_type::<DeployArgs>(),
        )
        .with_annotations(ToolAnnotations::new().read_only(false).destructive(false).idempotent(true)),
        Tool::new(
            "rollback_sprite",
            "Restore an earlier revision of a deployed sprite (default: the previous one). The restored \
             bytes become a new revision, so a running game reloads them.",
            schema_for_type::<RollbackArgs>(),
        )
        .with_annotations(ToolAnnotations::new().read_only(false).destructive(false)),
        Tool::new(
            "list_deployed",
            "List the sprites deployed in a Bevy project: names, paths, sizes, frames, revisions and \
             where each came from (prompt, seed, backend).",
            schema_for_type::<ListDeployedArgs>(),
        )
        .with_annotations(ToolAnnotations::new().read_only(true)),
        Tool::new(
            "list_models",
            "List what the configured ComfyUI servers offer: checkpoints (for `model`), LoRAs (for \
             `loras`), samplers, schedulers and workflow names, plus each server's health.",
            schema_for_type::<ListModelsArgs>(),
        )
        .with_annotations(ToolAnnotations::new().read_only(true)),
        Tool::new(
            "bevy_screenshot",
            "Take a screenshot of a running Bevy game (one with bevy_remote and bevy_brp_extras, such \
             as the DGX-Pixels platformer) and return it as an image, so you can see a deployed sprite \
             in the game. Returns the PNG's path too.",
            schema_for_type::<ScreenshotArgs>(),
        )
        .with_annotations(ToolAnnotations::new().read_only(true)),
    ]
}

/// Runs one tool call. Bad arguments and failed work are tool errors (`isError: true`) the agent
/// can read; only an unknown tool is a protocol error.
pub async fn call(
    state: &Arc<AppState>,
    name: &str,
    arguments: Option<&serde_json::Map<String, Value>>,
    context: RequestContext<RoleServer>,
) -> Result<CallToolResult, McpError> {
    let job = uuid::Uuid::new_v4().simple().to_string();
    let span = tracing::info_span!("job", id = &job[..12], tool = name);
    tracing::Instrument::instrument(dispatch(state, name, arguments, context), span).await
}

async fn dispatch(
    state: &Arc<AppState>,
    name: &str,
    arguments: Option<&serde_json::Map<String, Value>>,
    context: RequestContext<RoleServer>,
) -> Result<CallToolResult, McpError> {
    let outcome = match name {
        "generate_sprite" => generate_sprite(state, arguments, context).await,
        "generate_batch" => generate_batch(state, arguments, context).await,
        "pixelize_image" => pixelize_image(state, arguments).await,
        "deploy_to_bevy" => deploy::deploy_to_bevy(state, arguments).await,
        "rollback_sprite" => deploy::rollback_sprite(state, arguments).await,
        "list_deployed" => deploy::list_deployed(state, arguments).await,
        "list_models" => list_models(state, arguments).await,
        "bevy_screenshot" => bevy::bevy_screenshot(state, arguments).await,
        other => {
            let names: Vec<String> = definitions().iter().map(|t| t.name.to_string()).collect();
            return Err(McpError::invalid_params(
                format!("unknown tool {other:?}; tools: {}", names.join(", ")),
                None,
            ));
        }
    };
    Ok(outcome.unwrap_or_else(|e| tool_error(e.0)))
}

async fn generate_sprite(
    state: &Arc<AppState>,
    arguments: Option<&serde_json::Map<String, Value>>,
    context: RequestContext<RoleServer>,
) -> Result<CallToolResult, ArgError> {
    let args: GenerateSpriteArgs = params::parse_styled(arguments)?;
    let prompt = params::validate_prompt("prompt", &args.fields.prompt)?;
    let request = sprite_request(vec![prompt], &args, false)?;
    let mut outcome = run(state, request, context).await;
    let sprite = match outcome.items.remove(0) {
        Ok(sprite) => sprite,
        Err(e) => return Ok(tool_error(e.to_string())),
    };
    let mut result = CallToolResult::structured(sprite_json(&sprite));
    result.content.push(preview_block(&sprite));
    result
        .content
        .push(ContentBlock::resource_link(sprite_resource(&sprite)));
    Ok(result)
}

async fn generate_batch(
    state: &Arc<AppState>,
    arguments: Option<&serde_json::Map<String, Value>>,
    context: RequestContext<RoleServer>,
) -> Result<CallToolResult, ArgError> {
    let args: GenerateBatchArgs = params::parse_styled(arguments)?;
    let prompts = params::validate_prompts(&args.fields.prompts)?;
    let sheet = args.fields.sheet.unwrap_or(false);
    let request = sprite_request(prompts.clone(), &args, sheet)?;
    let outcome = run(state, request, context).await;

    let mut content = Vec::new();
    let items: Vec<Value> = outcome
        .items
        .iter()
        .zip(&prompts)
        .enumerate()
        .map(|(index, (item, prompt))| match item {
            Ok(sprite) => {
                content.push(ContentBlock::resource_link(sprite_resource(sprite)));
                let mut value = sprite_json(sprite);
                value["index"] = json!(index);
                value["ok"] = json!(true);
                value
            }
            Err(e) => {
                json!({"index": index, "ok": false, "prompt": prompt, "error": e.to_string()})
            }
        })
        .collect();
    let succeeded = outcome.items.iter().filter(|r| r.is_ok()).count();
    let mut structured = json!({
        "items": items,
        "succeeded": succeeded,
        "failed": outcome.items.len() - succeeded,
        "seed": outcome.seed,
    });
    match &outcome.sheet {
        Some(Ok(sheet)) => {
            structured["sheet"] = sprite_json(sheet);
            content.insert(0, preview_block(sheet));
            content.push(ContentBlock::resource_link(sprite_resource(sheet)));
        }
        Some(Err(e)) => structured["sheet_error"] = json!(e.to_string()),
        None => {}
    }
    let mut result = CallToolResult::structured(structured);
    if succeeded == 0 {
        result.is_error = Some(true);
    }
    result.content.extend(content);
    Ok(result)
}

async fn pixelize_image(
    state: &Arc<AppState>,
    arguments: Option<&serde_json::Map<String, Value>>,
) -> Result<CallToolResult, ArgError> {
    let args: PixelizeImageArgs = params::parse_look(arguments)?;
    let look = args
        .look
        .validate(dgx_pixels_pixel::Palette::names(), None)?;
    let parameters = serde_json::to_value(&args).unwrap_or(Value::Null);
    let worker_state = state.clone();
    let work = tokio::task::spawn_blocking(move || {
        let generator = &worker_state.generator;
        let input =
            pixelize::load_input(&args.fields, &worker_state.config.input_roots, generator)?;
        pixelize::pixelize_and_store(generator, &input, &look, parameters)
            .map_err(|e| ArgError(e.to_string()))
    });
    let done = work
        .await
        .map_err(|e| ArgError(format!("pixelize_image failed unexpectedly: {e}")))??;
    state.announce_new_sprites();
    let mut structured = sprite_json(&done.sprite);
    structured["cell_size"] = json!(done.grid.grid.cell);
    structured["grid"] = pixelize::grid_json(&done.grid);
    structured["colors"] = json!(done.colors);
    let warning = done
        .grid
        .is_unsure()
        .then(|| format!("pixel grid unsure: {}", done.grid));
    if let Some(warning) = &warning {
        structured["warning"] = json!(warning);
    }
    let mut result = CallToolResult::structured(structured);
    if let Some(warning) = warning {
        result.content.push(ContentBlock::text(warning));
    }
    result.content.push(preview_block(&done.sprite));
    result
        .content
        .push(ContentBlock::resource_link(sprite_resource(&done.sprite)));
    Ok(result)
}

async fn list_models(
    state: &Arc<AppState>,
    arguments: Option<&serde_json::Map<String, Value>>,
) -> Result<CallToolResult, ArgError> {
    let _: ListModelsArgs = params::parse(arguments)?;
    let Some(comfy) = state.generator.comfy() else {
        return Err(ArgError(
            "no ComfyUI server is configured (start the server with --comfyui URL); the embedded backend needs no models".into(),
        ));
    };
    let models = comfy
        .pool()
        .models()
        .await
        .map_err(|e| ArgError(e.to_string()))?;
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

/// A ComfyUI server's health as JSON (for `list_models` and `/healthz`).
pub fn server_json(status: &dgx_pixels_comfyui::ServerStatus) -> Value {
    match &status.stats {
        Ok((stats, round_trip)) => json!({
            "url": status.url,
            "state": "ready",
            "round_trip_ms": round_trip.as_secs_f64() * 1000.0,
            "queue_remaining": status.queue_remaining,
            "in_flight": status.in_flight,
            "comfyui_version": stats.system.comfyui_version,
            "devices": stats.devices.iter().map(|d| json!({
                "name": d.name,
                "type": d.kind,
                "vram_total": d.vram_total,
                "vram_free": d.vram_free,
            })).collect::<Vec<_>>(),
        }),
        Err(e) => json!({"url": status.url, "state": "unreachable", "error": e.to_string()}),
    }
}

fn sprite_request<T: serde::Serialize>(
    prompts: Vec<String>,
    args: &WithStyle<T>,
    sheet: bool,
) -> Result<SpriteRequest, ArgError> {
    Ok(SpriteRequest {
        prompts,
        style: args.style(dgx_pixels_pixel::Palette::names())?,
        sheet,
        parameters: serde_json::to_value(args).unwrap_or(Value::Null),
    })
}

/// Generates while forwarding progress to the client (when it asked for it), then tells every
/// session the sprite list changed.
async fn run(
    state: &Arc<AppState>,
    request: SpriteRequest,
    context: RequestContext<RoleServer>,
) -> crate::generation::Outcome {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Step>();
    let forwarder = context
        .meta
        .get_progress_token()
        .map(|token| tokio::spawn(forward_progress(context.peer.clone(), token, rx)));
    let outcome = state
        .generator
        .generate(request, move |step| drop(tx.send(step)), context.ct.clone())
        .await;
    if let Some(forwarder) = forwarder {
        let _ = forwarder.await;
    }
    let stored_any = outcome.items.iter().any(Result::is_ok);
    if stored_any {
        state.announce_new_sprites();
    }
    if outcome
        .items
        .iter()
        .any(|r| matches!(r, Err(GenerateError::Cancelled)))
    {
        tracing::info!("generation cancelled by the client");
    }
    outcome
}

async fn forward_progress(
    peer: Peer<RoleServer>,
    token: ProgressToken,
    mut steps: tokio::sync::mpsc::UnboundedReceiver<Step>,
) {
    while let Some(step) = steps.recv().await {
        let (done, total) = step.fraction();
        let notification = ProgressNotificationParam::new(token.clone(), done)
            .with_total(total)
            .with_message(step.message());
        if peer.notify_progress(notification).await.is_err() {
            return;
        }
    }
}

/// The structured result for one stored sprite.
pub fn sprite_json(sprite: &StoredSprite) -> Value {
    let record = &sprite.record;
    let mut value = json!({
        "id": record.id,
        "uri": format!("{SPRITE_SCHEME}{}", record.id),
        "path": sprite.path,
        "width": record.width,
        "height": record.height,
        "seed": record.seed,
        "backend": record.backend,
        "palette": record.palette,
        "prompt": record.prompt,
        "timings_ms": record.timings_ms,
        "created_at": record.created_at,
    });
    if let Some(frames) = record.frames {
        value["frames"] = json!(frames);
    }
    if let Some(run) = &record.comfyui {
        value["prompt_id"] = json!(run.prompt_id);
        value["server"] = json!(run.server);
    }
    value
}

fn preview_block(sprite: &StoredSprite) -> ContentBlock {
    let png = image::open(&sprite.path)
        .map(|image| preview_png(&image.to_rgba8()))
        .unwrap_or_default();
    ContentBlock::image(
        base64::engine::general_purpose::STANDARD.encode(png),
        "image/png",
    )
}
