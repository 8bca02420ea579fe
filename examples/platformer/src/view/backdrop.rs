//! The sky behind the level: a banded gradient fixed to the camera, then clouds, two ranges of
//! hills and a row of distant trees that scroll slower the farther away they are. Hills and
//! clouds are stacks of flat rectangles on whole art pixels, so they look drawn, not smoothed.

use bevy::camera::ClearColor;
use bevy::camera::visibility::Visibility;
use bevy::color::Color;
use bevy::ecs::component::Component;
use bevy::ecs::entity::Entity;
use bevy::ecs::hierarchy::ChildOf;
use bevy::ecs::query::{With, Without};
use bevy::ecs::system::{Commands, Query, Res, Single};
use bevy::math::Vec2;
use bevy::sprite::{Anchor, Sprite};
use bevy::transform::components::Transform;
use bevy_dgx_pixels::PixelSprite;

use super::ArtCamera;
use crate::Level;

/// The sky at the horizon, also what shows where nothing is drawn.
pub(super) const SKY: ClearColor = ClearColor(Color::srgb(0.72, 0.89, 0.98));

/// Sky bands from the top of the screen down, each 24 art pixels high.
const SKY_BANDS: [Color; 5] = [
    Color::srgb(0.36, 0.62, 0.93),
    Color::srgb(0.44, 0.69, 0.95),
    Color::srgb(0.52, 0.76, 0.96),
    Color::srgb(0.59, 0.82, 0.97),
    Color::srgb(0.66, 0.86, 0.98),
];

/// How much of the level's width the content of a layer must cover beyond the screen.
const MARGIN: f32 = 256.0;

/// A backdrop layer that follows the camera by `factor`: 0 moves with the level, 1 stays still
/// on screen (infinitely far).
#[derive(Component, Debug, Clone, Copy)]
pub(super) struct Parallax {
    factor: f32,
}

pub(super) fn spawn(
    mut commands: Commands,
    level: Res<Level>,
    camera: Single<Entity, With<ArtCamera>>,
) {
    for (i, color) in SKY_BANDS.into_iter().enumerate() {
        let top = super::VIEW_HEIGHT / 2.0 - 24.0 * i as f32;
        let height = if i == 0 { 400.0 } else { 24.0 };
        commands.spawn((
            Sprite::from_color(color, Vec2::new(4096.0, height)),
            Anchor::BOTTOM_CENTER,
            Transform::from_xyz(0.0, top - 24.0, -100.0),
            ChildOf(*camera),
        ));
    }
    let width = level.size().x;
    let cloud = Color::srgb(0.97, 0.98, 1.0);
    let far_hill = Color::srgb(0.58, 0.80, 0.80);
    let near_hill = Color::srgb(0.42, 0.72, 0.56);
    let clouds = layer(&mut commands, 0.9, -60.0);
    for (i, x) in spaced(width * 0.1, 150.0).enumerate() {
        let y = 130.0 + (i % 3) as f32 * 14.0;
        mound(
            &mut commands,
            clouds,
            Vec2::new(x, y),
            Vec2::new(40.0, 10.0),
            cloud,
        );
        mound(
            &mut commands,
            clouds,
            Vec2::new(x + 14.0, y),
            Vec2::new(26.0, 16.0),
            cloud,
        );
    }
    let far = layer(&mut commands, 0.75, -50.0);
    for (i, x) in spaced(width * 0.25, 110.0).enumerate() {
        let size = Vec2::new(150.0, 70.0 + (i % 2) as f32 * 20.0);
        mound(&mut commands, far, Vec2::new(x, 16.0), size, far_hill);
    }
    let near = layer(&mut commands, 0.55, -40.0);
    for (i, x) in spaced(width * 0.45, 90.0).enumerate() {
        let size = Vec2::new(110.0, 42.0 + (i % 3) as f32 * 8.0);
        mound(
            &mut commands,
            near,
            Vec2::new(x + 40.0, 16.0),
            size,
            near_hill,
        );
    }
    let trees = layer(&mut commands, 0.35, -30.0);
    for (i, x) in spaced(width * 0.65, 56.0).enumerate() {
        commands.spawn((
            PixelSprite::new("scenery/tree"),
            Sprite {
                color: Color::srgb(0.55, 0.78, 0.72),
                ..Sprite::default()
            },
            Anchor::BOTTOM_CENTER,
            Transform::from_xyz(x + (i % 3) as f32 * 9.0, 26.0, 0.0),
            ChildOf(trees),
        ));
    }
}

/// X positions every `step` across a layer `width` wide plus the margins.
fn spaced(width: f32, step: f32) -> impl Iterator<Item = f32> {
    let count = ((width + 2.0 * MARGIN) / step).ceil() as usize;
    (0..=count).map(move |i| -MARGIN + i as f32 * step)
}

fn layer(commands: &mut Commands, factor: f32, z: f32) -> Entity {
    commands
        .spawn((
            Parallax { factor },
            Transform::from_xyz(0.0, 0.0, z),
            Visibility::default(),
        ))
        .id()
}

/// A rounded hump, `size` wide and high, its base centred on `base`: rows of 2 art pixels whose
/// widths follow an ellipse, which reads as a hand-drawn hill or cloud.
fn mound(commands: &mut Commands, parent: Entity, base: Vec2, size: Vec2, color: Color) {
    let rows = (size.y / 2.0) as usize;
    for row in 0..rows {
        let height = row as f32 * 2.0;
        let across = (1.0 - (height / size.y).powi(2)).sqrt() * size.x;
        // An even width keeps both edges of a centred row on whole art pixels.
        let across = ((across / 2.0).round() * 2.0).max(2.0);
        commands.spawn((
            Sprite::from_color(color, Vec2::new(across, 2.0)),
            Anchor::BOTTOM_CENTER,
            Transform::from_xyz(base.x.round(), base.y + height, 0.0),
            ChildOf(parent),
        ));
    }
}

/// Moves each layer by its share of the camera's travel, on whole art pixels.
pub(super) fn scroll(
    camera: Single<&Transform, With<ArtCamera>>,
    mut layers: Query<(&Parallax, &mut Transform), Without<ArtCamera>>,
) {
    for (parallax, mut transform) in &mut layers {
        transform.translation.x = (camera.translation.x * parallax.factor).round();
    }
}
