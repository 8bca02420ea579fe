//! `dgx-pixels doctor`: what works, what does not, and what to do about it.

use dgx_pixels::{Config, Generator};
use dgx_pixels_comfyui::{InitImage, WorkflowParams};

/// Prints what works and what does not, with what to do about it; fails if anything is broken.
pub async fn doctor(config: &Config) -> anyhow::Result<()> {
    let generator = Generator::from_config(config)?;
    println!("sprite store     {}", generator.store().dir().display());
    println!("default backend  {}", generator.default_backend().name());
    println!("embedded         ready (procedural placeholder generator)");
    let Some(comfy) = generator.comfy() else {
        println!(
            "comfyui          not configured (add --comfyui URL or [[comfyui]] url = ... to the config)"
        );
        return Ok(());
    };
    let mut problems = 0;
    for status in comfy.pool().status().await {
        match &status.stats {
            Ok((stats, round_trip)) => {
                let devices: Vec<String> = stats
                    .devices
                    .iter()
                    .map(|d| {
                        format!(
                            "{} ({}, {} MiB free of {})",
                            d.name,
                            d.kind,
                            d.vram_free >> 20,
                            d.vram_total >> 20
                        )
                    })
                    .collect();
                println!(
                    "comfyui          {} ready: ComfyUI {}, {:.0} ms, queue {}, devices: {}",
                    status.url,
                    stats.system.comfyui_version,
                    round_trip.as_secs_f64() * 1000.0,
                    status.queue_remaining,
                    devices.join(", ")
                );
            }
            Err(e) => {
                problems += 1;
                println!("comfyui          {} UNREACHABLE: {e}", status.url);
            }
        }
    }
    match comfy.pool().models().await {
        Ok(models) => {
            println!("checkpoints      {}", models.checkpoints.join(", "));
            println!("loras            {}", models.loras.join(", "));
        }
        Err(e) => println!("models           unknown: {e}"),
    }
    for workflow in comfy.workflows().iter() {
        // A workflow that starts from an image is checked with the sample image every ComfyUI
        // install has in its input folder; animations upload their own first frame.
        let init_image = workflow.takes_init_image().then(|| InitImage {
            name: "example.png".to_owned(),
            denoise: dgx_pixels::args::DEFAULT_DENOISE,
        });
        let params = WorkflowParams {
            checkpoint: config.comfyui_defaults.model.clone(),
            init_image,
            ..Default::default()
        };
        let bound = match workflow.bind(&params) {
            Ok(bound) => bound,
            Err(e) => {
                problems += 1;
                println!("workflow         {}: {e}", workflow.name());
                continue;
            }
        };
        for server in comfy.pool().servers() {
            match server.check(&bound).await {
                Ok(found) if found.is_empty() => println!(
                    "workflow         {} ok on {}",
                    workflow.name(),
                    server.url()
                ),
                Ok(found) => {
                    problems += found.len();
                    for problem in found {
                        println!(
                            "workflow         {} on {}: {problem}",
                            workflow.name(),
                            server.url()
                        );
                    }
                }
                Err(e) => println!(
                    "workflow         {} not checked on {}: {e}",
                    workflow.name(),
                    server.url()
                ),
            }
        }
    }
    anyhow::ensure!(problems == 0, "{problems} problem(s) found");
    Ok(())
}
