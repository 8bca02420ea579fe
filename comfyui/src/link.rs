//! What one server's WebSocket task and its jobs share: the socket's state and each job's route.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::{Notify, mpsc, watch};

use crate::api::JobEvent;
use crate::options::ClientOptions;

/// Whether the WebSocket to a server is open.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Health {
    Connecting,
    Up,
    Down(String),
}

/// Where the events of one submitted job go.
pub(crate) struct Route {
    pub client_id: String,
    pub events: mpsc::UnboundedSender<JobEvent>,
}

/// What the socket task and the jobs share; never locked across an await.
#[derive(Default)]
pub(crate) struct Link {
    /// The id of the open socket; `None` while disconnected.
    pub client_id: Option<String>,
    /// Jobs ComfyUI holds for everyone, from the last `status` frame.
    pub queue_remaining: usize,
    pub jobs: HashMap<String, Route>,
}

pub(crate) struct Shared {
    pub url: String,
    pub options: ClientOptions,
    pub link: Mutex<Link>,
    pub health: watch::Sender<Health>,
    pub retry_now: Notify,
}

impl Shared {
    pub fn connected(&self, client_id: &str) {
        let mut link = self.link.lock().expect("link lock");
        link.client_id = Some(client_id.to_owned());
        resync(&link, |route| route.client_id != client_id);
        drop(link);
        self.health.send_replace(Health::Up);
    }

    pub fn disconnected(&self, reason: String) {
        let mut link = self.link.lock().expect("link lock");
        link.client_id = None;
        resync(&link, |_| true);
        drop(link);
        self.health.send_replace(Health::Down(reason));
    }

    /// A `status` frame: the queue changed, so a job whose events went to an old socket may have finished.
    pub fn queue_changed(&self, queue_remaining: Option<u64>) {
        let mut link = self.link.lock().expect("link lock");
        if let Some(remaining) = queue_remaining {
            link.queue_remaining = usize::try_from(remaining).unwrap_or(usize::MAX);
        }
        let current = link.client_id.clone();
        resync(&link, |route| Some(&route.client_id) != current.as_ref());
    }

    pub fn route(&self, prompt_id: &str, event: JobEvent) {
        if let Some(route) = self.link.lock().expect("link lock").jobs.get(prompt_id) {
            let _ = route.events.send(event);
        }
    }
}

pub(crate) fn resync(link: &Link, orphaned: impl Fn(&Route) -> bool) {
    for route in link.jobs.values().filter(|route| orphaned(route)) {
        let _ = route.events.send(JobEvent::Resync);
    }
}
