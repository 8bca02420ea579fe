//! The game's rules, played headless at a fixed 60 frames a second: running, jumping (longer while
//! the key is held), stomping the slime, collecting coins and falling into a gap; and what the
//! player and the ground ask the plugin to show (its clip and facing, the autotiled cells).

use std::time::Duration;

use bevy::MinimalPlugins;
use bevy::app::App;
use bevy::ecs::query::With;
use bevy::math::Vec2;
use bevy::time::TimeUpdateStrategy;
use bevy::transform::components::Transform;
use bevy_dgx_pixels::{Direction, PixelAnimation, PixelTilemap};
use platformer::{
    Body, Coin, Enemy, GROUND_TILESET, Intent, Level, PlatformerPlugin, Player, Restart, Score,
    TILE,
};

const FRAME: Duration = Duration::from_nanos(16_666_667);

fn game() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, PlatformerPlugin))
        .insert_resource(TimeUpdateStrategy::ManualDuration(FRAME));
    app.finish();
    app.cleanup();
    // The first update only starts the clock; settle the player on the ground.
    frames(&mut app, 30);
    app
}

fn frames(app: &mut App, count: usize) {
    for _ in 0..count {
        app.update();
    }
}

fn player(app: &mut App) -> Body {
    let world = app.world_mut();
    world
        .query_filtered::<&Body, With<Player>>()
        .single(world)
        .expect("one player")
        .clone()
}

fn set_player(app: &mut App, change: impl FnOnce(&mut Body, &mut Intent)) {
    let world = app.world_mut();
    let (mut body, mut intent) = world
        .query_filtered::<(&mut Body, &mut Intent), With<Player>>()
        .single_mut(world)
        .expect("one player");
    change(&mut body, &mut intent);
}

fn score(app: &App) -> Score {
    *app.world().resource::<Score>()
}

#[test]
fn the_player_starts_on_the_ground_and_runs_right() {
    let mut app = game();
    let start = app.world().resource::<Level>().start;
    let standing = player(&mut app);
    assert_eq!(standing.position, start);
    assert!(standing.on_ground);
    set_player(&mut app, |_, intent| intent.run = 1.0);
    frames(&mut app, 30);
    let ran = player(&mut app);
    assert!(ran.position.x > start.x + 30.0, "{ran:?}");
    assert_eq!(ran.position.y, start.y, "running along flat ground");
}

/// The highest point of a jump with the key held for `held` frames.
fn jump_height(held: usize) -> f32 {
    let mut app = game();
    let ground = player(&mut app).position.y;
    set_player(&mut app, |_, intent| intent.jump = true);
    let mut top = ground;
    for frame in 0..90 {
        if frame == held {
            set_player(&mut app, |_, intent| intent.jump = false);
        }
        app.update();
        top = top.max(player(&mut app).position.y);
    }
    top - ground
}

#[test]
fn holding_jump_jumps_higher_than_a_tap() {
    let tap = jump_height(3);
    let held = jump_height(60);
    assert!(tap > 4.0, "a tap still hops: {tap}");
    assert!(held > 3.0 * TILE, "a held jump clears three tiles: {held}");
    assert!(held > tap * 2.0, "held {held} against tapped {tap}");
}

#[test]
fn touching_a_coin_collects_it() {
    let mut app = game();
    let total = score(&app).total;
    assert!(total > 10, "the level has coins: {total}");
    let coin = {
        let world = app.world_mut();
        let mut coins = world.query::<&Coin>();
        coins.iter(world).next().expect("a coin").home
    };
    set_player(&mut app, |body, _| {
        body.position = coin - Vec2::Y * 7.0;
        body.velocity = Vec2::ZERO;
    });
    frames(&mut app, 1);
    assert_eq!(score(&app).collected, 1);
    let world = app.world_mut();
    assert_eq!(world.query::<&Coin>().iter(world).count() as u32, total - 1);
}

#[test]
fn landing_on_the_slime_flattens_it_and_bounces_the_player() {
    let mut app = game();
    // Somewhere on its walk with open sky above (part of it runs under a low platform).
    let slime = {
        let level = app.world().resource::<Level>().clone();
        let world = app.world_mut();
        let mut enemies = world.query_filtered::<&mut Body, With<Enemy>>();
        let mut body = enemies.single_mut(world).expect("one slime");
        body.position.x = (body.position.x / TILE).floor() * TILE + TILE / 2.0;
        while level.is_solid_at(body.position + Vec2::Y * 1.5 * TILE) {
            body.position.x -= TILE;
        }
        body.centre()
    };
    set_player(&mut app, |body, _| {
        body.position = slime + Vec2::Y * 4.0;
        body.velocity = Vec2::new(0.0, -200.0);
    });
    frames(&mut app, 1);
    assert!(player(&mut app).velocity.y > 100.0, "bounced up");
    frames(&mut app, 1);
    let world = app.world_mut();
    let flat = world
        .query_filtered::<&Transform, With<Enemy>>()
        .single(world)
        .unwrap()
        .scale;
    assert!(flat.y < 1.0, "the slime lies flat: {flat}");
}

#[test]
fn walking_into_the_slime_sends_the_player_home() {
    let mut app = game();
    let start = app.world().resource::<Level>().start;
    let slime = {
        let world = app.world_mut();
        let mut enemies = world.query_filtered::<&Body, With<Enemy>>();
        enemies.single(world).expect("one slime").position
    };
    set_player(&mut app, |body, _| body.position = slime);
    frames(&mut app, 1);
    assert_eq!(player(&mut app).position, start);
}

#[test]
fn falling_into_a_gap_starts_the_level_over() {
    let mut app = game();
    let (start, gap) = {
        let level = app.world().resource::<Level>();
        let gap = (0..level.columns)
            .map(|column| (column as f32 + 0.5) * TILE)
            .find(|&x| !level.is_solid_at(Vec2::new(x, TILE * 0.5)))
            .expect("the level has a gap");
        (level.start, gap)
    };
    let coin = {
        let world = app.world_mut();
        let mut coins = world.query::<&Coin>();
        coins.iter(world).next().expect("a coin").home
    };
    set_player(&mut app, |body, _| body.position = coin - Vec2::Y * 7.0);
    frames(&mut app, 1);
    assert_eq!(score(&app).collected, 1);

    set_player(&mut app, |body, _| {
        body.position = Vec2::new(gap, 2.5 * TILE);
        body.velocity = Vec2::ZERO;
    });
    frames(&mut app, 90);
    let home = player(&mut app);
    assert!(
        home.position.distance(start) < 1.0,
        "back at the start: {home:?}"
    );
    let score = score(&app);
    assert_eq!((score.collected, score.total > 10), (0, true), "{score:?}");
}

/// The clip the player's sprite plays and where it faces.
fn player_clip(app: &mut App) -> (String, Direction) {
    let world = app.world_mut();
    let animation = world
        .query_filtered::<&PixelAnimation, With<Player>>()
        .single(world)
        .expect("the player plays a clip");
    (animation.clip().to_owned(), animation.direction())
}

#[test]
fn the_players_clip_follows_its_motion_and_it_faces_where_it_runs() {
    let clip = |name: &str, facing| (name.to_owned(), facing);
    let mut app = game();
    let start = app.world().resource::<Level>().start;
    assert_eq!(player_clip(&mut app), clip("idle", Direction::East));

    set_player(&mut app, |_, intent| intent.run = 1.0);
    frames(&mut app, 20);
    assert_eq!(player_clip(&mut app), clip("run", Direction::East));
    set_player(&mut app, |_, intent| intent.run = -1.0);
    frames(&mut app, 1);
    assert!(player(&mut app).velocity.x > 0.0, "still sliding right");
    assert_eq!(player_clip(&mut app), clip("run", Direction::West));
    frames(&mut app, 30);
    assert!(player(&mut app).velocity.x < 0.0, "running left");
    assert_eq!(player_clip(&mut app), clip("run", Direction::West));
    set_player(&mut app, |_, intent| intent.run = 0.0);
    frames(&mut app, 15);
    assert_eq!(player(&mut app).velocity, Vec2::ZERO);
    assert_eq!(
        player_clip(&mut app),
        clip("idle", Direction::West),
        "standing, facing the way it last ran"
    );

    // Back at the start, where nothing hangs overhead, for a full jump.
    set_player(&mut app, |body, intent| {
        body.position = start;
        intent.jump = true;
    });
    frames(&mut app, 2);
    assert_eq!(player_clip(&mut app), clip("jump", Direction::West));
    frames(&mut app, 20);
    assert!(!player(&mut app).on_ground, "still in the air");
    assert_eq!(
        player_clip(&mut app),
        clip("jump", Direction::West),
        "the jump clip lasts the whole jump"
    );
    set_player(&mut app, |_, intent| intent.jump = false);
    frames(&mut app, 90);
    assert!(player(&mut app).on_ground, "landed");
    assert_eq!(player_clip(&mut app), clip("idle", Direction::West));
}

#[test]
fn the_ground_is_one_autotiled_map_of_the_solid_tiles() {
    let mut app = game();
    let level = app.world().resource::<Level>().clone();
    let (map, origin) = {
        let world = app.world_mut();
        let (map, transform) = world
            .query::<(&PixelTilemap, &Transform)>()
            .single(world)
            .expect("one tilemap for all the ground");
        (map.clone(), transform.translation.truncate())
    };
    assert_eq!(map.tileset, GROUND_TILESET);
    let (columns, rows) = (level.columns as u32, level.rows as u32);
    assert_eq!((map.width(), map.height()), (columns, rows + 1));
    // Cell (x, y) is centred (x + ½, −(y + ½)) tiles from the map's origin (its top-left corner),
    // as the plugin lays the tiles: there, the level is solid exactly where the map has terrain.
    let centre = |x: u32, y: u32| origin + Vec2::new(x as f32 + 0.5, -(y as f32 + 0.5)) * TILE;
    let mut terrain = 0;
    for y in 0..rows {
        for x in 0..columns {
            let solid = level.is_solid_at(centre(x, y));
            assert_eq!(map.get(x as i32, y as i32), solid, "cell ({x}, {y})");
            terrain += u32::from(solid);
        }
    }
    assert!(terrain > 3 * columns / 2, "ground and platforms: {terrain}");
    for x in 0..columns {
        assert_eq!(
            map.get(x as i32, rows as i32),
            map.get(x as i32, rows as i32 - 1),
            "the row under the screen carries on the ground above it (column {x})"
        );
    }

    app.world_mut().write_message(Restart);
    frames(&mut app, 2);
    let world = app.world_mut();
    let after: Vec<PixelTilemap> = world
        .query::<&PixelTilemap>()
        .iter(world)
        .cloned()
        .collect();
    assert_eq!(after, [map], "a restart keeps the ground as it was");
}
