//! Where raw images come from: the [`embedded`] procedural generator or a [`comfyui`] server pool.
//!
//! Both render at the request's settings and report each sprite's stages; the pixel pipeline
//! runs after them, the same for both.

pub mod comfyui;
mod embedded;

use image::RgbaImage;
use tokio_util::sync::CancellationToken;

use super::progress::{SharedReporter, Stage, report};
use super::{GenerateError, SpriteRequest};
use crate::spec::{BackendKind, ComfyOptions};
use crate::store::ComfyRun;
use comfyui::Comfy;

/// Why a backend could not produce an image.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(
        "backend \"comfyui\" is not configured: start the server with --comfyui URL (or set DGX_PIXELS_COMFYUI) or use backend \"embedded\""
    )]
    ComfyuiNotConfigured,
    #[error(transparent)]
    Comfy(#[from] dgx_pixels_comfyui::ComfyError),
    #[error("workflow: {0}")]
    Workflow(String),
    #[error("{0}")]
    Animation(String),
}

/// A raw image from a backend, before the pixel pipeline.
pub(crate) struct Rendered {
    pub image: RgbaImage,
    pub generate_ms: f64,
    pub comfy: Option<ComfyRun>,
}

/// Renders every prompt of `request` on `backend`, one result per prompt, in order.
pub(crate) async fn render(
    backend: BackendKind,
    comfy: Option<&Comfy>,
    request: &SpriteRequest,
    seed: u64,
    reporter: &SharedReporter,
    cancel: &CancellationToken,
) -> Vec<Result<Rendered, GenerateError>> {
    let prompts = request.prompts.clone();
    match (backend, comfy) {
        (BackendKind::Embedded, _) => {
            let (width, height) = (request.settings.width, request.settings.height);
            let (reporter, cancel) = (reporter.clone(), cancel.clone());
            let span = tracing::Span::current();
            tokio::task::spawn_blocking(move || {
                let _job = span.enter();
                embedded::render(&prompts, seed, width, height, &reporter, &cancel)
            })
            .await
            .unwrap_or_else(|join_error| std::panic::resume_unwind(join_error.into_panic()))
        }
        (BackendKind::Comfyui, None) => prompts
            .iter()
            .map(|_| Err(BackendError::ComfyuiNotConfigured.into()))
            .collect(),
        (BackendKind::Comfyui, Some(comfy)) => {
            let seed_of = |i| crate::spec::item_seed(seed, i);
            on_comfyui(
                comfy,
                &prompts,
                seed_of,
                &request.settings.comfy,
                reporter,
                cancel,
            )
            .await
        }
    }
}

/// Renders every prompt on the ComfyUI pool at once (so the queue never idles), item `i` from
/// seed `seed_of(i)`, reporting each stage and sampler step.
pub(crate) async fn on_comfyui(
    comfy: &Comfy,
    prompts: &[String],
    seed_of: impl Fn(usize) -> u64,
    options: &ComfyOptions,
    reporter: &SharedReporter,
    cancel: &CancellationToken,
) -> Vec<Result<Rendered, GenerateError>> {
    for item in 0..prompts.len() {
        report(reporter, item, Stage::Started);
    }
    let on_step = {
        let reporter = reporter.clone();
        move |item, value, max| report(&reporter, item, Stage::Sampling { value, max })
    };
    let results = comfy
        .render_with_seed(prompts, seed_of, options, on_step, cancel.child_token())
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
