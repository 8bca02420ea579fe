//! Several ComfyUI servers behind one entry point: each job goes to the least loaded server whose socket is
//! open; a server that cannot be reached is skipped and retried in the background.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::api::SystemStats;
use crate::error::ComfyError;
use crate::job::{JobOutput, JobProgress, JobSpec, OnProgress};
use crate::options::ClientOptions;
use crate::server::Server;
use crate::upload::Uploads;
use crate::workflow::Models;

/// ComfyUI servers that share the work.
#[derive(Debug, Clone)]
pub struct Pool {
    servers: Vec<Server>,
}

/// What `doctor` and `/healthz` show about one server.
#[derive(Debug)]
pub struct ServerStatus {
    pub url: String,
    /// `/system_stats` and how long the server took to answer it, or why it could not.
    pub stats: Result<(SystemStats, Duration), ComfyError>,
    /// Jobs ComfyUI reported waiting or running (everyone's), from its last `status` message.
    pub queue_remaining: usize,
    /// Our jobs on it that have not finished.
    pub in_flight: usize,
}

impl Pool {
    /// A pool with default timeouts. Connections open on first use.
    pub fn new(urls: Vec<String>) -> Self {
        Self::with_options(urls, ClientOptions::default())
    }

    pub fn with_options(urls: Vec<String>, options: ClientOptions) -> Self {
        Self {
            servers: urls
                .iter()
                .map(|url| Server::new(url, options.clone()))
                .collect(),
        }
    }

    /// Opens every server's connection now rather than on the first job; says for each whether it could.
    pub async fn connect(&self) -> Vec<Result<(), ComfyError>> {
        futures::future::join_all(self.servers.iter().map(Server::wait_up)).await
    }

    /// The servers, for per-server checks such as `doctor`.
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }

    /// Runs one job on the least loaded reachable server. `on_progress` hears of each step; cancelling
    /// `cancel` (or dropping the future) removes the job from ComfyUI's queue or interrupts it.
    pub async fn run(
        &self,
        job: JobSpec,
        on_progress: impl Fn(JobProgress) + Send + Sync + 'static,
        cancel: CancellationToken,
    ) -> Result<JobOutput, ComfyError> {
        self.submit(&job, Arc::new(on_progress), cancel, &Uploads::default())
            .await?
            .wait()
            .await
    }

    /// Runs many jobs, submitting all of them before waiting for any, so ComfyUI always has the next job
    /// queued and the GPU never waits for us. Results come back in the order of `jobs`; one job failing does
    /// not fail the others. `on_progress` gets the index of the job it is about.
    pub async fn run_batch(
        &self,
        jobs: Vec<JobSpec>,
        on_progress: impl Fn(usize, JobProgress) + Send + Sync + 'static,
        cancel: CancellationToken,
    ) -> Vec<Result<JobOutput, ComfyError>> {
        let on_progress = Arc::new(on_progress);
        let mut results: Vec<Option<Result<JobOutput, ComfyError>>> =
            jobs.iter().map(|_| None).collect();
        let (submitted_tx, mut submitted) = mpsc::unbounded_channel();
        let submit_all = async move {
            let uploads = Uploads::default();
            for (index, job) in jobs.iter().enumerate() {
                let on_progress = on_progress.clone();
                let progress: OnProgress = Arc::new(move |progress| on_progress(index, progress));
                let job = self.submit(job, progress, cancel.clone(), &uploads).await;
                let _ = submitted_tx.send((index, job));
            }
        };
        let wait_all = async {
            let mut waiting = FuturesUnordered::new();
            loop {
                tokio::select! {
                    Some((index, submitted)) = submitted.recv() => match submitted {
                        Ok(job) => waiting.push(async move { (index, job.wait().await) }),
                        Err(error) => results[index] = Some(Err(error)),
                    },
                    Some((index, result)) = waiting.next() => results[index] = Some(result),
                    else => break,
                }
            }
        };
        tokio::join!(submit_all, wait_all);
        results
            .into_iter()
            .map(|result| result.expect("every job ends with a result"))
            .collect()
    }

    /// Each server's health, versions, devices, round trip and load.
    pub async fn status(&self) -> Vec<ServerStatus> {
        let asks = self.servers.iter().map(|server| async move {
            let started = Instant::now();
            let stats = server
                .system_stats()
                .await
                .map(|stats| (stats, started.elapsed()));
            ServerStatus {
                url: server.url().to_owned(),
                stats,
                queue_remaining: server.queue_remaining(),
                in_flight: server.in_flight(),
            }
        });
        futures::future::join_all(asks).await
    }

    /// Checkpoints, LoRAs, samplers and schedulers of the first server that answers.
    pub async fn models(&self) -> Result<Models, ComfyError> {
        let mut last_error = ComfyError::NoServers;
        for server in &self.servers {
            match server.models().await {
                Ok(models) => return Ok(models),
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }

    /// Submits to the least loaded server, moving on to the next when one cannot be reached; a job's
    /// init image goes to the server it is submitted to.
    async fn submit(
        &self,
        job: &JobSpec,
        on_progress: OnProgress,
        cancel: CancellationToken,
        uploads: &Uploads,
    ) -> Result<crate::job::SubmittedJob, ComfyError> {
        let mut skipped: Vec<&str> = Vec::new();
        let mut reasons = Vec::new();
        loop {
            let server = match self.pick(&skipped).await {
                Ok(server) => server,
                Err(error) if reasons.is_empty() => return Err(error),
                Err(_) => return Err(all_unreachable(reasons)),
            };
            match server
                .submit_job(job, on_progress.clone(), cancel.clone(), uploads)
                .await
            {
                Err(ComfyError::Unreachable { url, reason }) => {
                    skipped.push(server.url());
                    reasons.push((url, reason));
                }
                other => return other,
            }
        }
    }

    /// The least loaded server whose socket is open; if none is, the first one to open.
    async fn pick(&self, skipped: &[&str]) -> Result<&Server, ComfyError> {
        let candidates: Vec<&Server> = self
            .servers
            .iter()
            .filter(|s| !skipped.contains(&s.url()))
            .collect();
        if candidates.is_empty() {
            return Err(ComfyError::NoServers);
        }
        if let Some(server) = candidates
            .iter()
            .filter(|s| s.is_up())
            .min_by_key(|s| s.load())
        {
            return Ok(server);
        }
        let mut opening: FuturesUnordered<_> = candidates
            .iter()
            .map(|server| async move { server.wait_up().await.map(|()| *server) })
            .collect();
        let mut reasons = Vec::new();
        while let Some(opened) = opening.next().await {
            match opened {
                Ok(server) => return Ok(server),
                Err(ComfyError::Unreachable { url, reason }) => reasons.push((url, reason)),
                Err(error) => return Err(error),
            }
        }
        Err(all_unreachable(reasons))
    }
}

/// One error naming every server that could not be reached, and why.
fn all_unreachable(mut reasons: Vec<(String, String)>) -> ComfyError {
    if reasons.len() == 1 {
        let (url, reason) = reasons.remove(0);
        return ComfyError::Unreachable { url, reason };
    }
    let url = reasons
        .iter()
        .map(|(url, _)| url.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let reason = reasons
        .iter()
        .map(|(url, reason)| format!("{url}: {reason}"))
        .collect::<Vec<_>>()
        .join("; ");
    ComfyError::Unreachable { url, reason }
}
