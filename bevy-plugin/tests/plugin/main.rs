//! Stories about a headless game with the plugin: sprites are deployed into a temp assets folder
//! while the game runs, and the tests watch what its entities show.

mod atlas;
mod clips;
mod faults;
#[cfg(feature = "remote")]
mod remote;
mod support;
mod swap;
mod tiles;

use bevy::asset::Assets;
use bevy::ecs::entity::Entity;
use bevy::ecs::world::World;
use bevy::image::{Image, TextureAtlasLayout};
use bevy::sprite::Sprite;
use bevy_dgx_pixels::PixelSprite;

const RED: [u8; 4] = [220, 30, 30, 255];
const GREEN: [u8; 4] = [30, 200, 60, 255];
const BLUE: [u8; 4] = [40, 60, 230, 255];
const MAGENTA: [u8; 4] = [255, 0, 255, 255];

fn spawn(world: &mut World, name: &str) -> Entity {
    world.spawn(PixelSprite::new(name)).id()
}

/// The top-left pixel of what `entity` shows (of its current frame for a sheet), once its image
/// is loaded.
fn shown_pixel(world: &World, entity: Entity) -> Option<[u8; 4]> {
    let sprite = world.get::<Sprite>(entity)?;
    let image = world.resource::<Assets<Image>>().get(&sprite.image)?;
    let origin = match &sprite.texture_atlas {
        Some(atlas) => {
            atlas
                .texture_rect(world.resource::<Assets<TextureAtlasLayout>>())?
                .min
        }
        None => bevy::math::UVec2::ZERO,
    };
    let start = ((origin.y * image.width() + origin.x) * 4) as usize;
    image.data.as_ref()?.get(start..start + 4)?.try_into().ok()
}

fn shows(world: &World, entity: Entity, rgba: [u8; 4]) -> bool {
    shown_pixel(world, entity) == Some(rgba)
}
