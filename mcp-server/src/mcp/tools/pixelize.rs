//! `pixelize_image`: any picture in, true pixel art out, stored like a generated sprite.

use super::schema::input_schema;
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use super::{Call, Effect, Long, ToolDef, blocking};
use crate::args::{self, PixelizeImageArgs};
use crate::error::ToolError;
use crate::generation::from_image;
use crate::mcp::results::{grid_json, preview_block, sprite_json, sprite_resource};

pub const PIXELIZE_IMAGE: ToolDef = ToolDef {
    name: "pixelize_image",
    description: "Turn any picture into true pixel art: finds the real pixel grid (also in blurry, noisy, \
             upscaled images), takes each cell's dominant colour, removes the background, locks the \
             palette, optionally outlines, and stores the result like a generated sprite. Reports the \
             detected cell size (per axis when cells are not square), how sure the detection is, and \
             the colour count; force the grid with cell_size, or cell_width and cell_height.",
    schema: input_schema::<PixelizeImageArgs>,
    effect: Effect::Writes,
    long: Long::Never,
    run: |call| Box::pin(pixelize_image(call)),
};

async fn pixelize_image(call: Call) -> Result<CallToolResult, ToolError> {
    let state = call.state;
    let args: PixelizeImageArgs = args::parse_look(call.arguments.as_ref())?;
    let look = args
        .look
        .validate(dgx_pixels_pixel::Palette::names(), None)?;
    let parameters = serde_json::to_value(&args).unwrap_or(Value::Null);
    let worker_state = state.clone();
    let done = blocking("pixelize_image", move || {
        let generator = &worker_state.generator;
        let input =
            from_image::load_input(&args.fields, &worker_state.config.input_roots, generator)?;
        Ok(from_image::pixelize_and_store(
            generator, &input, &look, parameters,
        )?)
    })
    .await?;
    state.announce_new_sprites();
    let mut structured = sprite_json(&done.sprite);
    structured["cell_size"] = json!(done.grid.grid.cell);
    structured["grid"] = grid_json(&done.grid);
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
