//! Delivering stored sprites into a game: ids in, one manifest entry out.
//!
//! A single sprite deploys as it is (with its frames if it is a sheet); several sprites deploy
//! together as one animation sheet, one row, so the Bevy plugin can play them.

use std::path::{Path, PathBuf};

use dgx_pixels_manifest::{Durability, Frames, SheetLayout, Source};
use image::RgbaImage;

use super::sheet::pack_sheet;
use super::{DeployError, DeployPolicy, DeployRequest, Deployed, project};
use crate::config::Config;
use crate::spec::MAX_BATCH;
use crate::store::{SpriteStore, StoreError, StoredSprite, encode_png};

/// Frames per second of a sheet when neither the caller nor the sheet's own clips give one.
pub const DEFAULT_FPS: u32 = 8;

/// What to deliver where.
#[derive(Debug, Clone)]
pub struct Delivery<'a> {
    pub sprites: &'a [String],
    pub name: &'a str,
    pub project: &'a Path,
    pub category: &'a str,
    /// The sheet's speed; `None` takes its first clip's, else [`DEFAULT_FPS`].
    pub fps: Option<u32>,
}

/// Why a delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("sprite must name 1–64 stored sprite ids, got {0}")]
    SpriteCount(usize),
    #[error("sprite: {0}")]
    Store(#[from] StoreError),
    #[error("sprite {id}: its PNG cannot be read: {reason}")]
    Unreadable { id: String, reason: String },
    #[error(
        "sprites deployed together must have the same size: {first_id} is {first_w}×{first_h}, {id} is {w}×{h}"
    )]
    MixedSizes {
        first_id: String,
        first_w: u32,
        first_h: u32,
        id: String,
        w: u32,
        h: u32,
    },
    #[error("fps must be 1–60, got {0}")]
    Fps(u32),
    #[error(
        "project is required: pass the game's root folder (the one holding assets/), or set deploy.default_project in the config"
    )]
    NoProject,
    #[error(transparent)]
    Deploy(#[from] DeployError),
}

/// The deploy rules the configuration sets.
pub fn policy(config: &Config) -> DeployPolicy {
    DeployPolicy {
        allowed_projects: config.deploy.allowed_projects.clone(),
        history_keep: config.deploy.history_keep,
        durability: if config.deploy.durable {
            Durability::Synced
        } else {
            Durability::Renamed
        },
    }
}

/// The project a call names, or the configured default.
pub fn project_dir(given: Option<&str>, config: &Config) -> Result<PathBuf, DeliveryError> {
    given
        .map(PathBuf::from)
        .or_else(|| config.deploy.default_project.clone())
        .ok_or(DeliveryError::NoProject)
}

/// Deploys the sprites as one entry. Blocking file I/O.
pub fn deliver(
    store: &SpriteStore,
    delivery: &Delivery<'_>,
    policy: &DeployPolicy,
) -> Result<Deployed, DeliveryError> {
    if delivery.sprites.is_empty() || delivery.sprites.len() > MAX_BATCH {
        return Err(DeliveryError::SpriteCount(delivery.sprites.len()));
    }
    if let Some(fps) = delivery.fps.filter(|fps| !(1..=60).contains(fps)) {
        return Err(DeliveryError::Fps(fps));
    }
    let sprites = delivery
        .sprites
        .iter()
        .map(|id| store.get(id))
        .collect::<Result<Vec<_>, _>>()?;
    let first = &sprites[0];
    // A single sprite deploys as it is, with its clips, rows or tiles.
    let (png, frames, layout) = if let [single] = sprites.as_slice() {
        let png = std::fs::read(&single.path).map_err(|e| DeliveryError::Unreadable {
            id: single.record.id.clone(),
            reason: e.to_string(),
        })?;
        let layout = &single.record.layout;
        let clip_fps = layout.animations.values().next().map(|clip| clip.fps);
        let frames = single.record.frames.map(|f| Frames {
            columns: f.columns,
            rows: f.rows,
            count: f.count,
            fps: delivery.fps.or(clip_fps).unwrap_or(DEFAULT_FPS),
        });
        (png, frames, single.record.layout.clone())
    } else {
        let (sheet, frames) = pack(&sprites, delivery.fps.unwrap_or(DEFAULT_FPS))?;
        (encode_png(&sheet), Some(frames), SheetLayout::default())
    };
    let record = &first.record;
    let source = Source {
        prompt: sprites
            .iter()
            .map(|s| s.record.prompt.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
        seed: record.seed,
        backend: record.backend.clone(),
        palette: record.palette.clone(),
        negative_prompt: record.negative_prompt.clone(),
        sprite_id: Some(delivery.sprites.join(",")),
        style: record.style.clone(),
        ..Source::default()
    };
    Ok(project::deploy(
        &DeployRequest {
            project: delivery.project,
            name: delivery.name,
            category: delivery.category,
            png: &png,
            frames,
            layout,
            source,
        },
        policy,
    )?)
}

/// Lays same-sized sprites out in one row.
fn pack(sprites: &[StoredSprite], fps: u32) -> Result<(RgbaImage, Frames), DeliveryError> {
    let images = sprites
        .iter()
        .map(|s| {
            image::open(&s.path)
                .map(|i| i.to_rgba8())
                .map_err(|e| DeliveryError::Unreadable {
                    id: s.record.id.clone(),
                    reason: e.to_string(),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (w, h) = images[0].dimensions();
    for (sprite, image) in sprites.iter().zip(&images).skip(1) {
        if image.dimensions() != (w, h) {
            return Err(DeliveryError::MixedSizes {
                first_id: sprites[0].record.id.clone(),
                first_w: w,
                first_h: h,
                id: sprite.record.id.clone(),
                w: image.width(),
                h: image.height(),
            });
        }
    }
    let (sheet, layout) = pack_sheet(&images);
    Ok((
        sheet,
        Frames {
            columns: layout.columns,
            rows: layout.rows,
            count: layout.count,
            fps,
        },
    ))
}
