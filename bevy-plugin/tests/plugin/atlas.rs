//! Sprite sheets get a texture atlas from `frames` and play at `frames.fps`.

use bevy::asset::Assets;
use bevy::ecs::entity::Entity;
use bevy::ecs::world::World;
use bevy::image::TextureAtlasLayout;
use bevy::math::UVec2;
use bevy::sprite::Sprite;
use dgx_pixels_manifest::Frames;
use image::RgbaImage;

use crate::support::{Swaps, create_app, deploy, run_app_until, solid};
use crate::{BLUE, GREEN, RED, shows, spawn};

fn has_atlas(world: &World, entity: Entity) -> bool {
    world
        .get::<Sprite>(entity)
        .is_some_and(|sprite| sprite.texture_atlas.is_some())
}

/// A one-row sheet with one solid frame per colour.
fn strip(frame: u32, colors: &[[u8; 4]]) -> RgbaImage {
    let mut sheet = RgbaImage::new(frame * colors.len() as u32, frame);
    for (i, &rgba) in colors.iter().enumerate() {
        image::imageops::replace(
            &mut sheet,
            &solid(frame, frame, rgba),
            i as i64 * frame as i64,
            0,
        );
    }
    sheet
}

fn frames(columns: u32, fps: u32) -> Option<Frames> {
    Some(Frames {
        columns,
        rows: 1,
        count: columns,
        fps,
    })
}

#[test]
fn a_sheet_gets_a_grid_atlas_and_its_frames_advance() {
    let assets = tempfile::tempdir().unwrap();
    deploy(
        assets.path(),
        "coin",
        &strip(8, &[RED, GREEN, BLUE]),
        frames(3, 30),
    );
    let mut app = create_app(assets.path());
    let coin = spawn(app.world_mut(), "coin");
    run_app_until(&mut app, "the coin sheet", |world| has_atlas(world, coin));

    let world = app.world();
    let atlas = world
        .get::<Sprite>(coin)
        .unwrap()
        .texture_atlas
        .clone()
        .unwrap();
    let layout = world
        .resource::<Assets<TextureAtlasLayout>>()
        .get(&atlas.layout)
        .unwrap();
    assert_eq!(layout.len(), 3);
    assert_eq!(layout.textures[2].min, UVec2::new(16, 0));
    assert_eq!(layout.textures[2].size(), UVec2::new(8, 8));

    for color in [RED, GREEN, BLUE] {
        run_app_until(&mut app, "the next frame", |world| {
            shows(world, coin, color)
        });
    }
}

#[test]
fn redeploying_a_sheet_with_another_grid_replaces_the_atlas() {
    let assets = tempfile::tempdir().unwrap();
    deploy(
        assets.path(),
        "coin",
        &strip(8, &[RED, GREEN]),
        frames(2, 1),
    );
    let mut app = create_app(assets.path());
    let coin = spawn(app.world_mut(), "coin");
    run_app_until(&mut app, "the coin sheet", |world| has_atlas(world, coin));

    let revision = deploy(assets.path(), "coin", &solid(8, 8, BLUE), None);
    run_app_until(&mut app, "the single-image coin", |world| {
        world.resource::<Swaps>().contains("coin", revision)
    });
    assert!(
        app.world()
            .get::<Sprite>(coin)
            .unwrap()
            .texture_atlas
            .is_none()
    );
    assert!(shows(app.world(), coin, BLUE));

    let revision = deploy(
        assets.path(),
        "coin",
        &strip(4, &[GREEN, RED, BLUE, RED]),
        frames(4, 1),
    );
    run_app_until(&mut app, "the four-frame coin", |world| {
        world.resource::<Swaps>().contains("coin", revision)
    });
    let atlas = app
        .world()
        .get::<Sprite>(coin)
        .unwrap()
        .texture_atlas
        .clone()
        .unwrap();
    let layouts = app.world().resource::<Assets<TextureAtlasLayout>>();
    assert_eq!(layouts.get(&atlas.layout).unwrap().len(), 4);
}
