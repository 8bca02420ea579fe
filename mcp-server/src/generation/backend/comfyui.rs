//! The ComfyUI backend: our generation settings bound into a workflow and run on the server pool.

use std::sync::Arc;
use std::time::Instant;

use dgx_pixels_comfyui::{
    ClientOptions, ComfyError, InitUpload, JobProgress, JobSpec, Lora, Pool, WorkflowParams,
    Workflows,
};
use image::RgbaImage;
use tokio_util::sync::CancellationToken;

use super::BackendError;
use crate::config::ComfyDefaults;
use crate::spec::ComfyOptions;
use crate::store::ComfyRun;
use crate::telemetry;

/// One rendered image and its provenance.
#[derive(Debug)]
pub struct ComfyImage {
    pub image: RgbaImage,
    pub run: ComfyRun,
    pub generate_ms: f64,
}

/// The configured ComfyUI servers, the workflows and the prompt defaults.
#[derive(Debug)]
pub struct Comfy {
    pool: Pool,
    workflows: Workflows,
    defaults: ComfyDefaults,
}

/// Why ComfyUI could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ComfySetupError {
    #[error("cannot load workflows from {dir}: {message}")]
    Workflows { dir: String, message: String },
}

impl Comfy {
    pub fn new(urls: Vec<String>, defaults: ComfyDefaults) -> Result<Self, ComfySetupError> {
        let mut workflows = Workflows::builtin();
        if let Some(dir) = &defaults.workflows_dir {
            workflows
                .load_dir(dir)
                .map_err(|e| ComfySetupError::Workflows {
                    dir: dir.display().to_string(),
                    message: e.to_string(),
                })?;
        }
        Ok(Self {
            pool: Pool::with_options(urls, ClientOptions::default()),
            workflows,
            defaults,
        })
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    pub fn workflows(&self) -> &Workflows {
        &self.workflows
    }

    /// Sampler steps one job will report, for progress totals.
    pub fn steps(&self, options: &ComfyOptions) -> usize {
        let workflow = options.workflow.as_deref().unwrap_or("sprite");
        options
            .steps
            .or_else(|| {
                self.workflows
                    .get(workflow)
                    .ok()
                    .map(|w| w.defaults().steps)
            })
            .unwrap_or(0) as usize
    }

    /// Renders one image per prompt, all submitted at once so the GPU never waits for us.
    /// `on_step(item, value, max)` hears every sampler step.
    pub async fn render(
        &self,
        prompts: &[String],
        seed: u64,
        options: &ComfyOptions,
        on_step: impl Fn(usize, u32, u32) + Send + Sync + 'static,
        cancel: CancellationToken,
    ) -> Vec<Result<ComfyImage, BackendError>> {
        let seed_of = |i| crate::spec::item_seed(seed, i);
        self.render_with_seed(prompts, seed_of, options, on_step, cancel)
            .await
    }

    /// As [`Self::render`], with item `i` drawn from seed `seed_of(i)`: the frames of one
    /// animation share a seed, so the character stays the same.
    pub async fn render_with_seed(
        &self,
        prompts: &[String],
        seed_of: impl Fn(usize) -> u64,
        options: &ComfyOptions,
        on_step: impl Fn(usize, u32, u32) + Send + Sync + 'static,
        cancel: CancellationToken,
    ) -> Vec<Result<ComfyImage, BackendError>> {
        self.render_jobs(prompts, seed_of, options, None, on_step, cancel)
            .await
    }

    /// As [`Self::render_with_seed`], every item redrawn from `init` (img2img) by the call's
    /// `workflow`, which must take an init image. Each server that runs an item gets `init`
    /// uploaded once, just before its first item.
    pub async fn render_from(
        &self,
        init: InitUpload,
        prompts: &[String],
        seed_of: impl Fn(usize) -> u64,
        options: &ComfyOptions,
        on_step: impl Fn(usize, u32, u32) + Send + Sync + 'static,
        cancel: CancellationToken,
    ) -> Vec<Result<ComfyImage, BackendError>> {
        self.render_jobs(prompts, seed_of, options, Some(init), on_step, cancel)
            .await
    }

    async fn render_jobs(
        &self,
        prompts: &[String],
        seed_of: impl Fn(usize) -> u64,
        options: &ComfyOptions,
        init: Option<InitUpload>,
        on_step: impl Fn(usize, u32, u32) + Send + Sync + 'static,
        cancel: CancellationToken,
    ) -> Vec<Result<ComfyImage, BackendError>> {
        let workflow_name = options.workflow.as_deref().unwrap_or("sprite");
        let workflow = match self.workflows.get(workflow_name) {
            Ok(workflow) => workflow.clone(),
            Err(e) => {
                let message = e.to_string();
                return prompts
                    .iter()
                    .map(|_| Err(BackendError::Workflow(message.clone())))
                    .collect();
            }
        };
        let negative = [
            options.negative_prompt.as_deref(),
            self.defaults.negative_prompt.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let jobs = prompts
            .iter()
            .enumerate()
            .map(|(i, prompt)| JobSpec {
                workflow: workflow.clone(),
                params: WorkflowParams {
                    prompt: format!(
                        "{}{prompt}{}{}",
                        options.prompt_prefix.as_deref().unwrap_or_default(),
                        options.prompt_suffix.as_deref().unwrap_or_default(),
                        self.defaults.prompt_suffix
                    ),
                    negative_prompt: (!negative.is_empty()).then(|| negative.clone()),
                    seed: seed_of(i),
                    steps: options.steps,
                    cfg: options.cfg,
                    sampler: options.sampler.clone(),
                    scheduler: options.scheduler.clone(),
                    checkpoint: options
                        .model
                        .clone()
                        .or_else(|| self.defaults.model.clone()),
                    loras: options
                        .loras
                        .iter()
                        .map(|(name, strength)| Lora {
                            name: name.clone(),
                            strength: *strength,
                        })
                        .collect(),
                    width: options.render_size,
                    height: options.render_size,
                    batch: Some(1),
                    ..WorkflowParams::default()
                },
                init_image: init.clone(),
            })
            .collect();
        let started = Instant::now();
        let on_step = Arc::new(on_step);
        let results = self
            .pool
            .run_batch(
                jobs,
                move |item, progress| {
                    if let JobProgress::Step { value, max, .. } = progress {
                        on_step(item, value, max);
                    }
                },
                cancel,
            )
            .await;
        let generate_ms = started.elapsed().as_secs_f64() * 1000.0 / prompts.len().max(1) as f64;
        results
            .into_iter()
            .map(|result| {
                let output = result.inspect_err(|e| telemetry::comfyui_error(e.kind()))?;
                let run = ComfyRun {
                    prompt_id: output.prompt_id,
                    server: output.server,
                };
                let image =
                    output
                        .images
                        .into_iter()
                        .next()
                        .ok_or_else(|| ComfyError::NoImages {
                            url: run.server.clone(),
                            prompt_id: run.prompt_id.clone(),
                        })?;
                Ok(ComfyImage {
                    image,
                    run,
                    generate_ms,
                })
            })
            .collect()
    }
}
