//! Deploys swap what entities show, in place.

use bevy::asset::AssetPath;
use bevy::sprite::Sprite;
use bevy_dgx_pixels::{PixelLibrary, PixelSprite, SpriteSwapped};

use crate::support::{Swaps, create_app, deploy, png_bytes, run_app_until, solid};
use crate::{BLUE, GREEN, RED, shows, spawn};

#[test]
fn a_deployed_sprite_shows_on_every_entity_naming_it() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    let mut app = create_app(assets.path());
    let players = [0; 3].map(|_| spawn(app.world_mut(), "player"));

    run_app_until(&mut app, "three red players", |world| {
        players.iter().all(|&p| shows(world, p, RED))
    });
    let swaps = &app.world().resource::<Swaps>().0;
    assert_eq!(
        swaps,
        &[SpriteSwapped {
            name: "player".to_owned(),
            revision: 1
        }]
    );
    let path = app
        .world()
        .resource::<PixelLibrary>()
        .manifest_path()
        .clone();
    assert_eq!(path, AssetPath::from("pixels://pixels.manifest.json"));
}

#[test]
fn a_new_revision_written_by_atomic_rename_swaps_the_image_in_place() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    let mut app = create_app(assets.path());
    let player = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "a red player", |world| shows(world, player, RED));
    let handle = app.world().get::<Sprite>(player).unwrap().image.clone();

    let revision = deploy(assets.path(), "player", &solid(16, 16, BLUE), None);
    assert_eq!(revision, 2);
    run_app_until(&mut app, "revision 2 swapped", |world| {
        world.resource::<Swaps>().contains("player", 2)
    });
    assert!(shows(app.world(), player, BLUE));
    let sprite = app.world().get::<Sprite>(player).unwrap();
    assert_eq!(sprite.image, handle, "swapped in place, same handle");
}

#[test]
fn a_png_rewritten_in_place_swaps_without_a_new_revision() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    let mut app = create_app(assets.path());
    let player = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "a red player", |world| shows(world, player, RED));

    // The way an artist's editor saves: truncate and write, no rename, manifest untouched.
    let png = assets.path().join("sprites/player.png");
    std::fs::write(png, png_bytes(&solid(16, 16, GREEN))).unwrap();
    run_app_until(&mut app, "a green player", |world| {
        shows(world, player, GREEN)
    });
    let swaps = &app.world().resource::<Swaps>().0;
    assert_eq!(swaps.len(), 2, "{swaps:?}");
    assert_eq!(swaps[1].revision, 1);
}

#[test]
fn entities_spawned_or_renamed_later_show_their_sprite() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    deploy(assets.path(), "coin", &solid(8, 8, GREEN), None);
    let mut app = create_app(assets.path());
    let first = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "a red player", |world| shows(world, first, RED));

    let late = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "a late red player", |world| {
        shows(world, late, RED)
    });
    app.world_mut().get_mut::<PixelSprite>(late).unwrap().name = "coin".to_owned();
    run_app_until(&mut app, "the renamed entity shows the coin", |world| {
        shows(world, late, GREEN)
    });
    assert!(shows(app.world(), first, RED));
}

#[test]
fn a_sprite_moved_to_another_path_swaps_once_the_new_png_loads() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    let mut app = create_app(assets.path());
    let player = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "a red player", |world| shows(world, player, RED));

    // Point the entry at a new file, as deploying into another category does.
    let bytes = png_bytes(&solid(16, 16, BLUE));
    let moved = assets.path().join("heroes/player.png");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::write(&moved, &bytes).unwrap();
    let manifest = assets.path().join(dgx_pixels_manifest::Manifest::FILE_NAME);
    let moved = dgx_pixels_manifest::Manifest::edit(&manifest, |m| {
        let mut entry = m.get("player").unwrap().clone();
        entry.path = "heroes/player.png".to_owned();
        let name = dgx_pixels_manifest::SpriteName::new("player").unwrap();
        Ok::<_, dgx_pixels_manifest::ManifestError>(m.upsert(name, entry).unwrap())
    })
    .unwrap();
    assert_eq!(moved.revision, 2);
    run_app_until(&mut app, "revision 2 swapped", |world| {
        world.resource::<Swaps>().contains("player", 2)
    });
    assert!(shows(app.world(), player, BLUE));
}

#[test]
fn a_game_that_adds_the_plugin_after_default_plugins_registers_the_source_first() {
    use bevy::app::App;
    use bevy::asset::{AssetApp, AssetPlugin};
    use bevy::image::{CompressedImageFormats, ImageLoader, ImagePlugin};
    use bevy_dgx_pixels::{DgxPixelsPlugin, PixelsAppExt};
    use std::time::Duration;

    let assets = tempfile::tempdir().unwrap();
    let dir = assets.path().to_str().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    let mut app = App::new();
    app.register_pixels_source(dir, Duration::from_millis(20))
        .add_plugins((
            bevy::MinimalPlugins,
            AssetPlugin {
                file_path: dir.to_owned(),
                watch_for_changes_override: Some(true),
                ..Default::default()
            },
            ImagePlugin::default(),
            DgxPixelsPlugin::new(dir),
        ))
        .register_asset_loader(ImageLoader::new(CompressedImageFormats::NONE));
    app.finish();
    app.cleanup();
    let player = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "a red player", |world| shows(world, player, RED));

    deploy(assets.path(), "player", &solid(16, 16, BLUE), None);
    run_app_until(&mut app, "a blue player", |world| {
        shows(world, player, BLUE)
    });
}

#[test]
fn a_png_renamed_over_long_after_its_temp_file_was_written_swaps() {
    let assets = tempfile::tempdir().unwrap();
    deploy(assets.path(), "player", &solid(16, 16, RED), None);
    let mut app = create_app(assets.path());
    let player = spawn(app.world_mut(), "player");
    run_app_until(&mut app, "a red player", |world| shows(world, player, RED));

    // A slow writer: the temp file's events settle on their own before the rename lands, so the
    // watcher sees a bare rename onto `player.png`.
    let temp = assets.path().join("sprites/.player.png.tmp");
    std::fs::write(&temp, png_bytes(&solid(16, 16, BLUE))).unwrap();
    let written = std::time::Instant::now();
    while written.elapsed() < std::time::Duration::from_millis(300) {
        app.update();
    }
    std::fs::rename(&temp, assets.path().join("sprites/player.png")).unwrap();
    run_app_until(&mut app, "a blue player", |world| {
        shows(world, player, BLUE)
    });
}
