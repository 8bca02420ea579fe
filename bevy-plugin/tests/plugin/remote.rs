//! The BRP methods answer through `RemotePlugin`'s method table, as an HTTP request would reach
//! them.

use bevy::app::App;
use bevy_dgx_pixels::remote::{LIST_METHOD, RELOAD_METHOD};
use bevy_remote::{BrpResult, RemoteMethodSystemId, RemoteMethods, RemotePlugin, error_codes};
use serde_json::{Value, json};

use crate::support::{create_app_with, deploy, run_app_until, solid};
use crate::{RED, shows, spawn};

fn call(app: &mut App, method: &str, params: Option<Value>) -> BrpResult {
    let world = app.world_mut();
    let Some(&RemoteMethodSystemId::Instant(system)) =
        world.resource::<RemoteMethods>().get(method)
    else {
        panic!("{method} is not registered as an instant method");
    };
    world
        .run_system_with(system, params)
        .expect("the method system runs")
}

#[test]
fn pixels_list_names_sprites_revisions_paths_and_entity_counts() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    deploy(
        assets.path(),
        "player",
        &solid(16, 16, [1, 2, 3, 255]),
        None,
    );
    let mut app = create_app_with(assets.path(), RemotePlugin::default());
    let players = [0; 2].map(|_| spawn(app.world_mut(), "player"));
    spawn(app.world_mut(), "ghost");
    run_app_until(&mut app, "the players", |world| {
        players
            .iter()
            .all(|&p| crate::shown_pixel(world, p) == Some([1, 2, 3, 255]))
    });

    let listing = call(&mut app, LIST_METHOD, None).unwrap();
    assert_eq!(
        listing["manifest"],
        json!({ "path": "pixels://pixels.manifest.json", "status": "loaded" })
    );
    let player = &listing["sprites"][0];
    assert_eq!(player["name"], "player");
    assert_eq!(player["revision"], 2);
    assert_eq!(player["shown_revision"], 2);
    assert_eq!(player["path"], "sprites/player.png");
    assert_eq!(player["entities"], 2);
    assert_eq!(player["status"], "loaded");
    assert_eq!(
        listing["unknown"],
        json!([{ "name": "ghost", "entities": 1 }])
    );
}

#[test]
fn pixels_reload_rereads_one_sprite_or_all_and_refuses_unknown_names() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    deploy(assets.path(), "coin", &solid(8, 8, RED), None);
    let mut app = create_app_with(assets.path(), RemotePlugin::default());
    let player = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "a red player", |world| shows(world, player, RED));

    let one = call(&mut app, RELOAD_METHOD, Some(json!({ "name": "player" }))).unwrap();
    assert_eq!(one, json!({ "reloaded": ["player"] }));
    let all = call(&mut app, RELOAD_METHOD, None).unwrap();
    assert_eq!(all, json!({ "reloaded": ["coin", "player"] }));

    let unknown = call(&mut app, RELOAD_METHOD, Some(json!({ "name": "ghost" }))).unwrap_err();
    assert_eq!(unknown.code, error_codes::INVALID_PARAMS);
    assert!(unknown.message.contains("\"ghost\""), "{}", unknown.message);
    let malformed = call(&mut app, RELOAD_METHOD, Some(json!({ "nmae": "player" }))).unwrap_err();
    assert_eq!(malformed.code, error_codes::INVALID_PARAMS);
}
