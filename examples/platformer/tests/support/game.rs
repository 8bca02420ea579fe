//! The real `platformer` binary in a window, its log and its BRP server: shared by the platformer's
//! real-window test and `dgx-pixels`' `game_swap` bench, so it uses nothing from Bevy.

#![allow(
    dead_code,
    reason = "each user of this file needs a different part of it"
)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The start of the game's log line for a swap (`platformer::view::SWAP_LOG`), followed by
/// `name=… revision=… frame=… unix_ms=…`.
pub const SWAP_LOG: &str = "sprite shown:";

/// How long a software-rendered game may take to open its window and answer BRP.
pub const START_TIMEOUT: Duration = Duration::from_secs(90);

/// The real `platformer` binary in a window, on its own BRP port, playing from `assets`. Killed
/// when dropped.
pub struct Game {
    child: Child,
    pub port: u16,
    swaps: Receiver<Swap>,
}

/// One "sprite shown" line from the game's log.
#[derive(Debug)]
pub struct Swap {
    pub name: String,
    pub revision: u64,
    pub frame: u64,
    /// Wall-clock time of the frame, in milliseconds since the Unix epoch.
    pub unix_ms: f64,
}

impl Game {
    /// Starts `binary` (the platformer) on a free BRP port.
    pub fn start(binary: &Path, assets: &Path) -> Self {
        let port = free_port();
        let mut command = Command::new(binary);
        command
            .arg("--assets")
            .arg(assets)
            .arg("--brp-port")
            .arg(port.to_string())
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info,wgpu=error,naga=warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if std::env::var_os("WGPU_BACKEND").is_none() {
            // Mesa's software Vulkan (lavapipe) is what a machine without a GPU has.
            command.env("WGPU_BACKEND", "vulkan");
        }
        let mut child = command.spawn().expect("start the platformer binary");
        let (sender, swaps) = channel();
        forward_log(child.stdout.take().expect("piped"), sender.clone());
        forward_log(child.stderr.take().expect("piped"), sender);
        Self { child, port, swaps }
    }

    /// Waits until the game answers `pixels/list` and shows every sprite of its manifest.
    pub async fn wait_until_ready(&mut self) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the game") {
                panic!(
                    "the game exited with {status} before answering BRP on port {}; is there a \
                     display (DISPLAY, xvfb-run) and a Vulkan driver (mesa-vulkan-drivers)?",
                    self.port
                );
            }
            if let Ok(listing) = brp(self.port, "pixels/list", None).await
                && let Some(sprites) = listing["sprites"].as_array()
                && !sprites.is_empty()
                && sprites.iter().all(|s| s["status"] == "loaded")
            {
                return;
            }
            assert!(
                start.elapsed() < START_TIMEOUT,
                "the game did not answer BRP on port {} within {START_TIMEOUT:?}",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The next swap of `name` to `revision` (or later) the game logs, skipping others.
    pub fn wait_for_swap(&self, name: &str, revision: u64, timeout: Duration) -> Swap {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.swaps.recv_timeout(left) {
                Ok(swap) if swap.name == name && swap.revision >= revision => return swap,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => {
                    panic!("the game did not show {name} revision {revision} within {timeout:?}")
                }
                Err(RecvTimeoutError::Disconnected) => panic!("the game's log ended"),
            }
        }
    }

    /// Forgets the swaps logged so far.
    pub fn drain_swaps(&self) {
        while self.swaps.try_recv().is_ok() {}
    }
}

impl Drop for Game {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies the game's log to ours (so a failing test shows it) and picks out the swap lines.
fn forward_log(stream: impl Read + Send + 'static, swaps: Sender<Swap>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            eprintln!("[game] {line}");
            if let Some(swap) = parse_swap(&line) {
                let _ = swaps.send(swap);
            }
        }
    });
}

fn parse_swap(line: &str) -> Option<Swap> {
    let (_, fields) = line.split_once(SWAP_LOG)?;
    let field = |key: &str| {
        fields
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
    };
    Some(Swap {
        name: field("name")?.to_owned(),
        revision: field("revision")?.parse().ok()?,
        frame: field("frame")?.parse().ok()?,
        unix_ms: field("unix_ms")?.parse().ok()?,
    })
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind a loopback port")
        .port()
}

/// One BRP call over HTTP; `Err` holds a transport failure or the game's JSON-RPC error.
pub async fn brp(port: u16, method: &str, params: Option<Value>) -> Result<Value, String> {
    let mut request = json!({"jsonrpc": "2.0", "id": 1, "method": method});
    if let Some(params) = params {
        request["params"] = params;
    }
    let reply: Value = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/"))
        .timeout(Duration::from_secs(30))
        .json(&request)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    match reply.get("error") {
        Some(error) => Err(error.to_string()),
        None => Ok(reply["result"].clone()),
    }
}

/// Copies the sprites and the manifest, not the deploy history.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}
