//! How results look to the agent: sprites as JSON, previews, resources and tool errors.

use base64::Engine as _;
use dgx_pixels_pixel::{GridFit, Verdict};
use rmcp::model::{CallToolResult, ContentBlock, Resource};
use serde_json::{Value, json};

use super::preview::preview_png;
use crate::error::ToolError;
use crate::store::StoredSprite;

/// URI scheme of stored sprites.
pub const SPRITE_SCHEME: &str = "sprite://";

/// URI scheme of named styles.
pub const STYLE_SCHEME: &str = "style://";

/// A named style as an MCP resource (its JSON: description and values).
pub fn style_resource(style: &crate::style::Style) -> Resource {
    Resource::new(format!("{STYLE_SCHEME}{}", style.name), style.name.clone())
        .with_title(format!("style {}", style.name))
        .with_description(style.description.clone())
        .with_mime_type("application/json")
}

/// A stored sprite as an MCP resource.
pub fn sprite_resource(sprite: &StoredSprite) -> Resource {
    let record = &sprite.record;
    Resource::new(format!("{SPRITE_SCHEME}{}", record.id), record.id.clone())
        .with_title(record.prompt.clone())
        .with_description(format!(
            "{}×{} sprite, seed {}, {} backend: {}",
            record.width, record.height, record.seed, record.backend, record.prompt
        ))
        .with_mime_type("image/png")
}

/// A tool error the agent reads: `isError: true` with the message as text.
pub fn tool_error(error: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(error.to_string())])
}

/// A picture for the agent to look at, capped in size like every preview.
pub fn image_block(image: &image::RgbaImage) -> ContentBlock {
    ContentBlock::image(
        base64::engine::general_purpose::STANDARD.encode(preview_png(image)),
        "image/png",
    )
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
    if let Some(style) = &record.style {
        value["style"] = json!(style);
    }
    if let Some(frames) = record.frames {
        value["frames"] = json!(frames);
    }
    let layout = &record.layout;
    if !layout.animations.is_empty() {
        value["animations"] = json!(layout.animations);
    }
    if !layout.directions.is_empty() {
        value["directions"] = json!(layout.directions);
    }
    if let Some(tileset) = &layout.tileset {
        value["tileset"] = json!(tileset);
    }
    if let Some(run) = &record.comfyui {
        value["prompt_id"] = json!(run.prompt_id);
        value["server"] = json!(run.server);
    }
    value
}

/// The stored sprite's preview.
pub fn preview_block(sprite: &StoredSprite) -> ContentBlock {
    let png = image::open(&sprite.path)
        .map(|image| preview_png(&image.to_rgba8()))
        .unwrap_or_default();
    ContentBlock::image(
        base64::engine::general_purpose::STANDARD.encode(png),
        "image/png",
    )
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

/// The grid as the tool reports it: cell size (and `cell_size_y` when cells are not square), phase,
/// confidence, how it was found, and whether it is a guess worth checking (with the sentence saying why).
pub fn grid_json(fit: &GridFit) -> serde_json::Value {
    let (found, rival) = match fit.verdict {
        Verdict::Exact => ("exact", None),
        Verdict::Fitted { runner_up } => ("fitted", runner_up),
        Verdict::NoGrid { near_miss } => ("none", near_miss),
        Verdict::Given => ("given", None),
    };
    let mut grid = json!({
        "cell_size": fit.grid.cell,
        "phase": [fit.grid.phase_x, fit.grid.phase_y],
        "confidence": (fit.confidence * 100.0).round() / 100.0,
        "found": found,
        "unsure": fit.is_unsure(),
        "summary": fit.to_string(),
    });
    if let Some(cell) = rival {
        grid["other_cell_size"] = json!(cell);
    }
    if fit.grid.cell_y != fit.grid.cell {
        grid["cell_size_y"] = json!(fit.grid.cell_y);
    }
    grid
}
