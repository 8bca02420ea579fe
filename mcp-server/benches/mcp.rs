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
}
