//! What the player sees and presses: a pixel-perfect camera that follows the player, a parallax
//! sky, the coin counter, and the keyboard. Needs the `render` feature (a window and a GPU).

mod backdrop;
mod controls;
mod hud;
mod swaps;

pub use swaps::SWAP_LOG;

use bevy::app::{App, Last, Plugin, PostUpdate, Startup, Update};
use bevy::asset::Assets;
use bevy::camera::visibility::{RenderLayers, Visibility};
use bevy::camera::{Camera, Camera2d, RenderTarget};
use bevy::ecs::component::Component;
use bevy::ecs::query::{With, Without};
use bevy::ecs::schedule::IntoScheduleConfigs;
use bevy::ecs::system::{Commands, Query, Res, ResMut, Single};
use bevy::image::Image;
use bevy::math::{UVec2, Vec2, Vec3};
use bevy::render::render_resource::{Extent3d, TextureFormat};
use bevy::render::view::Msaa;
use bevy::sprite::Sprite;
use bevy::transform::TransformSystems;
use bevy::transform::components::Transform;
use bevy::ui::IsDefaultUiCamera;
use bevy::window::{PrimaryWindow, Window};

use crate::{Body, Level, Player};

/// The view is at least this many art pixels high; the window shows it scaled by a whole number.
pub const VIEW_HEIGHT: f32 = 180.0;

/// What the window camera draws: the canvas (the level stays on the default layer, which only
/// the art camera draws).
const SCREEN_LAYER: RenderLayers = RenderLayers::layer(1);

/// Camera, backdrop, counter and keyboard on top of [`crate::PlatformerPlugin`].
pub struct ViewPlugin;

impl Plugin for ViewPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(backdrop::SKY)
            .add_systems(
                Startup,
                (spawn_cameras, backdrop::spawn, hud::spawn).chain(),
            )
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

/// Draws the level at art resolution, one art pixel to one pixel of the canvas: nothing can fall
/// between pixels, and a software renderer fills a sixteenth of the pixels it would at 4×.
#[derive(Component, Debug, Clone, Copy)]
pub(super) struct ArtCamera {
    /// How many screen pixels one art pixel takes.
    zoom: f32,
    /// How many art pixels the canvas holds.
    view: UVec2,
}

/// The canvas the art camera draws into, shown on the window scaled by [`ArtCamera::zoom`].
#[derive(Component)]
struct Canvas;

fn spawn_cameras(mut commands: Commands, mut images: ResMut<Assets<Image>>) {
    let view = UVec2::new(320, VIEW_HEIGHT as u32);
    let canvas = images.add(Image::new_target_texture(
        view.x,
        view.y,
        TextureFormat::Rgba8UnormSrgb,
        None,
    ));
    commands.spawn((
        Camera2d,
        Camera {
            order: -1,
            ..Camera::default()
        },
        RenderTarget::Image(canvas.clone().into()),
        Msaa::Off,
        ArtCamera { zoom: 1.0, view },
        Visibility::default(),
    ));
    commands.spawn((Sprite::from_image(canvas), Canvas, SCREEN_LAYER));
    commands.spawn((Camera2d, Msaa::Off, IsDefaultUiCamera, SCREEN_LAYER));
}

/// Picks the largest whole zoom that still shows [`VIEW_HEIGHT`] art pixels, sizes the canvas to
/// cover the window at that zoom (in even numbers of art pixels, so a centred camera keeps every
/// edge on a whole pixel) and scales it up by the zoom.
fn fit_to_window(
    window: Single<&Window, With<PrimaryWindow>>,
    mut camera: Single<&mut ArtCamera>,
    canvas: Single<(&Sprite, &mut Transform), With<Canvas>>,
    mut images: ResMut<Assets<Image>>,
) {
    let physical = Vec2::new(
        window.physical_width() as f32,
        window.physical_height() as f32,
    );
    let zoom = (physical.y / VIEW_HEIGHT).floor().max(1.0);
    let view = ((physical / zoom / 2.0).ceil() * 2.0).as_uvec2();
    if zoom == camera.zoom && view == camera.view {
        return;
    }
    **camera = ArtCamera { zoom, view };
    let (sprite, mut transform) = canvas.into_inner();
    if let Some(mut image) = images.get_mut(&sprite.image) {
        image.resize(Extent3d {
            width: view.x,
            height: view.y,
            depth_or_array_layers: 1,
        });
    }
    transform.scale = Vec3::splat(zoom / window.scale_factor());
}

/// Keeps the player in view without showing past the level's ends; the ground stays at the
/// bottom of the screen.
fn follow_player(
    level: Res<Level>,
    player: Query<&Body, With<Player>>,
    camera: Single<(&mut Transform, &ArtCamera), Without<Player>>,
) {
    let (mut transform, camera) = camera.into_inner();
    let half = camera.view.as_vec2() / 2.0;
    let target = player
        .iter()
        .next()
        .map_or(level.start.x, |body| body.position.x);
    let x = target.clamp(half.x, (level.size().x - half.x).max(half.x));
    transform.translation.x = x.round();
    transform.translation.y = half.y;
}
