//! `generate_tileset`: ground a game can lay out, as one sheet with what each tile connects to.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::json;

use super::schema::input_schema;
use super::{Call, Effect, Long, ToolDef, with_progress};
use crate::args::GenerateTilesetArgs;
use crate::error::ToolError;
use crate::mcp::results::{preview_block, sprite_json, sprite_resource};
use crate::plan;

pub const GENERATE_TILESET: ToolDef = ToolDef {
    name: "generate_tileset",
    description: "A tileset whose tiles fit together: seamless terrain, a 16-tile wang2corner set, \
         the 47-tile blob47 autotile set, or a side-view platformer set. Tiles continue each \
         other's texture and terrain boundary across every edge the layout lets touch. Returns one \
         stored sheet and, for each tile, its rectangle and its connection mask (`tileset` in the \
         result, the same data deploy_to_bevy writes to the manifest for the game's autotiler). \
         On ComfyUI each terrain's texture is drawn by the model (two jobs for two terrains), made \
         seamless, and the set composed from them with the same masks.",
    schema: input_schema::<GenerateTilesetArgs>,
    effect: Effect::Writes,
    long: Long::OnComfyui,
    run: |call| Box::pin(generate_tileset(call)),
};

async fn generate_tileset(call: Call) -> Result<CallToolResult, ToolError> {
    let request = plan::tileset(&call.state.config, call.arguments.as_ref())?;
    let tile_size = request.tile_size;
    let generator = &call.state.generator;
    let sheet = with_progress(&call, |progress| {
        generator.tileset(request, progress, call.cancel.clone())
    })
    .await?;
    call.state.announce_new_sprites();
    let mut structured = sprite_json(&sheet);
    structured["tile_size"] = json!(tile_size);
    let mut result = CallToolResult::structured(structured);
    result.content.push(preview_block(&sheet));
    result
        .content
        .push(ContentBlock::resource_link(sprite_resource(&sheet)));
    Ok(result)
}
