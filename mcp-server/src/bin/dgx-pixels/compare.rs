//! `dgx-pixels compare`: one prompt in several variants and a labelled contact sheet, made
//! exactly as the `compare_sprites` tool makes them.

use std::path::PathBuf;

use clap::Args;
use dgx_pixels::args::{ArgError, Arguments};
use dgx_pixels::generation::compare;
use dgx_pixels::spec::BackendKind;
use dgx_pixels::store::write_atomic;
use dgx_pixels::{Config, Generator};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::flags::{StyleFlags, flag_error, palette_arg};
use crate::make::sprite_bar;

/// `compare`'s flags: each value of each `--…s` list is one variant.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// What to draw, the same in every variant, e.g. "knight".
    prompt: String,
    /// One variant per seed, e.g. --seeds 1,2,3.
    #[arg(long, value_delimiter = ',')]
    seeds: Vec<u64>,
    /// One variant per palette, e.g. --palettes pico-8,gameboy,nes.
    #[arg(long, value_delimiter = ',')]
    palettes: Vec<String>,
    /// One variant per named style, e.g. --styles nes,snes.
    #[arg(long, value_delimiter = ',')]
    styles: Vec<String>,
    /// One variant per backend: --backends embedded,comfyui.
    #[arg(long, value_delimiter = ',', value_enum)]
    backends: Vec<BackendKind>,
    /// ComfyUI: one variant per checkpoint file name.
    #[arg(long, value_delimiter = ',')]
    models: Vec<String>,
    /// ComfyUI: one variant per LoRA at a weight, NAME:WEIGHT, e.g. pixel-xl.safetensors:0.6.
    #[arg(long, value_delimiter = ',')]
    loras: Vec<String>,
    /// ComfyUI: one variant per sampler step count, e.g. --steps-list 12,24.
    #[arg(long = "steps-list", value_delimiter = ',')]
    steps: Vec<u32>,
    /// ComfyUI: one variant per guidance scale, e.g. --cfgs 4,7.
    #[arg(long, value_delimiter = ',')]
    cfgs: Vec<f64>,
    /// Columns of the contact sheet (1–16). Default: one row up to 4, else a square-ish grid.
    #[arg(long)]
    columns: Option<u32>,
    #[command(flatten)]
    style: StyleFlags,
    /// Also copy the contact sheet to this file.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

impl CompareArgs {
    /// The variants, each with the flag and value it came from (for error messages).
    fn variants(&self) -> anyhow::Result<Vec<(String, Value)>> {
        let mut variants = Vec::new();
        let mut add = |flag: &str, text: String, variant: Value| {
            variants.push((format!("--{flag} {text}"), variant));
        };
        for seed in &self.seeds {
            add("seeds", seed.to_string(), json!({"seed": seed}));
        }
        for palette in &self.palettes {
            let arg = serde_json::to_value(palette_arg(palette))?;
            add("palettes", palette.clone(), json!({"palette": arg}));
        }
        for style in &self.styles {
            add("styles", style.clone(), json!({"style": style}));
        }
        for backend in &self.backends {
            add(
                "backends",
                backend.name().into(),
                json!({"backend": backend}),
            );
        }
        for model in &self.models {
            add("models", model.clone(), json!({"model": model}));
        }
        for lora in &self.loras {
            let (name, strength) = match lora.rsplit_once(':') {
                Some((name, weight)) => {
                    let weight: f64 = weight.parse().map_err(|_| {
                        anyhow::anyhow!("--loras {lora}: the weight after ':' must be a number")
                    })?;
                    (name, weight)
                }
                None => (lora.as_str(), 1.0),
            };
            add(
                "loras",
                lora.clone(),
                json!({"loras": [{"name": name, "strength": strength}]}),
            );
        }
        for steps in &self.steps {
            add("steps-list", steps.to_string(), json!({"steps": steps}));
        }
        for cfg in &self.cfgs {
            add("cfgs", cfg.to_string(), json!({"cfg": cfg}));
        }
        Ok(variants)
    }
}

pub async fn compare(config: Config, args: CompareArgs) -> anyhow::Result<()> {
    let variants = args.variants()?;
    let mut arguments: Arguments = args.style.to_arguments();
    arguments.insert("prompt".into(), args.prompt.clone().into());
    arguments.insert(
        "variants".into(),
        variants.iter().map(|(_, v)| v.clone()).collect(),
    );
    if let Some(columns) = args.columns {
        arguments.insert("columns".into(), columns.into());
    }
    let request =
        compare::plan(&config, Some(&arguments)).map_err(|e| variant_error(e, &variants))?;
    let generator = Generator::from_config(&config)?;
    let (bar, progress) = sprite_bar(request.variants.len());
    let outcome = generator
        .compare(request, progress, CancellationToken::new())
        .await;
    bar.finish_and_clear();
    let mut failed = 0;
    for (label, result) in &outcome.variants {
        match result {
            Ok(sprite) => println!("{label}: {}", sprite.path.display()),
            Err(e) => {
                failed += 1;
                eprintln!("{label}: error: {e}");
            }
        }
    }
    if let Some(sheet) = outcome.sheet {
        let sheet = sheet?;
        if let Some(output) = &args.output {
            write_atomic(output, &std::fs::read(&sheet.path)?)?;
            eprintln!("contact sheet copied to {}", output.display());
        }
        println!("{}", sheet.path.display());
    }
    anyhow::ensure!(
        failed == 0,
        "{failed} of {} variants failed",
        outcome.variants.len()
    );
    Ok(())
}

/// An error in variant `i` names the flag value it came from; others name their flag.
fn variant_error(error: ArgError, variants: &[(String, Value)]) -> anyhow::Error {
    let index = error
        .field
        .strip_prefix("variants[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|i| i.parse::<usize>().ok());
    match index.and_then(|i| Some((i, variants.get(i)?))) {
        Some((i, (flag, _))) => {
            let prefix = format!("variants[{i}].");
            let detail = error
                .message
                .strip_prefix(&prefix)
                .unwrap_or(&error.message);
            anyhow::anyhow!("{flag}: {detail}")
        }
        None if error.field == "variants" => anyhow::anyhow!(
            "give 2–16 variants in all with --seeds, --palettes, --styles, --backends, --models, \
             --loras, --steps-list or --cfgs (got {})",
            variants.len()
        ),
        None => flag_error(error),
    }
}
