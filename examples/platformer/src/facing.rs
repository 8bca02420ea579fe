//! Characters face where they go. A sheet with a row for the west shows it (the plugin picks the
//! row of the facing); art without one (a single image, a clip drawn facing one way) is mirrored
//! when facing west, since the plugin never mirrors.

use bevy::ecs::system::{Query, Res};
use bevy::sprite::Sprite;
use bevy_dgx_pixels::{Direction, PixelAnimation, PixelLibrary, PixelSprite};

/// Sets `flip_x` on sprites facing west whose sheet has no west row, and clears it otherwise.
/// Without the plugin (headless rules) there is no art to mirror.
pub(crate) fn mirror_one_sided(
    library: Option<Res<PixelLibrary>>,
    mut characters: Query<(&PixelSprite, &PixelAnimation, &mut Sprite)>,
) {
    let Some(library) = library else {
        return;
    };
    for (pixel, animation, mut sprite) in &mut characters {
        let has_west_row = library.get(&pixel.name).is_some_and(|state| {
            let directions = &state.entry().layout.directions;
            directions.iter().any(|name| name == Direction::West.name())
        });
        let flip = animation.direction() == Direction::West && !has_west_row;
        if sprite.flip_x != flip {
            sprite.flip_x = flip;
        }
    }
}
