//! State shared by every session and transport: created once per process.

use std::sync::{Arc, Mutex, OnceLock};

use std::sync::atomic::{AtomicU64, Ordering};

use rmcp::service::SubscriptionSink;
use rmcp::task_manager::TaskManager;
use rmcp::{Peer, RoleServer};

use crate::config::Config;
use crate::generation::Generator;

/// State shared by every session and transport: created once per process.
pub struct AppState {
    pub generator: Generator,
    pub config: Config,
    /// Calls running as MCP tasks, reachable from any session by id.
    pub tasks: TaskManager,
    /// The style resources `resources/list` shows, made on first use.
    pub style_resources: OnceLock<Vec<rmcp::model::Resource>>,
    /// Connected clients, told when the sprite list changes.
    peers: Mutex<Vec<Peer<RoleServer>>>,
    /// Open `subscriptions/listen` streams (2026-07-28, which has no sessions), told the same.
    listeners: Mutex<Vec<(u64, SubscriptionSink)>>,
    next_listener: AtomicU64,
    /// Wakes the announcer; many changes in a burst become one notification per session.
    sprites_changed: Arc<tokio::sync::Notify>,
}

/// The shortest gap between two `list_changed` notifications to one session.
const ANNOUNCE_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

impl AppState {
    /// Shared state; must be created inside a Tokio runtime (it starts the announcer task).
    pub fn new(generator: Generator, config: Config) -> Arc<Self> {
        let state = Arc::new(Self {
            generator,
            config,
            tasks: TaskManager::new(),
            style_resources: OnceLock::new(),
            peers: Mutex::new(Vec::new()),
            listeners: Mutex::new(Vec::new()),
            next_listener: AtomicU64::new(0),
            sprites_changed: Arc::new(tokio::sync::Notify::new()),
        });
        let weak = Arc::downgrade(&state);
        let changed = state.sprites_changed.clone();
        tokio::spawn(async move {
            loop {
                changed.notified().await;
                let Some(state) = weak.upgrade() else { return };
                state.send_list_changed().await;
                drop(state);
                tokio::time::sleep(ANNOUNCE_EVERY).await;
            }
        });
        state
    }

    /// Tells every session, soon, that `resources/list` changed. Bursts (a batch, many clients
    /// generating at once) coalesce, so the cost does not grow with sessions × sprites.
    pub fn announce_new_sprites(&self) {
        self.sprites_changed.notify_one();
    }

    /// Sends `notifications/resources/list_changed` to every live session and listen stream,
    /// forgetting closed ones.
    async fn send_list_changed(&self) {
        let listeners: Vec<_> = self.listeners.lock().expect("listener lock").clone();
        for (key, sink) in &listeners {
            if sink.notify_resource_list_changed().await.is_err() {
                self.unlisten(*key);
            }
        }

        let peers: Vec<_> = self.peers.lock().expect("peer list lock").clone();
        let mut any_closed = false;
        for peer in &peers {
            any_closed |=
                peer.is_transport_closed() || peer.notify_resource_list_changed().await.is_err();
        }
        if any_closed {
            let mut live = self.peers.lock().expect("peer list lock");
            live.retain(|peer| !peer.is_transport_closed());
        }
    }

    /// Starts telling a listen stream about changes; returns the key that [`Self::unlisten`] takes.
    pub(crate) fn listen(&self, sink: SubscriptionSink) -> u64 {
        let key = self.next_listener.fetch_add(1, Ordering::Relaxed);
        self.listeners
            .lock()
            .expect("listener lock")
            .push((key, sink));
        key
    }

    /// Forgets a listen stream that ended.
    pub(crate) fn unlisten(&self, key: u64) {
        self.listeners
            .lock()
            .expect("listener lock")
            .retain(|(k, _)| *k != key);
    }

    pub(crate) fn register(&self, peer: Peer<RoleServer>) {
        let mut peers = self.peers.lock().expect("peer list lock");
        peers.retain(|p| !p.is_transport_closed());
        peers.push(peer);
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("generator", &self.generator)
            .field("config", &self.config)
            .field("running_tasks", &self.tasks.running_task_count())
            .finish_non_exhaustive()
    }
}
