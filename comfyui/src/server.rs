//! One ComfyUI server: its HTTP API, and the one WebSocket that carries the events of all our jobs on it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};

use image::RgbaImage;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use tokio::sync::{Notify, mpsc, watch};
use tokio_util::sync::{CancellationToken, DropGuard};

use crate::api::{
    self, HistoryEntry, ImageRef, JobEvent, PromptAccepted, PromptRejected, PromptRequest,
    QueueState, SystemStats,
};
use crate::error::{ComfyError, describe};
use crate::link::{Health, Route, Shared};
use crate::options::ClientOptions;
use crate::socket;
use crate::workflow::{Models, ObjectInfo, Workflow, WorkflowError};

struct Inner {
    shared: Arc<Shared>,
    http: reqwest::Client,
    socket: Once,
    in_flight: AtomicUsize,
    stop: CancellationToken,
    _stop_on_drop: DropGuard,
}

/// A handle to one ComfyUI server; clones share one connection.
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("url", &self.url()).finish()
    }
}

impl Server {
    /// A server at `url` (`http://host:port`; `host:port` is taken as http). Connects on first use.
    pub fn new(url: &str, options: ClientOptions) -> Self {
        let url = url.trim().trim_end_matches('/');
        let url = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .build()
            .expect("a client without TLS always builds");
        let stop = CancellationToken::new();
        let shared = Arc::new(Shared {
            url,
            options,
            link: Mutex::default(),
            health: watch::Sender::new(Health::Connecting),
            retry_now: Notify::new(),
        });
        let inner = Inner {
            shared,
            http,
            socket: Once::new(),
            in_flight: AtomicUsize::new(0),
            _stop_on_drop: stop.clone().drop_guard(),
            stop,
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The base URL, as used in messages.
    pub fn url(&self) -> &str {
        &self.inner.shared.url
    }

    /// Versions, devices and VRAM (`GET /system_stats`).
    pub async fn system_stats(&self) -> Result<SystemStats, ComfyError> {
        self.get_json("/system_stats").await
    }

    /// The class definitions of the named node classes; classes the server lacks are simply absent.
    pub async fn object_info<'a>(
        &self,
        classes: impl IntoIterator<Item = &'a str>,
    ) -> Result<ObjectInfo, ComfyError> {
        let requests = classes
            .into_iter()
            .map(|class| self.get_json::<Value>(format!("/object_info/{class}")));
        let mut info = ObjectInfo::default();
        for answer in futures::future::try_join_all(requests).await? {
            info.extend(ObjectInfo::from_json(answer));
        }
        Ok(info)
    }

    /// Checkpoints, LoRAs, samplers and schedulers this server offers.
    pub async fn models(&self) -> Result<Models, ComfyError> {
        Ok(self
            .object_info(["CheckpointLoaderSimple", "LoraLoader", "KSampler"])
            .await?
            .models())
    }

    /// Why `workflow` would fail on this server (unknown classes, missing inputs, models it lacks).
    pub async fn check(&self, workflow: &Workflow) -> Result<Vec<WorkflowError>, ComfyError> {
        Ok(self
            .object_info(workflow.class_types())
            .await?
            .check(workflow))
    }

    /// Jobs waiting or running here: ComfyUI's own count (everyone's jobs) or ours, whichever is larger.
    pub(crate) fn load(&self) -> usize {
        let queued = self
            .inner
            .shared
            .link
            .lock()
            .expect("link lock")
            .queue_remaining;
        queued.max(self.inner.in_flight.load(Ordering::Relaxed))
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.inner.in_flight.load(Ordering::Relaxed)
    }

    pub(crate) fn queue_remaining(&self) -> usize {
        self.inner
            .shared
            .link
            .lock()
            .expect("link lock")
            .queue_remaining
    }

    pub(crate) fn is_up(&self) -> bool {
        self.ensure_socket();
        *self.inner.shared.health.borrow() == Health::Up
    }

    pub(crate) fn options(&self) -> &ClientOptions {
        &self.inner.shared.options
    }

    fn ensure_socket(&self) {
        self.inner.socket.call_once(|| {
            tokio::spawn(socket::run(
                self.inner.shared.clone(),
                self.inner.stop.clone(),
            ));
        });
    }

    /// Waits until the WebSocket is open, asking for a new attempt at once if it is down.
    pub(crate) async fn wait_up(&self) -> Result<(), ComfyError> {
        self.ensure_socket();
        let mut health = self.inner.shared.health.subscribe();
        match &*health.borrow_and_update() {
            Health::Up => return Ok(()),
            Health::Down(_) => self.inner.shared.retry_now.notify_one(),
            Health::Connecting => {}
        }
        let wait = async {
            loop {
                if health.changed().await.is_err() {
                    return Err("the connection task stopped".to_owned());
                }
                match &*health.borrow_and_update() {
                    Health::Up => return Ok(()),
                    Health::Down(reason) => return Err(reason.clone()),
                    Health::Connecting => {}
                }
            }
        };
        match tokio::time::timeout(self.options().connect_timeout, wait).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => Err(self.unreachable(reason)),
            Err(_) => Err(self.unreachable(format!(
                "no answer within {:?}",
                self.options().connect_timeout
            ))),
        }
    }

    /// Starts routing events of `prompt_id` to the returned receiver; gives the client id to submit with.
    pub(crate) fn register(
        &self,
        prompt_id: &str,
    ) -> Result<(String, mpsc::UnboundedReceiver<JobEvent>), ComfyError> {
        let mut link = self.inner.shared.link.lock().expect("link lock");
        let Some(client_id) = link.client_id.clone() else {
            return Err(self.unreachable("the connection dropped".to_owned()));
        };
        let (events, receiver) = mpsc::unbounded_channel();
        link.jobs.insert(
            prompt_id.to_owned(),
            Route {
                client_id: client_id.clone(),
                events,
            },
        );
        self.inner.in_flight.fetch_add(1, Ordering::Relaxed);
        Ok((client_id, receiver))
    }

    pub(crate) fn unregister(&self, prompt_id: &str) {
        if self
            .inner
            .shared
            .link
            .lock()
            .expect("link lock")
            .jobs
            .remove(prompt_id)
            .is_some()
        {
            self.inner.in_flight.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// `POST /prompt`. Any `node_errors` fail the job, even when ComfyUI queued the valid part of it.
    pub(crate) async fn submit(
        &self,
        prompt: &Map<String, Value>,
        client_id: &str,
        prompt_id: &str,
    ) -> Result<(), ComfyError> {
        let body = PromptRequest {
            prompt,
            client_id,
            prompt_id,
        };
        let response = self
            .send(self.http().post(self.endpoint("/prompt")).json(&body))
            .await?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| self.unreachable(describe(&e)))?;
        match status.as_u16() {
            200 => {
                let accepted: PromptAccepted = self.parse("POST /prompt", &text)?;
                if accepted.node_errors.is_empty() {
                    return Ok(());
                }
                self.cancel(prompt_id).await;
                Err(ComfyError::Validation {
                    url: self.url().to_owned(),
                    problems: api::node_problems(accepted.node_errors),
                })
            }
            400 => {
                let rejected: PromptRejected = self.parse("POST /prompt", &text)?;
                let problems = api::node_problems(rejected.node_errors);
                if problems.is_empty() {
                    let reason = rejected.error;
                    let message = if reason.details.is_empty() {
                        reason.message
                    } else {
                        format!("{} ({})", reason.message, reason.details)
                    };
                    Err(ComfyError::Rejected {
                        url: self.url().to_owned(),
                        kind: reason.kind,
                        message,
                    })
                } else {
                    Err(ComfyError::Validation {
                        url: self.url().to_owned(),
                        problems,
                    })
                }
            }
            code => Err(ComfyError::Malformed {
                url: self.url().to_owned(),
                status: code,
                body: text
                    .lines()
                    .rev()
                    .find(|l| !l.is_empty())
                    .unwrap_or_default()
                    .to_owned(),
            }),
        }
    }

    /// The finished job's history entry, or `None` while it is queued or running (ComfyUI answers `{}`).
    pub(crate) async fn history(
        &self,
        prompt_id: &str,
    ) -> Result<Option<HistoryEntry>, ComfyError> {
        let mut entries: HashMap<String, HistoryEntry> =
            self.get_json(format!("/history/{prompt_id}")).await?;
        Ok(entries.remove(prompt_id))
    }

    /// Whether the job is still pending or running.
    pub(crate) async fn is_queued(&self, prompt_id: &str) -> Result<bool, ComfyError> {
        let queue: QueueState = self.get_json("/queue").await?;
        Ok(queue
            .queue_running
            .iter()
            .chain(&queue.queue_pending)
            .any(|item| item.1 == prompt_id))
    }

    /// Removes the job if it is pending and stops it if it is running; both are no-ops otherwise, so sending
    /// both leaves no window in which the job could slip from pending to running unnoticed.
    pub(crate) async fn cancel(&self, prompt_id: &str) {
        let delete = self
            .http()
            .post(self.endpoint("/queue"))
            .json(&json!({ "delete": [prompt_id] }));
        let interrupt = self
            .http()
            .post(self.endpoint("/interrupt"))
            .json(&json!({ "prompt_id": prompt_id }));
        for request in [delete, interrupt] {
            if let Err(error) = self.send(request).await {
                tracing::warn!(url = self.url(), prompt_id, %error, "could not cancel the ComfyUI job");
            }
        }
    }

    /// Downloads and decodes one image (`GET /view`).
    pub(crate) async fn image(&self, image: &ImageRef) -> Result<RgbaImage, ComfyError> {
        let query = [
            ("filename", &image.filename),
            ("subfolder", &image.subfolder),
            ("type", &image.kind),
        ];
        let response = self
            .send(self.http().get(self.endpoint("/view")).query(&query))
            .await?;
        if !response.status().is_success() {
            return Err(self.protocol(
                &format!("GET /view for {}", image.filename),
                response.status().to_string(),
            ));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.unreachable(describe(&e)))?;
        let filename = image.filename.clone();
        let url = self.url().to_owned();
        tokio::task::spawn_blocking(move || {
            image::load_from_memory(&bytes)
                .map(|i| i.to_rgba8())
                .map_err(|source| ComfyError::Image {
                    url,
                    filename,
                    source,
                })
        })
        .await
        .expect("image decoding does not panic")
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.url())
    }

    pub(crate) async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ComfyError> {
        request
            .send()
            .await
            .map_err(|e| self.unreachable(describe(&e)))
    }

    async fn get_json<T: DeserializeOwned>(&self, path: impl AsRef<str>) -> Result<T, ComfyError> {
        let path = path.as_ref();
        let response = self.send(self.http().get(self.endpoint(path))).await?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| self.unreachable(describe(&e)))?;
        if !status.is_success() {
            return Err(self.protocol(&format!("GET {path}"), format!("HTTP {status}")));
        }
        self.parse(&format!("GET {path}"), &text)
    }

    fn parse<T: DeserializeOwned>(&self, what: &str, text: &str) -> Result<T, ComfyError> {
        serde_json::from_str(text).map_err(|e| self.protocol(what, e.to_string()))
    }

    pub(crate) fn unreachable(&self, reason: String) -> ComfyError {
        ComfyError::Unreachable {
            url: self.url().to_owned(),
            reason,
        }
    }

    fn protocol(&self, what: &str, detail: String) -> ComfyError {
        ComfyError::Protocol {
            url: self.url().to_owned(),
            what: what.to_owned(),
            detail,
        }
    }
}
