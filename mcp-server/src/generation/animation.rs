//! Animations and characters: the frames of one subject, for each clip and each direction, drawn
//! with one palette and stored as one sheet whose metadata names the clips and the rows.
//!
//! The embedded backend animates for real (the procedural crate poses the figure per frame). On
//! ComfyUI every frame is its own job with the same seed and a prompt naming the pose and the
//! view, all submitted at once so the queue never idles; the batch pixel pipeline then gives all
//! frames one grid and one palette.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use dgx_pixels_manifest::{Clip, SheetLayout};
use dgx_pixels_procedural::{Action, Direction};
use image::RgbaImage;
use tokio_util::sync::CancellationToken;

use super::backend::BackendError;
use super::pipeline;
use super::progress::{Reporter, SharedReporter, Stage, Step, report};
use super::{GenerateError, Generator, NewSprite, ms_since, rand_seed};
use crate::deploy::sheet::pack_grid;
use crate::spec::{BackendKind, Settings};
use crate::store::{StoredSprite, Timings};

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
    /// The call's parameters, kept in the sheet's metadata.
    pub parameters: serde_json::Value,
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
        let frames = match backend {
            BackendKind::Embedded => {
                let (request, reporter, cancel) =
                    (request.clone(), reporter.clone(), cancel.clone());
                tokio::task::spawn_blocking(move || {
                    draw_embedded(&request, seed, &reporter, &cancel)
                })
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?
            }
            BackendKind::Comfyui => {
                self.draw_comfyui(&request, seed, &reporter, &cancel)
                    .await?
            }
        };
        let generate_ms = ms_since(started);
        let generator = self.clone();
        tokio::task::spawn_blocking(move || {
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
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }

    async fn draw_comfyui(
        &self,
        request: &AnimationRequest,
        seed: u64,
        reporter: &SharedReporter,
        cancel: &CancellationToken,
    ) -> Result<Vec<RgbaImage>, GenerateError> {
        let comfy = self.comfy().ok_or(BackendError::ComfyuiNotConfigured)?;
        let prompts: Vec<String> = request
            .frames()
            .iter()
            .map(|(direction, clip, k)| {
                format!(
                    "{}, {} animation frame {} of {}, {}, same character in every frame",
                    request.prompt,
                    clip.name,
                    k + 1,
                    clip.frames,
                    view_words(*direction)
                )
            })
            .collect();
        let rendered = super::backend::on_comfyui(
            comfy,
            &prompts,
            |_| seed,
            &request.settings.comfy,
            reporter,
            cancel,
        )
        .await;
        rendered
            .into_iter()
            .map(|frame| frame.map(|frame| frame.image))
            .collect()
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
