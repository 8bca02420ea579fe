//! The ComfyUI stand-in as a process, for clients we did not write (`scripts/client_matrix.py`) and for trying
//! dgx-pixels by hand without a GPU. Prints its URL on the first line of stdout, then serves until stdin closes.
//!
//! `cargo run -p dgx-pixels-comfyui --features test-server --example stand_in -- [STEP_DELAY_MS]`
//!
//! It offers the checkpoint and LoRA the built-in workflows name; each sampler step takes `STEP_DELAY_MS`
//! (default 0), so a long job can be watched, and cancelled.

use std::io::Write as _;
use std::time::Duration;

use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() {
    let step_delay = std::env::args()
        .nth(1)
        .map(|ms| {
            ms.parse()
                .expect("STEP_DELAY_MS is a number of milliseconds")
        })
        .map_or(Duration::ZERO, Duration::from_millis);
    let server = TestServer::start_with(Behaviour {
        step_delay,
        checkpoints: vec!["sd_xl_base_1.0.safetensors".into()],
        loras: vec!["pixel-art-xl.safetensors".into()],
        ..Behaviour::default()
    })
    .await;
    println!("{}", server.url);
    std::io::stdout().flush().expect("stdout is open");
    // Until stdin closes: the parent went away or is done.
    let mut sink = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut sink).await;
}
