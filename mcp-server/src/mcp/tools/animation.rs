//! `generate_animation` and `generate_character`: the frames of one subject as one sheet, with
//! its clips and rows named for the game.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use super::schema::input_schema;
use super::{Call, Effect, Long, ToolDef, with_progress};
use crate::args::{GenerateAnimationArgs, GenerateCharacterArgs};
use crate::error::ToolError;
use crate::generation::animation::AnimationRequest;
use crate::mcp::results::{preview_block, sprite_json, sprite_resource};
use crate::plan;
use crate::store::StoredSprite;

pub const GENERATE_ANIMATION: ToolDef = ToolDef {
    name: "generate_animation",
    description: "Animate one subject: a walk, run, jump, attack, hurt, death or idle clip (on ComfyUI \
         also any action word) as one stored sprite sheet, every frame on one pixel grid with one \
         palette and the same outline and feet line. Returns the sheet (sprite://<id>), its frame \
         grid, the clip's timing and a preview of the frames side by side; deploy it with \
         deploy_to_bevy and the game plays the clip.",
    schema: input_schema::<GenerateAnimationArgs>,
    effect: Effect::Writes,
    long: Long::OnComfyui,
    run: |call| Box::pin(generate_animation(call)),
};

pub const GENERATE_CHARACTER: ToolDef = ToolDef {
    name: "generate_character",
    description: "A character in 4 or 8 directions with several animations, as one sheet: a row per \
         direction (south, east, north, west, then south_east, north_east, north_west, south_west), \
         a run of frames per action in every row. The result says which rows and columns hold which \
         direction and action; deploy it and the game's PixelAnimation plays any clip facing any way.",
    schema: input_schema::<GenerateCharacterArgs>,
    effect: Effect::Writes,
    long: Long::Always,
    run: |call| Box::pin(generate_character(call)),
};

async fn generate_animation(call: Call) -> Result<CallToolResult, ToolError> {
    let default_backend = call.state.generator.default_backend();
    let request = plan::animation(&call.state.config, default_backend, call.arguments.as_ref())?;
    run(&call, request).await
}

async fn generate_character(call: Call) -> Result<CallToolResult, ToolError> {
    let default_backend = call.state.generator.default_backend();
    let request = plan::character(&call.state.config, default_backend, call.arguments.as_ref())?;
    run(&call, request).await
}

/// Draws the sheet with progress and shapes the result.
async fn run(call: &Call, request: AnimationRequest) -> Result<CallToolResult, ToolError> {
    let generator = &call.state.generator;
    let animation = with_progress(call, |progress| {
        generator.animate_sheet(request, progress, call.cancel.clone())
    })
    .await?;
    let sheet = animation.sheet;
    call.state.announce_new_sprites();
    let mut value = sheet_json(&sheet);
    if let Some(consistency) = &animation.consistency {
        value["consistency"] = json!(consistency);
    }
    let mut result = CallToolResult::structured(value);
    result.content.push(preview_block(&sheet));
    result
        .content
        .push(ContentBlock::resource_link(sprite_resource(&sheet)));
    Ok(result)
}

/// The stored sheet, with the size of one frame and what each row and run of columns holds.
fn sheet_json(sheet: &StoredSprite) -> Value {
    let mut value = sprite_json(sheet);
    let record = &sheet.record;
    if let Some(frames) = record.frames {
        value["frame_width"] = json!(record.width / frames.columns);
        value["frame_height"] = json!(record.height / frames.rows);
    }
    value
}
