//! Sprites from existing pictures (`pixelize_image`, watch mode): an image file under the input roots, or a stored sprite, run
//! through the pixel pipeline and stored like a generated sprite.

use std::path::{Path, PathBuf};
use std::time::Instant;

use dgx_pixels_pixel::{GridFit, MAX_CELL};
use image::RgbaImage;

use super::pipeline::pixel_options;
use super::{GenerateError, Generator, NewSprite};
use crate::args::{ArgError, PixelizeFields};
use crate::spec::Look;
use crate::store::{StoredSprite, Timings};

/// Largest input file read, so a stray path cannot make the server read gigabytes.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// A picture to pixelize, a short name for it, and how the caller asked to read it.
pub struct Input {
    pub image: RgbaImage,
    pub label: String,
    /// The cell size (across, down) the caller knows, instead of detecting it.
    pub cell: Option<(f32, f32)>,
}

/// A pixelized and stored sprite, with what the pipeline found.
pub struct Pixelized {
    pub sprite: StoredSprite,
    /// The grid read and how sure detection was of it.
    pub grid: GridFit,
    pub colors: usize,
}

/// Reads the input the arguments name: exactly one of `path` (confined to `roots`) or `sprite`.
pub fn load_input(
    fields: &PixelizeFields,
    roots: &[PathBuf],
    generator: &Generator,
) -> Result<Input, ArgError> {
    let cell = fields.cell(MAX_CELL)?;
    let (image, label) = read_source(fields, roots, generator)?;
    Ok(Input { image, label, cell })
}

fn read_source(
    fields: &PixelizeFields,
    roots: &[PathBuf],
    generator: &Generator,
) -> Result<(RgbaImage, String), ArgError> {
    match (&fields.path, &fields.sprite) {
        (Some(path), None) => {
            let path = confined(Path::new(path), roots)?;
            let image = read_image(&path)?;
            let label = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            );
            Ok((image, label))
        }
        (None, Some(id)) => {
            let sprite = generator
                .store()
                .get(id)
                .map_err(|e| ArgError::new("sprite", format!("sprite: {e}")))?;
            let image = read_image(&sprite.path)?;
            Ok((image, sprite.record.id))
        }
        _ => Err(ArgError::new(
            "path",
            "give exactly one of path (an image file under the input roots) or sprite (a stored sprite id)",
        )),
    }
}

/// `path`, made absolute, if it lies under one of `roots` (symlinks resolved).
fn confined(path: &Path, roots: &[PathBuf]) -> Result<PathBuf, ArgError> {
    let resolved = path.canonicalize().map_err(|e| {
        ArgError::new(
            "path",
            format!(
                "path {:?} cannot be opened: {e}",
                path.display().to_string()
            ),
        )
    })?;
    let allowed: Vec<PathBuf> = roots.iter().filter_map(|r| r.canonicalize().ok()).collect();
    if !allowed.iter().any(|root| resolved.starts_with(root)) {
        let list: Vec<String> = allowed.iter().map(|r| r.display().to_string()).collect();
        return Err(ArgError::new(
            "path",
            format!(
                "path must be under one of the input roots ({}), got {:?}",
                list.join(", "),
                resolved.display().to_string()
            ),
        ));
    }
    if !resolved.is_file() {
        return Err(ArgError::new(
            "path",
            format!("path {:?} is not a file", resolved.display().to_string()),
        ));
    }
    Ok(resolved)
}

fn read_image(path: &Path) -> Result<RgbaImage, ArgError> {
    let shown = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| ArgError::new("path", format!("path {shown:?} cannot be read: {e}")))?
        .len();
    if size > MAX_INPUT_BYTES {
        return Err(ArgError::new(
            "path",
            format!("path {shown:?} is {size} bytes; images up to 64 MiB are accepted"),
        ));
    }
    image::ImageReader::open(path)
        .and_then(|reader| reader.with_guessed_format())
        .map_err(|e| ArgError::new("path", format!("path {shown:?} cannot be read: {e}")))?
        .decode()
        .map(|image| image.to_rgba8())
        .map_err(|e| {
            ArgError::new(
                "path",
                format!(
                    "path {shown:?} is not an image this server can read (PNG, JPEG, WebP): {e}"
                ),
            )
        })
}

/// Runs the pipeline on `input` and stores the result. CPU-bound: call from a blocking thread.
pub fn pixelize_and_store(
    generator: &Generator,
    input: &Input,
    look: &Look,
    parameters: serde_json::Value,
) -> Result<Pixelized, GenerateError> {
    let started = Instant::now();
    let options = dgx_pixels_pixel::PixelizeOptions {
        cell: input.cell.map(|(across, _)| across),
        cell_y: input.cell.map(|(_, down)| down),
        ..pixel_options(look)?
    };
    let result = dgx_pixels_pixel::pixelize(&input.image, &options)?;
    let prompt = format!("pixelize {}", input.label);
    let sprite = generator.save(NewSprite {
        prompt: &prompt,
        image: &result.image,
        seed: 0,
        backend: "pixelize",
        negative_prompt: None,
        palette: look.palette.as_ref().map(|p| p.label()),
        style: None,
        frames: None,
        layout: Default::default(),
        parameters,
        comfyui: None,
        timings: Timings {
            pixelize: started.elapsed().as_secs_f64() * 1000.0,
            ..Timings::default()
        },
    })?;
    Ok(Pixelized {
        sprite,
        grid: result.grid,
        colors: result.colors,
    })
}
