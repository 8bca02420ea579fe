//! Animations and characters: the frames of one subject, for each clip and each direction, drawn
//! with one palette and stored as one sheet whose metadata names the clips and the rows.
//!
//! The embedded backend animates for real (the procedural crate poses the figure per frame). On
//! ComfyUI frame 1 (first row, first clip) is drawn from the prompt; once it is back it is
//! uploaded and every other frame is submitted at once, redrawn from it (img2img, low denoise)
//! with the same seed and a prompt naming its pose and view, so the character stays one
//! character and the queue never idles. A workflow without an init image draws every frame from
//! its prompt alone, and the result says so. The batch pixel pipeline then gives all frames one
//! grid and one palette.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use dgx_pixels_comfyui::{InitUpload, Upload};
use dgx_pixels_manifest::{Clip, SheetLayout};
use dgx_pixels_procedural::{Action, Direction};
use image::RgbaImage;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::backend::BackendError;
use super::backend::comfyui::{Comfy, ComfyImage};
use super::pipeline;
use super::progress::{Reporter, SharedReporter, Stage, Step, report};
use super::{GenerateError, Generator, NewSprite, ms_since, rand_seed};
use crate::deploy::sheet::pack_grid;
use crate::spec::{BackendKind, ComfyOptions, Settings};
use crate::store::{ComfyRun, StoredSprite, Timings};

/// The built-in img2img workflow that redraws frames from the first one.
const FROM_FIRST_FRAME_WORKFLOW: &str = "animation";
/// Where in ComfyUI's input folder first frames are uploaded.
const UPLOAD_FOLDER: &str = "dgx-pixels";

/// One clip to draw: an action the embedded generator knows, or (ComfyUI only) a free word.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipPlan {
    pub name: String,
    /// `None` for a free word the embedded generator cannot pose.
    pub action: Option<Action>,
    pub frames: u32,
    pub fps: u32,
    pub looping: bool,
}

/// A request for an animation sheet: one subject, its clips, its rows.
#[derive(Debug, Clone)]
pub struct AnimationRequest {
    pub prompt: String,
    pub settings: Settings,
    pub clips: Vec<ClipPlan>,
    /// One row each, top to bottom.
    pub directions: Vec<Direction>,
    /// ComfyUI: how much of frame 1 every other frame redraws (img2img), 0.1–1.0.
    pub denoise: f64,
    /// The call's parameters, kept in the sheet's metadata.
    pub parameters: serde_json::Value,
}

/// A stored animation sheet and how its frames were kept alike.
#[derive(Debug)]
pub struct Animation {
    pub sheet: StoredSprite,
    /// `None` on the embedded backend, which poses one figure.
    pub consistency: Option<Consistency>,
}

/// How the ComfyUI frames of a sheet were kept alike, as the result reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Consistency {
    /// Frame 1 drawn from the prompt; every other frame redrawn from it by `workflow`.
    Img2imgFromFirstFrame {
        workflow: String,
        denoise: f64,
        first_frame: ComfyRun,
    },
    /// Every frame drawn from its own prompt with one shared seed.
    SharedSeed { workflow: String, reason: String },
}

impl AnimationRequest {
    /// Every frame in sheet order (row by row, clips left to right): its direction, clip and
    /// index within the clip.
    fn frames(&self) -> Vec<(Direction, &ClipPlan, u32)> {
        self.directions
            .iter()
            .flat_map(|&direction| {
                self.clips
                    .iter()
                    .flat_map(move |clip| (0..clip.frames).map(move |k| (direction, clip, k)))
            })
            .collect()
    }

    /// Each frame's prompt: the subject, its pose in the clip and its view.
    fn frame_prompts(&self) -> Vec<String> {
        self.frames()
            .iter()
            .map(|(direction, clip, k)| {
                format!(
                    "{}, {} animation frame {} of {}, {}, same character in every frame",
                    self.prompt,
                    clip.name,
                    k + 1,
                    clip.frames,
                    view_words(*direction)
                )
            })
            .collect()
    }

    fn columns(&self) -> u32 {
        self.clips.iter().map(|c| c.frames).sum()
    }

    /// The sheet's metadata: where each clip starts, which way each row faces.
    pub fn layout(&self) -> SheetLayout {
        let mut start = 0;
        let mut animations = BTreeMap::new();
        for clip in &self.clips {
            animations.insert(
                clip.name.clone(),
                Clip {
                    start,
                    frames: clip.frames,
                    fps: clip.fps,
                    looping: clip.looping,
                },
            );
            start += clip.frames;
        }
        SheetLayout {
            animations,
            directions: self
                .directions
                .iter()
                .map(|d| d.name().to_owned())
                .collect(),
            tileset: None,
        }
    }
}

impl Generator {
    /// Draws every frame, gives them one palette, and stores the sheet. `progress` hears each
    /// frame's stages; once `cancel` fires, nothing is stored.
    pub async fn animate(
        &self,
        request: AnimationRequest,
        progress: impl FnMut(Step) + Send + 'static,
        cancel: CancellationToken,
    ) -> Result<StoredSprite, GenerateError> {
        Ok(self.animate_sheet(request, progress, cancel).await?.sheet)
    }

    /// As [`Self::animate`], also saying how the frames were kept alike.
    pub async fn animate_sheet(
        &self,
        request: AnimationRequest,
        progress: impl FnMut(Step) + Send + 'static,
        cancel: CancellationToken,
    ) -> Result<Animation, GenerateError> {
        let backend = request.settings.backend.unwrap_or(self.default_backend);
        let seed = request.settings.seed.unwrap_or_else(rand_seed);
        let labels: Vec<String> = request
            .frames()
            .iter()
            .map(|(direction, clip, k)| {
                format!(
                    "{} {} frame {}/{}",
                    clip.name,
                    direction.name(),
                    k + 1,
                    clip.frames
                )
            })
            .collect();
        let sampling = match (backend, self.comfy()) {
            (BackendKind::Comfyui, Some(comfy)) => comfy.steps(&request.settings.comfy),
            _ => 0,
        };
        let reporter: SharedReporter = Arc::new(Mutex::new(Reporter {
            progress: Box::new(progress),
            total: labels.len() * (Stage::COUNT + sampling),
            prompts: labels,
            done: 0,
        }));
        let started = Instant::now();
        let (frames, consistency) = match backend {
            BackendKind::Embedded => {
                let (request, reporter, cancel) =
                    (request.clone(), reporter.clone(), cancel.clone());
                let frames = tokio::task::spawn_blocking(move || {
                    draw_embedded(&request, seed, &reporter, &cancel)
                })
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
                (frames, None)
            }
            BackendKind::Comfyui => {
                let comfy = self.comfy().ok_or(BackendError::ComfyuiNotConfigured)?;
                let (frames, consistency) =
                    draw_comfyui(comfy, &request, seed, &reporter, &cancel).await?;
                (frames, Some(consistency))
            }
        };
        let generate_ms = ms_since(started);
        let generator = self.clone();
        let sheet = tokio::task::spawn_blocking(move || {
            generator.finish_sheet(
                &request,
                seed,
                backend,
                frames,
                generate_ms,
                &reporter,
                &cancel,
            )
        })
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
        Ok(Animation { sheet, consistency })
    }

    /// One palette over every frame, then the grid packed and stored with its clips and rows.
    #[allow(
        clippy::too_many_arguments,
        reason = "one request's parts, passed once"
    )]
    fn finish_sheet(
        &self,
        request: &AnimationRequest,
        seed: u64,
        backend: BackendKind,
        frames: Vec<RgbaImage>,
        generate_ms: f64,
        reporter: &SharedReporter,
        cancel: &CancellationToken,
    ) -> Result<StoredSprite, GenerateError> {
        let started = Instant::now();
        let frames = match backend {
            // Already true pixel art at size: only the palette and outline change, so a jump
            // still rises and the feet stay on one line.
            BackendKind::Embedded => pipeline::lock_frames(&frames, &request.settings.look)?,
            BackendKind::Comfyui => pipeline::pixelize_batch(&frames, &request.settings)?,
        };
        for item in 0..frames.len() {
            report(reporter, item, Stage::Pixelized);
        }
        if cancel.is_cancelled() {
            return Err(GenerateError::Cancelled);
        }
        let (sheet, grid) = pack_grid(&frames, request.columns());
        let prompt = format!(
            "{}: {}",
            request.prompt,
            request
                .clips
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let stored = self.save(NewSprite {
            prompt: &prompt,
            image: &sheet,
            seed,
            backend: backend.name(),
            negative_prompt: request.settings.comfy.negative_prompt.clone(),
            palette: request.settings.look.palette.as_ref().map(|p| p.label()),
            style: request.settings.style.clone(),
            frames: Some(grid),
            layout: request.layout(),
            parameters: request.parameters.clone(),
            timings: Timings {
                generate: generate_ms,
                pixelize: ms_since(started),
                ..Timings::default()
            },
            comfyui: None,
        })?;
        for item in 0..frames.len() {
            report(reporter, item, Stage::Stored);
        }
        Ok(stored)
    }
}

/// Every frame on ComfyUI: from the first frame when the workflow takes an init image, else each
/// from its own prompt with the shared seed.
async fn draw_comfyui(
    comfy: &Comfy,
    request: &AnimationRequest,
    seed: u64,
    reporter: &SharedReporter,
    cancel: &CancellationToken,
) -> Result<(Vec<RgbaImage>, Consistency), GenerateError> {
    let options = &request.settings.comfy;
    let workflow = options
        .workflow
        .clone()
        .unwrap_or_else(|| FROM_FIRST_FRAME_WORKFLOW.to_owned());
    let takes_init_image = comfy
        .workflows()
        .get(&workflow)
        .map_err(|e| BackendError::Workflow(e.to_string()))?
        .takes_init_image();
    let prompts = request.frame_prompts();
    if takes_init_image {
        return draw_from_first_frame(comfy, request, &prompts, workflow, seed, reporter, cancel)
            .await;
    }
    let options = ComfyOptions {
        workflow: Some(workflow.clone()),
        ..options.clone()
    };
    for item in 0..prompts.len() {
        report(reporter, item, Stage::Started);
    }
    let rendered = comfy
        .render_with_seed(
            &prompts,
            |_| seed,
            &options,
            on_step(reporter.clone(), 0),
            cancel.child_token(),
        )
        .await;
    let frames = generated(rendered, 0, reporter, cancel)?;
    let reason = format!(
        "workflow \"{workflow}\" has no init image input (a LoadImage node titled \"Init image\"), so \
         every frame was drawn from its own prompt with one shared seed"
    );
    Ok((frames, Consistency::SharedSeed { workflow, reason }))
}

/// Frame 1 from the prompt with the sprite workflow; once it is back, uploaded and every other
/// frame submitted at once, redrawn from it by the img2img `workflow`.
async fn draw_from_first_frame(
    comfy: &Comfy,
    request: &AnimationRequest,
    prompts: &[String],
    workflow: String,
    seed: u64,
    reporter: &SharedReporter,
    cancel: &CancellationToken,
) -> Result<(Vec<RgbaImage>, Consistency), GenerateError> {
    let first_options = ComfyOptions {
        workflow: None,
        ..request.settings.comfy.clone()
    };
    report(reporter, 0, Stage::Started);
    let rendered = comfy
        .render_with_seed(
            &prompts[..1],
            |_| seed,
            &first_options,
            on_step(reporter.clone(), 0),
            cancel.child_token(),
        )
        .await;
    let first = rendered
        .into_iter()
        .next()
        .expect("one result per prompt")
        .map_err(|e| frame_error(e, cancel))?;
    report(reporter, 0, Stage::Generated);

    let image = first.image.clone();
    let png = tokio::task::spawn_blocking(move || encode_png(&image))
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
    let init = InitUpload {
        image: Upload {
            filename: format!("init-{}.png", first.run.prompt_id),
            subfolder: UPLOAD_FOLDER.to_owned(),
            png: png.into(),
            overwrite: false,
        },
        denoise: request.denoise,
    };
    let options = ComfyOptions {
        workflow: Some(workflow.clone()),
        ..request.settings.comfy.clone()
    };
    for item in 1..prompts.len() {
        report(reporter, item, Stage::Started);
    }
    let rendered = comfy
        .render_from(
            init,
            &prompts[1..],
            |_| seed,
            &options,
            on_step(reporter.clone(), 1),
            cancel.child_token(),
        )
        .await;
    let mut frames = vec![first.image];
    frames.extend(generated(rendered, 1, reporter, cancel)?);
    let consistency = Consistency::Img2imgFromFirstFrame {
        workflow,
        denoise: request.denoise,
        first_frame: first.run,
    };
    Ok((frames, consistency))
}

/// Reports sampler steps of the items from `first` on.
fn on_step(reporter: SharedReporter, first: usize) -> impl Fn(usize, u32, u32) + Send + Sync {
    move |item, value, max| report(&reporter, first + item, Stage::Sampling { value, max })
}

/// The images of frames `first..`, each reported as generated, or the first failure.
fn generated(
    rendered: Vec<Result<ComfyImage, BackendError>>,
    first: usize,
    reporter: &SharedReporter,
    cancel: &CancellationToken,
) -> Result<Vec<RgbaImage>, GenerateError> {
    rendered
        .into_iter()
        .enumerate()
        .map(|(i, result)| {
            let done = result.map_err(|e| frame_error(e, cancel))?;
            report(reporter, first + i, Stage::Generated);
            Ok(done.image)
        })
        .collect()
}

fn frame_error(error: BackendError, cancel: &CancellationToken) -> GenerateError {
    if cancel.is_cancelled() {
        GenerateError::Cancelled
    } else {
        error.into()
    }
}

fn encode_png(image: &RgbaImage) -> Result<Vec<u8>, GenerateError> {
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| BackendError::Animation(format!("cannot encode the first frame: {e}")))?;
    Ok(png.into_inner())
}

/// Every frame drawn by the procedural crate, straight at size.
fn draw_embedded(
    request: &AnimationRequest,
    seed: u64,
    reporter: &SharedReporter,
    cancel: &CancellationToken,
) -> Result<Vec<RgbaImage>, GenerateError> {
    let (width, height) = (request.settings.width, request.settings.height);
    let mut frames = Vec::new();
    let mut item = 0;
    for &direction in &request.directions {
        for clip in &request.clips {
            if cancel.is_cancelled() {
                return Err(GenerateError::Cancelled);
            }
            let action = clip.action.ok_or_else(|| {
                BackendError::Animation(format!(
                    "the embedded backend draws the actions {}; {:?} needs backend \"comfyui\"",
                    Action::ALL.map(Action::name).join(", "),
                    clip.name
                ))
            })?;
            let drawn = dgx_pixels_procedural::animate(
                &request.prompt,
                seed,
                width,
                height,
                action,
                direction,
                clip.frames,
            )
            .map_err(|e| BackendError::Animation(e.to_string()))?;
            for frame in drawn {
                report(reporter, item, Stage::Started);
                report(reporter, item, Stage::Generated);
                frames.push(frame);
                item += 1;
            }
        }
    }
    Ok(frames)
}

/// How a prompt names a direction's view for an image model.
fn view_words(direction: Direction) -> &'static str {
    match direction {
        Direction::South => "front view, facing the viewer",
        Direction::North => "back view, facing away",
        Direction::East => "side view, facing right",
        Direction::West => "side view, facing left",
        Direction::SouthEast => "three-quarter front view, facing right",
        Direction::SouthWest => "three-quarter front view, facing left",
        Direction::NorthEast => "three-quarter back view, facing right",
        Direction::NorthWest => "three-quarter back view, facing left",
    }
}
