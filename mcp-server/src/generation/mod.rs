//! One generation, start to finish: [`backend`] → pixel [`pipeline`] → [`store`](crate::store),
//! with [`progress`] on the way.
//!
//! Shared by the MCP tools, the CLI and watch mode, so all make exactly the same sprites.

pub mod animation;
pub mod backend;
pub mod compare;
pub mod from_image;
pub mod pipeline;
pub mod progress;
pub mod tileset;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use image::RgbaImage;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::deploy::sheet::pack_sheet;
use crate::spec::{BackendKind, MAX_SEED, PaletteChoice, Settings};
use crate::store::{
    ComfyRun, SheetFrames, SpriteRecord, SpriteStore, StoreError, StoredSprite, Timings, encode_png,
};
use crate::telemetry;
use backend::comfyui::Comfy;
use backend::{BackendError, Rendered};
use progress::{Reporter, SharedReporter, Stage, Step, report};

/// A request for one or more sprites sharing one set of settings.
#[derive(Debug, Clone)]
pub struct SpriteRequest {
    pub prompts: Vec<String>,
    pub settings: Settings,
    /// Also pack the sprites into one sheet.
    pub sheet: bool,
    /// The call's parameters, kept in each sprite's metadata.
    pub parameters: serde_json::Value,
}

/// Why a sprite could not be made.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error("pixel pipeline failed: {0}")]
    Pixel(#[from] dgx_pixels_pixel::PixelError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cancelled before the sprite was stored; nothing was written")]
    Cancelled,
}

/// Why the generator could not be set up from the configuration.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Comfy(#[from] backend::comfyui::ComfySetupError),
}

/// The outcome of a request: one result per prompt, in order, and the sheet if asked.
#[derive(Debug)]
pub struct Outcome {
    pub items: Vec<Result<StoredSprite, GenerateError>>,
    pub sheet: Option<Result<StoredSprite, GenerateError>>,
    pub seed: u64,
}

/// Makes sprites into a store.
#[derive(Debug, Clone)]
pub struct Generator {
    store: SpriteStore,
    default_backend: BackendKind,
    comfy: Option<Arc<Comfy>>,
}

impl Generator {
    /// A generator writing to `store`; `comfy` is set when ComfyUI servers are configured.
    pub fn new(
        store: SpriteStore,
        default_backend: BackendKind,
        comfy: Option<Arc<Comfy>>,
    ) -> Self {
        Self {
            store,
            default_backend,
            comfy,
        }
    }

    /// The store and the backends `config` names.
    pub fn from_config(config: &Config) -> Result<Self, SetupError> {
        let store = SpriteStore::open(&config.out_dir)?;
        let comfy = if config.comfyui.is_empty() {
            None
        } else {
            let urls = config.comfyui.iter().map(|s| s.url.clone()).collect();
            Some(Arc::new(Comfy::new(urls, config.comfyui_defaults.clone())?))
        };
        Ok(Self::new(store, config.backend(), comfy))
    }

    pub fn store(&self) -> &SpriteStore {
        &self.store
    }

    pub fn default_backend(&self) -> BackendKind {
        self.default_backend
    }

    pub fn comfy(&self) -> Option<&Comfy> {
        self.comfy.as_deref()
    }

    /// Runs the request: the backend renders, then the pixel pipeline and the store run on the
    /// blocking pool. `progress` hears every step; once `cancel` fires, nothing more is written.
    pub async fn generate(
        &self,
        request: SpriteRequest,
        progress: impl FnMut(Step) + Send + 'static,
        cancel: CancellationToken,
    ) -> Outcome {
        let backend = request.settings.backend.unwrap_or(self.default_backend);
        let seed = request.settings.seed.unwrap_or_else(rand_seed);
        let sampling = match (backend, &self.comfy) {
            (BackendKind::Comfyui, Some(comfy)) => comfy.steps(&request.settings.comfy),
            _ => 0,
        };
        let reporter = Arc::new(Mutex::new(Reporter {
            progress: Box::new(progress),
            prompts: request.prompts.clone(),
            done: 0,
            total: request.prompts.len() * (Stage::COUNT + sampling),
        }));
        telemetry::queue(request.prompts.len() as f64);
        let rendered = backend::render(
            backend,
            self.comfy.as_deref(),
            &request,
            seed,
            &reporter,
            &cancel,
        )
        .await;
        let generator = self.clone();
        let span = tracing::Span::current();
        let outcome = tokio::task::spawn_blocking(move || {
            let _job = span.enter();
            generator.finish(&request, seed, backend, rendered, &reporter, &cancel)
        })
        .await
        .unwrap_or_else(|join_error| std::panic::resume_unwind(join_error.into_panic()));
        record_metrics(backend.name(), &outcome);
        outcome
    }

    /// Pixelizes every rendered image with one shared palette and grid, then stores each.
    fn finish(
        &self,
        request: &SpriteRequest,
        seed: u64,
        backend: BackendKind,
        rendered: Vec<Result<Rendered, GenerateError>>,
        reporter: &SharedReporter,
        cancel: &CancellationToken,
    ) -> Outcome {
        let pixel_started = Instant::now();
        let ok_images: Vec<RgbaImage> = rendered
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|r| r.image.clone()))
            .collect();
        let pixelized = pipeline::pixelize_batch(&ok_images, &request.settings);
        let pixel_ms = ms_since(pixel_started) / ok_images.len().max(1) as f64;

        let mut pixelized = match pixelized {
            Ok(images) => images.into_iter(),
            Err(e) => {
                let items = rendered
                    .into_iter()
                    .map(|r| r.and(Err(GenerateError::Pixel(e.clone()))))
                    .collect();
                return Outcome {
                    items,
                    sheet: None,
                    seed,
                };
            }
        };

        let mut results = Vec::with_capacity(rendered.len());
        let mut frames = Vec::new();
        for (i, render) in rendered.into_iter().enumerate() {
            let result = render.and_then(|render| {
                let image = pixelized
                    .next()
                    .expect("one pixelized image per rendered image");
                report(reporter, i, Stage::Pixelized);
                if cancel.is_cancelled() {
                    return Err(GenerateError::Cancelled);
                }
                let stored = self.save(NewSprite {
                    timings: Timings {
                        generate: render.generate_ms,
                        pixelize: pixel_ms,
                        ..Timings::default()
                    },
                    comfyui: render.comfy,
                    ..NewSprite::of_request(
                        request,
                        &request.prompts[i],
                        &image,
                        crate::spec::item_seed(seed, i),
                        backend,
                    )
                })?;
                report(reporter, i, Stage::Stored);
                frames.push(image);
                Ok(stored)
            });
            results.push(result);
        }

        let sheet = (request.sheet && !frames.is_empty()).then(|| {
            if cancel.is_cancelled() {
                return Err(GenerateError::Cancelled);
            }
            let (sheet, layout) = pack_sheet(&frames);
            let prompt = format!("sheet: {}", request.prompts.join(" | "));
            self.save(NewSprite {
                frames: Some(layout),
                ..NewSprite::of_request(request, &prompt, &sheet, seed, backend)
            })
        });
        Outcome {
            items: results,
            sheet,
            seed,
        }
    }

    /// Encodes and stores a finished sprite, timing the store step.
    pub fn save(&self, sprite: NewSprite<'_>) -> Result<StoredSprite, GenerateError> {
        let started = Instant::now();
        let png = encode_png(sprite.image);
        let mut timings = sprite.timings;
        let mut record = SpriteRecord {
            id: SpriteStore::new_id(sprite.prompt),
            prompt: sprite.prompt.to_string(),
            negative_prompt: sprite.negative_prompt,
            width: sprite.image.width(),
            height: sprite.image.height(),
            seed: sprite.seed,
            backend: sprite.backend.to_string(),
            palette: sprite.palette,
            style: sprite.style,
            frames: sprite.frames,
            layout: sprite.layout,
            parameters: sprite.parameters,
            comfyui: sprite.comfyui,
            timings_ms: timings,
            created_at: crate::timestamp::now(),
        };
        timings.store = ms_since(started);
        timings.total = timings.generate + timings.pixelize + timings.store;
        record.timings_ms = timings;
        Ok(self.store.save(record, &png)?)
    }
}

/// A finished image and what to record about it.
#[derive(Debug, Clone)]
pub struct NewSprite<'a> {
    pub prompt: &'a str,
    pub image: &'a RgbaImage,
    pub seed: u64,
    /// Where the pixels came from: a backend's name, or `pixelize`.
    pub backend: &'a str,
    pub negative_prompt: Option<String>,
    pub palette: Option<String>,
    /// The named style it was made in.
    pub style: Option<dgx_pixels_manifest::StyleUse>,
    pub frames: Option<SheetFrames>,
    /// What the frames mean (clips, rows, tiles); empty for a plain sprite or sheet.
    pub layout: dgx_pixels_manifest::SheetLayout,
    pub parameters: serde_json::Value,
    pub timings: Timings,
    /// The ComfyUI job that drew it, if any.
    pub comfyui: Option<ComfyRun>,
}

impl<'a> NewSprite<'a> {
    fn of_request(
        request: &SpriteRequest,
        prompt: &'a str,
        image: &'a RgbaImage,
        seed: u64,
        backend: BackendKind,
    ) -> Self {
        Self {
            prompt,
            image,
            seed,
            backend: backend.name(),
            negative_prompt: request.settings.comfy.negative_prompt.clone(),
            palette: request
                .settings
                .look
                .palette
                .as_ref()
                .map(PaletteChoice::label),
            frames: None,
            layout: Default::default(),
            style: request.settings.style.clone(),
            parameters: request.parameters.clone(),
            timings: Timings::default(),
            comfyui: None,
        }
    }
}

/// Counts each item's outcome and timings.
fn record_metrics(backend: &str, outcome: &Outcome) {
    for item in &outcome.items {
        telemetry::queue(-1.0);
        match item {
            Ok(sprite) => {
                let timings = sprite.record.timings_ms;
                tracing::info!(sprite = %sprite.record.id, total_ms = timings.total, "sprite stored");
                telemetry::job(backend, "ok");
                telemetry::generation_time(
                    backend,
                    Duration::from_secs_f64(timings.generate / 1000.0),
                );
                telemetry::pixel_time(Duration::from_secs_f64(timings.pixelize / 1000.0));
            }
            Err(GenerateError::Cancelled) => telemetry::job(backend, "cancelled"),
            Err(e) => {
                tracing::warn!("sprite failed: {e}");
                telemetry::job(backend, "error");
            }
        }
    }
}

pub(crate) fn ms_since(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

/// A random seed a JavaScript client can send back exactly (at most [`MAX_SEED`]).
pub(crate) fn rand_seed() -> u64 {
    uuid::Uuid::new_v4().as_u64_pair().0 & MAX_SEED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_seeds_and_item_seeds_stay_within_what_javascript_holds_exactly() {
        assert!((0..1000).map(|_| rand_seed()).all(|seed| seed <= MAX_SEED));
        assert_eq!(crate::spec::item_seed(7, 3), 10);
        assert_eq!(crate::spec::item_seed(MAX_SEED, 1), 0);
    }
}
