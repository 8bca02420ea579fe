//! End-to-end `generate_sprite` (embedded, 32×32) over each transport, against the release binary.
//!
//! Run: `cargo bench -p dgx-pixels --bench mcp`. Prints p50/p90/p99 per transport over
//! `RUNS` runs of `CALLS` calls each, plus the spread of the per-run medians.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

const RUNS: usize = 5;
const CALLS: usize = 200;
const WARMUP: usize = 20;

fn args(i: usize) -> Value {
    json!({"prompt": "green slime monster", "size": 32, "seed": i})
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, runs: Vec<Vec<Duration>>) {
    let mut medians: Vec<Duration> = runs
        .iter()
        .map(|run| {
            let mut run = run.clone();
            run.sort();
            percentile(&run, 0.5)
        })
        .collect();
    medians.sort();
    let mut all: Vec<Duration> = runs.into_iter().flatten().collect();
    all.sort();
    println!(
        "{name:<18} p50 {:>7.3} ms  p90 {:>7.3} ms  p99 {:>7.3} ms  (n={}, per-run p50 {:.3}–{:.3} ms)",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.9)),
        ms(percentile(&all, 0.99)),
        all.len(),
        ms(medians[0]),
        ms(medians[medians.len() - 1]),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn time_client(client: &Client) -> Vec<Vec<Duration>> {
    for i in 0..WARMUP {
        call(client, "generate_sprite", args(i)).await;
    }
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let mut run = Vec::with_capacity(CALLS);
        for i in 0..CALLS {
            let start = Instant::now();
            let result = call(client, "generate_sprite", args(i)).await;
            run.push(start.elapsed());
            assert_eq!(result.is_error, Some(false));
        }
        runs.push(run);
    }
    runs
}

async fn time_legacy_sse(base: &str) -> Vec<Vec<Duration>> {
    let http = reqwest::Client::new();
    let mut events = EventReader::new(http.get(format!("{base}/sse")).send().await.unwrap());
    let (_, endpoint) = events.next().await;
    let url = format!("{base}{endpoint}");
    let post = async |body: Value| {
        let status = http.post(&url).json(&body).send().await.unwrap().status();
        assert_eq!(status, 202);
    };
    post(json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}})).await;
    events.response(0).await;
    post(json!({"jsonrpc":"2.0","method":"notifications/initialized"})).await;
    let mut id = 1;
    let mut one_call = async |i: usize| {
        id += 1;
        let start = Instant::now();
        post(json!({"jsonrpc":"2.0","id":id,"method":"tools/call","params":{"name":"generate_sprite","arguments":args(i)}})).await;
        let reply = events.response(id).await;
        assert_eq!(reply["result"]["isError"], false);
        start.elapsed()
    };
    for i in 0..WARMUP {
        one_call(i).await;
    }
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let mut run = Vec::with_capacity(CALLS);
        for i in 0..CALLS {
            run.push(one_call(i).await);
        }
        runs.push(run);
    }
    runs
}

#[tokio::main]
async fn main() {
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    println!(
        "generate_sprite (embedded, 32×32) end to end, {RUNS} runs × {CALLS} calls, goal p50 ≤ 5 ms"
    );
    let dir = tempfile::tempdir().unwrap();
    if wanted("stdio") {
        let client = stdio_client(dir.path()).await;
        report("stdio", time_client(&client).await);
        client.cancel().await.unwrap();
    }
    let server = HttpServer::start(dir.path(), &[]).await;
    if wanted("streamable") {
        let client = http_client(&server.base, None).await;
        report("streamable-http", time_client(&client).await);
        client.cancel().await.unwrap();
    }
    if wanted("sse") {
        report("legacy-sse", time_legacy_sse(&server.base).await);
    }
    if wanted("sessions") {
        concurrent_sessions(&server.base).await;
    }
    if wanted("memory") {
        memory(&dir.path().join("memory")).await;
    }
    if wanted("comfyui") {
        comfyui(&dir.path().join("comfyui")).await;
    }
}

/// Our overhead on top of ComfyUI: from the test server sending `execution_success` to the tool
/// result in the client's hands (pixel pipeline 64² → 32², store, MCP over stdio included; goal
/// ≤ 5 ms), and whether a batch keeps ComfyUI's queue fed.
async fn comfyui(store: &std::path::Path) {
    use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
    let comfy = TestServer::start_with(Behaviour {
        checkpoints: vec!["sd_xl_base_1.0.safetensors".into()],
        ..Behaviour::default()
    })
    .await;
    let client = stdio_client_with(store, &["--comfyui", &comfy.url]).await;
    let mut overheads = Vec::new();
    for i in 0..(WARMUP + CALLS) {
        let result = call(
            &client,
            "generate_sprite",
            json!({"prompt": "knight", "seed": i, "steps": 2}),
        )
        .await;
        let returned = Instant::now();
        let prompt_id = result.structured_content.unwrap()["prompt_id"]
            .as_str()
            .unwrap()
            .to_string();
        if i >= WARMUP {
            overheads.push(comfy.client_overhead(&prompt_id, returned).unwrap());
        }
    }
    overheads.sort();
    println!(
        "comfyui overhead (execution_success → tool result): p50 {:.3} ms, p99 {:.3} ms (n={}, goal ≤ 5 ms)",
        ms(percentile(&overheads, 0.5)),
        ms(percentile(&overheads, 0.99)),
        overheads.len()
    );
    comfy.configure(|b| b.step_delay = Duration::from_millis(20));
    let prompts: Vec<String> = (0..16).map(|i| format!("slime {i}")).collect();
    let result = call(
        &client,
        "generate_batch",
        json!({"prompts": prompts, "steps": 3, "seed": 1000}),
    )
    .await;
    let ids: Vec<String> = result.structured_content.unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["prompt_id"].as_str().unwrap().to_string())
        .collect();
    let idle = comfy.idle_between(&ids);
    let idle_total: Duration = idle.iter().sum();
    println!(
        "comfyui batch of 16: queue idle between jobs {:.3} ms in total over {} gaps (goal 0: the queue never runs dry)",
        ms(idle_total),
        idle.len()
    );
    client.cancel().await.unwrap();
}

/// 64 Streamable HTTP sessions at once, 10 calls each: errors, p50, p99 (goal 0, p99 ≤ 100 ms).
async fn concurrent_sessions(base: &str) {
    const SESSIONS: usize = 64;
    const CALLS_EACH: usize = 10;
    let started = Instant::now();
    let tasks: Vec<_> = (0..SESSIONS)
        .map(|s| {
            let base = base.to_string();
            tokio::spawn(async move {
                let client = http_client(&base, None).await;
                let mut times = Vec::new();
                let mut errors = 0;
                for i in 0..CALLS_EACH {
                    let start = Instant::now();
                    let arguments = args(s * CALLS_EACH + i).as_object().unwrap().clone();
                    let result = client
                        .call_tool(
                            rmcp::model::CallToolRequestParams::new("generate_sprite")
                                .with_arguments(arguments),
                        )
                        .await;
                    times.push(start.elapsed());
                    if !matches!(result, Ok(ref r) if r.is_error == Some(false)) {
                        errors += 1;
                    }
                }
                let _ = client.cancel().await;
                (times, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (times, e) = task.await.unwrap();
        all.extend(times);
        errors += e;
    }
    all.sort();
    println!(
        "{SESSIONS} sessions × {CALLS_EACH} calls: {errors} errors, p50 {:.3} ms, p99 {:.3} ms, {:.0} calls/s (goal: 0 errors, p99 ≤ 100 ms)",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        all.len() as f64 / started.elapsed().as_secs_f64(),
    );
}

/// Resident memory of a fresh server idle, and its peak across a 32-sprite batch (goals ≤ 30 MB / ≤ 150 MB).
async fn memory(store: &std::path::Path) {
    let server = HttpServer::start(store, &[]).await;
    let status = |field: &str| -> f64 {
        let text = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap();
        let line = text.lines().find(|l| l.starts_with(field)).unwrap();
        line.split_whitespace()
            .nth(1)
            .unwrap()
            .parse::<f64>()
            .unwrap()
            / 1024.0
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle = status("VmRSS:");
    let client = http_client(&server.base, None).await;
    let prompts: Vec<String> = (0..32).map(|i| format!("green slime {i}")).collect();
    let result = call(
        &client,
        "generate_batch",
        json!({"prompts": prompts, "size": 64, "colors": 16, "sheet": true}),
    )
    .await;
    assert_eq!(result.structured_content.unwrap()["succeeded"], 32);
    let peak = status("VmHWM:");
    println!(
        "memory: idle RSS {idle:.1} MB, peak RSS over a 32-sprite 64×64 batch {peak:.1} MB (goals ≤ 30 MB / ≤ 150 MB)"
    );
    client.cancel().await.unwrap();
}
