//! How long to wait for a ComfyUI server, its requests and its jobs.

use std::time::Duration;

/// Timeouts for talking to ComfyUI.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    /// How long to wait for a server to accept a connection before calling it unreachable.
    pub connect_timeout: Duration,
    /// Limit for one HTTP request (not for a job, which may run for minutes).
    pub request_timeout: Duration,
    /// Limit for a whole job from submission to images; `None` waits as long as the server works on it.
    pub job_timeout: Option<Duration>,
    /// How long a running job waits for its server to answer again after the connection dropped,
    /// before it fails naming the server. Long enough for a network blip or a tunnel that
    /// reconnects; short enough that a ComfyUI that died is reported within seconds (a restarted
    /// ComfyUI has forgotten the job anyway).
    pub reconnect_grace: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            job_timeout: None,
            reconnect_grace: Duration::from_secs(3),
        }
    }
}
