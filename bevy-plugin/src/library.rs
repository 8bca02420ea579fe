//! What the plugin knows about each sprite name: the manifest entry, the image being loaded for
//! it, and the image (with its atlas) that entities show. Two systems keep it current, one per
//! kind of asset event; `sprite.rs` copies the result onto entities.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use bevy::asset::io::{AssetReaderError, AssetSourceId};
use bevy::asset::{
    AssetEvent, AssetId, AssetLoadError, AssetLoadFailedEvent, AssetPath, AssetServer, Assets,
    Handle, LoadState, RenderAssetUsages,
};
use bevy::ecs::message::{MessageReader, MessageWriter};
use bevy::ecs::resource::Resource;
use bevy::ecs::system::{Res, ResMut};
use bevy::ecs::world::World;
use bevy::image::{Image, ImageSampler, TextureAtlasLayout};
use bevy::math::UVec2;
use dgx_pixels_manifest::{Frames, Manifest, SheetLayout, SpriteEntry};

use crate::source::PIXELS_SOURCE;
use crate::{PixelManifest, SpriteSwapped};

/// Where a file stands with the asset server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadStatus {
    Loading,
    Loaded,
    /// The file does not exist (yet).
    Missing,
    /// The last attempt failed; the last good version, if any, is still in use.
    Failed,
}

impl LoadStatus {
    fn of_failure(error: &AssetLoadError) -> Self {
        match error {
            AssetLoadError::AssetReaderError(AssetReaderError::NotFound(_)) => Self::Missing,
            _ => Self::Failed,
        }
    }
}

/// The sprites of the game's manifest and what entities naming them show.
#[derive(Resource)]
pub struct PixelLibrary {
    source: AssetSourceId<'static>,
    manifest_path: AssetPath<'static>,
    manifest_handle: Handle<PixelManifest>,
    manifest_status: LoadStatus,
    /// The last manifest that loaded; `None` until the first load settles.
    manifest: Option<Manifest>,
    sprites: BTreeMap<String, SpriteState>,
    placeholder: Handle<Image>,
    nearest_sampling: bool,
    /// Names whose shown image changed since entities were last synced.
    pub(crate) changed: BTreeSet<String>,
    /// A new manifest arrived: names it lacks (including ones that were waiting for the first
    /// manifest) need the placeholder, so every entity is synced.
    pub(crate) resync_all: bool,
    /// Unknown names already warned about, so the log is not flooded every frame.
    pub(crate) warned_unknown: BTreeSet<String>,
    /// Images that were already loaded when a name started using them.
    already_loaded: Vec<AssetId<Image>>,
}

/// One sprite name.
#[derive(Debug)]
pub struct SpriteState {
    /// The latest entry from the manifest.
    entry: SpriteEntry,
    /// The image for `entry.path`, loaded or still loading.
    image: Handle<Image>,
    status: LoadStatus,
    /// What entities show; `None` until `image` first loads.
    shown: Option<Shown>,
    /// `(revision, pixel hash)` of the last [`SpriteSwapped`], so reloading unchanged pixels does
    /// not announce a swap.
    announced: Option<(u64, u64)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Shown {
    pub(crate) image: Handle<Image>,
    pub(crate) revision: u64,
    /// The image's size in pixels.
    pub(crate) size: UVec2,
    pub(crate) atlas: Option<Atlas>,
    /// Clips, rows and tiles of the entry this image was shown for, so they always match the
    /// grid on screen (the manifest may already name a newer revision that is still loading).
    pub(crate) layout: SheetLayout,
}

#[derive(Debug, Clone)]
pub(crate) struct Atlas {
    pub(crate) layout: Handle<TextureAtlasLayout>,
    pub(crate) frames: Frames,
    /// Size of one frame in pixels.
    pub(crate) tile: UVec2,
}

/// What an entity naming a sprite should show.
pub(crate) enum Look<'a> {
    /// Nothing to show yet: the manifest or the first image is still loading.
    Pending,
    Sprite(&'a Shown),
    /// The name is unknown, or its image never loaded.
    Placeholder {
        unknown: bool,
    },
}

/// `pixels/reload` named a sprite the manifest does not have.
#[derive(Debug, thiserror::Error)]
#[error("no sprite named {0:?} in the manifest; pixels/list shows the names")]
pub struct UnknownSprite(pub String);

impl PixelLibrary {
    /// Starts loading the manifest through `pixels://`, or through the default source (with
    /// Bevy's slower debounce and its rename blind spot) when `pixels://` is missing.
    pub(crate) fn new(world: &mut World, manifest_path: &str, nearest_sampling: bool) -> Self {
        let server = world.resource::<AssetServer>();
        let source = if server.get_source(PIXELS_SOURCE).is_ok() {
            AssetSourceId::from(PIXELS_SOURCE)
        } else {
            tracing::error!(
                "dgx-pixels: the {PIXELS_SOURCE}:// asset source is missing because DgxPixelsPlugin \
                 was added after AssetPlugin, so deploys show only after Bevy's 300 ms debounce \
                 and files replaced by a slow atomic rename are missed. Add the plugin before \
                 DefaultPlugins, or call app.register_pixels_source(..) before them"
            );
            AssetSourceId::Default
        };
        if !server.watching_for_changes() {
            tracing::warn!(
                "dgx-pixels: the asset server does not watch for changes, so deployed sprites will \
                 not hot-swap; enable Bevy's `file_watcher` feature or \
                 AssetPlugin::watch_for_changes_override"
            );
        }
        let manifest_path = AssetPath::from(manifest_path.to_owned()).with_source(source.clone());
        let manifest_handle = server.load(manifest_path.clone());
        let placeholder = world.resource_mut::<Assets<Image>>().add(checker());
        Self {
            source,
            manifest_path,
            manifest_handle,
            manifest_status: LoadStatus::Loading,
            manifest: None,
            sprites: BTreeMap::new(),
            placeholder,
            nearest_sampling,
            changed: BTreeSet::new(),
            resync_all: false,
            warned_unknown: BTreeSet::new(),
            already_loaded: Vec::new(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&SpriteState> {
        self.sprites.get(name)
    }

    /// Every sprite of the manifest, in name order.
    pub fn sprites(&self) -> impl Iterator<Item = (&str, &SpriteState)> {
        self.sprites
            .iter()
            .map(|(name, state)| (name.as_str(), state))
    }

    pub fn manifest_status(&self) -> LoadStatus {
        self.manifest_status
    }

    /// The manifest's path, e.g. `pixels://pixels.manifest.json`.
    pub fn manifest_path(&self) -> &AssetPath<'static> {
        &self.manifest_path
    }

    /// Rereads the manifest and the images of `name` (or of every sprite) from disk, for when a
    /// change was missed. Returns the names whose images were reloaded.
    pub fn reload(
        &self,
        name: Option<&str>,
        server: &AssetServer,
    ) -> Result<Vec<String>, UnknownSprite> {
        if let Some(name) = name
            && !self.sprites.contains_key(name)
        {
            return Err(UnknownSprite(name.to_owned()));
        }
        server.reload(self.manifest_path.clone());
        let names: Vec<String> = self
            .sprites
            .keys()
            .filter(|n| name.is_none_or(|name| name == n.as_str()))
            .cloned()
            .collect();
        for n in &names {
            server.reload(self.asset_path(&self.sprites[n].entry));
        }
        Ok(names)
    }

    pub(crate) fn look(&self, name: &str) -> Look<'_> {
        let Some(state) = self.sprites.get(name) else {
            return match self.manifest {
                None => Look::Pending,
                Some(_) => Look::Placeholder { unknown: true },
            };
        };
        match (&state.shown, state.status) {
            (Some(shown), _) => Look::Sprite(shown),
            (None, LoadStatus::Loading) => Look::Pending,
            (None, _) => Look::Placeholder { unknown: false },
        }
    }

    pub(crate) fn placeholder(&self) -> &Handle<Image> {
        &self.placeholder
    }

    fn asset_path(&self, entry: &SpriteEntry) -> AssetPath<'static> {
        AssetPath::from(entry.path.clone()).with_source(self.source.clone())
    }

    /// Brings `sprites` in line with `next`: new names and new paths start loading, a new
    /// revision of the same path forces a reload (the PNG's own change event may have come and
    /// gone before the manifest's), removed names are dropped.
    fn apply(&mut self, next: &Manifest, server: &AssetServer, images: &Assets<Image>) {
        self.sprites.retain(|name, _| next.get(name).is_some());
        for (name, entry) in next.sprites() {
            let name = name.as_str();
            let path = self.asset_path(entry);
            match self.sprites.get_mut(name) {
                Some(state) if state.entry == *entry => {}
                Some(state) if state.entry.path == entry.path => {
                    server.reload(path);
                    state.entry = entry.clone();
                }
                Some(state) => {
                    state.entry = entry.clone();
                    state.image = server.load(path);
                    state.status = LoadStatus::Loading;
                }
                None => {
                    self.warned_unknown.remove(name);
                    let state = SpriteState {
                        entry: entry.clone(),
                        image: server.load(path),
                        status: LoadStatus::Loading,
                        shown: None,
                        announced: None,
                    };
                    self.sprites.insert(name.to_owned(), state);
                }
            }
        }
        // A name that shares an already loaded PNG gets no load event of its own.
        let already_loaded = self
            .sprites
            .values()
            .filter(|s| s.status == LoadStatus::Loading && images.contains(s.image.id()))
            .map(|s| s.image.id());
        self.already_loaded.extend(already_loaded);
        self.manifest = Some(next.clone());
        self.resync_all = true;
    }

    /// Shows the freshly loaded image of `name` with the atlas of its latest entry, and says
    /// whether that is a swap worth announcing.
    fn show(
        &mut self,
        name: &str,
        size: UVec2,
        hash: u64,
        layouts: &mut Assets<TextureAtlasLayout>,
    ) -> Option<SpriteSwapped> {
        let state = self.sprites.get_mut(name)?;
        if matches!(state.status, LoadStatus::Failed | LoadStatus::Missing) {
            tracing::info!("dgx-pixels: sprite {name:?} loads again");
        }
        state.status = LoadStatus::Loaded;
        let previous = state.shown.as_ref().and_then(|shown| shown.atlas.as_ref());
        let atlas = state
            .entry
            .frames
            .map(|frames| Atlas::for_image(frames, size, previous, layouts));
        state.shown = Some(Shown {
            image: state.image.clone(),
            revision: state.entry.revision,
            size,
            atlas,
            layout: state.entry.layout.clone(),
        });
        self.changed.insert(name.to_owned());
        let key = (state.entry.revision, hash);
        if state.announced == Some(key) {
            return None;
        }
        state.announced = Some(key);
        Some(SpriteSwapped {
            name: name.to_owned(),
            revision: key.0,
        })
    }

    /// Records a failed image load; the last good image stays on screen.
    fn fail(&mut self, failure: &AssetLoadFailedEvent<Image>) {
        let status = LoadStatus::of_failure(&failure.error);
        let using = self
            .sprites
            .iter_mut()
            .filter(|(_, state)| state.image.id() == failure.id);
        for (name, state) in using {
            if state.status != status {
                let keeping = if state.shown.is_some() {
                    "keeping the last good image"
                } else {
                    "showing the placeholder"
                };
                tracing::warn!(
                    "dgx-pixels: sprite {name:?}: {} did not load, {keeping}: {}",
                    failure.path,
                    failure.error
                );
            }
            state.status = status;
            if state.shown.is_none() {
                self.changed.insert(name.clone());
            }
        }
    }
}

impl Atlas {
    /// The grid of `frames` over an image of `size`, reusing the previous layout when the grid
    /// did not change so entities keep their frame.
    fn for_image(
        frames: Frames,
        size: UVec2,
        previous: Option<&Atlas>,
        layouts: &mut Assets<TextureAtlasLayout>,
    ) -> Self {
        let tile = size / UVec2::new(frames.columns, frames.rows);
        let layout = match previous {
            Some(p)
                if p.tile == tile
                    && (p.frames.columns, p.frames.rows) == (frames.columns, frames.rows) =>
            {
                p.layout.clone()
            }
            _ => layouts.add(TextureAtlasLayout::from_grid(
                tile,
                frames.columns,
                frames.rows,
                None,
                None,
            )),
        };
        Self {
            layout,
            frames,
            tile,
        }
    }
}

impl SpriteState {
    /// The manifest's latest entry for this name (the one being loaded, if a swap is pending).
    pub fn entry(&self) -> &SpriteEntry {
        &self.entry
    }

    /// The revision entities show, once one has loaded.
    pub fn shown_revision(&self) -> Option<u64> {
        self.shown.as_ref().map(|shown| shown.revision)
    }

    /// The image entities show, once one has loaded.
    pub fn image(&self) -> Option<&Handle<Image>> {
        self.shown.as_ref().map(|shown| &shown.image)
    }

    pub fn status(&self) -> LoadStatus {
        self.status
    }
}

/// Follows the manifest: applies each version that loads and warns once when it breaks.
pub(crate) fn apply_manifest(
    mut events: MessageReader<AssetEvent<PixelManifest>>,
    mut failures: MessageReader<AssetLoadFailedEvent<PixelManifest>>,
    manifests: Res<Assets<PixelManifest>>,
    images: Res<Assets<Image>>,
    server: Res<AssetServer>,
    mut library: ResMut<PixelLibrary>,
) {
    let id = library.manifest_handle.id();
    let mut loaded = false;
    for event in events.read() {
        loaded |= event.is_added(id) || event.is_modified(id);
    }
    let failure = failures.read().filter(|f| f.id == id).last().cloned();
    if !loaded && failure.is_none() {
        return;
    }
    let status = match server.load_state(id) {
        LoadState::Loaded => LoadStatus::Loaded,
        LoadState::Failed(error) => LoadStatus::of_failure(&error),
        LoadState::Loading | LoadState::NotLoaded => library.manifest_status,
    };
    let previous = std::mem::replace(&mut library.manifest_status, status);
    match (status, previous) {
        (LoadStatus::Missing, LoadStatus::Missing) | (LoadStatus::Failed, LoadStatus::Failed) => {}
        (LoadStatus::Missing, _) => tracing::info!(
            "dgx-pixels: no manifest at {} yet; sprites appear as they are deployed",
            library.manifest_path
        ),
        (LoadStatus::Failed, _) => tracing::warn!(
            "dgx-pixels: {} did not load, keeping the sprites of the last good manifest: {}",
            library.manifest_path,
            failure.map_or_else(String::new, |f| f.error.to_string())
        ),
        (LoadStatus::Loaded, LoadStatus::Failed) => {
            tracing::info!("dgx-pixels: {} is valid again", library.manifest_path);
        }
        _ => {}
    }
    let next = match manifests.get(id) {
        Some(manifest) => manifest.0.clone(),
        // Nothing good ever loaded: an empty manifest shows every name as unknown.
        None if library.manifest.is_none() && status != LoadStatus::Loading => Manifest::default(),
        None => return,
    };
    if library.manifest.as_ref() != Some(&next) {
        library.apply(&next, &server, &images);
    }
}

/// Shows each image of a sprite as it loads and writes [`SpriteSwapped`] for real changes.
pub(crate) fn track_images(
    mut events: MessageReader<AssetEvent<Image>>,
    mut failures: MessageReader<AssetLoadFailedEvent<Image>>,
    mut images: ResMut<Assets<Image>>,
    mut layouts: ResMut<Assets<TextureAtlasLayout>>,
    mut library: ResMut<PixelLibrary>,
    mut swapped: MessageWriter<SpriteSwapped>,
) {
    for failure in failures.read() {
        library.fail(failure);
    }
    let mut loaded: Vec<AssetId<Image>> = events
        .read()
        .filter_map(|event| match event {
            AssetEvent::Added { id } | AssetEvent::Modified { id } => Some(*id),
            _ => None,
        })
        .collect();
    loaded.append(&mut library.already_loaded);
    for id in loaded {
        let names: Vec<String> = library
            .sprites
            .iter()
            .filter(|(_, state)| state.image.id() == id)
            .map(|(name, _)| name.clone())
            .collect();
        if names.is_empty() {
            continue;
        }
        // Untracked: this frame's events are already out, and the renderer reads the image
        // after this system, so it sees the sampler without a second reload event.
        let Some(image) = images.get_mut_untracked(id) else {
            continue;
        };
        if library.nearest_sampling {
            image.sampler = ImageSampler::nearest();
        }
        let (size, hash) = (image.size(), pixel_hash(image));
        for name in names {
            if let Some(swap) = library.show(&name, size, hash, &mut layouts) {
                swapped.write(swap);
            }
        }
    }
}

/// Hash of an image's pixels, to tell a real change from a reload of the same bytes.
fn pixel_hash(image: &Image) -> u64 {
    let mut hasher = DefaultHasher::new();
    image.data.hash(&mut hasher);
    image.width().hash(&mut hasher);
    hasher.finish()
}

/// Side of the placeholder checker in pixels.
pub(crate) const PLACEHOLDER_SIDE: u32 = 16;

/// A 16 × 16 magenta and black checker: impossible to miss, obviously not art.
fn checker() -> Image {
    const SIDE: u32 = PLACEHOLDER_SIDE;
    const CELL: u32 = 4;
    let pixels = (0..SIDE * SIDE)
        .flat_map(|i| {
            let (x, y) = (i % SIDE, i / SIDE);
            if (x / CELL + y / CELL).is_multiple_of(2) {
                [255, 0, 255, 255]
            } else {
                [0, 0, 0, 255]
            }
        })
        .collect();
    // `Image::default()` is a 1 × 1 RGBA8 sRGB texture; growing it avoids naming wgpu types.
    let mut image = Image::default();
    image.texture_descriptor.size.width = SIDE;
    image.texture_descriptor.size.height = SIDE;
    image.data = Some(pixels);
    image.sampler = ImageSampler::nearest();
    image.asset_usage = RenderAssetUsages::default();
    image
}
