//! Prometheus metrics: what `/metrics` shows, named once here so every recorder site agrees.

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Installs the process-wide recorder once and returns the handle `/metrics` renders.
pub fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .install_recorder()
                .expect("the metrics recorder is installed once per process");
            describe();
            handle
        })
        .clone()
}

fn describe() {
    metrics::describe_counter!(
        "dgx_pixels_jobs_total",
        "Sprites requested, by backend and outcome"
    );
    metrics::describe_histogram!(
        "dgx_pixels_generation_seconds",
        metrics::Unit::Seconds,
        "Backend time per sprite"
    );
    metrics::describe_histogram!(
        "dgx_pixels_pixel_pipeline_seconds",
        metrics::Unit::Seconds,
        "Pixel pipeline time per sprite"
    );
    metrics::describe_gauge!(
        "dgx_pixels_queue_depth",
        "Sprites accepted and not finished yet"
    );
    metrics::describe_gauge!("dgx_pixels_sessions", "Open MCP sessions, by transport");
    metrics::describe_counter!(
        "dgx_pixels_deploys_total",
        "Deploys into Bevy projects, by outcome"
    );
    metrics::describe_counter!(
        "dgx_pixels_comfyui_errors_total",
        "ComfyUI failures, by kind"
    );
}

/// One sprite finished (or failed) on `backend`.
pub fn job(backend: &str, outcome: &'static str) {
    counter!("dgx_pixels_jobs_total", "backend" => backend.to_string(), "outcome" => outcome)
        .increment(1);
}

pub fn generation_time(backend: &str, time: Duration) {
    histogram!("dgx_pixels_generation_seconds", "backend" => backend.to_string())
        .record(time.as_secs_f64());
}

pub fn pixel_time(time: Duration) {
    histogram!("dgx_pixels_pixel_pipeline_seconds").record(time.as_secs_f64());
}

/// Sprites entering (`+n`) or leaving (`-n`) the queue.
pub fn queue(delta: f64) {
    gauge!("dgx_pixels_queue_depth").increment(delta);
}

pub fn deploy(outcome: &'static str) {
    counter!("dgx_pixels_deploys_total", "outcome" => outcome).increment(1);
}

pub fn comfyui_error(kind: &'static str) {
    counter!("dgx_pixels_comfyui_errors_total", "kind" => kind).increment(1);
}

/// Counts a session as open for as long as it lives.
#[derive(Debug)]
pub struct SessionGauge(&'static str);

impl SessionGauge {
    pub fn open(transport: &'static str) -> Self {
        gauge!("dgx_pixels_sessions", "transport" => transport).increment(1.0);
        Self(transport)
    }
}

impl Drop for SessionGauge {
    fn drop(&mut self) {
        gauge!("dgx_pixels_sessions", "transport" => self.0).decrement(1.0);
    }
}
