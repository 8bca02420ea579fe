//! The embedded backend: the procedural generator, drawing straight at the target size.

use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::Rendered;
use crate::generation::progress::{SharedReporter, Stage, report};
use crate::generation::{GenerateError, ms_since};

/// Draws each prompt with the procedural generator, straight at the target size.
pub(super) fn render(
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
            let image = dgx_pixels_procedural::generate(
                prompt,
                crate::spec::item_seed(seed, i),
                width,
                height,
            );
            report(reporter, i, Stage::Generated);
            Ok(Rendered {
                image,
                generate_ms: ms_since(started),
                comfy: None,
            })
        })
        .collect()
}
