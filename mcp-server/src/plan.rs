//! Checked arguments into generation requests, for the MCP tools and the command line alike:
//! the style filled in, every field validated with the same messages, defaults applied.

use dgx_pixels_procedural::{Action, Direction, Layout};
use serde_json::Value;

use crate::args::{
    self, AnimationFields, ArgError, Arguments, CharacterFields, TilesetFields, TilesetLayout,
};
use crate::config::Config;
use crate::generation::animation::{AnimationRequest, ClipPlan};
use crate::generation::tileset::TilesetRequest;
use crate::spec::BackendKind;
use crate::style::{self, Styled};

/// `generate_animation`: one clip of one subject, facing one way.
pub fn animation(
    config: &Config,
    default_backend: BackendKind,
    arguments: Option<&Arguments>,
) -> Result<AnimationRequest, ArgError> {
    let styled: Styled<AnimationFields> = style::parse_styled(config, arguments)?;
    let fields = &styled.args.fields;
    let prompt = args::validate_prompt("prompt", &fields.prompt)?;
    let comfy = backend(&styled, default_backend) == BackendKind::Comfyui;
    let clip = clip_plan("action", &fields.action, fields.frames, fields.fps, comfy)?;
    let direction: Direction = fields.direction.map(Into::into).unwrap_or(Direction::South);
    Ok(AnimationRequest {
        prompt,
        settings: styled.settings()?,
        clips: vec![clip],
        directions: vec![direction],
        denoise: args::check_denoise(fields.denoise)?,
        parameters: serde_json::to_value(&styled.args).unwrap_or(Value::Null),
    })
}

/// `generate_character`: several clips, a row per direction.
pub fn character(
    config: &Config,
    default_backend: BackendKind,
    arguments: Option<&Arguments>,
) -> Result<AnimationRequest, ArgError> {
    let styled: Styled<CharacterFields> = style::parse_styled(config, arguments)?;
    let fields = &styled.args.fields;
    let prompt = args::validate_prompt("prompt", &fields.prompt)?;
    let directions: Vec<Direction> = match fields.directions.unwrap_or(4) {
        4 => Direction::FOUR.to_vec(),
        8 => Direction::EIGHT.to_vec(),
        other => return Err(ArgError::range("directions", "4 or 8", other)),
    };
    let names = fields
        .animations
        .clone()
        .unwrap_or_else(|| vec!["idle".into()]);
    if names.is_empty() || names.len() > Action::ALL.len() {
        return Err(ArgError::range(
            "animations",
            "a list of 1–7 actions",
            format!("{} actions", names.len()),
        ));
    }
    let comfy = backend(&styled, default_backend) == BackendKind::Comfyui;
    let mut clips: Vec<ClipPlan> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let field = format!("animations[{i}]");
        let clip = clip_plan(&field, name, fields.frames, fields.fps, comfy)?;
        if clips.iter().any(|c| c.name == clip.name) {
            return Err(ArgError::new(
                &field,
                format!("{field} repeats {:?}; name each action once", clip.name),
            ));
        }
        clips.push(clip);
    }
    Ok(AnimationRequest {
        prompt,
        settings: styled.settings()?,
        clips,
        directions,
        denoise: args::check_denoise(fields.denoise)?,
        parameters: serde_json::to_value(&styled.args).unwrap_or(Value::Null),
    })
}

/// `generate_tileset`: a layout of tiles from the terrains the prompt names.
pub fn tileset(config: &Config, arguments: Option<&Arguments>) -> Result<TilesetRequest, ArgError> {
    let styled: Styled<TilesetFields> = style::parse_styled(config, arguments)?;
    let fields = &styled.args.fields;
    let prompt = args::validate_prompt("prompt", &fields.prompt)?;
    let tile_size = fields.tile_size.unwrap_or(16);
    if !(8..=64).contains(&tile_size) {
        return Err(ArgError::range("tile_size", "8–64", tile_size));
    }
    let variants = fields.variants.unwrap_or(1);
    if !(1..=8).contains(&variants) {
        return Err(ArgError::range("variants", "1–8", variants));
    }
    if variants > 1 && fields.layout != TilesetLayout::Seamless {
        return Err(ArgError::new(
            "variants",
            "variants only applies to layout \"seamless\"",
        ));
    }
    let layout = match fields.layout {
        TilesetLayout::Seamless => Layout::Seamless {
            variants: variants as u8,
        },
        TilesetLayout::Wang2Corner => Layout::Wang2Corner,
        TilesetLayout::Blob47 => Layout::Blob47,
        TilesetLayout::Platformer => Layout::Platformer,
    };
    let request = TilesetRequest {
        prompt,
        settings: styled.settings()?,
        layout,
        tile_size,
        parameters: serde_json::to_value(&styled.args).unwrap_or(Value::Null),
    };
    Ok(request)
}

fn backend<T>(styled: &Styled<T>, default_backend: BackendKind) -> BackendKind {
    styled.args.generation.backend.unwrap_or(default_backend)
}

/// A clip from its name and the call's frame count and speed.
fn clip_plan(
    field: &str,
    name: &str,
    frames: Option<u32>,
    fps: Option<u32>,
    free_words: bool,
) -> Result<ClipPlan, ArgError> {
    let action = args::check_action(field, name, free_words)?;
    let frames = frames.unwrap_or(action.map_or(8, Action::default_frames));
    if !(2..=16).contains(&frames) {
        return Err(ArgError::range("frames", "2–16", frames));
    }
    let fps = fps.unwrap_or(if action == Some(Action::Idle) { 6 } else { 10 });
    if !(1..=60).contains(&fps) {
        return Err(ArgError::range("fps", "1–60", fps));
    }
    Ok(ClipPlan {
        name: action.map_or_else(|| name.trim().to_owned(), |a| a.name().to_owned()),
        action,
        frames,
        fps,
        looping: action.is_none_or(Action::looping),
    })
}
