//! Plays sprite sheets: every entity naming a sheet steps through its frames at `frames.fps`.

use bevy::ecs::component::Component;
use bevy::ecs::system::{Query, Res};
use bevy::sprite::Sprite;
use bevy::time::Time;

use crate::PixelSprite;
use crate::library::{Look, PixelLibrary};

/// Time into the animation; each entity has its own so sheets can start at different moments.
#[derive(Component, Debug, Default)]
pub(crate) struct FrameClock {
    seconds: f32,
}

pub(crate) fn advance_frames(
    time: Res<Time>,
    library: Res<PixelLibrary>,
    mut entities: Query<(&PixelSprite, &mut Sprite, &mut FrameClock)>,
) {
    for (pixel, mut sprite, mut clock) in &mut entities {
        let Look::Sprite(shown) = library.look(&pixel.name) else {
            continue;
        };
        let Some(frames) = shown.atlas.as_ref().map(|atlas| atlas.frames) else {
            continue;
        };
        let loop_seconds = frames.count as f32 / frames.fps as f32;
        // Wrapped so precision does not decay over a long session.
        clock.seconds = (clock.seconds + time.delta_secs()) % loop_seconds;
        let index = (clock.seconds * frames.fps as f32) as usize % frames.count as usize;
        // Read first: writing through `Mut` marks the sprite changed even if nothing changes.
        if sprite
            .texture_atlas
            .as_ref()
            .is_some_and(|a| a.index != index)
            && let Some(atlas) = &mut sprite.texture_atlas
        {
            atlas.index = index;
        }
    }
}
