//! Broken files and unknown names never stop the game.

use bevy_dgx_pixels::{LoadStatus, PixelLibrary};
use dgx_pixels_manifest::{Manifest, write_atomic};

use crate::support::{Swaps, create_app, deploy, run_app_until, solid};
use crate::{BLUE, GREEN, MAGENTA, RED, shows, spawn};

fn sprite_status(world: &bevy::ecs::world::World, name: &str) -> Option<LoadStatus> {
    world
        .resource::<PixelLibrary>()
        .get(name)
        .map(|s| s.status())
}

#[test]
fn a_corrupt_png_keeps_the_last_good_image_until_a_good_one_lands() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    let mut app = create_app(assets.path());
    let player = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "a red player", |world| shows(world, player, RED));

    let png = assets.path().join("sprites/player.png");
    write_atomic(&png, b"\x89PNG\r\n\x1a\n but not really").unwrap();
    run_app_until(&mut app, "the corrupt PNG to fail", |world| {
        sprite_status(world, "player") == Some(LoadStatus::Failed)
    });
    for _ in 0..5 {
        app.update();
    }
    assert!(shows(app.world(), player, RED), "the last good image stays");

    deploy(assets.path(), "player", &solid(16, 16, GREEN), None);
    run_app_until(&mut app, "a green player", |world| {
        shows(world, player, GREEN)
    });
    assert_eq!(
        sprite_status(app.world(), "player"),
        Some(LoadStatus::Loaded)
    );
}

#[test]
fn a_corrupt_manifest_keeps_every_sprite_on_screen() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    let mut app = create_app(assets.path());
    let player = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "a red player", |world| shows(world, player, RED));

    let manifest = assets.path().join(Manifest::FILE_NAME);
    let good = Manifest::read(&manifest).unwrap();
    write_atomic(&manifest, b"{\"schema_version\": 1, \"sprites\": ").unwrap();
    run_app_until(&mut app, "the manifest to fail", |world| {
        world.resource::<PixelLibrary>().manifest_status() == LoadStatus::Failed
    });
    for _ in 0..5 {
        app.update();
    }
    assert!(shows(app.world(), player, RED));
    assert_eq!(
        sprite_status(app.world(), "player"),
        Some(LoadStatus::Loaded)
    );

    // Fixed by hand; deploying again works as before.
    good.write(&manifest).unwrap();
    deploy(assets.path(), "player", &solid(16, 16, BLUE), None);
    run_app_until(&mut app, "a blue player", |world| {
        shows(world, player, BLUE)
    });
}

#[test]
fn an_unknown_name_shows_the_placeholder_then_the_sprite_once_deployed() {
    // Nothing deployed yet: not even a manifest.
    let assets = tempfile::tempdir().unwrap();
    let mut app = create_app(assets.path());
    let ghost = spawn(app.world_mut(), "ghost");
    run_app_until(&mut app, "the placeholder", |world| {
        shows(world, ghost, MAGENTA)
    });
    let library = app.world().resource::<PixelLibrary>();
    assert_eq!(library.manifest_status(), LoadStatus::Missing);

    let revision = deploy(assets.path(), "ghost", &solid(16, 16, BLUE), None);
    run_app_until(&mut app, "the deployed ghost", |world| {
        shows(world, ghost, BLUE)
    });
    assert!(app.world().resource::<Swaps>().contains("ghost", revision));
}

#[test]
fn a_missing_png_shows_the_placeholder() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    std::fs::remove_file(assets.path().join("sprites/player.png")).unwrap();
    let mut app = create_app(assets.path());
    let player = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "the placeholder", |world| {
        shows(world, player, MAGENTA)
    });
    assert_eq!(
        sprite_status(app.world(), "player"),
        Some(LoadStatus::Missing)
    );
}

#[test]
fn a_name_removed_from_the_manifest_falls_back_to_the_placeholder() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    deploy(assets.path(), "coin", &solid(8, 8, GREEN), None);
    let mut app = create_app(assets.path());
    let coin = spawn(app.world_mut(), "coin");
    run_app_until(&mut app, "a green coin", |world| shows(world, coin, GREEN));

    let manifest = assets.path().join(Manifest::FILE_NAME);
    Manifest::edit(&manifest, |m| {
        m.remove("coin");
        Ok::<_, dgx_pixels_manifest::ManifestError>(())
    })
    .unwrap();
    run_app_until(&mut app, "the placeholder", |world| {
        shows(world, coin, MAGENTA)
    });
}
