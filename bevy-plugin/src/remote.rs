//! BRP methods, so the MCP server or an agent can ask a running game what it shows and make it
//! reread files. `DgxPixelsPlugin` adds them to `RemotePlugin`'s methods when the game has one;
//! see `docs/bevy-plugin.md` for example requests.

use std::collections::BTreeMap;

use bevy::asset::AssetServer;
use bevy::ecs::system::{In, Query, Res};
use bevy::ecs::world::World;
use bevy_remote::{BrpError, BrpResult, RemoteMethodSystemId, RemoteMethods, error_codes};
use dgx_pixels_manifest::Frames;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{LoadStatus, PixelLibrary, PixelSprite};

/// Lists the manifest's sprites with what the game shows and how many entities use each.
pub const LIST_METHOD: &str = "pixels/list";
/// Rereads the manifest and the PNGs of one sprite (`{"name": "player"}`) or of all of them.
pub const RELOAD_METHOD: &str = "pixels/reload";

/// Adds [`LIST_METHOD`] and [`RELOAD_METHOD`] to `RemotePlugin`'s methods, unless the game
/// registered its own under those names. Does nothing without `RemotePlugin`.
pub(crate) fn register_methods(world: &mut World) {
    if !world.contains_resource::<RemoteMethods>() {
        return;
    }
    let list = RemoteMethodSystemId::Instant(world.register_system(list));
    let reload = RemoteMethodSystemId::Instant(world.register_system(reload));
    let mut methods = world.resource_mut::<RemoteMethods>();
    for (name, system) in [(LIST_METHOD, list), (RELOAD_METHOD, reload)] {
        if methods.get(name).is_none() {
            methods.insert(name, system);
        }
    }
}

#[derive(Serialize)]
struct Listing<'a> {
    manifest: ManifestListing,
    sprites: Vec<SpriteListing<'a>>,
    /// Names entities ask for that the manifest does not have (they show the placeholder).
    unknown: Vec<UnknownListing<'a>>,
}

#[derive(Serialize)]
struct ManifestListing {
    path: String,
    status: &'static str,
}

#[derive(Serialize)]
struct SpriteListing<'a> {
    name: &'a str,
    revision: u64,
    /// The revision entities show; behind `revision` while a deploy is loading.
    shown_revision: Option<u64>,
    path: &'a str,
    width: u32,
    height: u32,
    frames: Option<Frames>,
    status: &'static str,
    entities: usize,
}

#[derive(Serialize)]
struct UnknownListing<'a> {
    name: &'a str,
    entities: usize,
}

/// The `pixels/list` handler; takes no parameters.
pub fn list(
    In(_params): In<Option<Value>>,
    library: Res<PixelLibrary>,
    entities: Query<&PixelSprite>,
) -> BrpResult {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for pixel in &entities {
        *counts.entry(pixel.name.as_str()).or_default() += 1;
    }
    let sprites = library
        .sprites()
        .map(|(name, state)| {
            let entry = state.entry();
            SpriteListing {
                name,
                revision: entry.revision,
                shown_revision: state.shown_revision(),
                path: &entry.path,
                width: entry.width,
                height: entry.height,
                frames: entry.frames,
                status: status_name(state.status()),
                entities: counts.get(name).copied().unwrap_or(0),
            }
        })
        .collect();
    let unknown = counts
        .iter()
        .filter(|(name, _)| library.get(name).is_none())
        .map(|(&name, &entities)| UnknownListing { name, entities })
        .collect();
    let listing = Listing {
        manifest: ManifestListing {
            path: library.manifest_path().to_string(),
            status: status_name(library.manifest_status()),
        },
        sprites,
        unknown,
    };
    serde_json::to_value(listing).map_err(BrpError::internal)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReloadParams {
    /// Only this sprite's PNG; all of them when absent.
    name: Option<String>,
}

/// The `pixels/reload` handler: `{"name": "player"}`, or no parameters for every sprite.
pub fn reload(
    In(params): In<Option<Value>>,
    library: Res<PixelLibrary>,
    server: Res<AssetServer>,
) -> BrpResult {
    let params: ReloadParams = match params {
        None | Some(Value::Null) => ReloadParams::default(),
        Some(value) => serde_json::from_value(value).map_err(|e| BrpError {
            code: error_codes::INVALID_PARAMS,
            message: format!("pixels/reload takes {{\"name\": \"<sprite>\"}} or nothing: {e}"),
            data: None,
        })?,
    };
    let reloaded = library
        .reload(params.name.as_deref(), &server)
        .map_err(|e| BrpError {
            code: error_codes::INVALID_PARAMS,
            message: e.to_string(),
            data: None,
        })?;
    Ok(serde_json::json!({ "reloaded": reloaded }))
}

fn status_name(status: LoadStatus) -> &'static str {
    match status {
        LoadStatus::Loading => "loading",
        LoadStatus::Loaded => "loaded",
        LoadStatus::Missing => "missing",
        LoadStatus::Failed => "failed",
    }
}
