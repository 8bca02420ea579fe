//! Tilesets: every tile of a layout composed by the procedural crate from a seamless texture per
//! terrain the prompt names, locked to the call's palette, stored as one sheet whose metadata
//! gives each tile's place and what it connects to.
//!
//! The embedded backend paints the textures itself. On ComfyUI each terrain's texture is a job
//! of the `tileset` workflow, all submitted at once so the queue never idles; each picture is
//! pixelized to one tile and made seamless (a model's "tileable" texture rarely is), and the set
//! is composed from them with the same transition masks as the embedded one.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use dgx_pixels_manifest::{SheetLayout, Tile, Tileset};
use dgx_pixels_procedural::{Layout, Mask, NamedTerrain, Surface, Texture};
use image::RgbaImage;
use tokio_util::sync::CancellationToken;

use super::backend::BackendError;
use super::progress::{Reporter, SharedReporter, Stage, Step, report};
use super::{GenerateError, Generator, NewSprite, ms_since, pipeline, rand_seed};
use crate::spec::{BackendKind, Look, Settings, item_seed};
use crate::store::{SheetFrames, StoredSprite, Timings};

/// The ComfyUI workflow that draws terrain textures, unless the call names another.
const TEXTURE_WORKFLOW: &str = "tileset";

/// A request for one tileset.
#[derive(Debug, Clone)]
pub struct TilesetRequest {
    pub prompt: String,
    pub settings: Settings,
    pub layout: Layout,
    pub tile_size: u32,
    pub parameters: serde_json::Value,
}

impl TilesetRequest {
    /// The terrains of the set, upper first: one for a one-terrain seamless set, else two.
    fn terrains(&self) -> Vec<NamedTerrain> {
        let (upper, lower) = dgx_pixels_procedural::read_terrains(&self.prompt, &self.layout);
        upper.into_iter().chain([lower]).collect()
    }
}

/// A composed set and how long its textures took to draw.
struct Composed {
    set: dgx_pixels_procedural::Tileset,
    generate_ms: f64,
    compose_ms: f64,
}

impl Generator {
    /// Draws, composes and stores the set. `progress` hears each terrain texture's stages (and
    /// ComfyUI's sampler steps); once `cancel` fires, nothing is stored.
    pub async fn tileset(
        &self,
        request: TilesetRequest,
        progress: impl FnMut(Step) + Send + 'static,
        cancel: CancellationToken,
    ) -> Result<StoredSprite, GenerateError> {
        let backend = request.settings.backend.unwrap_or(self.default_backend);
        let seed = request.settings.seed.unwrap_or_else(rand_seed);
        let terrains = request.terrains();
        let sampling = match (backend, self.comfy()) {
            (BackendKind::Comfyui, Some(comfy)) => comfy.steps(&texture_options(&request)),
            _ => 0,
        };
        let reporter: SharedReporter = Arc::new(Mutex::new(Reporter {
            progress: Box::new(progress),
            total: terrains.len() * (Stage::COUNT + sampling),
            prompts: terrains
                .iter()
                .map(|t| format!("{} texture", t.words))
                .collect(),
            done: 0,
        }));
        let composed = match backend {
            BackendKind::Embedded => {
                let (request, reporter) = (request.clone(), reporter.clone());
                tokio::task::spawn_blocking(move || draw_embedded(&request, seed, &reporter))
                    .await
                    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
            }
            BackendKind::Comfyui => {
                let started = Instant::now();
                let pictures = self
                    .draw_comfyui(&request, seed, &terrains, &reporter, &cancel)
                    .await?;
                let generate_ms = ms_since(started);
                let request = request.clone();
                tokio::task::spawn_blocking(move || {
                    compose_pictures(&request, seed, &terrains, &pictures, generate_ms)
                })
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?
            }
        };
        let generator = self.clone();
        tokio::task::spawn_blocking(move || {
            generator.store_set(&request, seed, backend, composed, &reporter, &cancel)
        })
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }

    /// One texture per terrain from ComfyUI, all queued at once, item `i` from seed `seed + i`.
    async fn draw_comfyui(
        &self,
        request: &TilesetRequest,
        seed: u64,
        terrains: &[NamedTerrain],
        reporter: &SharedReporter,
        cancel: &CancellationToken,
    ) -> Result<Vec<RgbaImage>, GenerateError> {
        let comfy = self.comfy().ok_or(BackendError::ComfyuiNotConfigured)?;
        let prompts: Vec<String> = terrains
            .iter()
            .map(|t| format!("{} terrain", t.words))
            .collect();
        let rendered = super::backend::on_comfyui(
            comfy,
            &prompts,
            |i| item_seed(seed, i),
            &texture_options(request),
            reporter,
            cancel,
        )
        .await;
        rendered
            .into_iter()
            .map(|texture| texture.map(|texture| texture.image))
            .collect()
    }

    /// The sheet locked to the call's palette and stored with its tiles' places and masks.
    fn store_set(
        &self,
        request: &TilesetRequest,
        seed: u64,
        backend: BackendKind,
        composed: Composed,
        reporter: &SharedReporter,
        cancel: &CancellationToken,
    ) -> Result<StoredSprite, GenerateError> {
        let started = Instant::now();
        let set = composed.set;
        let mut look = request.settings.look.clone();
        // Tiles meet edge to edge: an outline would draw a seam around every tile.
        look.outline = None;
        let sheet = pipeline::lock_frames(std::slice::from_ref(&set.sheet), &look)?
            .pop()
            .expect("one sheet in, one out");
        let items = reporter.lock().expect("progress lock").prompts.len();
        for item in 0..items {
            report(reporter, item, Stage::Pixelized);
        }
        if cancel.is_cancelled() {
            return Err(GenerateError::Cancelled);
        }
        let tiles = set
            .tiles
            .iter()
            .map(|t| Tile {
                index: (t.y / set.tile_size) * set.columns + t.x / set.tile_size,
                name: Some(t.name.clone()),
                mask: match t.mask {
                    Mask::None => 0,
                    Mask::Corners(bits) | Mask::Neighbours(bits) => u32::from(bits),
                },
            })
            .collect::<Vec<_>>();
        let count = tiles.iter().map(|t| t.index + 1).max().unwrap_or(1);
        let prompt = format!("{} ({} tileset)", request.prompt, request.layout.name());
        let stored = self.save(NewSprite {
            prompt: &prompt,
            image: &sheet,
            seed,
            backend: backend.name(),
            negative_prompt: request.settings.comfy.negative_prompt.clone(),
            palette: look.palette.as_ref().map(|p| p.label()),
            style: request.settings.style.clone(),
            frames: Some(SheetFrames {
                columns: set.columns,
                rows: set.rows,
                count,
            }),
            layout: SheetLayout {
                tileset: Some(Tileset {
                    layout: request.layout.name().to_owned(),
                    tile_size: set.tile_size,
                    tiles,
                }),
                ..SheetLayout::default()
            },
            parameters: request.parameters.clone(),
            timings: Timings {
                generate: composed.generate_ms,
                pixelize: composed.compose_ms + ms_since(started),
                ..Timings::default()
            },
            comfyui: None,
        })?;
        for item in 0..items {
            report(reporter, item, Stage::Stored);
        }
        Ok(stored)
    }
}

/// The call's ComfyUI options, drawing with the texture workflow unless it names one.
fn texture_options(request: &TilesetRequest) -> crate::spec::ComfyOptions {
    let mut options = request.settings.comfy.clone();
    options
        .workflow
        .get_or_insert_with(|| TEXTURE_WORKFLOW.to_owned());
    options
}

/// The embedded generator's set: it paints its own textures and composes them.
fn draw_embedded(request: &TilesetRequest, seed: u64, reporter: &SharedReporter) -> Composed {
    let started = Instant::now();
    let set =
        dgx_pixels_procedural::tileset(&request.prompt, seed, request.tile_size, &request.layout);
    let items = reporter.lock().expect("progress lock").prompts.len();
    for item in 0..items {
        report(reporter, item, Stage::Started);
        report(reporter, item, Stage::Generated);
    }
    Composed {
        set,
        generate_ms: ms_since(started),
        compose_ms: 0.0,
    }
}

/// The set composed from a model's pictures, one per terrain in `terrains`' order: each
/// pixelized to one tile (the whole picture kept, no background removed, no palette yet: the
/// sheet is locked once composed) and made seamless.
fn compose_pictures(
    request: &TilesetRequest,
    seed: u64,
    terrains: &[NamedTerrain],
    pictures: &[RgbaImage],
    generate_ms: f64,
) -> Result<Composed, GenerateError> {
    let started = Instant::now();
    let tile = request.tile_size;
    let texture_look = Settings {
        look: Look {
            width: Some(tile),
            height: Some(tile),
            palette: None,
            transparent: false,
            outline: None,
            dither: dgx_pixels_pixel::Dither::None,
        },
        ..request.settings.clone()
    };
    let pixelized = pipeline::pixelize_batch(pictures, &texture_look)?;
    let mut surfaces: Vec<Surface> = terrains
        .iter()
        .zip(pixelized)
        .map(|(terrain, picture)| {
            // The pipeline keeps a picture's aspect: a model's square picture comes out square,
            // but its detected grid can leave it a pixel short one way.
            let picture = if picture.dimensions() == (tile, tile) {
                picture
            } else {
                image::imageops::resize(&picture, tile, tile, image::imageops::FilterType::Nearest)
            };
            Surface {
                terrain: terrain.terrain,
                texture: Texture::from_image(dgx_pixels_procedural::make_seamless(&picture)),
            }
        })
        .collect();
    let lower = surfaces
        .pop()
        .expect("a picture per terrain: a failed job fails the call before this");
    let upper = surfaces.pop();
    let set = dgx_pixels_procedural::compose(
        &request.prompt,
        seed,
        tile,
        &request.layout,
        upper.as_ref(),
        &lower,
    );
    Ok(Composed {
        set,
        generate_ms,
        compose_ms: ms_since(started),
    })
}
