//! Comparisons: one prompt in several variants (seeds, palettes, styles, backends, models, LoRAs),
//! each stored as a normal sprite, and one labelled [`sheet`] of them all.
//!
//! Every variant is its own request, made exactly as `generate_sprite` makes one; all run at once,
//! so on ComfyUI every job is queued before the first finishes and the GPU never waits for us.

pub mod sheet;

use std::sync::{Arc, Mutex};

use image::RgbaImage;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::backend::comfyui::Comfy;
use super::progress::{Stage, Step};
use super::{GenerateError, Generator, NewSprite, SpriteRequest, rand_seed};
use crate::args::{self, ArgError, Arguments, CompareFields, SpriteFields};
use crate::config::Config;
use crate::spec::{BackendKind, MAX_SEED};
use crate::store::StoredSprite;
use crate::style;
use sheet::{Cell, Grid};

/// Longest side of the sheet drawn for the agent's preview, in pixels: the cap of every preview.
pub const PREVIEW_SIDE: u32 = 256;

/// A checked comparison: the variants as ready requests, and how to lay out their sheet.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    pub prompt: String,
    /// The seed of every variant that sets none.
    pub seed: u64,
    pub variants: Vec<Variant>,
    pub columns: u32,
    /// The call's parameters, kept in the sheet's metadata.
    pub parameters: Value,
}

/// One variant: what its cell says, and the request that makes it.
#[derive(Debug, Clone)]
pub struct Variant {
    pub label: String,
    pub request: SpriteRequest,
}

/// What a comparison made: every variant's sprite or error, in order, and the sheet.
#[derive(Debug)]
pub struct CompareOutcome {
    pub variants: Vec<(String, Result<StoredSprite, GenerateError>)>,
    /// The stored contact sheet; `None` when no variant succeeded or the call was cancelled.
    pub sheet: Option<Result<StoredSprite, GenerateError>>,
    /// The sheet drawn again to fit a preview (at most [`PREVIEW_SIDE`] a side when it can).
    pub preview: Option<RgbaImage>,
    pub seed: u64,
}

/// Checks a `compare_sprites` call: the shared settings as `generate_sprite` checks them, then
/// each variant's settings on top, with errors naming `variants[i].field` where a variant is at
/// fault.
pub fn plan(config: &Config, arguments: Option<&Arguments>) -> Result<CompareRequest, ArgError> {
    let parsed = args::parse_generation::<CompareFields>(arguments)?;
    let fields = &parsed.fields;
    let prompt = args::validate_prompt("prompt", &fields.prompt)?;
    args::validate_variants(&fields.variants)?;
    if let Some(columns) = fields.columns.filter(|c| !(1..=16).contains(c)) {
        return Err(ArgError::range("columns", "1–16", columns));
    }
    if let Some(seed) = parsed.generation.seed.filter(|&s| s > MAX_SEED) {
        return Err(ArgError::range("seed", "0–9007199254740991 (2^53−1)", seed));
    }
    let seed = parsed.generation.seed.unwrap_or_else(rand_seed);
    let mut shared = arguments.cloned().unwrap_or_default();
    for key in ["variants", "columns"] {
        shared.remove(key);
    }
    shared.insert("prompt".into(), prompt.clone().into());
    shared.insert("seed".into(), seed.into());
    let variants = fields
        .variants
        .iter()
        .enumerate()
        .map(|(i, variant)| {
            let mut arguments = shared.clone();
            let overrides = variant.overrides();
            // A variant's palette replaces the call's colour count, and the other way round.
            for (set, dropped) in [("palette", "colors"), ("colors", "palette")] {
                if overrides.contains_key(set) {
                    arguments.remove(dropped);
                }
            }
            arguments.extend(overrides);
            let styled = style::parse_styled::<SpriteFields>(config, Some(&arguments))
                .map_err(|e| args::in_variant(i, variant, e))?;
            let settings = styled
                .settings()
                .map_err(|e| args::in_variant(i, variant, e))?;
            Ok(Variant {
                label: format!("{} {}", i + 1, variant.describe()),
                request: SpriteRequest {
                    prompts: vec![prompt.clone()],
                    settings,
                    sheet: false,
                    parameters: serde_json::to_value(&styled.args).unwrap_or(Value::Null),
                },
            })
        })
        .collect::<Result<Vec<_>, ArgError>>()?;
    Ok(CompareRequest {
        prompt,
        seed,
        columns: fields
            .columns
            .unwrap_or_else(|| sheet::default_columns(variants.len())),
        variants,
        parameters: serde_json::to_value(&parsed).unwrap_or(Value::Null),
    })
}

impl Generator {
    /// Makes every variant at once, then draws and stores the contact sheet. `progress` hears
    /// each variant's steps, numbered across the whole comparison.
    pub async fn compare(
        &self,
        request: CompareRequest,
        progress: impl FnMut(Step) + Send + 'static,
        cancel: CancellationToken,
    ) -> CompareOutcome {
        let totals = request
            .variants
            .iter()
            .map(|v| steps_of(&v.request, self.default_backend, self.comfy.as_deref()))
            .collect();
        let tally = Arc::new(Mutex::new(Tally {
            progress: Box::new(progress),
            labels: request.variants.iter().map(|v| v.label.clone()).collect(),
            done: vec![0; request.variants.len()],
            totals,
        }));
        let runs = request.variants.iter().enumerate().map(|(i, variant)| {
            let tally = tally.clone();
            self.generate(
                variant.request.clone(),
                move |step| tally.lock().expect("progress lock").report(i, &step),
                cancel.clone(),
            )
        });
        let outcomes = futures::future::join_all(runs).await;
        let variants: Vec<(String, Result<StoredSprite, GenerateError>)> = request
            .variants
            .iter()
            .zip(outcomes)
            .map(|(variant, mut outcome)| (variant.label.clone(), outcome.items.remove(0)))
            .collect();
        let generator = self.clone();
        tokio::task::spawn_blocking(move || {
            let (sheet, preview) = generator.store_sheet(&request, &variants, &cancel);
            CompareOutcome {
                variants,
                sheet,
                preview,
                seed: request.seed,
            }
        })
        .await
        .unwrap_or_else(|join_error| std::panic::resume_unwind(join_error.into_panic()))
    }

    /// Draws the variants that succeeded (and the labels of those that failed) into the stored
    /// sheet and the preview. Blocking.
    fn store_sheet(
        &self,
        request: &CompareRequest,
        variants: &[(String, Result<StoredSprite, GenerateError>)],
        cancel: &CancellationToken,
    ) -> (
        Option<Result<StoredSprite, GenerateError>>,
        Option<RgbaImage>,
    ) {
        let pictures: Vec<Option<RgbaImage>> = variants
            .iter()
            .map(|(_, result)| {
                let sprite = result.as_ref().ok()?;
                image::open(&sprite.path).ok().map(|image| image.to_rgba8())
            })
            .collect();
        if cancel.is_cancelled() || pictures.iter().all(Option::is_none) {
            return (None, None);
        }
        let cells: Vec<Cell<'_>> = variants
            .iter()
            .zip(&pictures)
            .map(|((label, _), picture)| Cell {
                label: label.clone(),
                picture: picture.as_ref(),
            })
            .collect();
        let image = sheet::draw(&cells, &Grid::for_sheet(&cells, request.columns));
        let preview = sheet::draw(
            &cells,
            &Grid::fitting(&cells, request.columns, PREVIEW_SIDE),
        );
        let ids: Vec<Value> = variants
            .iter()
            .map(|(label, result)| {
                json!({"label": label, "id": result.as_ref().ok().map(|s| s.record.id.clone())})
            })
            .collect();
        let mut parameters = request.parameters.clone();
        parameters["compared"] = Value::Array(ids);
        let prompt = format!("compare: {}", request.prompt);
        let stored = self.save(NewSprite {
            prompt: &prompt,
            image: &image,
            seed: request.seed,
            backend: "compare",
            negative_prompt: None,
            palette: None,
            style: None,
            frames: None,
            layout: Default::default(),
            parameters,
            timings: Default::default(),
            comfyui: None,
        });
        (Some(stored), Some(preview))
    }
}

/// The steps one variant will report: the stages every sprite goes through, plus the sampler
/// steps on ComfyUI.
fn steps_of(request: &SpriteRequest, default: BackendKind, comfy: Option<&Comfy>) -> usize {
    let backend = request.settings.backend.unwrap_or(default);
    let sampling = match (backend, comfy) {
        (BackendKind::Comfyui, Some(comfy)) => comfy.steps(&request.settings.comfy),
        _ => 0,
    };
    Stage::COUNT + sampling
}

/// Every variant's progress as one count: variant `i` of `n`, steps done out of all variants'.
struct Tally {
    progress: Box<dyn FnMut(Step) + Send>,
    labels: Vec<String>,
    done: Vec<usize>,
    totals: Vec<usize>,
}

impl Tally {
    fn report(&mut self, variant: usize, step: &Step) {
        self.done[variant] = step.done;
        self.totals[variant] = self.totals[variant].max(step.total);
        let step = Step {
            item: variant,
            items: self.labels.len(),
            stage: step.stage,
            prompt: self.labels[variant].clone(),
            done: self.done.iter().sum(),
            total: self.totals.iter().sum(),
        };
        (self.progress)(step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_json(value: Value) -> Result<CompareRequest, ArgError> {
        plan(&Config::default(), value.as_object())
    }

    #[test]
    fn variants_share_the_call_s_settings_and_seed() {
        let request = plan_json(json!({
            "prompt": "knight", "size": 16,
            "variants": [{"palette": "pico-8"}, {"palette": "gameboy"}, {"seed": 5}]
        }))
        .unwrap();
        let seeds: Vec<Option<u64>> = request
            .variants
            .iter()
            .map(|v| v.request.settings.seed)
            .collect();
        assert_eq!(seeds[0], Some(request.seed));
        assert_eq!(seeds[1], Some(request.seed));
        assert_eq!(seeds[2], Some(5));
        assert!(
            request
                .variants
                .iter()
                .all(|v| v.request.settings.width == 16)
        );
        let labels: Vec<&str> = request.variants.iter().map(|v| v.label.as_str()).collect();
        assert_eq!(labels, ["1 pico-8", "2 gameboy", "3 seed 5"]);
        assert_eq!(request.columns, 3);
    }

    #[test]
    fn a_bad_variant_setting_is_named_inside_the_variant() {
        let err = plan_json(json!({
            "prompt": "knight",
            "variants": [{"palette": "pico-8"}, {"palette": "neon"}]
        }))
        .unwrap_err();
        assert_eq!(err.field, "variants[1].palette");
        assert!(
            err.message
                .starts_with("variants[1].palette must be one of"),
            "{err}"
        );
        let err = plan_json(json!({
            "prompt": "knight",
            "variants": [{"steps": 0}, {"steps": 10}]
        }))
        .unwrap_err();
        assert_eq!(err.field, "variants[0].steps");
        let err = plan_json(json!({
            "prompt": "knight",
            "variants": [{"seed": 1}, {"sead": 2}]
        }))
        .unwrap_err();
        assert!(err.field.starts_with("variants[1]"), "{err:?}");
        assert!(err.message.contains("unknown field `sead`"), "{err}");
        let err = plan_json(json!({"prompt": "knight", "variants": [{"seed": 1}]})).unwrap_err();
        assert!(err.message.contains("2–16 variants"), "{err}");
        let err = plan_json(json!({
            "prompt": "knight", "columns": 0,
            "variants": [{"seed": 1}, {"seed": 2}]
        }))
        .unwrap_err();
        assert_eq!(err.field, "columns");
    }
}
