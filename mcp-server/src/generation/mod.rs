//! One generation, start to finish: backend → pixel pipeline → store.
//!
//! Shared by the MCP tools and the CLI, so both make exactly the same sprites.

use std::time::{Duration, Instant};

use image::RgbaImage;
use tokio_util::sync::CancellationToken;

use std::sync::{Arc, Mutex};

use crate::backend::comfyui::{Comfy, ComfyRun};
use crate::backend::{BackendError, BackendKind, procedural};
use dgx_pixels_pixel::{self as pixel, PixelError};

use crate::params::{Look, OutlineChoice, PaletteChoice, Style};
use crate::preview::encode_png;
use crate::store::{SheetFrames, SpriteRecord, SpriteStore, StoreError, StoredSprite, Timings};
use crate::telemetry;

/// A request for one or more sprites sharing one style.
#[derive(Debug, Clone)]
pub struct SpriteRequest {
    pub prompts: Vec<String>,
    pub style: Style,
    /// Also pack the sprites into one sheet.
    pub sheet: bool,
    /// The call's parameters, kept in each sprite's metadata.
    pub parameters: serde_json::Value,
}

/// Where a generation stands, reported as it advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Started,
    /// A sampler step on ComfyUI.
    Sampling {
        value: u32,
        max: u32,
    },
    Generated,
    Pixelized,
    Stored,
}

impl Stage {
    /// Stages every sprite goes through, whatever the backend (sampling steps come on top).
    pub const COUNT: usize = 4;

    pub fn describe(self) -> String {
        match self {
            Self::Started => "started".into(),
            Self::Sampling { value, max } => format!("sampling step {value}/{max}"),
            Self::Generated => "generated".into(),
            Self::Pixelized => "post-processed".into(),
            Self::Stored => "stored".into(),
        }
    }
}

/// One progress step: `item` of `items` reached `stage`, the `done`-th step of the request.
#[derive(Debug, Clone)]
pub struct Step {
    pub item: usize,
    pub items: usize,
    pub stage: Stage,
    pub prompt: String,
    pub done: usize,
    pub total: usize,
}

impl Step {
    /// Overall progress as (done, total) steps, monotonic over a whole batch.
    pub fn fraction(&self) -> (f64, f64) {
        (self.done as f64, self.total.max(self.done) as f64)
    }

    pub fn message(&self) -> String {
        if self.items == 1 {
            format!("{}: {}", self.stage.describe(), self.prompt)
        } else {
            format!(
                "sprite {}/{} {}: {}",
                self.item + 1,
                self.items,
                self.stage.describe(),
                self.prompt
            )
        }
    }
}

/// Why a sprite could not be made.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error("pixel pipeline failed: {0}")]
    Pixel(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cancelled before the sprite was stored; nothing was written")]
    Cancelled,
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

/// A raw image from a backend, before the pixel pipeline.
struct Rendered {
    image: RgbaImage,
    generate_ms: f64,
    comfy: Option<ComfyRun>,
}

/// Turns stage changes into numbered [`Step`]s; shared by the render and finish phases.
struct Reporter {
    progress: Box<dyn FnMut(Step) + Send>,
    prompts: Vec<String>,
    done: usize,
    total: usize,
}

type SharedReporter = Arc<Mutex<Reporter>>;

fn report(reporter: &SharedReporter, item: usize, stage: Stage) {
    let mut reporter = reporter.lock().expect("progress lock");
    reporter.done += 1;
    tracing::debug!(item, stage = %stage.describe(), "sprite progress");
    let step = Step {
        item,
        items: reporter.prompts.len(),
        stage,
        prompt: reporter.prompts[item].clone(),
        done: reporter.done,
        total: reporter.total,
    };
    (reporter.progress)(step);
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
        let backend = request.style.backend.unwrap_or(self.default_backend);
        let seed = request.style.seed.unwrap_or_else(rand_seed);
        let sampling = match (backend, &self.comfy) {
            (BackendKind::Comfyui, Some(comfy)) => comfy.steps(&request.style.comfy),
            _ => 0,
        };
        let reporter = Arc::new(Mutex::new(Reporter {
            progress: Box::new(progress),
            prompts: request.prompts.clone(),
            done: 0,
            total: request.prompts.len() * (Stage::COUNT + sampling),
        }));
        telemetry::queue(request.prompts.len() as f64);
        let rendered = self
            .render(backend, &request, seed, &reporter, &cancel)
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

    async fn render(
        &self,
        backend: BackendKind,
        request: &SpriteRequest,
        seed: u64,
        reporter: &SharedReporter,
        cancel: &CancellationToken,
    ) -> Vec<Result<Rendered, GenerateError>> {
        let prompts = request.prompts.clone();
        match (backend, &self.comfy) {
            (BackendKind::Embedded, _) => {
                let (width, height) = (request.style.width, request.style.height);
                let (reporter, cancel) = (reporter.clone(), cancel.clone());
                let span = tracing::Span::current();
                tokio::task::spawn_blocking(move || {
                    let _job = span.enter();
                    render_embedded(&prompts, seed, width, height, &reporter, &cancel)
                })
                .await
                .unwrap_or_else(|join_error| std::panic::resume_unwind(join_error.into_panic()))
            }
            (BackendKind::Comfyui, None) => prompts
                .iter()
                .map(|_| Err(BackendError::ComfyuiNotConfigured.into()))
                .collect(),
            (BackendKind::Comfyui, Some(comfy)) => {
                for item in 0..prompts.len() {
                    report(reporter, item, Stage::Started);
                }
                let on_step = {
                    let reporter = reporter.clone();
                    move |item, value, max| report(&reporter, item, Stage::Sampling { value, max })
                };
                let results = comfy
                    .render(
                        &prompts,
                        seed,
                        &request.style.comfy,
                        on_step,
                        cancel.child_token(),
                    )
                    .await;
                results
                    .into_iter()
                    .enumerate()
                    .map(|(item, result)| match result {
                        Ok(done) => {
                            report(reporter, item, Stage::Generated);
                            Ok(Rendered {
                                image: done.image,
                                generate_ms: done.generate_ms,
                                comfy: Some(done.run),
                            })
                        }
                        Err(_) if cancel.is_cancelled() => Err(GenerateError::Cancelled),
                        Err(e) => Err(e.into()),
                    })
                    .collect()
            }
        }
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
        let pixelized = pixelize(&ok_images, &request.style);
        let pixel_ms = ms_since(pixel_started) / ok_images.len().max(1) as f64;

        let mut pixelized = match pixelized {
            Ok(images) => images.into_iter(),
            Err(e) => {
                let items = rendered
                    .into_iter()
                    .map(|r| r.and(Err(GenerateError::Pixel(e.to_string()))))
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
                        seed.wrapping_add(i as u64),
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
            frames: sprite.frames,
            parameters: sprite.parameters,
            comfyui: sprite.comfyui,
            timings_ms: timings,
            created_at: now_rfc3339(),
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
    pub frames: Option<SheetFrames>,
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
            negative_prompt: request.style.comfy.negative_prompt.clone(),
            palette: request
                .style
                .look
                .palette
                .as_ref()
                .map(PaletteChoice::label),
            frames: None,
            parameters: request.parameters.clone(),
            timings: Timings::default(),
            comfyui: None,
        }
    }
}

/// Draws each prompt with the procedural generator, straight at the target size.
fn render_embedded(
    prompts: &[String],
    seed: u64,
    width: u32,
    height: u32,
    reporter: &SharedReporter,
    cancel: &CancellationToken,
) -> Vec<Result<Rendered, GenerateError>> {
    prompts
        .iter()
        .enumerate()
        .map(|(i, prompt)| {
            if cancel.is_cancelled() {
                return Err(GenerateError::Cancelled);
            }
            report(reporter, i, Stage::Started);
            let started = Instant::now();
            let image = procedural::generate(prompt, seed.wrapping_add(i as u64), width, height);
            report(reporter, i, Stage::Generated);
            Ok(Rendered {
                image,
                generate_ms: ms_since(started),
                comfy: None,
            })
        })
        .collect()
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

/// Runs the pixel pipeline over a batch with one shared palette and grid.
fn pixelize(images: &[RgbaImage], style: &Style) -> Result<Vec<RgbaImage>, PixelError> {
    if images.is_empty() {
        return Ok(Vec::new());
    }
    let options = pixel_options(&style.look)?;
    Ok(pixel::pixelize_batch(images, &options)?
        .into_iter()
        .map(|p| p.image)
        .collect())
}

/// The pixel pipeline's options for a validated look.
pub fn pixel_options(look: &Look) -> Result<pixel::PixelizeOptions, PixelError> {
    let palette = match &look.palette {
        None => pixel::PaletteChoice::None,
        Some(PaletteChoice::Named(name)) => {
            pixel::PaletteChoice::Fixed(pixel::Palette::by_name(name)?)
        }
        Some(PaletteChoice::Colors(colors)) => {
            pixel::PaletteChoice::Fixed(pixel::Palette::from_rgb(colors)?)
        }
        Some(PaletteChoice::Auto(k)) => pixel::PaletteChoice::Auto { k: *k as usize },
    };
    Ok(pixel::PixelizeOptions {
        width: look.width,
        height: look.height,
        palette,
        transparent: look.transparent,
        outline: look.outline.map(|o| match o {
            OutlineChoice::Color([r, g, b]) => pixel::OutlineColor::Rgba([r, g, b, 255]),
            OutlineChoice::Darkest => pixel::OutlineColor::Darkest,
        }),
        ..pixel::PixelizeOptions::default()
    })
}

/// Lays same-sized frames out left to right in one row.
pub fn pack_sheet(frames: &[RgbaImage]) -> (RgbaImage, SheetFrames) {
    let (w, h) = (frames[0].width(), frames[0].height());
    let mut sheet = RgbaImage::new(w * frames.len() as u32, h);
    for (i, frame) in frames.iter().enumerate() {
        image::imageops::replace(&mut sheet, frame, i as i64 * w as i64, 0);
    }
    let count = frames.len() as u32;
    (
        sheet,
        SheetFrames {
            columns: count,
            rows: 1,
            count,
        },
    )
}

fn ms_since(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

fn rand_seed() -> u64 {
    uuid::Uuid::new_v4().as_u64_pair().0
}

/// Now, as RFC 3339 UTC.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("the current time always formats as RFC 3339")
}
