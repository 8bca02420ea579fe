//! `compare_sprites`: one prompt in several variants, every one stored, and one labelled contact
//! sheet the agent can show the user.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use super::schema::input_schema;
use super::{Call, Effect, Long, ToolDef, blocking, with_progress};
use crate::args::CompareSpritesArgs;
use crate::error::ToolError;
use crate::generation::compare;
use crate::mcp::results::{image_block, sprite_json, sprite_resource};

pub const COMPARE_SPRITES: ToolDef = ToolDef {
    name: "compare_sprites",
    description: "Generate one prompt in 2–16 variants side by side (seeds, palettes, styles, \
         backends; on ComfyUI models, LoRAs with weights, steps, cfg). Every variant is stored as \
         a normal sprite (deploy the one the user picks by its id); the result's image is one \
         contact sheet, a grid with each cell labelled with its number and what it changed, \
         also stored as a sprite (`sheet`).",
    schema: input_schema::<CompareSpritesArgs>,
    effect: Effect::Writes,
    long: Long::Always,
    run: |call| Box::pin(compare_sprites(call)),
};

async fn compare_sprites(call: Call) -> Result<CallToolResult, ToolError> {
    let state = call.state.clone();
    let arguments = call.arguments.clone();
    let request = blocking("compare_sprites", move || {
        Ok(compare::plan(&state.config, arguments.as_ref())?)
    })
    .await?;
    let generator = &call.state.generator;
    let outcome = with_progress(&call, |progress| {
        generator.compare(request, progress, call.cancel.clone())
    })
    .await;
    call.state.announce_new_sprites();
    Ok(compared_result(&outcome))
}

/// The variants in order (each with its label, or its error), the sheet, and the sheet's preview
/// first among the content.
fn compared_result(outcome: &compare::CompareOutcome) -> CallToolResult {
    let mut links = Vec::new();
    let variants: Vec<Value> = outcome
        .variants
        .iter()
        .enumerate()
        .map(|(index, (label, result))| match result {
            Ok(sprite) => {
                links.push(ContentBlock::resource_link(sprite_resource(sprite)));
                let mut value = sprite_json(sprite);
                value["index"] = json!(index);
                value["label"] = json!(label);
                value["ok"] = json!(true);
                value
            }
            Err(e) => json!({"index": index, "label": label, "ok": false, "error": e.to_string()}),
        })
        .collect();
    let succeeded = outcome.variants.iter().filter(|(_, r)| r.is_ok()).count();
    let mut structured = json!({
        "variants": variants,
        // In variant order, `null` where a variant failed.
        "ids": outcome
            .variants
            .iter()
            .map(|(_, r)| r.as_ref().ok().map(|s| s.record.id.clone()))
            .collect::<Vec<_>>(),
        "succeeded": succeeded,
        "failed": outcome.variants.len() - succeeded,
        "seed": outcome.seed,
    });
    let mut content = Vec::new();
    if let Some(preview) = &outcome.preview {
        content.push(image_block(preview));
    }
    match &outcome.sheet {
        Some(Ok(sheet)) => {
            structured["sheet"] = sprite_json(sheet);
            links.push(ContentBlock::resource_link(sprite_resource(sheet)));
        }
        Some(Err(e)) => structured["sheet_error"] = json!(e.to_string()),
        None => {}
    }
    let mut result = CallToolResult::structured(structured);
    if succeeded == 0 {
        result.is_error = Some(true);
    }
    result.content.extend(content);
    result.content.extend(links);
    result
}
