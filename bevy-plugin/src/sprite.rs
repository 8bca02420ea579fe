//! The component a game writes, the message it can read, and the system that copies the
//! library's images onto entities.

use bevy::ecs::change_detection::{DetectChanges, Ref};
use bevy::ecs::component::Component;
use bevy::ecs::message::Message;
use bevy::ecs::reflect::ReflectComponent;
use bevy::ecs::system::{Query, ResMut};
use bevy::image::TextureAtlas;
use bevy::reflect::Reflect;
use bevy::sprite::Sprite;

use crate::animation::FrameClock;
use crate::library::{Look, PixelLibrary};

/// Names the sprite an entity shows: `PixelSprite::new("player")` is all a game writes. The
/// plugin owns the entity's [`Sprite`] image and texture atlas from then on; the game keeps the
/// rest (colour, flips, size). Many entities may name the same sprite.
#[derive(Component, Reflect, Debug, Clone, PartialEq, Eq)]
#[reflect(Component, Debug, Clone)]
#[require(Sprite, FrameClock)]
pub struct PixelSprite {
    /// The sprite's logical name in `pixels.manifest.json`, e.g. `player` or `enemies/slime`.
    pub name: String,
}

impl PixelSprite {
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

/// Written after the image shown for `name` changed: its first load, a new revision, or new
/// pixels at the same path. Reloading identical pixels at the same revision writes nothing.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct SpriteSwapped {
    pub name: String,
    /// The manifest revision now shown.
    pub revision: u64,
}

/// Copies what the library says each name looks like onto entities that are new, renamed, or
/// name a sprite that changed (every entity after a new manifest).
pub(crate) fn sync_sprites(
    mut library: ResMut<PixelLibrary>,
    mut entities: Query<(Ref<PixelSprite>, &mut Sprite)>,
) {
    let library = &mut *library;
    for (pixel, mut sprite) in &mut entities {
        if !(library.resync_all || pixel.is_changed() || library.changed.contains(&pixel.name)) {
            continue;
        }
        let look = library.look(&pixel.name);
        let unknown = matches!(look, Look::Placeholder { unknown: true });
        let (image, atlas) = match look {
            Look::Pending => continue,
            Look::Sprite(shown) => (
                &shown.image,
                shown
                    .atlas
                    .as_ref()
                    .map(|atlas| (&atlas.layout, atlas.frames.count)),
            ),
            Look::Placeholder { .. } => (library.placeholder(), None),
        };
        if sprite.image != *image {
            sprite.image = image.clone();
        }
        match (atlas, &sprite.texture_atlas) {
            (Some((layout, _)), Some(current)) if current.layout == *layout => {}
            (Some((layout, count)), current) => {
                let index = current.as_ref().map_or(0, |c| c.index);
                sprite.texture_atlas = Some(TextureAtlas {
                    layout: layout.clone(),
                    index: if index < count as usize { index } else { 0 },
                });
            }
            (None, Some(_)) => sprite.texture_atlas = None,
            (None, None) => {}
        }
        if unknown && library.warned_unknown.insert(pixel.name.clone()) {
            tracing::warn!(
                "dgx-pixels: no sprite named {:?} in the manifest; showing a placeholder until \
                 one is deployed",
                pixel.name
            );
        }
    }
    library.changed.clear();
    library.resync_all = false;
}
