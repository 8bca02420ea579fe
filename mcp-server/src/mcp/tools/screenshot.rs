//! `bevy_screenshot`: the agent sees its sprites in the running game, through the game's Bevy
//! Remote Protocol (`brp_extras/screenshot` from bevy_brp_extras).

use std::time::Duration;

use super::schema::input_schema;
use rmcp::model::CallToolResult;
use serde_json::{Value, json};

use super::{Call, Effect, Long, ToolDef};
use crate::args::{self, ArgError, ScreenshotArgs};
use crate::error::ToolError;
use crate::mcp::results::image_block;

pub const BEVY_SCREENSHOT: ToolDef = ToolDef {
    name: "bevy_screenshot",
    description: "Take a screenshot of a running Bevy game (one with bevy_remote and bevy_brp_extras, such \
             as the DGX-Pixels platformer) and return it as an image, so you can see a deployed sprite \
             in the game. Returns the PNG's path too.",
    schema: input_schema::<ScreenshotArgs>,
    effect: Effect::Reads,
    long: Long::Never,
    run: |call| Box::pin(bevy_screenshot(call)),
};

/// Bevy's default BRP port.
pub const DEFAULT_BRP_PORT: u16 = 15702;

async fn bevy_screenshot(call: Call) -> Result<CallToolResult, ToolError> {
    let args: ScreenshotArgs = args::parse(call.arguments.as_ref())?;
    let port = args.port.unwrap_or(DEFAULT_BRP_PORT);
    if port == 0 {
        return Err(ArgError::range("port", "1–65535", 0).into());
    }
    let folder = call.state.generator.store().dir().join("screenshots");
    std::fs::create_dir_all(&folder).map_err(|e| {
        ToolError::internal(
            "creating the screenshot folder",
            format!("{}: {e}", folder.display()),
        )
    })?;
    let path = folder.join(format!("{}.png", crate::timestamp::now().replace(':', "-")));
    let mut request = json!({"path": path});
    if let Some(entity) = args.entity {
        request["entity"] = json!(entity);
    }
    let url = format!("http://127.0.0.1:{port}/");
    let reply: Value = reqwest::Client::new()
        .post(&url)
        .timeout(Duration::from_secs(30))
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "brp_extras/screenshot", "params": request}))
        .send()
        .await
        .map_err(|e| {
            ToolError::Game(format!(
                "no Bevy game answers on 127.0.0.1:{port} ({e}); start the game with bevy_remote and \
                 bevy_brp_extras (e.g. cargo run -p platformer) or pass its port"
            ))
        })?
        .json()
        .await
        .map_err(|e| ToolError::Game(format!("the game on port {port} sent an answer that is not JSON-RPC: {e}")))?;
    if let Some(error) = reply.get("error") {
        let message = error["message"].as_str().unwrap_or("unknown error");
        return Err(ToolError::Game(if message.contains("primary window") {
            format!(
                "the game on port {port} runs but has no window to capture yet ({message}); it \
                 may still be starting (try again in a second) or run without a window"
            )
        } else if error["code"] == -32601 {
            format!(
                "the game on port {port} answers BRP but has no brp_extras/screenshot method; add \
                 bevy_brp_extras' BrpExtrasPlugin to it ({message})"
            )
        } else {
            format!("the game on port {port} could not take a screenshot: {message}")
        }));
    }
    let image = image::open(&path)
        .map_err(|e| {
            ToolError::Game(format!(
                "the game reported a screenshot at {} but it cannot be read: {e}",
                path.display()
            ))
        })?
        .to_rgba8();
    let mut result = CallToolResult::structured(json!({
        "path": path,
        "width": image.width(),
        "height": image.height(),
        "port": port,
        "game": reply["result"],
    }));
    result.content.push(image_block(&image));
    Ok(result)
}
