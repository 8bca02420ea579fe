//! `list_styles` and `set_project_style`: the named looks an agent can ask for, and a game's
//! default one.

use std::path::PathBuf;

use super::schema::input_schema;
use rmcp::model::CallToolResult;
use serde_json::{Value, json};

use super::{Call, Effect, Long, ToolDef, blocking};
use crate::args::{self, ArgError, ListStylesArgs, SetProjectStyleArgs};
use crate::error::ToolError;
use crate::mcp::results::image_block;
use crate::style::{self, PREVIEW_SUBJECTS, Style, StyleBook};

pub const LIST_STYLES: ToolDef = ToolDef {
    name: "list_styles",
    description: "List the named art styles (built-in, from the config, and from the project's \
         style file), each with its description and the values it sets (palette, outline, \
         dithering, ComfyUI settings), the project's default style, and one labelled preview \
         picture of every style drawn by the embedded backend. Pass a style's name as `style` to \
         generate_sprite or generate_batch.",
    schema: input_schema::<ListStylesArgs>,
    effect: Effect::Reads,
    long: Long::Never,
    run: |call| Box::pin(list_styles(call)),
};

pub const SET_PROJECT_STYLE: ToolDef = ToolDef {
    name: "set_project_style",
    description: "Make a style the default for a game: it is written to the project's \
         assets/pixels.styles.toml (next to the manifest, shared in git), and every generation \
         for that project uses it unless a call names another style.",
    schema: input_schema::<SetProjectStyleArgs>,
    effect: Effect::WritesIdempotent,
    long: Long::Never,
    run: |call| Box::pin(set_project_style(call)),
};

async fn list_styles(call: Call) -> Result<CallToolResult, ToolError> {
    let args: ListStylesArgs = args::parse(call.arguments.as_ref())?;
    let state = call.state;
    let (book, sheet) = blocking("list_styles", move || {
        let project = project(args.project, &state.config);
        let book = StyleBook::load(&state.config, project.as_deref())
            .map_err(|e| ArgError::new("project", e.to_string()))?;
        let sheet = style::contact_sheet(book.styles(), 2)?;
        Ok((book, sheet))
    })
    .await?;
    let mut result = CallToolResult::structured(json!({
        "styles": book.styles().iter().map(style_json).collect::<Vec<_>>(),
        "default": book.default_style().map(|s| s.name.clone()),
        "preview": format!(
            "one row per style in this order, showing: {}",
            PREVIEW_SUBJECTS.join(", ")
        ),
    }));
    result.content.push(image_block(&sheet));
    Ok(result)
}

async fn set_project_style(call: Call) -> Result<CallToolResult, ToolError> {
    let args: SetProjectStyleArgs = args::parse(call.arguments.as_ref())?;
    let state = call.state;
    let (project, path, name) = blocking("set_project_style", move || {
        let project = project(args.project, &state.config).ok_or_else(|| {
            ArgError::new(
                "project",
                "project is required: pass the game's root folder (the one holding assets/), or set deploy.default_project in the config",
            )
        })?;
        let path = style::set_default(&project, &args.style, &state.config)
            .map_err(|e| ArgError::new("style", e.to_string()))?;
        Ok((project, path, args.style.trim().to_owned()))
    })
    .await?;
    Ok(CallToolResult::structured(json!({
        "project": project,
        "default": name,
        "path": path,
    })))
}

/// The project a call names, or the configured default.
fn project(given: Option<String>, config: &crate::Config) -> Option<PathBuf> {
    given
        .map(PathBuf::from)
        .or_else(|| config.deploy.default_project.clone())
}

/// A style as the agent reads it.
pub fn style_json(style: &Style) -> Value {
    let mut value = json!({
        "name": style.name,
        "description": style.description,
        "origin": style.origin.to_string(),
        "values": style.values,
    });
    if let Some(prefix) = &style.prompt_prefix {
        value["prompt_prefix"] = json!(prefix);
    }
    if let Some(suffix) = &style.prompt_suffix {
        value["prompt_suffix"] = json!(suffix);
    }
    value
}
