//! What the player sees and presses: a pixel-perfect camera that follows the player, a parallax
//! sky, the coin counter, and the keyboard. Needs the `render` feature (a window and a GPU).

mod backdrop;
mod controls;
mod hud;
mod swaps;

pub use swaps::SWAP_LOG;

use bevy::app::{App, Last, Plugin, PostUpdate, Startup, Update};
use bevy::camera::visibility::Visibility;
use bevy::camera::{Camera2d, OrthographicProjection, Projection};
use bevy::ecs::query::{With, Without};
use bevy::ecs::schedule::IntoScheduleConfigs;
use bevy::ecs::system::{Commands, Query, Res, Single};
use bevy::math::Vec2;
use bevy::transform::TransformSystems;
use bevy::transform::components::Transform;
use bevy::window::{PrimaryWindow, Window};

use crate::{Body, Level, Player};

/// The view is at least this many art pixels high; the window shows it scaled by a whole number.
pub const VIEW_HEIGHT: f32 = 180.0;

/// Camera, backdrop, counter and keyboard on top of [`crate::PlatformerPlugin`].
pub struct ViewPlugin;

impl Plugin for ViewPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(backdrop::SKY)
            .add_systems(Startup, (spawn_camera, backdrop::spawn, hud::spawn).chain())
            .add_systems(Update, (controls::read_keyboard, hud::update))
            .add_systems(Last, swaps::log_swaps)
            .add_systems(
                PostUpdate,
                (fit_to_window, follow_player, backdrop::scroll)
                    .chain()
                    .before(TransformSystems::Propagate),
            );
    }
}

/// How many screen pixels one art pixel takes, and how much of the world that shows.
#[derive(bevy::ecs::component::Component, Debug, Clone, Copy)]
struct PixelScale {
    zoom: f32,
    view: Vec2,
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn((
        Camera2d,
        PixelScale {
            zoom: 1.0,
            view: Vec2::new(320.0, VIEW_HEIGHT),
        },
        Visibility::default(),
    ));
}

/// Picks the largest whole zoom that still shows [`VIEW_HEIGHT`] art pixels, so every art pixel is
/// the same square of screen pixels.
fn fit_to_window(
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&mut Projection, &mut PixelScale)>,
) {
    let (mut projection, mut scale) = camera.into_inner();
    let physical = Vec2::new(
        window.physical_width() as f32,
        window.physical_height() as f32,
    );
    let zoom = (physical.y / VIEW_HEIGHT).floor().max(1.0);
    if zoom == scale.zoom && physical == scale.view * zoom {
        return;
    }
    *scale = PixelScale {
        zoom,
        view: physical / zoom,
    };
    *projection = Projection::Orthographic(OrthographicProjection {
        scale: window.scale_factor() / zoom,
        ..OrthographicProjection::default_2d()
    });
}

/// Keeps the player in view without showing past the level's ends; the ground stays at the
/// bottom of the screen.
fn follow_player(
    level: Res<Level>,
    player: Query<&Body, With<Player>>,
    camera: Single<(&mut Transform, &PixelScale), Without<Player>>,
) {
    let (mut transform, scale) = camera.into_inner();
    let half = scale.view / 2.0;
    let target = player
        .iter()
        .next()
        .map_or(level.start.x, |body| body.position.x);
    let x = target.clamp(half.x, (level.size().x - half.x).max(half.x));
    transform.translation.x = x.round();
    transform.translation.y = half.y.round();
}
