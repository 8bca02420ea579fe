//! `generate_sprite` and `generate_batch`: prompts in, stored sprites out, with progress.

use super::schema::input_schema;
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use super::{Call, Effect, Long, ToolDef, with_progress};
use crate::args::{self, BatchFields, GenerateBatchArgs, GenerateSpriteArgs, SpriteFields};
use crate::error::ToolError;
use crate::generation::{GenerateError, Outcome, SpriteRequest};
use crate::mcp::results::{preview_block, sprite_json, sprite_resource};
use crate::spec::BackendKind;
use crate::style::{self, Styled};

pub const GENERATE_SPRITE: ToolDef = ToolDef {
    name: "generate_sprite",
    description: "Generate one pixel-art sprite from a prompt. Returns the stored sprite (id, uri, path, \
             size, seed, backend, palette, timings), a preview image and a link to sprite://<id>.",
    schema: input_schema::<GenerateSpriteArgs>,
    effect: Effect::Writes,
    long: Long::OnComfyui,
    run: |call| Box::pin(generate_sprite(call)),
};

pub const GENERATE_BATCH: ToolDef = ToolDef {
    name: "generate_batch",
    description: "Generate several sprites that share size, palette and backend, so they look like one \
             set. A failed item is reported in its place; the others still succeed. Optionally packs \
             them into one sprite sheet.",
    schema: input_schema::<GenerateBatchArgs>,
    effect: Effect::Writes,
    long: Long::Always,
    run: |call| Box::pin(generate_batch(call)),
};

async fn generate_sprite(call: Call) -> Result<CallToolResult, ToolError> {
    let styled: Styled<SpriteFields> = parse_styled(&call).await?;
    let prompt = args::validate_prompt("prompt", &styled.args.fields.prompt)?;
    let request = sprite_request(vec![prompt], &styled, false)?;
    let mut outcome = run(&call, request).await;
    let sprite = outcome.items.remove(0)?;
    let mut result = CallToolResult::structured(sprite_json(&sprite));
    result.content.push(preview_block(&sprite));
    result
        .content
        .push(ContentBlock::resource_link(sprite_resource(&sprite)));
    Ok(result)
}

async fn generate_batch(call: Call) -> Result<CallToolResult, ToolError> {
    let styled: Styled<BatchFields> = parse_styled(&call).await?;
    let prompts = args::validate_prompts(&styled.args.fields.prompts)?;
    let sheet = styled.args.fields.sheet.unwrap_or(false);
    let request = sprite_request(prompts.clone(), &styled, sheet)?;
    let outcome = run(&call, request).await;

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

/// Fills in the call's style, parses it, and checks the models the style names when the call
/// will run on ComfyUI.
async fn parse_styled<T: serde::de::DeserializeOwned + schemars::JsonSchema>(
    call: &Call,
) -> Result<Styled<T>, ToolError> {
    let styled = style::parse_styled::<T>(&call.state.config, call.arguments.as_ref())?;
    let generator = &call.state.generator;
    let backend = styled
        .args
        .generation
        .backend
        .unwrap_or(generator.default_backend());
    if let (Some(style), Some(comfy), BackendKind::Comfyui) =
        (&styled.style, generator.comfy(), backend)
    {
        style.check_models(comfy).await?;
    }
    Ok(styled)
}

fn sprite_request<T: serde::Serialize>(
    prompts: Vec<String>,
    styled: &Styled<T>,
    sheet: bool,
) -> Result<SpriteRequest, ToolError> {
    Ok(SpriteRequest {
        prompts,
        settings: styled.settings()?,
        sheet,
        parameters: serde_json::to_value(&styled.args).unwrap_or(Value::Null),
    })
}

/// Generates while forwarding progress to the client (when it asked for it), then tells every
/// session the sprite list changed.
async fn run(call: &Call, request: SpriteRequest) -> Outcome {
    let generator = &call.state.generator;
    let outcome = with_progress(call, |progress| {
        generator.generate(request, progress, call.cancel.clone())
    })
    .await;
    if outcome.items.iter().any(Result::is_ok) {
        call.state.announce_new_sprites();
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
