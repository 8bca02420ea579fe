//! Named clips and facings: a `PixelAnimation` plays one clip of a character sheet in the row of
//! its direction, and keeps playing it through a redeploy.

use std::time::Duration;

use bevy::app::{App, Last};
use bevy::asset::Assets;
use bevy::ecs::entity::Entity;
use bevy::ecs::message::MessageReader;
use bevy::ecs::resource::Resource;
use bevy::ecs::system::ResMut;
use bevy::ecs::world::World;
use bevy::image::TextureAtlasLayout;
use bevy::sprite::Sprite;
use bevy::time::TimeUpdateStrategy;
use bevy_dgx_pixels::{AnimationFinished, Direction, PixelAnimation, PixelLibrary, PixelSprite};
use dgx_pixels_manifest::{Clip, Frames, SheetLayout};
use image::RgbaImage;
use sha2::{Digest, Sha256};

use crate::support::{Swaps, create_app, deploy_sheet, png_bytes, run_app_until, solid};
use crate::{BLUE, GREEN, RED, shown_pixel, shows, spawn};

/// Side of one frame of the test sheets, in pixels.
const FRAME: u32 = 8;
const FOUR: [&str; 4] = ["south", "east", "north", "west"];

/// Every [`AnimationFinished`] the game wrote, in order.
#[derive(Resource, Default)]
struct Finished(Vec<AnimationFinished>);

fn record_finished(mut messages: MessageReader<AnimationFinished>, mut all: ResMut<Finished>) {
    all.0.extend(messages.read().cloned());
}

/// A headless game whose clock moves `step` per frame, whatever the wall clock does.
fn clock_app(assets: &std::path::Path, step: Duration) -> App {
    let mut app = create_app(assets);
    app.insert_resource(TimeUpdateStrategy::ManualDuration(step))
        .init_resource::<Finished>()
        .add_systems(Last, record_finished);
    app
}

/// The colour of frame (`row`, `column`) of a test sheet; `tint` tells one deploy from the next.
fn frame_color(row: u32, column: u32, tint: u8) -> [u8; 4] {
    [10 + 30 * row as u8, 10 + 20 * column as u8, tint, 255]
}

/// A `columns` × `rows` sheet in which every frame is its own solid [`frame_color`].
fn sheet(columns: u32, rows: u32, tint: u8) -> RgbaImage {
    let mut sheet = RgbaImage::new(columns * FRAME, rows * FRAME);
    for row in 0..rows {
        for column in 0..columns {
            let frame = solid(FRAME, FRAME, frame_color(row, column, tint));
            let (x, y) = (column * FRAME, row * FRAME);
            image::imageops::replace(&mut sheet, &frame, x.into(), y.into());
        }
    }
    sheet
}

fn grid(columns: u32, rows: u32) -> Option<Frames> {
    Some(Frames {
        columns,
        rows,
        count: columns * rows,
        fps: 5,
    })
}

/// Clips as `(name, start, frames, fps, looping)` over rows facing `directions`.
fn character(clips: &[(&str, u32, u32, u32, bool)], directions: &[&str]) -> SheetLayout {
    SheetLayout {
        animations: clips
            .iter()
            .map(|&(name, start, frames, fps, looping)| {
                let clip = Clip {
                    start,
                    frames,
                    fps,
                    looping,
                };
                (name.to_owned(), clip)
            })
            .collect(),
        directions: directions.iter().map(|&d| d.to_owned()).collect(),
        tileset: None,
    }
}

/// The hero: 7 columns (idle 0–1, run 2–4, jump 5–6 once) in 4 rows, at 10 fps.
fn deploy_hero(assets: &std::path::Path) {
    let clips = [
        ("idle", 0, 2, 10, true),
        ("run", 2, 3, 10, true),
        ("jump", 5, 2, 10, false),
    ];
    deploy_sheet(
        assets,
        "hero",
        &sheet(7, 4, 0),
        grid(7, 4),
        character(&clips, &FOUR),
    );
}

/// The (row, column) of the frame `entity` shows, read back from its colour.
fn frame_shown(world: &World, entity: Entity, tint: u8) -> Option<(u32, u32)> {
    let [r, g, b, _] = shown_pixel(world, entity)?;
    if b != tint {
        return None;
    }
    Some((
        u32::from(r.checked_sub(10)?) / 30,
        u32::from(g.checked_sub(10)?) / 20,
    ))
}

fn spawn_playing(world: &mut World, name: &str, animation: PixelAnimation) -> Entity {
    world.spawn((PixelSprite::new(name), animation)).id()
}

fn animation(
    world: &mut World,
    entity: Entity,
) -> bevy::ecs::change_detection::Mut<'_, PixelAnimation> {
    world.get_mut::<PixelAnimation>(entity).unwrap()
}

/// The frames `entity` shows over the next `frames` frames, each once, in order (starting with
/// the one it shows now).
fn watch(app: &mut App, entity: Entity, tint: u8, frames: usize) -> Vec<(u32, u32)> {
    let mut seen: Vec<(u32, u32)> = frame_shown(app.world(), entity, tint).into_iter().collect();
    for _ in 0..frames {
        app.update();
        let now = frame_shown(app.world(), entity, tint).expect("a frame of the sheet");
        if seen.last() != Some(&now) {
            seen.push(now);
        }
    }
    seen
}

#[test]
fn a_clip_plays_its_columns_in_the_row_its_entity_faces() {
    let assets = tempfile::tempdir().unwrap();
    deploy_hero(assets.path());
    let mut app = clock_app(assets.path(), Duration::from_millis(10));
    let play = PixelAnimation::play("run").facing(Direction::West);
    let hero = spawn_playing(app.world_mut(), "hero", play);
    run_app_until(&mut app, "the hero running west", |world| {
        frame_shown(world, hero, 0) == Some((3, 2))
    });

    // 10 ms a frame, 10 fps: a new column every 10 frames, back to the first after three.
    let seen = watch(&mut app, hero, 0, 55);
    assert_eq!(seen, [(3, 2), (3, 3), (3, 4), (3, 2), (3, 3), (3, 4)]);
}

#[test]
fn switching_the_clip_or_the_facing_at_runtime() {
    let assets = tempfile::tempdir().unwrap();
    deploy_hero(assets.path());
    let mut app = clock_app(assets.path(), Duration::from_millis(10));
    let hero = spawn_playing(app.world_mut(), "hero", PixelAnimation::play("run"));
    run_app_until(&mut app, "the hero running south", |world| {
        frame_shown(world, hero, 0) == Some((0, 2))
    });
    for _ in 0..12 {
        app.update();
    }
    assert_eq!(frame_shown(app.world(), hero, 0), Some((0, 3)));

    // Turning keeps the clip and its time: same column, the east row.
    animation(app.world_mut(), hero).face(Direction::East);
    let elapsed = animation(app.world_mut(), hero).elapsed();
    app.update();
    assert_eq!(frame_shown(app.world(), hero, 0), Some((1, 3)));

    // Asking for the clip already playing does not restart it.
    animation(app.world_mut(), hero).set_clip("run");
    let now = animation(app.world_mut(), hero).elapsed();
    assert!(
        (now - (elapsed + 0.01)).abs() < 1e-5,
        "{now} after {elapsed}"
    );

    animation(app.world_mut(), hero).set_clip("idle");
    app.update();
    assert_eq!(frame_shown(app.world(), hero, 0), Some((1, 0)));
    assert_eq!(animation(app.world_mut(), hero).clip(), "idle");
    assert_eq!(watch(&mut app, hero, 0, 15), [(1, 0), (1, 1)]);
}

#[test]
fn each_facing_shows_its_row_and_diagonals_fall_back_to_the_side_rows() {
    let assets = tempfile::tempdir().unwrap();
    deploy_hero(assets.path());
    let eight: Vec<&str> = Direction::ALL.iter().map(|d| d.name()).collect();
    let walk = [("walk", 0, 2, 10, true)];
    deploy_sheet(
        assets.path(),
        "knight",
        &sheet(2, 8, 0),
        grid(2, 8),
        character(&walk, &eight),
    );
    // Two rows and no `directions`: every facing shows the top row.
    let spin = [("spin", 0, 3, 10, true)];
    deploy_sheet(
        assets.path(),
        "coin",
        &sheet(3, 2, 0),
        grid(3, 2),
        character(&spin, &[]),
    );
    let mut app = clock_app(assets.path(), Duration::from_millis(10));
    let facing = |world: &mut World, name: &str, clip: &str, direction: Direction| {
        spawn_playing(world, name, PixelAnimation::play(clip).facing(direction))
    };
    let world = app.world_mut();
    let knights = Direction::ALL.map(|d| facing(world, "knight", "walk", d));
    let heroes = Direction::ALL.map(|d| facing(world, "hero", "idle", d));
    let coin = facing(world, "coin", "spin", Direction::North);
    run_app_until(&mut app, "every sheet", |world| {
        knights
            .iter()
            .chain(&heroes)
            .chain([&coin])
            .all(|&e| frame_shown(world, e, 0).is_some())
    });

    let rows = |entities: &[Entity]| -> Vec<u32> {
        let world = app.world();
        entities
            .iter()
            .map(|&e| frame_shown(world, e, 0).unwrap().0)
            .collect()
    };
    assert_eq!(rows(&knights), [0, 1, 2, 3, 4, 5, 6, 7]);
    // South, east, north, west, then SE → east, NE → east, NW → west, SW → west.
    assert_eq!(rows(&heroes), [0, 1, 2, 3, 1, 1, 3, 3]);
    assert_eq!(rows(&[coin]), [0]);
}

#[test]
fn a_clip_that_does_not_loop_finishes_once_and_holds_its_last_frame() {
    let assets = tempfile::tempdir().unwrap();
    deploy_hero(assets.path());
    let mut app = clock_app(assets.path(), Duration::from_millis(10));
    let hero = spawn_playing(app.world_mut(), "hero", PixelAnimation::play("jump"));
    run_app_until(&mut app, "the jump's last frame", |world| {
        frame_shown(world, hero, 0) == Some((0, 6))
    });
    assert!(
        app.world().resource::<Finished>().0.is_empty(),
        "the last frame shows for its 1/fps before the clip ends"
    );
    for _ in 0..100 {
        app.update();
    }
    let finished = &app.world().resource::<Finished>().0;
    assert_eq!(
        finished,
        &[AnimationFinished {
            entity: hero,
            name: "hero".to_owned(),
            clip: "jump".to_owned(),
        }]
    );
    assert_eq!(frame_shown(app.world(), hero, 0), Some((0, 6)));
    assert!(animation(app.world_mut(), hero).is_finished());

    // Jumping again finishes again.
    animation(app.world_mut(), hero).restart();
    for _ in 0..30 {
        app.update();
    }
    assert_eq!(app.world().resource::<Finished>().0.len(), 2);
}

#[test]
fn a_live_redeploy_keeps_the_clip_facing_and_phase() {
    let assets = tempfile::tempdir().unwrap();
    // Run: 4 columns at 2 fps, a two-second loop.
    let clips = [("idle", 0, 2, 2, true), ("run", 2, 4, 2, true)];
    deploy_sheet(
        assets.path(),
        "hero",
        &sheet(7, 4, 0),
        grid(7, 4),
        character(&clips, &FOUR),
    );
    let step = Duration::from_millis(1);
    let mut app = clock_app(assets.path(), step);
    let play = PixelAnimation::play("run").facing(Direction::North);
    let hero = spawn_playing(app.world_mut(), "hero", play);
    run_app_until(&mut app, "the hero running north", |world| {
        frame_shown(world, hero, 0) == Some((2, 2))
    });
    for _ in 0..1300 {
        app.update();
    }
    assert_eq!(frame_shown(app.world(), hero, 0), Some((2, 4)));
    let before = animation(app.world_mut(), hero).elapsed();
    let old_layout = app
        .world()
        .get::<Sprite>(hero)
        .unwrap()
        .texture_atlas
        .clone();

    // New art on a wider grid; run moved to columns 5–6 and shortened to a one-second loop.
    let clips = [("idle", 0, 2, 2, true), ("run", 5, 2, 2, true)];
    let revision = deploy_sheet(
        assets.path(),
        "hero",
        &sheet(9, 4, 1),
        grid(9, 4),
        character(&clips, &FOUR),
    );
    let mut frames = 0;
    run_app_until(&mut app, "the new hero sheet", |world| {
        frames += 1;
        world.resource::<Swaps>().contains("hero", revision)
    });

    let world = app.world_mut();
    let playing = animation(world, hero).clone();
    assert_eq!(playing.clip(), "run");
    assert_eq!(playing.direction(), Direction::North);
    // The time carried on through the swap, wrapped into the shorter clip.
    let expected = (before + frames as f32 * step.as_secs_f32()) % 1.0;
    assert!(
        (playing.elapsed() - expected).abs() < 1e-3,
        "elapsed {} after the swap, expected {expected}",
        playing.elapsed()
    );
    let column = 5 + (playing.elapsed() * 2.0) as u32;
    assert_eq!(frame_shown(world, hero, 1), Some((2, column)));

    let atlas = world.get::<Sprite>(hero).unwrap().texture_atlas.clone();
    let atlas = atlas.expect("still a sheet");
    assert_ne!(Some(&atlas.layout), old_layout.as_ref().map(|a| &a.layout));
    let layouts = world.resource::<Assets<TextureAtlasLayout>>();
    let layout = layouts.get(&atlas.layout).unwrap();
    assert_eq!(layout.len(), 36, "a 9 × 4 grid");
    assert_eq!(
        layout.textures[10].min,
        bevy::math::UVec2::new(FRAME, FRAME)
    );
}

#[test]
fn an_unknown_clip_shows_the_first_clip_and_a_sheet_without_clips_its_first_frame() {
    let assets = tempfile::tempdir().unwrap();
    deploy_hero(assets.path());
    deploy_sheet(
        assets.path(),
        "plain",
        &sheet(3, 1, 0),
        grid(3, 1),
        SheetLayout::default(),
    );
    let mut app = clock_app(assets.path(), Duration::from_millis(10));
    let flying = spawn_playing(app.world_mut(), "hero", PixelAnimation::play("fly"));
    let plain = spawn_playing(app.world_mut(), "plain", PixelAnimation::play("run"));
    run_app_until(&mut app, "both sheets", |world| {
        frame_shown(world, flying, 0).is_some() && frame_shown(world, plain, 0).is_some()
    });

    // "idle" starts leftmost, so it stands in for "fly", and plays.
    assert_eq!(watch(&mut app, flying, 0, 15), [(0, 0), (0, 1)]);
    assert_eq!(watch(&mut app, plain, 0, 30), [(0, 0)]);
}

#[test]
fn a_version_1_manifest_plays_its_sheet_as_before() {
    let assets = tempfile::tempdir().unwrap();
    let strip = {
        let mut strip = RgbaImage::new(24, 8);
        for (i, rgba) in [RED, GREEN, BLUE].into_iter().enumerate() {
            image::imageops::replace(&mut strip, &solid(8, 8, rgba), i as i64 * 8, 0);
        }
        png_bytes(&strip)
    };
    std::fs::create_dir_all(assets.path().join("sprites")).unwrap();
    std::fs::write(assets.path().join("sprites/coin.png"), &strip).unwrap();
    let manifest = serde_json::json!({
        "schema_version": 1,
        "sprites": {
            "coin": {
                "path": "sprites/coin.png",
                "width": 24,
                "height": 8,
                "frames": { "columns": 3, "rows": 1, "count": 3, "fps": 30 },
                "revision": 1,
                "sha256": format!("{:x}", Sha256::digest(&strip)),
                "source": { "prompt": "a coin", "seed": 1, "backend": "test" },
                "deployed_at": "2026-11-23T18:00:00Z"
            }
        }
    });
    std::fs::write(
        assets.path().join(dgx_pixels_manifest::Manifest::FILE_NAME),
        manifest.to_string(),
    )
    .unwrap();

    let mut app = create_app(assets.path());
    let coin = spawn(app.world_mut(), "coin");
    for color in [RED, GREEN, BLUE, RED] {
        run_app_until(&mut app, "the next frame of the coin", |world| {
            shows(world, coin, color)
        });
    }
    let library = app.world().resource::<PixelLibrary>();
    assert!(library.get("coin").unwrap().entry().layout.is_empty());
}
