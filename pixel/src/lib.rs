//! Pure pixel-art functions over [`image::RgbaImage`]: turn a generated "pixel-art style" picture (fake pixels
//! of uneven size, blur, noise, an opaque background) into a real sprite, one pixel per cell, a fixed palette,
//! a transparent background. No I/O: callers read and write the files.
//!
//! [`pixelize`] runs the whole pipeline; each stage is public on its own for callers that need one step.

pub mod background;
pub mod color;
pub mod deblur;
pub mod downscale;
mod error;
pub mod fit;
pub mod grid;
pub mod outline;
pub mod palette;
mod pipeline;
pub mod quantize;

pub use error::PixelError;
pub use grid::{Grid, GridFit, Verdict};
pub use palette::Palette;
pub use pipeline::{
    MAX_CELL, MAX_SIDE, OutlineColor, PaletteChoice, PixelizeOptions, Pixelized, pixelize,
    pixelize_batch,
};
pub use quantize::Dither;
