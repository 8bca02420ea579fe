//! A ComfyUI stand-in for tests: a GPU we do not have, replaced by the behaviour recorded from a real
//! ComfyUI 0.3.64 (`recordings/`, described in its README). It validates prompts as ComfyUI does, runs them in
//! ComfyUI's node order with ComfyUI's caching, and sends the same WebSocket messages in the same order:
//! `status`, `execution_start`, `execution_cached`, `progress_state`, `executing`, one `progress` per sampler
//! step, `executed`, `execution_success` (or `execution_error` / `execution_interrupted`), `status`, and
//! `executing` with `node: null`. Images are the recorded PNGs (64x64 whatever size is asked: the recordings
//! were made on a CPU). Uploads (`/upload/image`) land in its input folder, where `LoadImage` finds them.
//! The one class the recordings lack, `VAEEncode`, is written from ComfyUI's source (`derived.rs`). Faults
//! are injected only in ways a real server shows them; see [`Behaviour`].

mod derived;
mod executor;
mod ordered;
mod recorded;
mod routes;
mod socket;
mod upload;
mod validate;

use std::collections::{BinaryHeap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

use ordered::Json;
use validate::Classes;

/// How the stand-in deviates from a fast, healthy server. Change it while running with
/// [`TestServer::configure`].
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    /// How long each sampler step takes (1–12 s on the recording CPU; zero by default).
    pub step_delay: Duration,
    /// Nodes of this class fail with the `execution_error` recorded in `runtime_error/`.
    pub fail_class: Option<String>,
    /// After this sampler step, the job owner's WebSocket is cut without a close frame; the job goes on.
    pub drop_socket_at_step: Option<u32>,
    /// Send KSampler preview frames, as a server started with `--preview-method latent2rgb` does.
    pub previews: bool,
    /// Answer the next `POST /prompt` with the recorded bare `500` that ComfyUI gives when its handler raises.
    pub crash_next_prompt: bool,
    /// Files in `models/checkpoints/` (the recordings had these two).
    pub checkpoints: Vec<String>,
    /// Files in `models/loras/`.
    pub loras: Vec<String>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            step_delay: Duration::ZERO,
            fail_class: None,
            drop_socket_at_step: None,
            previews: false,
            crash_next_prompt: false,
            checkpoints: vec![
                "random_sd15.safetensors".to_owned(),
                "random_sdxl.safetensors".to_owned(),
            ],
            loras: vec!["random_sd15_lora.safetensors".to_owned()],
        }
    }
}

/// When one job went through the stand-in, for measuring the client (not a timed test).
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    pub prompt_id: String,
    /// `POST /prompt` accepted it.
    pub queued_at: Instant,
    /// The worker took it.
    pub started_at: Instant,
    /// `execution_success` was sent (`None` if the job failed or was interrupted).
    pub success_sent_at: Option<Instant>,
    /// History stored, queue updated: the worker is free for the next job.
    pub finished_at: Instant,
}

/// A running stand-in on `127.0.0.1`.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    addr: SocketAddr,
    state: Arc<State>,
}

impl TestServer {
    /// Starts with the default [`Behaviour`].
    pub async fn start() -> Self {
        Self::start_with(Behaviour::default()).await
    }

    pub async fn start_with(behaviour: Behaviour) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("a bound address");
        let state = serve(listener, behaviour);
        Self {
            url: format!("http://{addr}"),
            addr,
            state,
        }
    }

    /// Changes the behaviour from now on.
    pub fn configure(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.state.behaviour.lock().expect("behaviour lock"));
    }

    /// Stops answering and drops every connection, as when the ComfyUI process dies.
    pub fn kill(&self) {
        self.state.stop.cancel();
    }

    /// Kills the server and starts a new one on the same port with an empty queue and history, as a restarted
    /// ComfyUI has.
    pub async fn restart(&mut self) {
        self.kill();
        let behaviour = self.state.behaviour.lock().expect("behaviour lock").clone();
        // The old listener closes as its server task winds down.
        let mut attempts = 0;
        let listener = loop {
            match tokio::net::TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(error) if attempts < 1000 => {
                    attempts += 1;
                    tracing::debug!(%error, "waiting for the old test server to release its port");
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err(error) => panic!("cannot restart the test server on {}: {error}", self.addr),
            }
        };
        self.state = serve(listener, behaviour);
    }

    /// Every job run so far, in order.
    pub fn executions(&self) -> Vec<Execution> {
        self.state
            .executions
            .lock()
            .expect("executions lock")
            .clone()
    }

    /// When `execution_success` was sent for `prompt_id`.
    pub fn success_sent_at(&self, prompt_id: &str) -> Option<Instant> {
        self.executions()
            .into_iter()
            .find(|e| e.prompt_id == prompt_id)
            .and_then(|e| e.success_sent_at)
    }

    /// The client's own time for a job: from this server sending `execution_success` to `returned_at`, the
    /// moment the caller got its result (for benchmarks; `None` if the job did not succeed here).
    pub fn client_overhead(
        &self,
        prompt_id: &str,
        returned_at: Instant,
    ) -> Option<std::time::Duration> {
        Some(returned_at.saturating_duration_since(self.success_sent_at(prompt_id)?))
    }

    /// Every prompt accepted so far, in the order it arrived, as queued (values converted as validation
    /// converts them): what a test inspects to see what the client asked for.
    pub fn prompts(&self) -> Vec<Value> {
        self.state.comfy().accepted.clone()
    }

    /// The bytes of a file in the input folder (`sub/name.png` in a subfolder), as an upload left them.
    pub fn input_file(&self, path: &str) -> Option<Vec<u8>> {
        let key = upload::file_key("input", "", path)?;
        self.state
            .comfy()
            .files
            .get(&key)
            .map(|bytes| bytes.to_vec())
    }

    /// For each job after the first of `prompt_ids` (in run order): how long the queue sat empty because the
    /// job arrived after the previous one had finished. All zero when the client kept the queue fed.
    pub fn idle_between(&self, prompt_ids: &[String]) -> Vec<std::time::Duration> {
        let runs: Vec<Execution> = self
            .executions()
            .into_iter()
            .filter(|e| prompt_ids.contains(&e.prompt_id))
            .collect();
        runs.windows(2)
            .map(|pair| {
                pair[1]
                    .queued_at
                    .saturating_duration_since(pair[0].finished_at)
            })
            .collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn serve(listener: tokio::net::TcpListener, behaviour: Behaviour) -> Arc<State> {
    let state = Arc::new(State::new(behaviour));
    let app = routes::router(state.clone());
    let stop = state.stop.clone();
    tokio::spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(stop.cancelled_owned());
        if let Err(error) = serving.await {
            tracing::warn!(%error, "the ComfyUI test server stopped");
        }
    });
    tokio::spawn(executor::work(state.clone()));
    state
}

/// A message for one WebSocket.
enum Outgoing {
    Text(String),
    Binary(Vec<u8>),
    /// Cut the connection without a close frame.
    Cut,
}

struct Socket {
    sender: mpsc::UnboundedSender<Outgoing>,
    /// The client sent `feature_flags` with `supports_preview_metadata`.
    preview_metadata: bool,
}

/// A queued prompt: `[number, prompt_id, prompt, extra_data, outputs_to_execute]` in ComfyUI's terms.
struct Item {
    number: Value,
    order: (f64, u64),
    prompt_id: String,
    prompt: Json,
    extra_data: Json,
    outputs: Vec<String>,
    queued_at: Instant,
}

impl Item {
    fn client_id(&self) -> Option<String> {
        self.extra_data
            .get("client_id")
            .and_then(Json::as_str)
            .map(str::to_owned)
    }

    fn to_json(&self) -> Json {
        Json::Array(vec![
            Json::from_value(self.number.clone()),
            Json::String(self.prompt_id.clone()),
            self.prompt.clone(),
            self.extra_data.clone(),
            Json::from_value(json!(self.outputs)),
        ])
    }
}

/// Lowest number first, like ComfyUI's heap; `iter()` gives the heap's own (unsorted) order, as its
/// `GET /queue` does.
impl Ord for Item {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .order
            .0
            .total_cmp(&self.order.0)
            .then(other.order.1.cmp(&self.order.1))
    }
}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        self.order == other.order
    }
}
impl Eq for Item {}

/// The server's mutable state: queue, history, files, cache and sockets.
#[derive(Default)]
struct Comfy {
    /// The next prompt number.
    number: i64,
    sequence: u64,
    pending: BinaryHeap<Item>,
    running: Option<RunningJob>,
    /// An interrupt reached the running job.
    interrupt: bool,
    /// Finished prompts, oldest first: `(prompt_id, entry)`.
    history: Vec<(String, Json)>,
    /// `(type, subfolder, filename)` → bytes: saved images and uploads.
    files: HashMap<(String, String, String), Bytes>,
    /// The prompts accepted, in arrival order.
    accepted: Vec<Value>,
    /// Node signature → its UI output, for the nodes of the last prompt (ComfyUI's classic cache).
    cache: HashMap<String, Option<Value>>,
    sockets: HashMap<String, Socket>,
}

struct RunningJob {
    prompt_id: String,
    client_id: Option<String>,
    item: Json,
    /// The node running now, replayed to a socket that reconnects with the job's client id.
    node: Option<String>,
}

impl Comfy {
    fn queue_remaining(&self) -> usize {
        self.pending.len() + usize::from(self.running.is_some())
    }

    /// Sends to one client, or to every socket when `to` is `None` (ComfyUI's `send_sync(..., sid=None)`).
    fn send(&self, to: Option<&str>, kind: &str, data: Value) {
        let text = json!({ "type": kind, "data": data }).to_string();
        match to {
            Some(sid) => {
                if let Some(socket) = self.sockets.get(sid) {
                    let _ = socket.sender.send(Outgoing::Text(text));
                }
            }
            None => {
                for socket in self.sockets.values() {
                    let _ = socket.sender.send(Outgoing::Text(text.clone()));
                }
            }
        }
    }

    fn status_data(&self) -> Value {
        json!({ "status": { "exec_info": { "queue_remaining": self.queue_remaining() } } })
    }

    /// The queue changed: every socket hears of it.
    fn broadcast_status(&self) {
        self.send(None, "status", self.status_data());
    }
}

struct State {
    classes: Classes,
    system_stats: Value,
    behaviour: Mutex<Behaviour>,
    comfy: Mutex<Comfy>,
    /// A prompt was queued.
    work: Notify,
    /// An interrupt reached the running job.
    interrupted: Notify,
    stop: CancellationToken,
    executions: Mutex<Vec<Execution>>,
}

impl State {
    fn new(behaviour: Behaviour) -> Self {
        let mut classes = recorded::object_info();
        classes.extend(derived::object_info());
        let combo = |files: &[String]| json!(files);
        classes["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"][0] =
            combo(&behaviour.checkpoints);
        classes["LoraLoader"]["input"]["required"]["lora_name"][0] = combo(&behaviour.loras);
        Self {
            classes: Classes::new(classes),
            system_stats: recorded::system_stats(),
            behaviour: Mutex::new(behaviour),
            comfy: Mutex::default(),
            work: Notify::new(),
            interrupted: Notify::new(),
            stop: CancellationToken::new(),
            executions: Mutex::default(),
        }
    }

    fn comfy(&self) -> std::sync::MutexGuard<'_, Comfy> {
        self.comfy.lock().expect("comfy lock")
    }

    fn behaviour(&self) -> Behaviour {
        self.behaviour.lock().expect("behaviour lock").clone()
    }

    /// The classes with `LoadImage` offering what is in the input folder now: the files the recorded
    /// server had and every upload. `/object_info` lists the top of the folder only (ComfyUI lists it
    /// with `os.listdir`); validation also accepts `sub/name` (LoadImage checks that the path exists).
    fn classes_now(&self, with_subfolders: bool) -> Classes {
        let uploaded: Vec<String> = self
            .comfy()
            .files
            .keys()
            .filter(|(kind, folder, _)| kind == "input" && (with_subfolders || folder.is_empty()))
            .map(|(_, folder, name)| {
                if folder.is_empty() {
                    name.clone()
                } else {
                    format!("{folder}/{name}")
                }
            })
            .collect();
        self.classes.with_input_files(uploaded)
    }
}

#[cfg(test)]
mod tests;
