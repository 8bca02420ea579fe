//! Measures what the client adds to ComfyUI's own time, against the stand-in (a measurement, not a test):
//! - per job, from the server sending `execution_success` to `run()` returning (images fetched and decoded);
//! - for a batch of 16, whether the server's queue ever ran dry between jobs.
//!
//! `cargo run --release -p dgx-pixels-comfyui --features test-server --example overhead`

use std::time::{Duration, Instant};

use dgx_pixels_comfyui::test_server::TestServer;
use dgx_pixels_comfyui::{CancellationToken, JobSpec, Pool, WorkflowParams, Workflows};

const JOBS: u64 = 200;

fn job(seed: u64) -> JobSpec {
    let workflow = Workflows::builtin()
        .get("sprite")
        .expect("built-in")
        .clone();
    // A new seed each time: ComfyUI would answer a repeated prompt from its cache.
    let params = WorkflowParams {
        prompt: "a knight".into(),
        seed,
        steps: Some(3),
        checkpoint: Some("random_sdxl.safetensors".into()),
        ..Default::default()
    };
    JobSpec::new(workflow, params)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let server = TestServer::start().await;
    let pool = Pool::new(vec![server.url.clone()]);
    pool.connect()
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .expect("the stand-in is up");

    let mut overheads = Vec::new();
    for seed in 0..JOBS {
        let output = pool
            .run(job(seed), |_| {}, CancellationToken::new())
            .await
            .expect("job runs");
        let returned = Instant::now();
        overheads.push(
            server
                .client_overhead(&output.prompt_id, returned)
                .expect("it succeeded"),
        );
    }
    overheads.sort();
    println!(
        "client overhead per job (execution_success → run() returned), {JOBS} jobs: p50 {:?}, p95 {:?}, max {:?}",
        percentile(&overheads, 0.5),
        percentile(&overheads, 0.95),
        overheads[overheads.len() - 1]
    );

    server.configure(|behaviour| behaviour.step_delay = Duration::from_millis(20));
    let batch = (0..16).map(|i| job(JOBS + i)).collect();
    let started = Instant::now();
    let results = pool
        .run_batch(batch, |_, _| {}, CancellationToken::new())
        .await;
    let elapsed = started.elapsed();
    let ids: Vec<String> = results
        .into_iter()
        .map(|r| r.expect("job runs").prompt_id)
        .collect();
    let idle = server.idle_between(&ids);
    println!(
        "batch of 16 (3 steps × 20 ms each): {elapsed:?}; queue ran dry {} times, longest {:?}",
        idle.iter().filter(|d| !d.is_zero()).count(),
        idle.iter().max().copied().unwrap_or_default()
    );
}
