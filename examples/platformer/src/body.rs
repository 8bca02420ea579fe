//! Gravity and collisions against the level's solid tiles, for everything that walks.

use bevy::ecs::component::Component;
use bevy::ecs::system::{Query, Res};
use bevy::math::Vec2;
use bevy::time::Time;
use bevy::transform::components::Transform;

use crate::level::{Level, snapped};

/// Downward acceleration, in art pixels per second squared.
const GRAVITY: f32 = 900.0;
/// Fastest fall, so a long drop never tunnels through a tile.
const MAX_FALL: f32 = 400.0;
/// Longest step simulated at once: a stalled frame must not throw bodies through floors.
const MAX_STEP: f32 = 1.0 / 30.0;

/// Something that falls and collides. `position` is the middle of its feet, so sprites anchored
/// at the bottom stand on the ground whatever size their art is.
#[derive(Component, Debug, Clone, PartialEq)]
pub struct Body {
    pub position: Vec2,
    pub velocity: Vec2,
    /// Width and height of the collision box, in art pixels.
    pub size: Vec2,
    pub on_ground: bool,
    /// Set when a wall stopped the last horizontal move.
    pub blocked: bool,
}

impl Body {
    pub fn new(position: Vec2, size: Vec2) -> Self {
        Self {
            position,
            velocity: Vec2::ZERO,
            size,
            on_ground: false,
            blocked: false,
        }
    }

    /// Whether the two collision boxes overlap.
    pub fn touches(&self, other_centre: Vec2, other_size: Vec2) -> bool {
        let delta = (self.centre() - other_centre).abs();
        delta.x * 2.0 < self.size.x + other_size.x && delta.y * 2.0 < self.size.y + other_size.y
    }

    pub fn centre(&self) -> Vec2 {
        self.position + Vec2::Y * (self.size.y / 2.0)
    }

    /// Whether the box at `position` overlaps a solid tile (probing its corners and, for boxes
    /// taller or wider than a tile, points in between).
    fn hits(&self, level: &Level, position: Vec2) -> bool {
        let half = self.size.x / 2.0 - 0.01;
        let top = self.size.y - 0.01;
        let xs = [position.x - half, position.x, position.x + half];
        let ys = [position.y, position.y + top / 2.0, position.y + top];
        xs.iter()
            .any(|&x| ys.iter().any(|&y| level.is_solid_at(Vec2::new(x, y))))
    }

    /// Moves by `velocity * dt`, one axis at a time, stopping flush against solid tiles.
    fn advance(&mut self, level: &Level, dt: f32) {
        self.velocity.y = (self.velocity.y - GRAVITY * dt).max(-MAX_FALL);
        let step_x = Vec2::X * self.velocity.x * dt;
        self.blocked = self.hits(level, self.position + step_x);
        if self.blocked {
            self.velocity.x = 0.0;
        } else {
            self.position += step_x;
        }
        let step_y = Vec2::Y * self.velocity.y * dt;
        self.on_ground = false;
        if self.hits(level, self.position + step_y) {
            if self.velocity.y < 0.0 {
                self.on_ground = true;
                self.position.y = ((self.position.y + step_y.y) / crate::TILE).ceil() * crate::TILE;
            }
            self.velocity.y = 0.0;
        } else {
            self.position += step_y;
        }
    }
}

pub(crate) fn step(level: Res<Level>, time: Res<Time>, mut bodies: Query<&mut Body>) {
    let dt = time.delta_secs().min(MAX_STEP);
    for mut body in &mut bodies {
        body.advance(&level, dt);
    }
}

/// Shows bodies where physics put them, on whole art pixels.
pub(crate) fn snap_transforms(mut bodies: Query<(&Body, &mut Transform)>) {
    for (body, mut transform) in &mut bodies {
        transform.translation = snapped(body.position, transform.translation.z);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settle(level: &Level, body: &mut Body, seconds: f32) {
        for _ in 0..(seconds * 60.0) as usize {
            body.advance(level, 1.0 / 60.0);
        }
    }

    #[test]
    fn a_body_falls_and_lands_on_the_floor() {
        let level = Level::parse(&["     ", "     ", "GGGGG"]);
        let mut body = Body::new(Vec2::new(40.0, 40.0), Vec2::new(10.0, 14.0));
        settle(&level, &mut body, 1.0);
        assert_eq!(body.position, Vec2::new(40.0, 16.0));
        assert!(body.on_ground);
    }

    #[test]
    fn a_wall_stops_a_running_body() {
        let level = Level::parse(&["   ", "  #", "GGG"]);
        let mut body = Body::new(Vec2::new(8.0, 16.0), Vec2::new(10.0, 14.0));
        // Walking into it, as the slime does: the speed is set again every frame.
        for _ in 0..60 {
            body.velocity.x = 60.0;
            body.advance(&level, 1.0 / 60.0);
        }
        assert!(body.position.x + 5.0 <= 32.0, "{body:?}");
        assert!(body.blocked, "{body:?}");
    }

    #[test]
    fn a_body_over_a_gap_falls_out_of_the_level() {
        let level = Level::parse(&["   ", "G G"]);
        let mut body = Body::new(Vec2::new(24.0, 16.0), Vec2::new(10.0, 14.0));
        settle(&level, &mut body, 1.0);
        assert!(body.position.y < 0.0);
    }
}
