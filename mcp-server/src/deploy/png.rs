//! Checks on the PNG bytes a deploy installs: the header says 8-bit RGBA, the sha256 names them.

use std::fs;
use std::io::Cursor;
use std::path::Path;

use image::ImageDecoder as _;
use sha2::{Digest, Sha256};

use super::DeployError;

/// Width and height from the PNG header (read by `image`, nothing decoded). Only 8-bit RGBA is
/// accepted: it is what the pixel pipeline produces and what the game's sprites expect.
pub(super) fn rgba8_size(png: &[u8]) -> Result<(u32, u32), DeployError> {
    let decoder =
        image::codecs::png::PngDecoder::new(Cursor::new(png)).map_err(|_| DeployError::NotPng)?;
    match decoder.color_type() {
        image::ColorType::Rgba8 => Ok(decoder.dimensions()),
        found => Err(DeployError::NotRgba8 { found }),
    }
}

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `None` when `path` is missing, unreadable or not a plain file (a symlink is never followed).
pub(super) fn file_sha256(path: &Path) -> Option<String> {
    let is_file = fs::symlink_metadata(path).ok()?.is_file();
    is_file.then(|| fs::read(path).ok().map(|b| sha256_hex(&b)))?
}
