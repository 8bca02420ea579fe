//! One job on one server: submit, follow its events to the end, fetch its images. Completion comes from
//! ComfyUI's own events; `/history` is asked only when events may have been lost.

use std::sync::Arc;
use std::time::{Duration, Instant};

use image::RgbaImage;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::api::{self, ImageRef, JobEvent, JobFailure};
use crate::error::ComfyError;
use crate::server::Server;
use crate::upload::{Upload, Uploads};
use crate::workflow::{InitImage, Workflow, WorkflowParams};

/// What to run: a workflow and the values to put into it.
#[derive(Debug, Clone)]
pub struct JobSpec {
    pub workflow: Workflow,
    pub params: WorkflowParams,
    /// The image an img2img workflow starts from, uploaded to whichever server runs the job just
    /// before it is submitted there (once per server in a batch), and bound as
    /// [`WorkflowParams::init_image`] under the name that server gave it.
    pub init_image: Option<InitUpload>,
}

impl JobSpec {
    /// A job drawn from the prompt alone (no init image to upload).
    pub fn new(workflow: Workflow, params: WorkflowParams) -> Self {
        Self {
            workflow,
            params,
            init_image: None,
        }
    }
}

/// An init image still to be uploaded, and how much of it to redraw.
#[derive(Debug, Clone, PartialEq)]
pub struct InitUpload {
    pub image: Upload,
    /// 0–1, as [`InitImage::denoise`].
    pub denoise: f64,
}

/// How a job advances, in order: `Queued`, `Started`, then `Node` and `Step` as ComfyUI works.
#[derive(Debug, Clone, PartialEq)]
pub enum JobProgress {
    /// ComfyUI accepted the job; about `ahead` jobs run before it.
    Queued {
        prompt_id: String,
        server: String,
        ahead: usize,
    },
    /// ComfyUI started running the job.
    Started,
    /// A node started running (nodes whose result ComfyUI cached are skipped).
    Node { node_id: String, class_type: String },
    /// The sampler finished step `value` of `max`.
    Step {
        value: u32,
        max: u32,
        node_id: String,
    },
}

/// Where the time of a job went.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct JobTimings {
    /// Sending the prompt until ComfyUI accepted it.
    pub submit: Duration,
    /// Accepted until ComfyUI started it (time spent behind other jobs).
    pub queued: Duration,
    /// Started until ComfyUI reported success.
    pub running: Duration,
    /// Success until the images were downloaded and decoded: this client's own overhead.
    pub fetch: Duration,
}

/// A finished job.
#[derive(Debug, Clone)]
pub struct JobOutput {
    /// The images of the workflow's `SaveImage` nodes, in node order (one per batch item).
    pub images: Vec<RgbaImage>,
    /// ComfyUI's id for the job (we chose it), for its history and logs.
    pub prompt_id: String,
    /// The server that ran it.
    pub server: String,
    pub timings: JobTimings,
}

pub(crate) type OnProgress = Arc<dyn Fn(JobProgress) + Send + Sync>;

/// Cancels the ComfyUI job if the caller drops the future before the job ended, and stops routing its events.
struct JobGuard {
    server: Server,
    prompt_id: String,
    armed: bool,
}

impl Drop for JobGuard {
    fn drop(&mut self) {
        self.server.unregister(&self.prompt_id);
        if self.armed
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let (server, prompt_id) = (self.server.clone(), self.prompt_id.clone());
            runtime.spawn(async move { server.cancel(&prompt_id).await });
        }
    }
}

/// A job ComfyUI accepted; [`SubmittedJob::wait`] follows it to the end.
pub(crate) struct SubmittedJob {
    guard: JobGuard,
    workflow: Workflow,
    events: mpsc::UnboundedReceiver<JobEvent>,
    on_progress: OnProgress,
    cancel: CancellationToken,
    submit: Duration,
    accepted_at: Instant,
}

impl Server {
    /// Runs one job here; see [`crate::Pool::run`].
    pub async fn run(
        &self,
        job: JobSpec,
        on_progress: impl Fn(JobProgress) + Send + Sync + 'static,
        cancel: CancellationToken,
    ) -> Result<JobOutput, ComfyError> {
        let uploads = Uploads::default();
        self.submit_job(&job, Arc::new(on_progress), cancel, &uploads)
            .await?
            .wait()
            .await
    }

    pub(crate) async fn submit_job(
        &self,
        job: &JobSpec,
        on_progress: OnProgress,
        cancel: CancellationToken,
        uploads: &Uploads,
    ) -> Result<SubmittedJob, ComfyError> {
        let mut params = job.params.clone();
        if let Some(init) = &job.init_image {
            // Bound once under the name asked for, so a workflow that cannot take it fails before the upload.
            params.init_image = Some(InitImage {
                name: init.image.filename.clone(),
                denoise: init.denoise,
            });
            job.workflow.bind(&params)?;
            let name = tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(ComfyError::Cancelled),
                name = uploads.on(self, &init.image) => name?,
            };
            params.init_image = Some(InitImage {
                name,
                denoise: init.denoise,
            });
        }
        let workflow = job.workflow.bind(&params)?;
        let prompt = workflow.to_api_json();
        self.wait_up().await?;
        let prompt_id = uuid::Uuid::new_v4().to_string();
        let ahead = self.load();
        let (client_id, events) = self.register(&prompt_id)?;
        let mut guard = JobGuard {
            server: self.clone(),
            prompt_id: prompt_id.clone(),
            armed: false,
        };
        let started = Instant::now();
        tokio::select! {
            biased;
            () = cancel.cancelled() => {
                guard.armed = true;
                return Err(ComfyError::Cancelled);
            }
            submitted = self.submit(&prompt, &client_id, &prompt_id) => submitted?,
        }
        guard.armed = true;
        on_progress(JobProgress::Queued {
            prompt_id,
            server: self.url().to_owned(),
            ahead,
        });
        Ok(SubmittedJob {
            guard,
            workflow,
            events,
            on_progress,
            cancel,
            submit: started.elapsed(),
            accepted_at: Instant::now(),
        })
    }
}

impl SubmittedJob {
    /// Follows the job's events until it ends, then downloads its images.
    pub(crate) async fn wait(mut self) -> Result<JobOutput, ComfyError> {
        let server = self.guard.server.clone();
        let prompt_id = self.guard.prompt_id.clone();
        let options = server.options().clone();
        let deadline = options
            .job_timeout
            .map(|timeout| tokio::time::Instant::from(self.accepted_at) + timeout);
        let mut started_at = None;
        let mut images = Vec::new();
        let mut unreachable_since = None;
        let finished = loop {
            // While the server cannot be reached, look again when the grace runs out, whether or
            // not the socket task has news by then.
            let give_up_at = unreachable_since.map(|since| since + options.reconnect_grace);
            let event = tokio::select! {
                biased;
                () = self.cancel.cancelled() => {
                    server.cancel(&prompt_id).await;
                    self.guard.armed = false;
                    return Err(ComfyError::Cancelled);
                }
                event = self.events.recv() => match event {
                    Some(event) => event,
                    None => return Err(ComfyError::Lost { url: server.url().to_owned(), prompt_id }),
                },
                () = sleep_until(deadline) => {
                    let after = options.job_timeout.unwrap_or_default();
                    return Err(ComfyError::Timeout { url: server.url().to_owned(), prompt_id, after });
                }
                () = sleep_until(give_up_at) => JobEvent::Resync,
            };
            match event {
                JobEvent::Started => {
                    started_at = Some(Instant::now());
                    (self.on_progress)(JobProgress::Started);
                }
                JobEvent::Executing { node } => {
                    let class_type = self.workflow.class_of(&node).unwrap_or_default().to_owned();
                    (self.on_progress)(JobProgress::Node {
                        node_id: node,
                        class_type,
                    });
                }
                JobEvent::Progress { value, max, node } => {
                    (self.on_progress)(JobProgress::Step {
                        value,
                        max,
                        node_id: node,
                    });
                }
                JobEvent::Executed { images: produced } => images.extend(produced),
                JobEvent::Success => break Instant::now(),
                JobEvent::Failed(failure) => return Err(self.failure(failure)),
                JobEvent::Done | JobEvent::Resync => {
                    match self.recover(&mut unreachable_since).await? {
                        Some(recovered) => {
                            images = recovered;
                            break Instant::now();
                        }
                        None => continue,
                    }
                }
            }
        };
        self.guard.armed = false;
        let running = started_at.map_or(Duration::ZERO, |started| finished - started);
        let queued = started_at.unwrap_or(finished) - self.accepted_at;
        let images = self.download(images).await?;
        let timings = JobTimings {
            submit: self.submit,
            queued,
            running,
            fetch: finished.elapsed(),
        };
        Ok(JobOutput {
            images,
            prompt_id,
            server: server.url().to_owned(),
            timings,
        })
    }

    /// After events may have been lost: the job's images if it succeeded, `None` while it is still queued or
    /// running, or why it failed (including that ComfyUI forgot it, or stayed unreachable for longer than
    /// [`ClientOptions::reconnect_grace`](crate::ClientOptions)). `unreachable_since` is when the server
    /// stopped answering, `None` while it answers.
    async fn recover(
        &mut self,
        unreachable_since: &mut Option<tokio::time::Instant>,
    ) -> Result<Option<Vec<ImageRef>>, ComfyError> {
        let server = self.guard.server.clone();
        let prompt_id = &self.guard.prompt_id;
        let lookup = async {
            if let Some(entry) = server.history(prompt_id).await? {
                return Ok(Some(entry));
            }
            if server.is_queued(prompt_id).await? {
                return Ok(None);
            }
            // It may have finished between the two questions.
            match server.history(prompt_id).await? {
                Some(entry) => Ok(Some(entry)),
                None => Err(ComfyError::Lost {
                    url: server.url().to_owned(),
                    prompt_id: prompt_id.clone(),
                }),
            }
        };
        let answer = lookup.await;
        if !answer.as_ref().is_err_and(ComfyError::is_unreachable) {
            *unreachable_since = None;
        }
        match answer {
            Ok(Some(entry)) => match api::history_outcome(entry) {
                Ok(images) => Ok(Some(images)),
                Err(failure) => Err(self.failure(failure)),
            },
            Ok(None) => Ok(None),
            Err(ComfyError::Unreachable { url, reason }) => {
                let since = *unreachable_since.get_or_insert_with(tokio::time::Instant::now);
                let grace = server.options().reconnect_grace;
                if since.elapsed() < grace {
                    return Ok(None);
                }
                Err(ComfyError::Unreachable {
                    url,
                    reason: format!(
                        "{reason}, for {grace:?} while job {prompt_id} was running (the job is lost)"
                    ),
                })
            }
            Err(error) => Err(error),
        }
    }

    fn failure(&mut self, failure: JobFailure) -> ComfyError {
        self.guard.armed = false;
        let url = self.guard.server.url().to_owned();
        let prompt_id = self.guard.prompt_id.clone();
        match failure {
            JobFailure::Error {
                node_id,
                class_type,
                exception_type,
                message,
            } => ComfyError::Execution {
                url,
                node_id,
                class_type,
                exception_type,
                message,
            },
            JobFailure::Interrupted { node_id } => ComfyError::Interrupted {
                url,
                prompt_id,
                node: node_id,
            },
        }
    }

    /// Fetches the saved images (`type: output`); previews (`temp`) only when nothing was saved.
    async fn download(&self, mut images: Vec<ImageRef>) -> Result<Vec<RgbaImage>, ComfyError> {
        let server = &self.guard.server;
        if images.iter().any(|image| image.kind == "output") {
            images.retain(|image| image.kind == "output");
        }
        if images.is_empty() {
            return Err(ComfyError::NoImages {
                url: server.url().to_owned(),
                prompt_id: self.guard.prompt_id.clone(),
            });
        }
        futures::future::try_join_all(images.iter().map(|image| server.image(image))).await
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
